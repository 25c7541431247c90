"""Raw and curated S3 zones, a Lambda transform on arrival, a Glue table with partition projection and an Athena workgroup."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.transform import CURATED_PREFIX, QUARANTINE_PREFIX, RAW_PREFIX
from serverless_data_lake.catalog import LakeCatalog
from serverless_data_lake.query import LakeQuery
from serverless_data_lake.zones import LakeZones

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Lambda retries a failed asynchronous invocation this many times before it parks the event.
TRANSFORM_RETRIES = 2


class ServerlessDataLakeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        zones = LakeZones(self, "Zones")

        # --- The transform: every object created under incoming/ in the raw bucket. ---

        failed_transforms = sqs.Queue(
            self,
            "FailedTransforms",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        transform_logs = logs.LogGroup(self, "TransformLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(
            self,
            "TransformRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Lake transform: read raw uploads, write curated and quarantined objects.",
        )
        transform_logs.grant_write(role)
        # Least privilege by hand: Bucket.grant_read/grant_write would add List*, GetBucket* and DeleteObject*.
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:GetObject", "s3:GetObjectVersion"], resources=[zones.raw.arn_for_objects(f"{RAW_PREFIX}*")])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"],
                resources=[zones.curated.arn_for_objects(f"{CURATED_PREFIX}*"), zones.curated.arn_for_objects(f"{QUARANTINE_PREFIX}*")],
            )
        )

        transform = lambda_.Function(
            self,
            "Transform",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="transform.handler",
            # Standard library and the runtime's boto3 only: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            # Parsing and gzip are CPU-bound; more memory buys CPU and a 32 MiB file fits comfortably.
            memory_size=1024,
            timeout=Duration.minutes(2),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=transform_logs,
            environment={"CURATED_BUCKET_NAME": zones.curated.bucket_name},
            retry_attempts=TRANSFORM_RETRIES,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(failed_transforms),
        )
        zones.raw.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(transform), s3.NotificationKeyFilter(prefix=RAW_PREFIX))

        # --- The catalog and the query engine over the curated zone. ---

        catalog = LakeCatalog(self, "Catalog", curated=zones.curated)
        query = LakeQuery(self, "Analytics")

        # --- Operations: one topic, and an alarm for each way a transform can fail unseen. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Serverless data lake alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email.strip():
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email.strip()))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
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

        alarm(
            "TransformErrorsAlarm",
            transform.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            "The lake transform failed an invocation (S3 error, timeout or crash); Lambda retries it. Check TransformLogs.",
        )
        alarm(
            "FailedTransformsAlarm",
            failed_transforms.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            "A raw object was not transformed after all retries. Its event is in FailedTransforms; fix the cause and re-copy the object to reprocess it.",
        )

        CfnOutput(self, "RawBucketName", value=zones.raw.bucket_name, description=f"Upload JSON-lines files under {RAW_PREFIX}.")
        CfnOutput(self, "CuratedBucketName", value=zones.curated.bucket_name)
        CfnOutput(self, "DatabaseName", value=catalog.database_name)
        CfnOutput(self, "TableName", value=catalog.table_name)
        CfnOutput(self, "WorkGroupName", value=query.work_group_name)
        CfnOutput(self, "QueryResultsBucketName", value=query.results.bucket_name)
        CfnOutput(self, "FailedTransformsQueueUrl", value=failed_transforms.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        # --- cdk-nag findings this design accepts, each with its reason. ---

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(zones.access_logs).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the access-log bucket itself; logging it into itself would loop, and into another bucket would only move the question.",
            )
        )
        Validations.of(query.results).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="Query result files are short-lived copies of lake data; Athena query history and CloudTrail already record who ran which query.",
            )
        )
        Validations.of(failed_transforms).acknowledge(
            Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself the on-failure destination of the transform."),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy", reason="This queue is itself the on-failure destination; events wait 14 days for inspection."
            ),
        )
        Validations.of(transform).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to the FailedTransforms queue replaces the legacy function DLQ and also records the error.",
            ),
        )

        def logical_id(bucket: s3.Bucket) -> str:
            return self.get_logical_id(bucket.node.default_child)  # type: ignore[arg-type]

        Validations.of(role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource."),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id(zones.raw)}.Arn>/{RAW_PREFIX}*]",
                reason="The transform reads whichever upload it is notified of; the wildcard is limited to objects under incoming/ in the raw bucket.",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id(zones.curated)}.Arn>/{CURATED_PREFIX}*]",
                reason="Curated object keys are derived from each upload and its event days; the wildcard is limited to the table location.",
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id(zones.curated)}.Arn>/{QUARANTINE_PREFIX}*]",
                reason="Quarantine object keys are derived from each upload; the wildcard is limited to the quarantine prefix.",
            ),
        )
        # Created by CDK to apply the bucket's notification configuration during deployment.
        notifications_handler = self.node.try_find_child("BucketNotificationsHandler050a0587b7544547bf325f094a3db834")
        if notifications_handler is not None:
            Validations.of(notifications_handler).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    reason=(
                        "The helper function is written by CDK and runs only while CloudFormation applies the bucket notification; "
                        "its S3 permission is scoped to this bucket."
                    ),
                )
            )
