"""A REST API publishes to SNS; the processor's outcomes go through Lambda Destinations to EventBridge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.processor import MAX_MESSAGE_LENGTH
from functions.results import FAILURE_DETAIL_TYPE, SUCCESS_DETAIL_TYPE

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The processor's failures are mostly about the input, so one retry is enough to ride out a
# transient error without making the failure record wait for two more backoff periods.
PROCESSOR_RETRIES = 1
# A message still unprocessed after an hour (say, behind a throttling backlog) is reported, not handled late.
PROCESSOR_MAX_AGE = Duration.hours(1)

# SNS's query API expects a form-encoded body; API Gateway sends it with this header.
CONTENT_TYPE_HEADER = "integration.request.header.Content-Type"
FORM_ENCODED = "'application/x-www-form-urlencoded'"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheDestinedLambdaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        topic = sns.Topic(
            self,
            "Messages",
            display_name="Messages accepted by the API",
            enforce_ssl=True,
            # The AWS managed key needs no key policy grant for API Gateway to publish or SNS to invoke Lambda.
            master_key=kms.Alias.from_alias_name(self, "SnsManagedKey", "alias/aws/sns"),
        )

        # Lambda puts every invocation record here; nothing else publishes to this bus.
        bus = events.EventBus(self, "InvocationResults", description="On-success and on-failure records of the processor.")

        # Catches what the record handlers themselves could not take: undeliverable events and handler errors.
        self._results_dlq = sqs.Queue(
            self,
            "ResultsDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )

        processor = self._function(
            "Processor",
            "processor.handler",
            "Processor: write its own logs, send records to the results bus.",
            retry_attempts=PROCESSOR_RETRIES,
            max_event_age=PROCESSOR_MAX_AGE,
            on_success=destinations.EventBridgeDestination(bus),
            on_failure=destinations.EventBridgeDestination(bus),
        )
        subscription = topic.add_subscription(subscriptions.LambdaSubscription(processor))

        # Records of this function only: the ARN in a record carries a qualifier, hence the trailing colon.
        from_processor = {"requestContext": {"functionArn": events.Match.prefix(Fn.join("", [processor.function_arn, ":"]))}}
        success_handler = self._add_record_handler("Success", "on_success.handler", bus, SUCCESS_DETAIL_TYPE, from_processor)
        failure_handler = self._add_record_handler("Failure", "on_failure.handler", bus, FAILURE_DETAIL_TYPE, from_processor)

        # --- Operations: one alarm topic; every failed attempt and every failure record reaches it. ---
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Destined Lambda alarms", enforce_ssl=True)
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

        def alarm(alarm_id: str, metric: cloudwatch.IMetric, description: str) -> None:
            cloudwatch.Alarm(
                self,
                alarm_id,
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            ).add_alarm_action(notify)

        every_five_minutes: dict[str, Any] = {"statistic": cloudwatch.Stats.SUM, "period": Duration.minutes(5)}
        alarm(
            "ProcessorErrorsAlarm",
            processor.metric_errors(**every_five_minutes),
            "A Processor attempt failed; Lambda retries once, then sends a failure record. Read ProcessorLogs for the error type.",
        )
        # A failure record also covers events dropped for age (EventAgeExceeded), which raise no Errors.
        alarm(
            "ProcessorFailureRecordsAlarm",
            failure_handler.metric_invocations(**every_five_minutes),
            "The Processor gave up on a message and a failure record reached FailureHandler. Its log line holds the error and "
            "the original message to fix and republish.",
        )
        alarm(
            "SuccessHandlerErrorsAlarm",
            success_handler.metric_errors(**every_five_minutes),
            "SuccessHandler failed on a success record; after two retries the record goes to ResultsDlq. Check SuccessHandlerLogs.",
        )
        alarm(
            "FailureHandlerErrorsAlarm",
            failure_handler.metric_errors(**every_five_minutes),
            "FailureHandler failed on a failure record; after two retries the record goes to ResultsDlq. Check FailureHandlerLogs.",
        )
        alarm(
            "ResultsDlqAlarm",
            self._results_dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            "An invocation record could not be delivered to, or was not handled by, a record handler and is parked in ResultsDlq. "
            "Inspect it, fix the handler, then redrive or republish it.",
        )

        api = self._add_api(topic)

        CfnOutput(self, "MessagesUrl", value=api.url_for_path("/messages"), description="POST messages here.")
        CfnOutput(self, "TopicArn", value=topic.topic_arn)
        CfnOutput(self, "ResultsDlqUrl", value=self._results_dlq.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(processor).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Lambda Destinations replace the legacy DLQ: the on-failure record goes to EventBridge with the error and the input.",
            )
        )
        Validations.of(subscription).acknowledge(
            Acknowledgment(
                id="Serverless-SNSRedrivePolicy",
                reason="SNS retries delivery to Lambda for days and Lambda queues the async invoke; processing failures go to the destinations.",
            )
        )
        Validations.of(self._results_dlq).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue for the record handlers; it has nowhere further to send.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.",
            ),
        )

    def _function(self, construct_id: str, handler: str, description: str, **options: Any) -> lambda_.Function:
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
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
            # All three functions ship the same plain-source folder; no dependencies, no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            **options,
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
        )
        return fn

    def _add_record_handler(
        self, construct_id: str, handler: str, bus: events.EventBus, detail_type: str, detail: dict[str, Any]
    ) -> lambda_.Function:
        """A rule on the results bus for one detail-type, and the small function it invokes."""
        fn = self._function(
            f"{construct_id}Handler",
            handler,
            f"{construct_id} record handler: write its own logs, park failures.",
            retry_attempts=2,
            max_event_age=Duration.hours(1),
            on_failure=destinations.SqsDestination(self._results_dlq),
        )
        rule = events.Rule(
            self,
            f"{construct_id}Rule",
            event_bus=bus,
            description=f"Sends the processor's {construct_id.lower()} records to {construct_id}Handler.",
            event_pattern=events.EventPattern(source=["lambda"]),
            targets=[targets.LambdaFunction(fn, retry_attempts=4, max_event_age=Duration.hours(1), dead_letter_queue=self._results_dlq)],
        )
        # Added one field at a time so the pattern reads source, detail-type, detail, as EventBridge
        # shows it; a single EventPattern struct would reach the template in alphabetical order.
        rule.add_event_pattern(detail_type=[detail_type])
        rule.add_event_pattern(detail=detail)
        Validations.of(fn).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to the ResultsDlq queue replaces the legacy function DLQ and also records the error.",
            )
        )
        return fn

    def _add_api(self, topic: sns.Topic) -> apigw.RestApi:
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "MessagesApi",
            description="Publishes messages straight to SNS.",
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
                throttling_rate_limit=20,
                throttling_burst_limit=40,
            ),
        )

        model = api.add_model(
            "MessageModel",
            content_type="application/json",
            model_name="Message",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="Message",
                type=apigw.JsonSchemaType.OBJECT,
                required=["message"],
                additional_properties=False,
                properties={"message": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=MAX_MESSAGE_LENGTH)},
            ),
        )

        publish_role = iam.Role(
            self,
            "ApiPublishRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets the messages API publish to the one topic and nothing else.",
            inline_policies={
                "PublishMessages": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["sns:Publish"], resources=[topic.topic_arn])]
                )
            },
        )

        integration = apigw.AwsIntegration(
            service="sns",
            action="Publish",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=publish_role,
                # Only JSON bodies have a template; anything else is refused with 415, not forwarded.
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_parameters={CONTENT_TYPE_HEADER: FORM_ENCODED},
                request_templates={
                    "application/json": "&".join(
                        ["Action=Publish", f"TopicArn=$util.urlEncode('{topic.topic_arn}')", "Message=$util.urlEncode($input.body)"]
                    )
                },
                integration_responses=[
                    apigw.IntegrationResponse(
                        selection_pattern=r"2\d{2}",
                        status_code="202",
                        response_templates={
                            "application/json": "{\"messageId\": \"$input.path('$.PublishResponse.PublishResult.MessageId')\"}"
                        },
                    ),
                    # Anything else is on our side; SNS's error text stays out of the response.
                    apigw.IntegrationResponse(
                        status_code="500",
                        response_templates={"application/json": '{"message": "The message could not be published."}'},
                    ),
                ],
            ),
        )

        api.root.add_resource("messages").add_method(
            "POST",
            integration,
            request_validator=api.add_request_validator("MessageValidator", validate_request_body=True, validate_request_parameters=True),
            request_models={"application/json": model},
            method_responses=[
                apigw.MethodResponse(status_code="202", response_models={"application/json": apigw.Model.EMPTY_MODEL}),
                apigw.MethodResponse(status_code="500", response_models={"application/json": apigw.Model.ERROR_MODEL}),
            ],
        )

        for rule, reason in (
            ("AwsSolutions-APIG4", "A public demo endpoint with stage throttling; put an IAM or Cognito authorizer in front before real use."),
            ("AwsSolutions-COG4", "Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4)."),
            ("AwsSolutions-APIG3", "WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and the request model instead."),
            ("AwsSolutions-APIG6", "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request."),
        ):
            Validations.of(api).acknowledge(Acknowledgment(id=rule, reason=reason))
        return api
