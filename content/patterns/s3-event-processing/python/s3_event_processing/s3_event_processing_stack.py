"""S3 uploads announced through EventBridge, routed by size to an idempotent Lambda or a Step Functions Distributed Map."""

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .acknowledgements import RESULTS_PREFIX, UPLOAD_PREFIX, acknowledge_findings
from .bundling import handlers_with_powertools
from .large_file_workflow import LABEL, large_file_workflow
from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Objects smaller than this go to one Lambda invocation; this size and above go to the Distributed Map.
SMALL_FILE_LIMIT_BYTES = 5 * 1024 * 1024


class S3EventProcessingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ops = Operations(self)

        bucket = s3.Bucket(
            self,
            "Uploads",
            # S3 sends every object-level event to the account's default event bus; the rules below pick theirs.
            event_bridge_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(id="ExpireMapResults", prefix=RESULTS_PREFIX, expiration=Duration.days(30)),
                s3.LifecycleRule(id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            # Demo data: `cdk destroy` empties and deletes the bucket.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        totals = dynamodb.TableV2(
            self,
            "UploadTotals",
            partition_key=dynamodb.Attribute(name="uploadId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )
        # The layout Powertools idempotency expects: key "id", and DynamoDB TTL on "expiration".
        idempotency = dynamodb.TableV2(
            self,
            "IdempotencyRecords",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            time_to_live_attribute="expiration",
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        def failure_queue(queue_id: str) -> sqs.Queue:
            return sqs.Queue(self, queue_id, retention_period=Duration.days(14), encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)

        small_file_failures = failure_queue("SmallFileFailures")
        large_file_failures = failure_queue("LargeFileFailures")

        code = handlers_with_powertools(FUNCTIONS)
        environment = {"TOTALS_TABLE_NAME": totals.table_name, "IDEMPOTENCY_TABLE_NAME": idempotency.table_name}
        small_file_processor = self._processor(
            "SmallFileProcessor",
            "small_file_processor.handler",
            code,
            description="Tallies one small CSV upload into its totals, once per upload.",
            memory_size=1024,
            timeout=Duration.seconds(60),
            environment=environment,
            # EventBridge invokes asynchronously: two more tries, then the event and its error go to SmallFileFailures.
            retry_attempts=2,
            max_event_age=Duration.hours(1),
            on_failure=destinations.SqsDestination(small_file_failures),
        )
        small_file_processor.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects(f"{UPLOAD_PREFIX}*")])
        )
        batch_processor = self._processor(
            "BatchProcessor",
            "batch_processor.handler",
            code,
            description="Tallies one batch of rows of a large CSV upload into its totals, once per batch.",
            memory_size=256,
            timeout=Duration.seconds(30),
            environment=environment,
        )
        for fn in (small_file_processor, batch_processor):
            totals.grant(fn, "dynamodb:UpdateItem")
            idempotency.grant(fn, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")

        state_machine, _ = large_file_workflow(
            self, bucket=bucket, upload_prefix=UPLOAD_PREFIX, results_prefix=RESULTS_PREFIX, totals=totals, batch_processor=batch_processor
        )

        def uploads_of(size: list[str]) -> events.EventPattern:
            return events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={"bucket": {"name": [bucket.bucket_name]}, "object": {"key": events.Match.wildcard(f"{UPLOAD_PREFIX}*.csv"), "size": size}},
            )

        # EventBridge retries delivery for up to two hours; what still cannot be delivered lands in the queue.
        delivery: dict[str, Any] = {"retry_attempts": 8, "max_event_age": Duration.hours(2)}
        events.Rule(
            self,
            "SmallFileRule",
            description=f"CSV uploads under {UPLOAD_PREFIX} smaller than {SMALL_FILE_LIMIT_BYTES} bytes go to the SmallFileProcessor.",
            event_pattern=uploads_of(events.Match.less_than(SMALL_FILE_LIMIT_BYTES)),
            targets=[targets.LambdaFunction(small_file_processor, dead_letter_queue=small_file_failures, **delivery)],
        )
        events.Rule(
            self,
            "LargeFileRule",
            description=f"CSV uploads under {UPLOAD_PREFIX} of {SMALL_FILE_LIMIT_BYTES} bytes or more go to the LargeFileWorkflow.",
            event_pattern=uploads_of(events.Match.greater_than_or_equal(SMALL_FILE_LIMIT_BYTES)),
            targets=[targets.SfnStateMachine(state_machine, dead_letter_queue=large_file_failures, **delivery)],
        )

        # --- Alarms: each place an upload can end up instead of its totals tells someone. ---
        five_minutes = {"statistic": "Sum", "period": Duration.minutes(5)}
        ops.queue_not_empty(
            "SmallFileFailuresAlarm",
            small_file_failures,
            "A small upload was not processed: EventBridge could not invoke the SmallFileProcessor, or it failed three times. "
            "Read the message in SmallFileFailures for the object and the error, fix the cause, then copy the object again.",
        )
        ops.queue_not_empty(
            "LargeFileFailuresAlarm",
            large_file_failures,
            "EventBridge could not start the LargeFileWorkflow for a large upload. Read the event in LargeFileFailures for the object and the error, "
            "then copy the object again.",
        )
        ops.any_in_five_minutes(
            "SmallFileProcessorErrorsAlarm",
            small_file_processor.metric_errors(**five_minutes),
            "The SmallFileProcessor failed on an upload; Lambda retries it twice before it goes to SmallFileFailures. Check its log group.",
        )
        ops.any_in_five_minutes(
            "LargeFileWorkflowFailedAlarm",
            state_machine.metric_failed(**five_minutes),
            "A large upload failed: more than 5% of its rows were in failed batches, or a step failed. Open the execution, read the failed "
            "batches in its Map Run, fix the cause, then redrive the execution.",
        )
        ops.any_in_five_minutes(
            "LargeFileWorkflowTimedOutAlarm",
            state_machine.metric_timed_out(**five_minutes),
            "A large upload ran past the two-hour workflow timeout. Redrive the execution to finish the remaining batches, or raise maxConcurrency.",
        )
        ops.any_in_five_minutes(
            "BatchFailuresAlarm",
            cloudwatch.Metric(
                namespace="AWS/States",
                metric_name="ExecutionsFailed",
                dimensions_map={"StateMachineArn": f"{state_machine.state_machine_arn}/{LABEL}"},
                **five_minutes,
            ),
            "A batch of a large upload failed after three tries; its rows are not in the totals. The Map Run lists it, and its FAILED "
            "results file under map-results/ holds the rows.",
        )

        CfnOutput(self, "BucketName", value=bucket.bucket_name, description=f"Upload .csv files under {UPLOAD_PREFIX}.")
        CfnOutput(self, "TotalsTableName", value=totals.table_name)
        CfnOutput(self, "StateMachineArn", value=state_machine.state_machine_arn)
        CfnOutput(self, "SmallFileProcessorName", value=small_file_processor.function_name)
        CfnOutput(self, "SmallFileProcessorLogGroup", value=small_file_processor.log_group.log_group_name)
        CfnOutput(self, "SmallFileFailuresUrl", value=small_file_failures.queue_url)
        CfnOutput(self, "LargeFileFailuresUrl", value=large_file_failures.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)

        acknowledge_findings(self, bucket, (small_file_failures, large_file_failures), small_file_processor, batch_processor, state_machine)

    def _processor(self, construct_id: str, handler: str, code: lambda_.Code, *, description: str, **props: Any) -> lambda_.Function:
        """A Python 3.13 function on arm64 with its own log group and its own role."""
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=f"{construct_id}: {description}")
        log_group.grant_write(role)
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=code,
            description=description,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            **props,
        )
        Validations.of(fn).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            )
        )
        return fn
