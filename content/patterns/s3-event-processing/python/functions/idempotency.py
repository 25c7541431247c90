"""Idempotency settings shared by both processors."""

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

# S3 and EventBridge redeliver within minutes, and EventBridge retries a target for up to a day,
# so a day covers every redelivery. DynamoDB's TTL then deletes the record.
REMEMBER_FOR_SECONDS = 24 * 60 * 60

# A small file is identified by the write that created it: bucket, key and S3's sequencer for that write.
SMALL_FILE_KEY = "detail.[bucket.name, object.key, object.sequencer]"

# A batch is identified by its upload and its rows; a retried or repeated batch carries both unchanged.
BATCH_KEY = "[BatchInput.uploadId, Items]"


def idempotency_config(event_key_jmespath: str) -> IdempotencyConfig:
    # An event without any key field is malformed: fail it rather than process it unprotected.
    return IdempotencyConfig(
        event_key_jmespath=event_key_jmespath,
        expires_after_seconds=REMEMBER_FOR_SECONDS,
        raise_on_no_idempotency_key=True,
    )
