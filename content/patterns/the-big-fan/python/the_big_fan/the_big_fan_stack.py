"""A REST API publishes order events straight to SNS, which filters them into two SQS queues with Lambda consumers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.order_events import ORDER_ID_PATTERN, STATUS_PATTERN

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Receives before a message is given up on and moved to its queue's DLQ.
MAX_RECEIVE_COUNT = 3

CONSUMER_TIMEOUT = Duration.seconds(10)

# SNS's query API expects a form-encoded body; API Gateway sends it with this header.
CONTENT_TYPE_HEADER = "integration.request.header.Content-Type"
FORM_ENCODED = "'application/x-www-form-urlencoded'"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


@dataclass(frozen=True)
class Consumer:
    queue: sqs.Queue
    dlq: sqs.Queue
    function: lambda_.Function
    log_group: logs.LogGroup


class TheBigFanStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Operations plumbing: one topic for every alarm, with an e-mail subscription only when asked for.
        self.alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Big Fan alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            email = self.alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
            Validations.of(email).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(self.alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        self._notify = cw_actions.SnsAction(self.alarm_topic)
        CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.alarm_topic.topic_arn,
            description="Subscribe here to hear about DLQ messages and consumer errors.",
        )

        topic = sns.Topic(
            self,
            "OrderEvents",
            display_name="Order events published by the orders API",
            enforce_ssl=True,
            # The AWS managed key lets any principal in the account publish through SNS,
            # so the API role needs no KMS permission beside sns:Publish.
            master_key=kms.Alias.from_alias_name(self, "SnsManagedKey", "alias/aws/sns"),
        )

        created = self._add_consumer("CreatedOrders", "created_orders.handler")
        updates = self._add_consumer("OrderUpdates", "order_updates.handler")

        # Routing happens in SNS, so each consumer is only invoked (and billed) for its own events.
        fan_out = [
            topic.add_subscription(
                subscriptions.SqsSubscription(
                    created.queue,
                    filter_policy={"status": sns.SubscriptionFilter.string_filter(allowlist=["created"])},
                )
            ),
            topic.add_subscription(
                subscriptions.SqsSubscription(
                    updates.queue,
                    filter_policy={"status": sns.SubscriptionFilter.string_filter(denylist=["created"])},
                )
            ),
        ]
        for subscription in fan_out:
            Validations.of(subscription).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="SNS retries delivery to an SQS queue in the same account for days; only a broken queue policy could exhaust that.",
                )
            )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        api = apigw.RestApi(
            self,
            "OrdersApi",
            description="Accepts order events and publishes them to SNS.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # Python has no defaults here: all nine standard fields, as the TypeScript call gets by default.
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
                # A backstop for the whole stage, then a tighter limit on the one public method.
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                method_options={"/orders/POST": apigw.MethodDeploymentOptions(throttling_rate_limit=20, throttling_burst_limit=40)},
            ),
        )

        order_model = api.add_model(
            "OrderEventModel",
            content_type="application/json",
            model_name="OrderEvent",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="OrderEvent",
                type=apigw.JsonSchemaType.OBJECT,
                required=["orderId", "status", "total"],
                additional_properties=False,
                properties={
                    "orderId": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=ORDER_ID_PATTERN),
                    "status": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=STATUS_PATTERN),
                    "total": apigw.JsonSchema(type=apigw.JsonSchemaType.NUMBER, minimum=0),
                },
            ),
        )

        publish_role = iam.Role(
            self,
            "ApiPublishRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the orders API publish to the order events topic and nothing else.",
            inline_policies={
                "PublishOrderEvents": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["sns:Publish"], resources=[topic.topic_arn])]
                )
            },
        )

        # The body becomes the Message, and its status the attribute the subscription filters match on.
        publish_template = "&".join(
            [
                "Action=Publish",
                f"TopicArn=$util.urlEncode('{topic.topic_arn}')",
                "Message=$util.urlEncode($input.body)",
                "MessageAttributes.entry.1.Name=status",
                "MessageAttributes.entry.1.Value.DataType=String",
                "MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
            ]
        )

        publish_integration = apigw.AwsIntegration(
            service="sns",
            action="Publish",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=publish_role,
                # Only JSON bodies have a template; anything else is refused with 415, not forwarded.
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={"application/json": publish_template},
                request_parameters={CONTENT_TYPE_HEADER: FORM_ENCODED},
                integration_responses=[
                    apigw.IntegrationResponse(
                        selection_pattern=r"2\d{2}",
                        status_code="202",
                        response_templates={
                            "application/json": "{\"messageId\": \"$input.path('$.PublishResponse.PublishResult.MessageId')\"}"
                        },
                    ),
                    # Anything else is our fault, not the caller's; keep SNS's error text out of the response.
                    apigw.IntegrationResponse(
                        status_code="500",
                        response_templates={"application/json": '{"message": "The order event could not be published."}'},
                    ),
                ],
            ),
        )

        api.root.add_resource("orders").add_method(
            "POST",
            publish_integration,
            request_validator=api.add_request_validator(
                "OrderValidator",
                request_validator_name="order-event",
                validate_request_body=True,
                validate_request_parameters=True,
            ),
            request_models={"application/json": order_model},
            method_responses=[
                apigw.MethodResponse(status_code="202", response_models={"application/json": apigw.Model.EMPTY_MODEL}),
                apigw.MethodResponse(status_code="500", response_models={"application/json": apigw.Model.ERROR_MODEL}),
            ],
        )

        CfnOutput(self, "OrdersUrl", value=api.url_for_path("/orders"), description="POST order events here.")
        CfnOutput(self, "TopicArn", value=topic.topic_arn)

        for rule, reason in (
            ("AwsSolutions-APIG4", "A public demo endpoint, throttled per method; put an IAM or Cognito authorizer in front before real use."),
            ("AwsSolutions-COG4", "Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4)."),
            ("AwsSolutions-APIG3", "WAF costs a fixed monthly fee per web ACL; the demo relies on stage and method throttling instead."),
            (
                "AwsSolutions-APIG6",
                "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.",
            ),
        ):
            Validations.of(api).acknowledge(Acknowledgment(id=rule, reason=reason))

    def _add_consumer(self, construct_id: str, handler: str) -> Consumer:
        """One filtered queue with its own DLQ, drained by its own Lambda consumer."""
        dlq = sqs.Queue(
            self,
            f"{construct_id}Dlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        queue = sqs.Queue(
            self,
            construct_id,
            # SQS-managed keys: SNS can deliver to them without a key policy grant.
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the function timeout, so a slow batch is not redelivered while still running.
            visibility_timeout=Duration.seconds(CONSUMER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )

        log_group = logs.LogGroup(
            self,
            f"{construct_id}ConsumerLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{construct_id}ConsumerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id} consumer: write its own logs, consume its own queue.",
        )
        log_group.grant_write(role)

        consumer = lambda_.Function(
            self,
            f"{construct_id}Consumer",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Both consumers ship the same plain-source folder (the shared module plus two entry points).
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=CONSUMER_TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
        )
        consumer.add_event_source(
            event_sources.SqsEventSource(
                queue,
                batch_size=10,
                max_batching_window=Duration.seconds(1),
                report_batch_item_failures=True,
                # Caps how many copies a burst can start, protecting whatever the consumer calls next.
                max_concurrency=5,
            )
        )

        Validations.of(dlq).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.",
            ),
        )
        Validations.of(consumer).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.",
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )

        # Partial batch failures never raise Errors, so the DLQ is where a rejected event shows up.
        cloudwatch.Alarm(
            self,
            f"{construct_id}DlqAlarm",
            metric=dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"An order event failed {MAX_RECEIVE_COUNT} times and was parked in {construct_id}Dlq. Read the consumer's "
                f"ERROR log lines for the reason, fix the cause, then redrive the DLQ to {construct_id}."
            ),
        ).add_alarm_action(self._notify)
        # A whole invocation failing (timeout, crash, bad deploy) shows here long before the DLQ fills.
        cloudwatch.Alarm(
            self,
            f"{construct_id}ConsumerErrorsAlarm",
            metric=consumer.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"The {construct_id} consumer failed whole invocations; its batches return to the queue. Check the "
                "function's log group for timeouts or crashes and roll back a bad deploy."
            ),
        ).add_alarm_action(self._notify)

        CfnOutput(self, f"{construct_id}LogGroupName", value=log_group.log_group_name)
        CfnOutput(self, f"{construct_id}DlqUrl", value=dlq.queue_url)

        return Consumer(queue=queue, dlq=dlq, function=consumer, log_group=log_group)
