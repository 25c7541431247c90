"""One service of the saga: its own table, function and dead-letter queue, and a rule per event it reacts to.

Nothing in here knows what the other services do with the events it publishes.
"""

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs

from functions.contract import EVENT_TYPES, published_by

from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# EventBridge retries handing an event to a service this often, for at most this long, then parks it in the service's DLQ.
DELIVERY_RETRIES = 4
DELIVERY_MAX_AGE = Duration.hours(1)
# Lambda retries a handler that raised this often, for events at most this old, then parks a failure record in the same DLQ.
HANDLER_RETRIES = 2
HANDLER_MAX_AGE = Duration.hours(1)

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


@dataclass
class SagaService:
    table: dynamodb.TableV2
    fn: lambda_.Function
    dlq: sqs.Queue
    rules: list[events.Rule]


def add_saga_service(
    stack: Stack,
    *,
    name: str,
    handler: str,
    source: str,
    reacts_to: list[str],
    table_actions: list[str],
    bus: events.IEventBus,
    ops: Operations,
) -> SagaService:
    """name prefixes every construct id the service owns; handler is module.function under functions/."""
    table = dynamodb.TableV2(
        stack,
        f"{name}Table",
        partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
        billing=dynamodb.Billing.on_demand(),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        # Demo data: nothing is left behind on `cdk destroy`.
        removal_policy=RemovalPolicy.DESTROY,
    )

    # Both failure hops of this service land here: events EventBridge could not deliver, and
    # invocations Lambda gave up on. One queue per service, so its owners see only their failures.
    dlq = sqs.Queue(
        stack,
        f"{name}Dlq",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
    )

    log_group = logs.LogGroup(stack, f"{name}ServiceLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    # An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
    role = iam.Role(
        stack,
        f"{name}ServiceRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{name} service: its own table, its own events on the saga bus, its own logs.",
    )
    log_group.grant_write(role)

    fn = lambda_.Function(
        stack,
        f"{name}Service",
        role=role,
        log_group=log_group,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler=handler,
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=Duration.seconds(10),
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        environment={"TABLE_NAME": table.table_name, "EVENT_BUS_NAME": bus.event_bus_name},
        # Second hop: the handler received the event and raised (DynamoDB or PutEvents failed, or the event broke the contract).
        retry_attempts=HANDLER_RETRIES,
        max_event_age=HANDLER_MAX_AGE,
        on_failure=destinations.SqsDestination(dlq),
    )

    # Least privilege: this service's table only, with only the writes its state machine needs.
    table.grant(fn, *table_actions)
    # PutEvents on the saga bus only, and only as itself: a service cannot publish another's events.
    # The operators follow AWS's example bus policy: events:source may hold one value per entry, so it
    # takes ForAllValues, and the Null check stops a request without the key from passing ForAllValues.
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["events:PutEvents"],
            resources=[bus.event_bus_arn],
            conditions={
                "ForAllValues:StringEquals": {"events:source": [source]},
                "Null": {"events:source": "false"},
                "StringEquals": {"events:detail-type": published_by(source)},
            },
        )
    )

    rules = [
        events.Rule(
            stack,
            f"{name}On{detail_type}",
            event_bus=bus,
            description=f"{detail_type} from {EVENT_TYPES[detail_type]} to the {name} service.",
            # Source and detail type together: an event of the right name from the wrong service does not match.
            event_pattern=events.EventPattern(source=[EVENT_TYPES[detail_type]], detail_type=[detail_type]),
            targets=[
                # First hop: EventBridge could not invoke the function at all (throttled, deleted, no permission).
                targets.LambdaFunction(fn, retry_attempts=DELIVERY_RETRIES, max_event_age=DELIVERY_MAX_AGE, dead_letter_queue=dlq)
            ],
        )
        for detail_type in reacts_to
    ]

    ops.queue_not_empty(
        f"{name}DlqAlarm",
        dlq,
        f"An order's saga stopped at the {name} service: an event was not delivered to {name}Service, or the handler failed on it three times. "
        f"Read the message in {name}Dlq (the event is its body, or requestPayload in a Lambda failure record), fix the cause, then put the event on the bus again.",
    )
    ops.function_errors(
        f"{name}ServiceErrorsAlarm",
        fn,
        f"{name}Service threw on an event. Lambda retries it twice and then parks it in {name}Dlq; check {name}ServiceLogs for the error.",
    )

    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    Validations.of(fn).acknowledge(
        *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason=f"An on-failure destination to {name}Dlq replaces the legacy function DLQ and also records the error.",
        ),
    )
    Validations.of(dlq).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself the dead-letter queue of the service; it has nowhere further to send.",
        )
    )
    Validations.of(dlq).acknowledge(
        Acknowledgment(
            id="Serverless-SQSRedrivePolicy",
            reason="This queue is itself the dead-letter queue of the service; messages stay 14 days for inspection and replay.",
        )
    )

    return SagaService(table=table, fn=fn, dlq=dlq, rules=rules)
