"""Claim the upload, split the object into batches of rows with a Distributed Map that reads it from S3, mark it complete."""

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .map_io import PrefixScopedCsvReader, PrefixScopedResultWriter

# How the Distributed Map splits a large file. Each setting is argued on the pattern's page.
MAX_ITEMS_PER_BATCH = 500  # one Lambda invocation and one DynamoDB write per 500 rows
MAX_INPUT_BYTES_PER_BATCH = 128 * 1024  # well under the 256 KiB a child execution's input may hold
MAX_CONCURRENCY = 5  # bounded so one file cannot take a new account's whole Lambda concurrency
TOLERATED_FAILURE_PERCENTAGE = 5  # up to 5% of rows in failed batches before the run fails; each failure still alarms
LABEL = "batches"  # AWS/States publishes the child executions' metrics for "<state machine ARN>/batches"

# The object key as GetObject wants it: S3 URL-encodes keys in events (a space arrives as `+`).
OBJECT_KEY = "$decodeUrlComponent($replace($states.input.detail.object.key, '+', ' '))"
UPLOAD_ID = "$states.input.detail.bucket.name & '/' & $states.input.detail.object.key & '@' & $states.input.detail.object.sequencer"


def large_file_workflow(
    scope: Construct,
    *,
    bucket: s3.IBucket,
    upload_prefix: str,
    results_prefix: str,
    totals: dynamodb.TableV2,
    batch_processor: lambda_.IFunction,
) -> tuple[sfn.StateMachine, logs.LogGroup]:
    claim = tasks.DynamoPutItem.jsonata(
        scope,
        "Claim upload",
        comment="One execution per upload: a second event for the same write fails the condition and stops here.",
        table=totals,
        item={
            "uploadId": tasks.DynamoAttributeValue.from_string(f"{{% {UPLOAD_ID} %}}"),
            "objectKey": tasks.DynamoAttributeValue.from_string(f"{{% {OBJECT_KEY} %}}"),
            "status": tasks.DynamoAttributeValue.from_string("PROCESSING"),
        },
        condition_expression="attribute_not_exists(uploadId)",
        assign={"uploadId": f"{{% {UPLOAD_ID} %}}"},
        outputs=f'{{% {{"key": {OBJECT_KEY}, "uploadId": {UPLOAD_ID}}} %}}',
    )
    claim.add_retry(
        errors=["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException", "DynamoDB.InternalServerErrorException"],
        interval=Duration.seconds(1),
        max_attempts=3,
        backoff_rate=2,
        jitter_strategy=sfn.JitterType.FULL,
    )
    duplicate = sfn.Succeed.jsonata(scope, "Already processed", comment="A redelivered event for an upload another execution has claimed.")
    claim.add_catch(duplicate, errors=["DynamoDB.ConditionalCheckFailedException"])

    process_batch = tasks.LambdaInvoke.jsonata(
        scope,
        "Process batch",
        lambda_function=batch_processor,
        outputs="{% $states.result.Payload %}",
        # The explicit Retry below replaces CDK's default of six attempts on Lambda service errors.
        retry_on_service_exceptions=False,
    )
    # Lambda errors worth another try: throttling and service faults, and a batch that hit a transient DynamoDB error.
    process_batch.add_retry(
        errors=["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "States.TaskFailed"],
        interval=Duration.seconds(2),
        max_attempts=3,
        backoff_rate=2,
        jitter_strategy=sfn.JitterType.FULL,
    )

    process_rows = sfn.DistributedMap.jsonata(
        scope,
        "Process rows",
        comment="Reads the CSV object itself, 500 rows to a child execution, five at a time.",
        item_reader=PrefixScopedCsvReader(bucket, upload_prefix, "{% $states.input.key %}"),
        item_batcher=sfn.ItemBatcher(
            max_items_per_batch=MAX_ITEMS_PER_BATCH,
            max_input_bytes_per_batch=MAX_INPUT_BYTES_PER_BATCH,
            batch_input={"uploadId": "{% $states.input.uploadId %}", "objectKey": "{% $states.input.key %}"},
        ),
        max_concurrency=MAX_CONCURRENCY,
        tolerated_failure_percentage=TOLERATED_FAILURE_PERCENTAGE,
        label=LABEL,
        # Express children: a batch takes seconds and is idempotent, so the cheaper at-least-once type fits.
        map_execution_type=sfn.StateMachineType.EXPRESS,
        # Thousands of batch results would overflow the 256 KiB state output; they go to S3 instead.
        result_writer_v2=PrefixScopedResultWriter(
            bucket, results_prefix, sfn.WriterConfig(output_type=sfn.OutputType.JSONL, transformation=sfn.Transformation.COMPACT)
        ),
    )
    process_rows.item_processor(process_batch)

    complete = tasks.DynamoUpdateItem.jsonata(
        scope,
        "Mark complete",
        table=totals,
        key={"uploadId": tasks.DynamoAttributeValue.from_string("{% $uploadId %}")},
        update_expression="SET #status = :complete, mapResults = :manifest",
        expression_attribute_names={"#status": "status"},
        expression_attribute_values={
            ":complete": tasks.DynamoAttributeValue.from_string("COMPLETE"),
            ":manifest": tasks.DynamoAttributeValue.from_string("{% $states.input.ResultWriterDetails.Key %}"),
        },
    )

    log_group = logs.LogGroup(scope, "LargeFileWorkflowLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    state_machine = sfn.StateMachine(
        scope,
        "LargeFileWorkflow",
        comment="Processes one large CSV upload in batches of rows with a Distributed Map.",
        query_language=sfn.QueryLanguage.JSONATA,
        definition_body=sfn.DefinitionBody.from_chainable(claim.next(process_rows).next(complete)),
        timeout=Duration.hours(2),
        tracing_enabled=True,
        # Errors only, without execution data: rows are business data, and a 10-million-row file would log millions of events.
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ERROR, include_execution_data=False),
    )
    return state_machine, log_group
