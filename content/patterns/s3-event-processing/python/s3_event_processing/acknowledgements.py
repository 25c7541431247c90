"""The cdk-nag findings this design accepts, each with the reason it is accepted."""

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn

from .large_file_workflow import LABEL

# Uploads under this prefix ending in .csv are processed; everything else in the bucket is ignored.
UPLOAD_PREFIX = "incoming/"
# Where the Distributed Map writes its Map Run results; outside UPLOAD_PREFIX, so they never trigger a rule.
RESULTS_PREFIX = "map-results/"


def acknowledge_findings(
    stack: Stack,
    bucket: s3.Bucket,
    queues: tuple[sqs.Queue, ...],
    small_file_processor: lambda_.Function,
    batch_processor: lambda_.Function,
    state_machine: sfn.StateMachine,
) -> None:
    bucket_arn = f"<{stack.get_logical_id(bucket.node.default_child)}.Arn>"  # type: ignore[arg-type]
    Validations.of(bucket).acknowledge(
        Acknowledgment(
            id="AwsSolutions-S1",
            reason="Every upload is already recorded by its EventBridge event and by the processor logs; server access logs would need a second bucket.",
        )
    )
    for queue in queues:
        Validations.of(queue).acknowledge(
            Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself a dead-letter queue."),
            Acknowledgment(id="Serverless-SQSRedrivePolicy", reason="This queue is itself a dead-letter queue; messages wait here 14 days for inspection."),
        )
    for fn in (small_file_processor, batch_processor):
        Validations.of(fn.role).acknowledge(  # type: ignore[arg-type]
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard resource.",
            )
        )
    Validations.of(small_file_processor.role).acknowledge(  # type: ignore[arg-type]
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{UPLOAD_PREFIX}*]",
            reason=f"The processor reads whichever upload it is told about; the wildcard is limited to objects under {UPLOAD_PREFIX} in this bucket.",
        )
    )
    Validations.of(small_file_processor).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="Failed asynchronous invocations go to SmallFileFailures through an on-failure destination, which keeps the error with the event.",
        )
    )
    Validations.of(batch_processor).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="Only the state machine invokes it, synchronously; failed batches are retried there and recorded in the Map Run results.",
        ),
        Acknowledgment(
            id="Serverless-LambdaAsyncFailureDestination",
            reason="Never invoked asynchronously: the Distributed Map calls it and sees every error.",
        ),
    )
    batch_fn = stack.get_logical_id(batch_processor.node.default_child)  # type: ignore[arg-type]
    Validations.of(state_machine).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SF1",
            reason=(
                "Errors are logged without execution data; logging every event of thousands of child executions would cost more than "
                "the processing, and a Standard execution keeps its own history."
            ),
        ),
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::<{batch_fn}.Arn>:*]",
            reason="The workflow may invoke any version of the BatchProcessor, and only that function.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{UPLOAD_PREFIX}*]",
            reason=f"The Distributed Map reads the upload it is started for; the wildcard is limited to {UPLOAD_PREFIX} in this bucket.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{RESULTS_PREFIX}*]",
            reason=f"Map Run results get names Step Functions picks; the wildcard is limited to {RESULTS_PREFIX} in this bucket.",
        ),
    )
    # The Distributed Map starts, watches, stops and redrives its own child executions, whose names it picks.
    machine = stack.get_logical_id(state_machine.node.default_child)  # type: ignore[arg-type]
    executions = (
        "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
        f'{{"Fn::Select":[6,{{"Fn::Split":[":",{{"Ref":"{machine}"}}]}}]}}'
    )
    for suffix in (":*", f"/{LABEL}:*"):
        Validations.of(state_machine).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{executions}{suffix}]",
                reason="Child executions of the Distributed Map get names Step Functions picks; the wildcard is limited to executions of this state machine.",
            )
        )
    # Created by CDK to switch on the bucket's EventBridge notifications during deployment.
    notifications_handler = stack.node.try_find_child("BucketNotificationsHandler050a0587b7544547bf325f094a3db834")
    if notifications_handler is not None:
        Validations.of(notifications_handler).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                reason=(
                    "The helper function is written by CDK and runs only while CloudFormation applies the bucket notification setting; "
                    "its S3 permission is scoped to this bucket."
                ),
            )
        )
