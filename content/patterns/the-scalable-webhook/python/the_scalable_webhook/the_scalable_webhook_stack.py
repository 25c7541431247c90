"""A REST API queues webhooks in SQS; a Lambda capped at two copies writes them to DynamoDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The consumer's time budget per batch; the queue's visibility timeout is derived from it.
CONSUMER_TIMEOUT = Duration.seconds(10)

# How many copies of the consumer may run at once. This is the whole point of the pattern:
# the datastore behind the consumer only ever sees this many writers.
MAX_WRITERS = 2

# A webhook older than this in the queue means the capped drain rate no longer keeps up.
MAX_QUEUE_AGE = Duration.minutes(15)

# Context key that turns on reserved concurrency for the consumer. Off by default: a new account's
# concurrency quota is 10 and Lambda keeps 100 unreserved, so any reservation fails there.
# The event source's maximum concurrency caps the copies either way.
RESERVE_CONCURRENCY_CONTEXT = "reserveConcurrency"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheScalableWebhookStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- Operations: one topic for every alarm, e-mailed only when an address is given. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Scalable Webhook alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(alarm_topic)
        reserve = self.node.try_get_context(RESERVE_CONCURRENCY_CONTEXT) in ("true", True)

        # --- Buffer: the queue absorbs bursts the datastore could not take. ---

        dlq = sqs.Queue(
            self,
            "WebhookDlq",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        queue = sqs.Queue(
            self,
            "WebhookQueue",
            # AWS guidance: at least six times the function timeout, so a message is not
            # handed to a second consumer while the first is still retrying its batch.
            visibility_timeout=Duration.seconds(CONSUMER_TIMEOUT.to_seconds() * 6),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # A message that fails three receives is poison (for example a malformed body);
            # park it instead of letting it cycle for the whole retention period.
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3),
        )

        # --- Datastore: stands in for something that cannot scale like Lambda (say, RDS). ---

        messages = dynamodb.TableV2(
            self,
            "Messages",
            partition_key=dynamodb.Attribute(name="messageId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Consumer: drains the queue at a capped rate. ---

        consumer_logs = logs.LogGroup(self, "ConsumerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        consumer_role = iam.Role(
            self,
            "ConsumerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Webhook consumer: write its own logs, read the webhook queue, put items in the messages table.",
        )
        consumer_logs.grant_write(consumer_role)

        consumer = lambda_.Function(
            self,
            "Consumer",
            role=consumer_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="consumer.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=CONSUMER_TIMEOUT,
            # Opt-in (-c reserveConcurrency=true): guarantees the two copies, but fails in a new account.
            reserved_concurrent_executions=MAX_WRITERS if reserve else None,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=consumer_logs,
            environment={"MESSAGES_TABLE_NAME": messages.table_name},
        )
        # Least privilege: the consumer only ever inserts; it never reads, updates or deletes.
        messages.grant(consumer, "dynamodb:PutItem")

        consumer.add_event_source(
            event_sources.SqsEventSource(
                queue,
                batch_size=10,
                report_batch_item_failures=True,
                # This is the cap: the poller never runs more than two copies at once. With
                # reserved concurrency on, the two match, so Lambda never pulls batches it
                # cannot run (throttled batches count as receives and push messages to the DLQ).
                max_concurrency=MAX_WRITERS,
            )
        )

        cloudwatch.Alarm(
            self,
            "WebhookDlqAlarm",
            metric=dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                'A webhook failed three receives and was parked in WebhookDlq. Read the consumer log line "webhook not stored" '
                "for the cause, fix it, then redrive WebhookDlq to WebhookQueue."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "ConsumerErrorsAlarm",
            metric=consumer.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The webhook consumer failed whole invocations (timeout, crash or bad deploy), so whole batches go back to the "
                "queue. Check its log group and roll back a bad deploy."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "WebhookQueueAgeAlarm",
            metric=queue.metric_approximate_age_of_oldest_message(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(5)),
            threshold=MAX_QUEUE_AGE.to_seconds(),
            evaluation_periods=3,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The oldest webhook has waited 15 minutes or more for 15 minutes: the capped consumer no longer keeps up. "
                "Check the datastore, then raise the cap if it can take more; messages expire after four days."
            ),
        ).add_alarm_action(notify)

        # --- Front door: API Gateway writes straight to SQS, no publisher function. ---

        api_role = iam.Role(
            self,
            "ApiRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the webhook API send messages to the webhook queue and nothing else.",
        )
        api_role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn]))

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        api = apigw.RestApi(
            self,
            "WebhookApi",
            description="Accepts webhook POSTs and queues them for the consumer.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-wide API Gateway logging role is shared by every API in the
            # region; a demo stack should not take it over.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.OFF,
                # The queue can absorb far more than the consumer drains; this only stops a
                # flood from running up the bill.
                throttling_rate_limit=100,
                throttling_burst_limit=200,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            # What SQS answered, so a 500 can be traced to its cause.
                            "integrationStatus": "$context.integration.status",
                            "integrationError": "$context.integration.error",
                            "validationError": "$context.error.validationErrorString",
                            "latencyMs": "$context.responseLatency",
                        },
                        separators=(",", ":"),
                    )
                ),
            ),
        )

        send_to_queue = apigw.AwsIntegration(
            service="sqs",
            path=f"{Aws.ACCOUNT_ID}/{queue.queue_name}",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=api_role,
                # Anything but JSON is refused with 415 rather than forwarded untouched.
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_parameters={
                    "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
                    # Ask SQS for JSON so the response template can pick out the message id.
                    "integration.request.header.Accept": "'application/json'",
                },
                request_templates={
                    # The SQS query API: the whole webhook body becomes the message body, and the
                    # API request id travels along so a stored record can be traced to its call.
                    "application/json": "&".join(
                        [
                            "Action=SendMessage",
                            "MessageBody=$util.urlEncode($input.body)",
                            "MessageAttribute.1.Name=apiRequestId",
                            "MessageAttribute.1.Value.DataType=String",
                            "MessageAttribute.1.Value.StringValue=$util.urlEncode($context.requestId)",
                        ]
                    )
                },
                integration_responses=[
                    apigw.IntegrationResponse(
                        status_code="202",
                        response_templates={
                            "application/json": json.dumps(
                                {
                                    "accepted": True,
                                    "messageId": "$input.path('$.SendMessageResponse.SendMessageResult.MessageId')",
                                    "requestId": "$context.requestId",
                                },
                                separators=(",", ":"),
                            )
                        },
                    ),
                    # Any refusal from SQS is our problem, not the sender's: answer 500 so that
                    # webhook providers retry, and keep the SQS error text out of the response.
                    apigw.IntegrationResponse(
                        status_code="500",
                        selection_pattern=r"[45]\d{2}",
                        response_templates={
                            "application/json": json.dumps(
                                {
                                    "accepted": False,
                                    "message": "The webhook could not be queued; please retry.",
                                    "requestId": "$context.requestId",
                                },
                                separators=(",", ":"),
                            )
                        },
                    ),
                ],
            ),
        )

        webhook_body = api.add_model(
            "WebhookBody",
            content_type="application/json",
            model_name="WebhookBody",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="WebhookBody",
                description="Any non-empty JSON object; the consumer stores it as received.",
                type=apigw.JsonSchemaType.OBJECT,
                min_properties=1,
            ),
        )

        webhook = api.root.add_resource("webhook")
        webhook.add_method(
            "POST",
            send_to_queue,
            # The method declares no parameters, so checking them costs nothing; the body check is the one that bites.
            request_validator_options=apigw.RequestValidatorOptions(
                request_validator_name="webhook-body",
                validate_request_body=True,
                validate_request_parameters=True,
            ),
            request_models={"application/json": webhook_body},
            method_responses=[apigw.MethodResponse(status_code="202"), apigw.MethodResponse(status_code="500")],
        )

        CfnOutput(self, "WebhookUrl", value=api.url_for_path("/webhook"), description="POST JSON webhooks here.")
        CfnOutput(self, "QueueUrl", value=queue.queue_url)
        CfnOutput(self, "DeadLetterQueueUrl", value=dlq.queue_url)
        CfnOutput(self, "TableName", value=messages.table_name)
        CfnOutput(self, "ConsumerName", value=consumer.function_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="A public demo endpoint; put a Lambda authorizer that checks the provider signature, or an API key, in front before real use.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Webhook senders are third-party services, not Cognito users; a user pool authorizer does not fit.",
            ),
        )
        Validations.of(api.deployment_stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="A WAF web ACL costs a fixed monthly fee the demo does not need; stage throttling and body validation already limit abuse.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason=(
                    "Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; "
                    "access logs record every call and its SQS status."
                ),
            ),
        )
        Validations.of(consumer).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason=(
                    "Only the SQS event source mapping invokes the function; failed messages reach WebhookDlq through the queue "
                    "redrive policy, and a function DLQ only serves async invokes."
                ),
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="Lambda does not support on-failure destinations for SQS event sources; the queue redrive policy to WebhookDlq plays that role.",
            ),
        )
        Validations.of(dlq).acknowledge(
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This is the dead-letter queue itself; messages wait here for inspection and redrive, a further DLQ would only move them again.",
            )
        )
        Validations.of(consumer_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
