"""A Standard workflow that waits on a task token for a person to approve access, then holds it open with a Wait state."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from wait_state_and_callback.approval_flow import approval_flow
from wait_state_and_callback.operations import operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# How long a request waits for a decision unless the context value approvalTimeoutMinutes says otherwise.
DEFAULT_APPROVAL_TIMEOUT_MINUTES = 24 * 60
# Shortest and longest approval wait the stack accepts: five minutes for a demo, a week at most.
APPROVAL_TIMEOUT_RANGE = (5, 7 * 24 * 60)
# Approvals are made by people: a handful a second is generous, and it bounds a leaked credential.
THROTTLE = {"rate_limit": 10, "burst_limit": 20}


def approval_timeout_from(scope: Construct) -> Duration:
    """Reads the approval timeout from context, refusing values the page's promises do not cover."""
    raw = scope.node.try_get_context("approvalTimeoutMinutes")
    minutes: object = DEFAULT_APPROVAL_TIMEOUT_MINUTES if raw is None else raw
    if isinstance(minutes, str):
        try:
            minutes = float(minutes)
        except ValueError:
            pass
    low, high = APPROVAL_TIMEOUT_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes != int(minutes) or not low <= minutes <= high:
        raise ValueError(f"approvalTimeoutMinutes must be a whole number from {low} to {high}, got {raw}")
    return Duration.minutes(int(minutes))


class WaitStateAndCallbackStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        approval_timeout = approval_timeout_from(self)

        # One item per request: its state, the decision, and the task token only while a decision is awaited.
        approvals = dynamodb.TableV2(
            self,
            "Approvals",
            partition_key=dynamodb.Attribute(name="approvalId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo data: `cdk destroy` removes the table with the stack.
            removal_policy=RemovalPolicy.DESTROY,
        )

        approver_topic = sns.Topic(
            self,
            "ApproverTopic",
            display_name="Access requests waiting for a decision",
            enforce_ssl=True,
            # The AWS managed key lets any principal in the account publish through SNS,
            # so the workflow role needs no KMS permission beside sns:Publish.
            master_key=kms.Alias.from_alias_name(self, "SnsManagedKey", "alias/aws/sns"),
        )
        approver_email = self.node.try_get_context("approverEmail")
        if isinstance(approver_email, str) and approver_email:
            Validations.of(approver_topic.add_subscription(subscriptions.EmailSubscription(approver_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason=(
                        "An e-mail to an approver has no queue to redrive to; a lost e-mail leaves the request PENDING in the "
                        "table until it expires, which is the designed outcome."
                    ),
                )
            )

        api = apigwv2.HttpApi(
            self,
            "ApprovalApi",
            description="Approvers record a decision on an access request; every call is SigV4-signed.",
            create_default_stage=True,
        )

        register_request = self._handler(
            "RegisterRequest",
            "register_request.handler",
            "Validates an access request, stores it as PENDING and writes the approvers' message.",
            {"APPROVALS_TABLE_NAME": approvals.table_name, "APPROVAL_API_URL": api.api_endpoint},
        )
        # A new request, and nothing else: no read, no update, no delete.
        approvals.grant(register_request, "dynamodb:PutItem")

        flow = approval_flow(
            self, approvals=approvals, register_request=register_request, approver_topic=approver_topic, approval_timeout=approval_timeout
        )

        decide = self._handler(
            "Decide",
            "decide.handler",
            "Records an approver's decision once and hands it to the waiting workflow.",
            {"APPROVALS_TABLE_NAME": approvals.table_name},
        )
        # Claim, release and expire are all conditional updates of one item; SendTaskSuccess on this workflow only.
        approvals.grant(decide, "dynamodb:UpdateItem")
        flow.grant(decide, "states:SendTaskSuccess")

        api.add_routes(
            path="/approvals/{approvalId}",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("DecideIntegration", decide),
            # SigV4: API Gateway checks the caller's IAM identity and execute-api:Invoke before the function runs.
            authorizer=authorizers.HttpIamAuthorizer(),
        )
        access_logs = logs.LogGroup(
            self, "ApprovalApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "caller": "$context.identity.userArn",
                    "method": "$context.httpMethod",
                    "path": "$context.path",
                    "status": "$context.status",
                    "error": "$context.error.message",
                    "latencyMs": "$context.responseLatency",
                },
                separators=(",", ":"),
            ),
        )
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=THROTTLE["rate_limit"], throttling_burst_limit=THROTTLE["burst_limit"]
        )

        # Who may approve is an IAM decision: attach this policy to your approvers' roles or groups.
        approver_policy = iam.ManagedPolicy(
            self,
            "ApproverPolicy",
            description="Record decisions on access requests through the approval API (POST /approvals/{approvalId}) and nothing else.",
            statements=[iam.PolicyStatement(actions=["execute-api:Invoke"], resources=[api.arn_for_execute_api("POST", "/approvals/*")])],
        )

        alarm_topic = operations(self, flow=flow, api=api, decide=decide)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="POST decisions to <ApiUrl>/approvals/<approvalId>.")
        CfnOutput(
            self, "StateMachineArn", value=flow.state_machine_arn, description="Start one execution per access request; its name is the approval id."
        )
        CfnOutput(self, "TableName", value=approvals.table_name)
        CfnOutput(self, "ApproverTopicArn", value=approver_topic.topic_arn, description="Subscribe approvers here, or deploy with -c approverEmail=...")
        CfnOutput(self, "ApproverPolicyArn", value=approver_policy.managed_policy_arn, description="Attach to the IAM identities allowed to decide.")
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        api_id = self.get_logical_id(api.node.default_child)  # type: ignore[arg-type]
        Validations.of(approver_policy).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api_id}>/*/POST/approvals/*]",
                reason="The wildcards stand for the one $default stage and the {approvalId} path parameter; the ARN fixes the API, the POST method and /approvals.",
            )
        )
        Validations.of(flow).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            )
        )
        register_id = self.get_logical_id(register_request.node.default_child)  # type: ignore[arg-type]
        Validations.of(flow).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{register_id}.Arn>:*]",
                reason="The workflow may invoke any version or alias of RegisterRequest, and only that function.",
            )
        )

    def _handler(self, construct_id: str, handler: str, description: str, environment: dict[str, str]) -> lambda_.Function:
        """A small function with its own role and log group; callers add the one grant it needs."""
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: write its own logs and traces, plus the one grant the stack adds.",
        )
        log_group.grant_write(role)
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            description=description,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment=environment,
        )
        Validations.of(role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
        )
        Validations.of(fn).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Step Functions or API Gateway invokes the function synchronously and handles its errors; a DLQ only applies to async invokes.",
            ),
        )
        return fn
