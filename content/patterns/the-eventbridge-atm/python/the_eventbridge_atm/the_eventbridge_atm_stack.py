"""A REST API and producer put ATM transactions on a custom bus; four rules route them to consumers."""

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.transaction import (
    ACTIONS,
    DETAIL_TYPE,
    EVENT_SOURCE,
    LOCATION_PATTERN,
    MAX_AMOUNT,
    MAX_TRANSACTIONS,
    RESULT_PATTERN,
    TRANSACTION_ID_PATTERN,
)

from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Withdrawals at or above this amount also go to fraud review, whatever their result.
LARGE_WITHDRAWAL = 1000

# EventBridge retries a failed delivery to a consumer this often, for at most this long.
DELIVERY_RETRIES = 4
DELIVERY_MAX_AGE = Duration.hours(1)

# Lambda retries a consumer that raises this often, for events at most this old.
PROCESSING_RETRIES = 2
PROCESSING_MAX_AGE = Duration.hours(1)

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def envelope_first(rule: events.Rule) -> None:
    """Writes the rule's pattern with source and detail-type first, then detail, as the TypeScript app does.

    jsii hands the EventPattern struct over with its keys in alphabetical order; EventBridge does not
    care, but the template should read the same in both languages.
    """
    cfn_rule = rule.node.default_child
    rendered = Stack.of(rule).resolve(cfn_rule.event_pattern)  # type: ignore[union-attr]
    order = ["source", "detail-type", *(key for key in rendered if key not in ("source", "detail-type"))]
    # Replaces the rule's lazy rendering; call this after the rule's pattern is complete.
    cfn_rule.event_pattern = {key: rendered[key] for key in order if key in rendered}  # type: ignore[union-attr]


class TheEventbridgeAtmStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # A bus of its own keeps ATM traffic, its rules and its permissions apart from the account's default bus.
        self.bus = events.EventBus(self, "AtmEvents", description="ATM transaction events from the producer.")

        # One place to look for anything a consumer never handled: EventBridge parks undeliverable
        # events here, and Lambda sends a failure record here once a consumer's retries run out.
        self.failed_events = sqs.Queue(
            self,
            "FailedEvents",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )

        common = {"source": [EVENT_SOURCE], "detail_type": [DETAIL_TYPE]}
        consumers = {
            "Approved": self._add_consumer(
                "Approved", "approved", "Exact match: result is approved.",
                events.EventPattern(**common, detail={"result": ["approved"]}),
            ),
            "NewYork": self._add_consumer(
                "NewYork", "new-york", "Prefix match: the location starts with NY-.",
                events.EventPattern(**common, detail={"location": events.Match.prefix("NY-")}),
            ),
            "Declined": self._add_consumer(
                "Declined", "declined", "Anything-but match: every result except approved.",
                events.EventPattern(**common, detail={"result": events.Match.anything_but("approved")}),
            ),
            "LargeWithdrawal": self._add_consumer(
                "LargeWithdrawal", "large-withdrawal", f"Numeric match: withdrawals of {LARGE_WITHDRAWAL} or more.",
                events.EventPattern(
                    **common,
                    detail={"action": ["withdrawal"], "amount": events.Match.greater_than_or_equal(LARGE_WITHDRAWAL)},
                ),
            ),
        }

        producer = self._add_producer()
        self._add_api(producer)

        # Someone is told: the queue both hops fail into, and every consumer's errors, notify one topic.
        ops = Operations(self, "Operations")
        ops.queue_not_empty(
            "FailedEventsAlarm",
            self.failed_events,
            "A transaction event was not delivered to a consumer, or a consumer failed on it after two retries. "
            "Read the messages in FailedEvents for the rule or function and the error, fix the cause, then replay them.",
        )
        for name, consumer in consumers.items():
            ops.function_errors(
                f"{name}ConsumerErrorsAlarm",
                consumer,
                f"The {name} consumer threw on a transaction; Lambda retries it twice, then records it in FailedEvents. "
                "Check the consumer log.",
            )

        CfnOutput(self, "EventBusName", value=self.bus.event_bus_name)
        CfnOutput(self, "FailedEventsUrl", value=self.failed_events.queue_url)

        Validations.of(self.failed_events).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue for the rule targets and consumers; it has nowhere further to send.",
            )
        )
        Validations.of(self.failed_events).acknowledge(
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.",
            )
        )

    def _function(self, construct_id: str, description: str, handler: str, **props: Any) -> lambda_.Function:
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(
            self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        log_group.grant_write(role)
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        fn = lambda_.Function(
            self,
            construct_id,
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
            **props,
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
        )
        return fn

    def _add_consumer(self, construct_id: str, kind: str, description: str, event_pattern: events.EventPattern) -> lambda_.Function:
        """One rule on the bus, with the consumer it feeds and the retries on both hops."""
        consumer = self._function(
            f"{construct_id}Consumer",
            f"{construct_id} consumer: write its own logs, record failures.",
            "consumer.handler",
            environment={"CONSUMER_KIND": kind},
            # Second hop: the consumer accepted the event but raised while handling it.
            retry_attempts=PROCESSING_RETRIES,
            max_event_age=PROCESSING_MAX_AGE,
            on_failure=destinations.SqsDestination(self.failed_events),
        )

        rule = events.Rule(
            self,
            f"{construct_id}Rule",
            event_bus=self.bus,
            description=description,
            event_pattern=event_pattern,
            targets=[
                # First hop: EventBridge could not hand the event to Lambda at all.
                targets.LambdaFunction(
                    consumer,
                    retry_attempts=DELIVERY_RETRIES,
                    max_event_age=DELIVERY_MAX_AGE,
                    dead_letter_queue=self.failed_events,
                )
            ],
        )
        envelope_first(rule)

        Validations.of(consumer).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to the FailedEvents queue replaces the legacy function DLQ and also records the error.",
            )
        )
        return consumer

    def _add_producer(self) -> lambda_.Function:
        producer = self._function(
            "Producer",
            "ATM producer: write its own logs, put events on the ATM bus.",
            "producer.handler",
            environment={"EVENT_BUS_NAME": self.bus.event_bus_name},
        )
        # Least privilege: events:PutEvents on this one bus, nothing on the default bus.
        self.bus.grant_put_events_to(producer)
        Validations.of(producer).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the producer synchronously and sees its errors; a DLQ only applies to async invokes.",
            )
        )
        return producer

    def _add_api(self, producer: lambda_.Function) -> None:
        access_logs = logs.LogGroup(
            self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        api = apigw.RestApi(
            self,
            "AtmApi",
            description="Accepts ATM transactions and hands them to the producer.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # Python needs every standard field named; TypeScript's default turns them all on.
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                throttling_rate_limit=20,
                throttling_burst_limit=40,
            ),
        )

        transaction = apigw.JsonSchema(
            type=apigw.JsonSchemaType.OBJECT,
            required=["transactionId", "action", "location", "amount", "result"],
            additional_properties=False,
            properties={
                "transactionId": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=TRANSACTION_ID_PATTERN),
                "action": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, enum=list(ACTIONS)),
                "location": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=LOCATION_PATTERN),
                "amount": apigw.JsonSchema(type=apigw.JsonSchemaType.NUMBER, minimum=0, maximum=MAX_AMOUNT),
                "result": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=RESULT_PATTERN),
            },
        )
        model = api.add_model(
            "TransactionsModel",
            content_type="application/json",
            model_name="AtmTransactions",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="AtmTransactions",
                type=apigw.JsonSchemaType.OBJECT,
                required=["transactions"],
                additional_properties=False,
                properties={
                    "transactions": apigw.JsonSchema(
                        type=apigw.JsonSchemaType.ARRAY, min_items=1, max_items=MAX_TRANSACTIONS, items=transaction
                    )
                },
            ),
        )

        api.root.add_resource("transactions").add_method(
            "POST",
            apigw.LambdaIntegration(producer),
            request_validator=api.add_request_validator(
                "BodyValidator", validate_request_body=True, validate_request_parameters=True
            ),
            request_models={"application/json": model},
        )

        CfnOutput(self, "TransactionsUrl", value=api.url_for_path("/transactions"), description="POST transactions here.")

        for rule, reason in (
            ("AwsSolutions-APIG4", "A public demo endpoint with stage throttling; put an IAM or Cognito authorizer in front before real use."),
            ("AwsSolutions-COG4", "Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4)."),
            ("AwsSolutions-APIG3", "WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and the request model instead."),
            ("AwsSolutions-APIG6", "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request."),
        ):
            Validations.of(api).acknowledge(Acknowledgment(id=rule, reason=reason))
