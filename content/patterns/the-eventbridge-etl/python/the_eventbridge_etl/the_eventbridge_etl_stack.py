"""CSV files in S3 become row events that are transformed and loaded into DynamoDB."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.pipeline_events import (
    EXTRACT_SOURCE,
    ROW_EXTRACTED,
    ROW_TRANSFORMED,
    SOURCE_PREFIX,
    TASK_STARTED_BY,
    TRANSFORM_SOURCE,
)
from the_eventbridge_etl.operations import Operations

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
# The extract task's container: the same Node.js source and Dockerfile as the TypeScript app.
TASK = ROOT / "task"


@dataclass(frozen=True)
class Throttle:
    """The throttles. Every step of the pipeline is capped so that one large file, or a hundred
    small ones, turns into a longer run rather than a spike the account or the table must absorb."""

    # Extract tasks allowed to run at once; further files wait on the upload queue.
    max_running_tasks: int = 2
    # Rate at which one extract task publishes row events.
    max_events_per_second: int = 20
    # The SQS event source's maximum concurrency: at most this many Extractor invocations at once.
    extractor_pollers: int = 2


THROTTLE = Throttle()

EXTRACTOR_TIMEOUT = Duration.seconds(30)

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def reserved_concurrency(value: Any) -> int | None:
    """Reserved concurrency for the four functions, only when asked for with `-c reservedConcurrency=N`.

    A new account's concurrency quota can be as low as 10 and Lambda always keeps 100 unreserved,
    so reserving by default would make the first deploy fail there.
    """
    if value is None or value == "":
        return None
    try:
        number = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        number = float("nan")
    if not number.is_integer() or number < 1:
        raise ValueError(f"reservedConcurrency must be a whole number of at least 1, got {value}")
    return int(number)


def envelope_first(rule: events.Rule) -> None:
    """Writes the rule's pattern with source and detail-type first, then detail, as the TypeScript app does.

    jsii hands the EventPattern struct over with its keys in alphabetical order; EventBridge does not
    care, but the template should read the same in both languages. Call it once the pattern is complete:
    it replaces the rule's lazy rendering, so a later add_event_pattern() would be ignored.
    """
    cfn_rule: events.CfnRule = rule.node.default_child  # type: ignore[assignment]
    rendered = Stack.of(rule).resolve(cfn_rule.event_pattern)
    order = ["source", "detail-type", *(key for key in rendered if key not in ("source", "detail-type"))]
    cfn_rule.event_pattern = {key: rendered[key] for key in order if key in rendered}


class TheEventbridgeEtlStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        reserved = reserved_concurrency(self.node.try_get_context("reservedConcurrency"))
        ops = Operations(self, "Operations")

        # --- Landing: a CSV in the bucket becomes a message on the upload queue. ---

        bucket = s3.Bucket(
            self,
            "LandingBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Empty the bucket before `cdk destroy`; an auto-delete custom resource would add a function and a role.
            removal_policy=RemovalPolicy.DESTROY,
        )

        upload_dlq = sqs.Queue(
            self,
            "UploadDlq",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        upload_queue = sqs.Queue(
            self,
            "UploadQueue",
            # Six times the function timeout, as AWS recommends for SQS event sources.
            visibility_timeout=Duration.seconds(EXTRACTOR_TIMEOUT.to_seconds() * 6),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # A file that finds every task slot busy is retried after each visibility timeout; ten
            # receives let it wait about half an hour before it is parked for a redrive.
            dead_letter_queue=sqs.DeadLetterQueue(queue=upload_dlq, max_receive_count=10),
        )
        bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.SqsDestination(upload_queue), s3.NotificationKeyFilter(suffix=".csv"))

        # --- The event bus every step publishes to, and the queue for what it cannot deliver. ---

        bus = events.EventBus(self, "EtlBus", description="Row events of the EventBridge ETL pipeline.")

        failed_events = sqs.Queue(
            self,
            "FailedEvents",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        # --- Extract: a Fargate task per file, in a VPC without NAT gateways. ---

        flow_logs = logs.LogGroup(self, "VpcFlowLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            # Tasks get a public address instead; a NAT gateway would cost more at rest than the whole pipeline.
            nat_gateways=0,
            subnet_configuration=[ec2.SubnetConfiguration(name="Tasks", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24)],
            # Free, and keeps the S3 reads on the AWS network.
            gateway_endpoints={"S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)},
            flow_logs={
                "Rejected": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
                    traffic_type=ec2.FlowLogTrafficType.REJECT,
                )
            },
        )

        task_security_group = ec2.SecurityGroup(
            self,
            "TaskSecurityGroup",
            vpc=vpc,
            description="Extract tasks: no inbound traffic, HTTPS out to S3, ECR, CloudWatch Logs and EventBridge.",
            allow_all_outbound=False,
        )
        task_security_group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs")

        cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)

        task_logs = logs.LogGroup(self, "ExtractTaskLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        task_definition = ecs.FargateTaskDefinition(
            self,
            "ExtractTask",
            cpu=256,
            memory_limit_mib=512,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        container = task_definition.add_container(
            "Extract",
            # Synth only stages the folder; `cdk deploy` builds the image with Docker and pushes it.
            image=ecs.ContainerImage.from_asset(str(TASK), platform=ecr_assets.Platform.LINUX_ARM64),
            logging=ecs.LogDrivers.aws_logs(log_group=task_logs, stream_prefix="extract"),
            readonly_root_filesystem=True,
        )
        # The task may read CSV objects from this bucket and publish to this bus, nothing more.
        task_definition.add_to_task_role_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*.csv")]))
        bus.grant_put_events_to(task_definition.task_role)

        extractor = self._pipeline_function(
            reserved,
            "Extractor",
            "extractor.handler",
            description="Starts one extract task per CSV file, while fewer than the allowed number are running.",
            timeout=EXTRACTOR_TIMEOUT,
            environment={
                "CLUSTER_ARN": cluster.cluster_arn,
                "TASK_DEFINITION_ARN": task_definition.task_definition_arn,
                "TASK_FAMILY": task_definition.family,
                "CONTAINER_NAME": container.container_name,
                "SUBNET_IDS": ",".join(s.subnet_id for s in vpc.public_subnets),
                "SECURITY_GROUP_ID": task_security_group.security_group_id,
                "EVENT_BUS_NAME": bus.event_bus_name,
                "MAX_RUNNING_TASKS": str(THROTTLE.max_running_tasks),
                "MAX_EVENTS_PER_SECOND": str(THROTTLE.max_events_per_second),
            },
        )
        on_this_cluster = {"ArnEquals": {"ecs:cluster": cluster.cluster_arn}}
        extractor.add_to_role_policy(
            iam.PolicyStatement(actions=["ecs:RunTask"], resources=[task_definition.task_definition_arn], conditions=on_this_cluster)
        )
        # ListTasks has no resource to name; the condition keeps it to this cluster.
        extractor.add_to_role_policy(iam.PolicyStatement(actions=["ecs:ListTasks"], resources=["*"], conditions=on_this_cluster))
        extractor.add_to_role_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[task_definition.task_role.role_arn, task_definition.obtain_execution_role().role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            )
        )
        extractor.add_event_source(
            event_sources.SqsEventSource(
                upload_queue,
                # One file per invocation, so a busy slot only puts that one file back on the queue.
                batch_size=1,
                report_batch_item_failures=True,
                max_concurrency=THROTTLE.extractor_pollers,
            )
        )

        # --- Transform and load: one rule and one function each. ---

        async_failures: dict[str, Any] = {
            "retry_attempts": 2,
            # Throttled invocations wait in Lambda's own queue for up to this long instead of being dropped.
            "max_event_age": Duration.hours(6),
            "on_failure": destinations.SqsDestination(failed_events),
        }

        transformer = self._pipeline_function(
            reserved,
            "Transformer",
            "transformer.handler",
            description="Validates one extracted row and publishes it as RowTransformed or RowRejected.",
            environment={"EVENT_BUS_NAME": bus.event_bus_name},
            **async_failures,
        )
        bus.grant_put_events_to(transformer)

        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )
        loader = self._pipeline_function(
            reserved,
            "Loader",
            "loader.handler",
            description="Writes one transformed order into the Orders table.",
            environment={"ORDERS_TABLE_NAME": orders.table_name},
            **async_failures,
        )
        orders.grant(loader, "dynamodb:PutItem")

        observer = self._pipeline_function(
            reserved,
            "Observer",
            "observer.handler",
            description="Logs every event on the ETL bus as one JSON line.",
            **async_failures,
        )

        def target(fn: lambda_.IFunction) -> targets.LambdaFunction:
            return targets.LambdaFunction(fn, dead_letter_queue=failed_events, retry_attempts=8, max_event_age=Duration.hours(2))

        rules = [
            events.Rule(
                self,
                "TransformRule",
                event_bus=bus,
                description="Every extracted row goes to the Transformer.",
                event_pattern=events.EventPattern(source=[EXTRACT_SOURCE], detail_type=[ROW_EXTRACTED]),
                targets=[target(transformer)],
            ),
            events.Rule(
                self,
                "LoadRule",
                event_bus=bus,
                description="Every valid, transformed row goes to the Loader.",
                event_pattern=events.EventPattern(source=[TRANSFORM_SOURCE], detail_type=[ROW_TRANSFORMED]),
                targets=[target(loader)],
            ),
            events.Rule(
                self,
                "ObserveRule",
                event_bus=bus,
                description="Every event of the pipeline, whatever its type, goes to the Observer.",
                event_pattern=events.EventPattern(source=events.Match.prefix(SOURCE_PREFIX)),
                targets=[target(observer)],
            ),
        ]

        # --- A task that dies mid-file: ECS reports it on the default bus, and the report lands in a queue. ---

        # Rows published before the task stopped stay published; the rest of the file is not read.
        # The stop event carries the container overrides, so it names the bucket and key to upload again.
        failed_extracts = sqs.Queue(
            self,
            "FailedExtracts",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        rules.append(
            events.Rule(
                self,
                "ExtractFailedRule",
                description="An extract task that stopped with a non-zero exit code, or never started, is reported to FailedExtracts.",
                event_pattern=events.EventPattern(
                    source=["aws.ecs"],
                    detail_type=["ECS Task State Change"],
                    detail={
                        "clusterArn": [cluster.cluster_arn],
                        "startedBy": [TASK_STARTED_BY],
                        "lastStatus": ["STOPPED"],
                        "$or": [{"stopCode": ["TaskFailedToStart"]}, {"containers": {"exitCode": [{"anything-but": 0}]}}],
                    },
                ),
                targets=[targets.SqsQueue(failed_extracts, dead_letter_queue=failed_events, retry_attempts=8, max_event_age=Duration.hours(2))],
            )
        )
        for rule in rules:
            envelope_first(rule)

        # --- Alarms: every place a file or a row can end up instead of the table notifies one topic. ---

        ops.queue_not_empty(
            "UploadDlqAlarm",
            upload_dlq,
            "A file could not start an extract task after 10 tries. Check the Extractor log for the reason, then redrive UploadDlq to UploadQueue.",
        )
        ops.queue_not_empty(
            "FailedEventsAlarm",
            failed_events,
            "Row events were not delivered or a function failed on them after its retries. Read the messages in FailedEvents for the error "
            "and the row, fix the cause, then replay them.",
        )
        ops.queue_not_empty(
            "FailedExtractsAlarm",
            failed_extracts,
            "An extract task stopped before finishing its file. Read the stop event in FailedExtracts for the reason and the SOURCE_KEY, "
            "then copy the file to the bucket again; the loader overwrites rows already loaded.",
        )
        ops.function_errors(
            "ExtractorErrorsAlarm",
            extractor,
            "The Extractor failed outright; its messages return to UploadQueue and may reach UploadDlq. Check its log.",
        )
        ops.function_errors(
            "TransformerErrorsAlarm",
            transformer,
            "The Transformer failed on rows; they are retried twice and then parked in FailedEvents. Check its log.",
        )
        ops.function_errors(
            "LoaderErrorsAlarm",
            loader,
            "The Loader failed to write rows; they are retried twice and then parked in FailedEvents. Check its log and the table.",
        )
        ops.function_errors(
            "ObserverErrorsAlarm",
            observer,
            "The Observer failed to log events; they are retried twice and then parked in FailedEvents. Check its log.",
        )

        CfnOutput(self, "BucketName", value=bucket.bucket_name, description="Upload .csv files here.")
        CfnOutput(self, "TableName", value=orders.table_name)
        CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        CfnOutput(self, "ExtractTaskLogGroup", value=task_logs.log_group_name)
        CfnOutput(self, "ObserverLogGroup", value=observer.log_group.log_group_name)
        CfnOutput(self, "UploadDlqUrl", value=upload_dlq.queue_url)
        CfnOutput(self, "FailedEventsQueueUrl", value=failed_events.queue_url)
        CfnOutput(self, "FailedExtractsQueueUrl", value=failed_extracts.queue_url)

        self._acknowledge_findings(
            bucket=bucket,
            upload_dlq=upload_dlq,
            failed_events=failed_events,
            failed_extracts=failed_extracts,
            extractor=extractor,
            task_definition=task_definition,
            functions=[transformer, loader, observer],
        )

    def _pipeline_function(
        self, reserved: int | None, construct_id: str, handler: str, *, description: str, **props: Any
    ) -> lambda_.Function:
        """A Python 3.13 function on arm64 with its own log group, its own role and, if asked for, reserved concurrency."""
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: {description}",
        )
        log_group.grant_write(role)
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "X-Ray trace segments cannot be scoped to a resource; for the Extractor, ecs:ListTasks has no resource ARN "
                    "either and a condition pins it to this cluster."
                ),
            )
        )
        settings: dict[str, Any] = {
            "memory_size": 256,
            "timeout": Duration.seconds(10),
            "reserved_concurrent_executions": reserved,
            "tracing": lambda_.Tracing.ACTIVE,
            "logging_format": lambda_.LoggingFormat.JSON,
            "log_group": log_group,
            **props,
        }
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            description=description,
            **settings,
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
        )
        return fn

    def _acknowledge_findings(
        self,
        *,
        bucket: s3.Bucket,
        upload_dlq: sqs.Queue,
        failed_events: sqs.Queue,
        failed_extracts: sqs.Queue,
        extractor: lambda_.Function,
        task_definition: ecs.FargateTaskDefinition,
        functions: list[lambda_.Function],
    ) -> None:
        Validations.of(bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="Uploads are already recorded by the S3 notification and the Extractor log; server access logs would need a second bucket.",
            )
        )
        Validations.of(failed_extracts).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue only collects stop events of failed extract tasks; nothing consumes it, so there is nothing to redrive from it.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="Nothing consumes this queue; an operator reads the stop events, which wait 14 days.",
            ),
        )
        for dlq in (upload_dlq, failed_events):
            Validations.of(dlq).acknowledge(
                Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself a dead-letter queue."),
                Acknowledgment(
                    id="Serverless-SQSRedrivePolicy",
                    reason="This queue is itself a dead-letter queue; messages wait here for inspection and redrive.",
                ),
            )
        Validations.of(extractor).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Only the SQS event source invokes the Extractor; files that cannot start a task reach UploadDlq through the queue redrive policy.",
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="Lambda does not support on-failure destinations for SQS event sources; the redrive policy to UploadDlq plays that role.",
            ),
        )
        for fn in functions:
            Validations.of(fn).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaDLQ",
                    reason="Failed asynchronous invocations go to FailedEvents through an on-failure destination, which keeps the error and the original event together.",
                )
            )
        Validations.of(task_definition.obtain_execution_role()).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="ecr:GetAuthorizationToken, which the execution role needs to pull the image, cannot be scoped to a repository.",
            )
        )
        bucket_id = self.get_logical_id(bucket.node.default_child)  # type: ignore[arg-type]
        Validations.of(task_definition.task_role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*.csv]",
                reason="The task reads whichever CSV file it is told to; the wildcard is limited to .csv objects in the landing bucket.",
            )
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
