"""A rule on the shared bus feeding one consumer of the subscribing service.

Retries and the service's own dead-letter queue cover both hops: delivery by EventBridge and
processing by Lambda.
"""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from serverless_microservices.service_function import service_function

# EventBridge retries a failed delivery this often, for at most this long.
DELIVERY_RETRIES = 4
DELIVERY_MAX_AGE = Duration.hours(2)
# Lambda retries a consumer that throws this often.
PROCESSING_RETRIES = 2


def grant_publish_as(bus: events.IEventBus, fn: lambda_.IFunction, source: str) -> None:
    """Lets a function publish on the shared bus, and only events whose source is its own service's.

    A bug in one service cannot pass its events off as the other's (the rules match on source).
    """
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["events:PutEvents"],
            resources=[bus.event_bus_arn],
            # ForAllValues: a PutEvents call may carry several entries, and every one must have this source.
            conditions={"ForAllValues:StringEquals": {"events:source": [source]}},
        )
    )


def dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    """The dead-letter queue a service keeps for the events it could not handle."""
    queue = sqs.Queue(scope, construct_id, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=Duration.days(14))
    Validations.of(queue).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself the dead-letter queue for the rule target and the consumer; it has nowhere further to send.",
        ),
        Acknowledgment(id="Serverless-SQSRedrivePolicy", reason="This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive."),
    )
    return queue


def event_consumer(
    scope: Construct,
    *,
    rule_id: str,
    function_id: str,
    handler: str,
    description: str,
    bus: events.IEventBus,
    event_pattern: events.EventPattern,
    dead_letters: sqs.Queue,
    environment: dict[str, str],
) -> tuple[events.Rule, lambda_.Function]:
    consumer = service_function(
        scope,
        function_id,
        handler,
        description,
        environment=environment,
        retry_attempts=PROCESSING_RETRIES,
        max_event_age=DELIVERY_MAX_AGE,
        on_failure=destinations.SqsDestination(dead_letters),
    )
    Validations.of(consumer).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="An on-failure destination to the service's dead-letter queue replaces the legacy function DLQ and also records the error.",
        )
    )
    rule = events.Rule(
        scope,
        rule_id,
        event_bus=bus,
        description=description,
        event_pattern=event_pattern,
        targets=[targets.LambdaFunction(consumer, retry_attempts=DELIVERY_RETRIES, max_event_age=DELIVERY_MAX_AGE, dead_letter_queue=dead_letters)],
    )
    return rule, consumer
