"""One Standard state machine for both sizes of job.

A Choice reads the input: a list of orders goes to an inline Map, a manifest key to a Distributed
Map; anything else fails at once with a named error.
"""

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .prefix_scoped_io import PrefixScopedJsonReader, PrefixScopedResultWriter

# Manifests are read from here; the state machine may read nothing else in the bucket.
MANIFEST_PREFIX = "manifests/"
# Map Run results are written here; the state machine may write nowhere else.
RESULTS_PREFIX = "results/"


class INLINE:
    """Small jobs: the orders travel in the execution input and run in the parent's own history."""

    # At most this many orders at once, so one job never takes more than ten Lambda environments.
    max_concurrency = 10
    # Larger lists are refused and must come as a manifest: see the page for the history arithmetic.
    max_orders = 400


class DISTRIBUTED:
    """Large jobs: a JSON array in S3, read by the Distributed Map itself, batched into Express children."""

    # Orders per child execution, so one Lambda invocation prices up to 100 orders.
    max_items_per_batch = 100
    # And at most 128 KiB of them, half of the 256 KiB a child execution's input may hold.
    max_input_bytes_per_batch = 128 * 1024
    # Child executions at once; with one invocation per child, also the worker's peak concurrency.
    max_concurrency = 20
    # The Map Run fails when more than 5% of orders sit in failed or timed-out children.
    tolerated_failure_percentage = 5
    # Names the Map Run, and the AWS/States metrics of its child executions.
    label = "PriceOrders"


# Transient Lambda errors, throttling included; anything else is not worth another try.
RETRY_TRANSIENT = {
    "errors": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    "interval": Duration.seconds(2),
    "max_attempts": 4,
    "backoff_rate": 2,
    "max_delay": Duration.seconds(30),
    "jitter_strategy": sfn.JitterType.FULL,
}


@dataclass(frozen=True)
class PricingJob:
    state_machine: sfn.StateMachine
    logs: logs.LogGroup


def pricing_job(scope: Construct, *, bucket: s3.IBucket, worker: lambda_.IFunction) -> PricingJob:
    # ---- Inline: one Lambda call per order, ten at a time, each failure kept as a result.
    price_order = tasks.LambdaInvoke(
        scope,
        "Price order",
        lambda_function=worker,
        output_path="$.Payload",
        # The Retry below replaces CDK's default retry of Lambda service errors.
        retry_on_service_exceptions=False,
    )
    price_order.add_retry(**RETRY_TRANSIENT)
    record_failure = sfn.Pass(
        scope,
        "Record failed order",
        comment="Keeps the error name only: a Lambda cause can be kilobytes, and the Standard history has it anyway.",
        parameters={"index": sfn.JsonPath.number_at("$.index"), "status": "FAILED", "error": sfn.JsonPath.string_at("$.failure.Error")},
    )
    price_order.add_catch(record_failure, errors=["States.ALL"], result_path="$.failure")

    inline = sfn.Map(
        scope,
        "Price inline orders",
        comment="One iteration per order in $.items, at most ten at a time.",
        items_path="$.items",
        item_selector={"index": sfn.JsonPath.number_at("$$.Map.Item.Index"), "order": sfn.JsonPath.object_at("$$.Map.Item.Value")},
        max_concurrency=INLINE.max_concurrency,
        # The input orders are dropped here: only the sorted results travel on, so the output stays small.
        result_selector={
            "priced": sfn.JsonPath.list_at("$[?(@.status == 'PRICED')]"),
            "rejected": sfn.JsonPath.list_at("$[?(@.status == 'REJECTED')]"),
            "failed": sfn.JsonPath.list_at("$[?(@.status == 'FAILED')]"),
        },
    )
    inline.item_processor(price_order)
    summarise_inline = sfn.Pass(
        scope,
        "Summarise inline job",
        parameters={
            "mode": "inline",
            "pricedCount": sfn.JsonPath.array_length(sfn.JsonPath.list_at("$.priced")),
            "rejectedCount": sfn.JsonPath.array_length(sfn.JsonPath.list_at("$.rejected")),
            "failedCount": sfn.JsonPath.array_length(sfn.JsonPath.list_at("$.failed")),
            "priced": sfn.JsonPath.list_at("$.priced"),
            "rejected": sfn.JsonPath.list_at("$.rejected"),
            "failed": sfn.JsonPath.list_at("$.failed"),
        },
    )

    # ---- Distributed: the manifest is read from S3 by the Map itself, 100 orders to an Express child.
    price_batch = tasks.LambdaInvoke(scope, "Price batch", lambda_function=worker, output_path="$.Payload", retry_on_service_exceptions=False)
    price_batch.add_retry(**RETRY_TRANSIENT)

    distributed = sfn.DistributedMap(
        scope,
        "Price manifest orders",
        comment="Reads the manifest named in $.manifest.key; 100 orders per Express child, twenty children at a time.",
        item_reader=PrefixScopedJsonReader(bucket, MANIFEST_PREFIX, sfn.JsonPath.string_at("$.manifest.key")),
        item_selector={"index": sfn.JsonPath.number_at("$$.Map.Item.Index"), "order": sfn.JsonPath.object_at("$$.Map.Item.Value")},
        item_batcher=sfn.ItemBatcher(
            max_items_per_batch=DISTRIBUTED.max_items_per_batch,
            max_input_bytes_per_batch=DISTRIBUTED.max_input_bytes_per_batch,
            batch_input={"manifestKey.$": "$.manifest.key"},
        ),
        max_concurrency=DISTRIBUTED.max_concurrency,
        tolerated_failure_percentage=DISTRIBUTED.tolerated_failure_percentage,
        label=DISTRIBUTED.label,
        # Express children: a batch is pure computation that takes well under a second, and safe to run twice.
        map_execution_type=sfn.StateMachineType.EXPRESS,
        # One JSON line per order (FLATTEN unpacks each child's array), instead of an output that would overflow 256 KiB.
        result_writer_v2=PrefixScopedResultWriter(
            bucket,
            RESULTS_PREFIX,
            sfn.WriterConfig(output_type=sfn.OutputType.JSONL, transformation=sfn.Transformation.FLATTEN),
        ),
        result_selector={
            "mode": "manifest",
            "mapRunArn": sfn.JsonPath.string_at("$.MapRunArn"),
            "results": sfn.JsonPath.object_at("$.ResultWriterDetails"),
        },
    )
    distributed.item_processor(price_batch)

    # ---- Routing. Rules are tried in order, and each tests one field that an earlier rule has shown to exist.
    invalid = sfn.Fail(
        scope,
        "Invalid job",
        error="InvalidJob",
        cause=f'Send {{"items": [ ...1 to {INLINE.max_orders} orders ]}} or {{"manifest": {{"key": "{MANIFEST_PREFIX}<name>.json"}}}}.',
    )
    too_many = sfn.Fail(
        scope,
        "Too many inline orders",
        error="TooManyInlineOrders",
        cause=f'More than {INLINE.max_orders} orders: upload them as a JSON array under {MANIFEST_PREFIX} and send {{"manifest": {{"key": ...}}}}.',
    )
    route = (
        sfn.Choice(scope, "Route job", comment="Inline list or S3 manifest?")
        .when(sfn.Condition.is_present(f"$.items[{INLINE.max_orders}]"), too_many)
        .when(sfn.Condition.is_present("$.items[0]"), inline.next(summarise_inline))
        .when(sfn.Condition.is_not_present("$.manifest.key"), invalid)
        .when(sfn.Condition.is_not_string("$.manifest.key"), invalid)
        .when(sfn.Condition.string_matches("$.manifest.key", f"{MANIFEST_PREFIX}*"), distributed)
        .otherwise(invalid)
    )

    log_group = logs.LogGroup(scope, "PricingJobLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    state_machine = sfn.StateMachine(
        scope,
        "PricingJob",
        comment="Prices a job of orders: inline Map for short lists, Distributed Map over an S3 manifest for long ones.",
        state_machine_type=sfn.StateMachineType.STANDARD,
        definition_body=sfn.DefinitionBody.from_chainable(route),
        timeout=Duration.hours(1),
        tracing_enabled=True,
        # Errors only, without order data: a Standard execution keeps its full history for 90 days anyway.
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ERROR, include_execution_data=False),
    )
    return PricingJob(state_machine=state_machine, logs=log_group)
