"""A REST API writes straight to DynamoDB; a Lambda function reacts to the table stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
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

# The states a service can report; the request model refuses anything else.
STATUSES = ("operational", "degraded", "outage", "maintenance")
# Lower-case words and hyphens only, so the value can go into the mapping template unescaped.
SERVICE_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$"

# Stream settings, module-level so the tests pin the same numbers the stack uses.
STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 3
STREAM_MAX_RECORD_AGE_HOURS = 1
# A watcher this far behind the stream is alarmed on, well before records reach the maximum record age.
STREAM_ALARM_ITERATOR_AGE_MINUTES = 10

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def put_item_template(table_name: str) -> str:
    """PutItem in DynamoDB's JSON wire format. ALL_OLD makes DynamoDB send back the item the write
    replaced, so the caller learns the previous status at no extra cost."""
    return "\n".join(
        [
            "{",
            f'  "TableName": "{table_name}",',
            '  "Item": {',
            """    "service": { "S": "$input.path('$.service')" },""",
            """    "status": { "S": "$input.path('$.status')" },""",
            """    #if("$!input.path('$.message')" != "")""",
            # escapeJavaScript also escapes single quotes, which JSON does not allow; undo just that.
            r"""    "message": { "S": "$util.escapeJavaScript($input.path('$.message')).replaceAll("\\'", "'")" },""",
            "    #end",
            '    "updatedAt": { "N": "$context.requestTimeEpoch" },',
            '    "requestId": { "S": "$context.requestId" }',
            "  },",
            '  "ReturnValues": "ALL_OLD"',
            "}",
        ]
    )


SAVED_TEMPLATE = "\n".join(
    [
        "#set($previous = $input.path('$.Attributes.status.S'))",
        '{"saved": true, "previousStatus": #if("$!previous" == "")null#else"$previous"#end, "requestId": "$context.requestId"}',
    ]
)


class TheDynamoStreamerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- The table: one item per service, every change published on its stream. ---

        statuses = dynamodb.TableV2(
            self,
            "Statuses",
            partition_key=dynamodb.Attribute(name="service", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            # Old and new images let the consumer say what a status changed from, not only to.
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Write path: API Gateway calls PutItem itself; no function runs per request. ---

        api_role = iam.Role(
            self,
            "StatusApiRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the status API put items in the statuses table and nothing else.",
        )
        api_role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:PutItem"], resources=[statuses.table_arn]))

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        api = apigw.RestApi(
            self,
            "StatusApi",
            description="Writes service status reports straight into DynamoDB.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-wide API Gateway logging role is shared by every API in the region;
            # a demo stack should not take it over.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.OFF,
                # Caps what a flood can cost in API calls and table writes.
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            # What DynamoDB answered, so a 500 can be traced to its cause.
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

        put_status = apigw.AwsIntegration(
            service="dynamodb",
            action="PutItem",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=api_role,
                # Only JSON reaches the template; anything else is answered with 415.
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={"application/json": put_item_template(statuses.table_name)},
                integration_responses=[
                    apigw.IntegrationResponse(status_code="200", response_templates={"application/json": SAVED_TEMPLATE}),
                    # A refusal from DynamoDB is the service's fault, not the caller's; keep its
                    # error text (table names, expressions) out of the public answer.
                    apigw.IntegrationResponse(
                        status_code="500",
                        selection_pattern=r"[45]\d{2}",
                        response_templates={
                            "application/json": json.dumps(
                                {"saved": False, "message": "The status could not be saved; please retry.", "requestId": "$context.requestId"},
                                separators=(",", ":"),
                            )
                        },
                    ),
                ],
            ),
        )

        status_report = api.add_model(
            "StatusReport",
            content_type="application/json",
            model_name="StatusReport",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="StatusReport",
                type=apigw.JsonSchemaType.OBJECT,
                required=["service", "status"],
                additional_properties=False,
                properties={
                    "service": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern=SERVICE_PATTERN),
                    "status": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, enum=list(STATUSES)),
                    "message": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=280),
                },
            ),
        )

        api.root.add_resource("statuses").add_method(
            "POST",
            put_status,
            request_validator_options=apigw.RequestValidatorOptions(
                request_validator_name="status-report",
                validate_request_body=True,
                validate_request_parameters=True,
            ),
            request_models={"application/json": status_report},
            method_responses=[apigw.MethodResponse(status_code="200"), apigw.MethodResponse(status_code="500")],
        )

        # --- Read side: a function that reacts to the stream after the write has been answered. ---

        failures = sqs.Queue(
            self,
            "StatusWatcherFailures",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        watcher_logs = logs.LogGroup(self, "StatusWatcherLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        watcher_role = iam.Role(
            self,
            "StatusWatcherRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Status watcher: write its own logs, read the statuses stream, report failed batches.",
        )
        watcher_logs.grant_write(watcher_role)

        watcher = lambda_.Function(
            self,
            "StatusWatcher",
            role=watcher_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="status_watcher.handler",
            # Plain source: the wire-format decoder comes with the runtime's boto3, so no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(30),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=watcher_logs,
        )

        watcher.add_event_source(
            event_sources.DynamoEventSource(
                statuses,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                max_batching_window=Duration.seconds(1),
                # One poller per shard keeps the changes of each service in order.
                parallelization_factor=1,
                # A bad record is retried from where it failed and, if it keeps failing, split
                # out of its batch and reported to the queue instead of blocking the shard.
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=Duration.hours(STREAM_MAX_RECORD_AGE_HOURS),
                on_failure=event_sources.SqsDlq(failures),
            )
        )

        # --- Operations: every way the read side can fail quietly reaches one alarm topic. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Dynamo Streamer alarms", enforce_ssl=True)
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
        alarms = [
            cloudwatch.Alarm(
                self,
                "StatusWatcherFailuresAlarm",
                metric=failures.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "The watcher gave up on stream records and sent a pointer to StatusWatcherFailures. Read the message for the "
                    "shard and sequence range, replay those records from the stream within 24 hours, then delete the message."
                ),
            ),
            cloudwatch.Alarm(
                self,
                "StatusWatcherErrorsAlarm",
                metric=watcher.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "StatusWatcher invocations failed as a whole (timeout, crash or bad deploy), so its shard is retried and held up. "
                    "Check StatusWatcherLogs and roll back a bad deploy."
                ),
            ),
            cloudwatch.Alarm(
                self,
                "StatusWatcherIteratorAgeAlarm",
                metric=watcher.metric("IteratorAge", statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
                threshold=Duration.minutes(STREAM_ALARM_ITERATOR_AGE_MINUTES).to_milliseconds(),
                evaluation_periods=5,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    "StatusWatcher is more than 10 minutes behind the stream; records older than an hour will be skipped and reported "
                    "to StatusWatcherFailures. Look for a record being retried in StatusWatcherLogs."
                ),
            ),
        ]
        for alarm in alarms:
            alarm.add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "StatusUrl", value=api.url_for_path("/statuses"), description="POST status reports here.")
        CfnOutput(self, "TableName", value=statuses.table_name)
        CfnOutput(self, "FailureQueueUrl", value=failures.queue_url)
        CfnOutput(self, "WatcherLogGroup", value=watcher_logs.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="A public demo endpoint; add an IAM or Lambda authorizer, or an API key, before services report real status.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Status reports come from other services, not Cognito users; a user pool authorizer does not fit.",
            ),
        )
        Validations.of(api.deployment_stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="A web ACL adds a fixed monthly fee the demo does not need; throttling and the request model already bound abuse.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason=(
                    "Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; "
                    "access logs record every call with the DynamoDB status."
                ),
            ),
        )
        Validations.of(watcher).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason=(
                    "Only the stream event source mapping invokes the function; its on-failure destination is StatusWatcherFailures, "
                    "and a function DLQ only serves async invokes."
                ),
            ),
        )
        Validations.of(watcher_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(failures).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the on-failure destination of the stream mapping; it receives batch pointers, not work to redrive.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.",
            ),
        )
