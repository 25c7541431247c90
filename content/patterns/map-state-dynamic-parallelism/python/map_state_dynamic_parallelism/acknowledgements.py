"""The cdk-nag findings this design accepts, each with the reason it is accepted."""

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn

from .pricing_job import DISTRIBUTED, MANIFEST_PREFIX, RESULTS_PREFIX

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests."
)


def acknowledge_findings(
    stack: Stack, *, bucket: s3.Bucket, worker: lambda_.Function, worker_role: iam.Role, state_machine: sfn.StateMachine
) -> None:
    bucket_arn = f"<{stack.get_logical_id(bucket.node.default_child)}.Arn>"  # type: ignore[arg-type]
    worker_arn = f"<{stack.get_logical_id(worker.node.default_child)}.Arn>"  # type: ignore[arg-type]
    state_machine_ref = stack.get_logical_id(state_machine.node.default_child)  # type: ignore[arg-type]

    Validations.of(bucket).acknowledge(
        Acknowledgment(
            id="AwsSolutions-S1",
            reason=(
                "The bucket holds only manifests the operator uploads and the results the workflow writes; access logs would need a second "
                "bucket, and CloudTrail data events can be switched on where an access record is required."
            ),
        )
    )
    Validations.of(worker_role).acknowledge(
        Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
    )
    Validations.of(worker).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="Only the state machine invokes it, synchronously; failures are retried and recorded there, so a DLQ would never receive anything.",
        ),
    )

    Validations.of(state_machine).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SF1",
            reason=(
                "Errors are logged without order data; a Standard execution keeps its full history, and logging every event of thousands "
                "of child executions would cost more than the pricing itself."
            ),
        ),
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{worker_arn}:*]",
            reason="The workflow may invoke any version of the OrderPricer function, and only that function.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{MANIFEST_PREFIX}*]",
            reason=f"The Distributed Map reads whichever manifest the job names; the wildcard is limited to objects under {MANIFEST_PREFIX} in this bucket.",
        ),
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{RESULTS_PREFIX}*]",
            reason=f"Map Run result files get names Step Functions picks; the wildcard is limited to objects under {RESULTS_PREFIX} in this bucket.",
        ),
    )
    # The Distributed Map starts, watches, stops and redrives its own child executions, whose names Step Functions picks.
    executions = (
        "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
        f'{{"Fn::Select":[6,{{"Fn::Split":[":",{{"Ref":"{state_machine_ref}"}}]}}]}}'
    )
    for suffix in (":*", f"/{DISTRIBUTED.label}:*"):
        Validations.of(state_machine).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{executions}{suffix}]",
                reason="Child executions of the Distributed Map get names Step Functions picks; the wildcard is limited to executions of this state machine.",
            )
        )
