"""One traced order through REST API -> Lambda -> SNS -> SQS/DynamoDB, an external HTTPS call and a filtered subscriber."""

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, AssetHashType, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_xray as xray
from constructs import Construct

from functions.order import HIGH_VALUE_THRESHOLD

from .bundling import tracer_bundling
from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Public, keyless API of European Central Bank reference rates (the external HTTP call).
RATES_API_URL = "https://api.frankfurter.dev/v1"
MAX_RECEIVE_COUNT = 3

AUDIT_TIMEOUT = Duration.seconds(10)

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheXrayTracerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ops = Operations(self, "Operations")
        # One bundle (handlers plus Powertools Tracer) serves all four functions.
        # Hashed by the bundle's content, so a change of pinned package changes the asset too.
        self._code = lambda_.Code.from_asset(
            str(FUNCTIONS), exclude=["__pycache__", "*.pyc"], bundling=tracer_bundling(FUNCTIONS), asset_hash_type=AssetHashType.OUTPUT
        )

        # Undelivered SNS messages and failed async invocations all land here for inspection.
        failed_deliveries = sqs.Queue(
            self, "FailedDeliveries", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=Duration.days(14)
        )

        topic = sns.Topic(
            self,
            "OrderEvents",
            display_name="Accepted orders",
            # ACTIVE makes SNS record its own segment (time in the topic, delivery to each
            # subscriber) instead of only passing the trace header along.
            tracing_config=sns.TracingConfig.ACTIVE,
            enforce_ssl=True,
            # The AWS managed key: SNS can still deliver to SSE-SQS queues and Lambda without key policy changes.
            master_key=kms.Alias.from_alias_name(self, "SnsManagedKey", "alias/aws/sns"),
        )

        # SNS needs the account's X-Ray resource policy to let it write those segments; scoped to this topic.
        xray.CfnResourcePolicy(
            self,
            "SnsTracingPolicy",
            policy_name=f"{self.stack_name}-sns-active-tracing",
            policy_document=self.to_json_string(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SnsActiveTracing",
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": ["xray:PutTraceSegments", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": self.account},
                                "ArnLike": {"aws:SourceArn": topic.topic_arn},
                            },
                        }
                    ],
                }
            ),
        )

        # 1. API -> publisher -> topic
        publisher = self._traced_function("OrderPublisher", "publisher.handler", "order-publisher", environment={"TOPIC_ARN": topic.topic_arn})
        # sns:Publish on this topic and nothing else. topic.grant_publish() would also add kms:GenerateDataKey* and
        # kms:Decrypt on every key in the account (key/*, narrowed only by an alias condition), because the
        # key is imported by alias. The AWS managed key needs no IAM grant at all: its key policy already lets
        # any principal of this account use it through SNS, which is the only way the publisher reaches it.
        publisher.add_to_role_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=[topic.topic_arn]))

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "OrdersApi",
            description="Accepts orders and publishes them for tracing through SNS, SQS and Lambda.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                # Starts the trace: API Gateway samples the request and passes the trace header on.
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
        api.root.add_resource("orders").add_method("POST", apigw.LambdaIntegration(publisher))

        # 2. topic -> queue -> audit writer -> table
        audit_dlq = sqs.Queue(self, "AuditDlq", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=Duration.days(14))
        audit_queue = sqs.Queue(
            self,
            "AuditQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(AUDIT_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=sqs.DeadLetterQueue(queue=audit_dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )
        audit_table = dynamodb.TableV2(
            self,
            "OrderAudit",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )
        audit_writer = self._traced_function(
            "AuditWriter",
            "audit_writer.handler",
            "audit-writer",
            timeout=AUDIT_TIMEOUT,
            environment={"AUDIT_TABLE_NAME": audit_table.table_name},
        )
        audit_table.grant(audit_writer, "dynamodb:PutItem")
        audit_writer.add_event_source(event_sources.SqsEventSource(audit_queue, batch_size=10, report_batch_item_failures=True, max_concurrency=5))

        # 3. topic -> currency converter -> public HTTPS API
        converter = self._traced_function(
            "CurrencyConverter",
            "currency_converter.handler",
            "currency-converter",
            environment={"RATES_API_URL": RATES_API_URL},
            dead_letter_queue=failed_deliveries,
        )

        # 4. topic (high-value orders only) -> screen
        screen = self._traced_function("HighValueScreen", "high_value_screen.handler", "high-value-screen", dead_letter_queue=failed_deliveries)

        # Every subscription sends what SNS cannot deliver to FailedDeliveries instead of dropping it.
        # Raw delivery hands the queue the order itself rather than an SNS envelope around it.
        topic.add_subscription(subscriptions.SqsSubscription(audit_queue, raw_message_delivery=True, dead_letter_queue=failed_deliveries))
        topic.add_subscription(subscriptions.LambdaSubscription(converter, dead_letter_queue=failed_deliveries))
        topic.add_subscription(
            subscriptions.LambdaSubscription(
                screen,
                dead_letter_queue=failed_deliveries,
                filter_policy={"total": sns.SubscriptionFilter.numeric_filter(greater_than_or_equal_to=HIGH_VALUE_THRESHOLD)},
            )
        )

        # Every place an order can end up instead of being handled notifies the alarm topic.
        ops.queue_not_empty(
            "FailedDeliveriesAlarm",
            failed_deliveries,
            "SNS could not deliver an order, or the converter or screen failed on one after two retries. "
            "Read the messages in FailedDeliveries, fix the cause, then replay them.",
        )
        ops.queue_not_empty(
            "AuditDlqAlarm",
            audit_dlq,
            "An order failed its audit write three times and was not audited. Check the AuditWriter log, then redrive AuditDlq to AuditQueue.",
        )
        ops.function_errors(
            "AuditWriterErrorsAlarm",
            audit_writer,
            "The AuditWriter failed a whole batch; its messages return to AuditQueue and may reach AuditDlq. Check its log and traces.",
        )
        ops.function_errors(
            "CurrencyConverterErrorsAlarm",
            converter,
            "The CurrencyConverter failed, usually because the rates API answered 5xx or timed out; failed events are retried twice, "
            "then go to FailedDeliveries.",
        )
        ops.function_errors(
            "HighValueScreenErrorsAlarm",
            screen,
            "The HighValueScreen failed; failed events are retried twice, then go to FailedDeliveries. Check its log and traces.",
        )

        CfnOutput(self, "OrdersUrl", value=api.url_for_path("/orders"), description="POST orders here.")
        CfnOutput(self, "AuditTableName", value=audit_table.table_name)
        CfnOutput(self, "FailedDeliveriesUrl", value=failed_deliveries.queue_url)
        CfnOutput(self, "CurrencyConverterLogGroup", value=converter.log_group.log_group_name)

        for rule, reason in (
            ("AwsSolutions-APIG2", "The publisher validates the body and answers 400 itself, so rejected orders also appear in traces."),
            ("AwsSolutions-APIG4", "A public, throttled demo endpoint; put an IAM or Cognito authorizer in front before real use."),
            ("AwsSolutions-COG4", "Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4)."),
            ("AwsSolutions-APIG3", "WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling instead."),
            ("AwsSolutions-APIG6", "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request."),
        ):
            Validations.of(api).acknowledge(Acknowledgment(id=rule, reason=reason))
        for queue in (failed_deliveries, audit_dlq):
            Validations.of(queue).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-SQS3",
                    reason="This queue is itself a dead-letter queue; giving it one would only move the same messages again.",
                )
            )
            Validations.of(queue).acknowledge(
                Acknowledgment(
                    id="Serverless-SQSRedrivePolicy",
                    reason="This queue is itself a dead-letter queue; messages stay 14 days for inspection and redrive.",
                )
            )
        Validations.of(publisher).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the publisher synchronously and returns its errors to the caller; a DLQ only serves async invokes.",
            )
        )
        Validations.of(audit_writer).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Invoked by an SQS event source mapping, not asynchronously; failed messages go to the AuditDlq redrive queue.",
            )
        )
        Validations.of(audit_writer).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.",
            )
        )

    def _traced_function(self, construct_id: str, handler: str, service_name: str, **props: Any) -> lambda_.Function:
        """A Python 3.13 arm64 function with active tracing, JSON logs, its own log group and its own role."""
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: its own logs, X-Ray, and only the resources it is granted below.",
        )
        log_group.grant_write(role)
        environment = {"POWERTOOLS_SERVICE_NAME": service_name, **props.pop("environment", {})}
        options: dict[str, Any] = {"timeout": Duration.seconds(10), **props}
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=self._code,
            memory_size=256,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment=environment,
            **options,
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
        )
        return fn
