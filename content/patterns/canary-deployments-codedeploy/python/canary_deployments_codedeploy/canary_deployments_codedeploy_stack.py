"""A Lambda alias shifted by CodeDeploy in canary or linear steps, checked by traffic hooks and rolled back on alarms."""

import json

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from canary_deployments_codedeploy.alarm_topic import create_alarm_topic
from canary_deployments_codedeploy.deployment_configs import deployment_config_from_context
from canary_deployments_codedeploy.logged_function import logged_function

HOOK_NO_DLQ = (
    "CodeDeploy invokes the hook and waits for its report; a hook that never reports fails the deployment, "
    "which rolls back, so a DLQ would keep an event nobody can replay."
)


class CanaryDeploymentsCodedeployStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The service being released. Every change to its code or configuration publishes a new
        # version (current_version), and moving the alias to that version is what CodeDeploy shifts.
        greeter = logged_function(
            self,
            "Greeter",
            module="greeter",
            description="Greeter: answers GET with a greeting and the version that served it.",
            timeout=Duration.seconds(5),
            no_dlq_because="API Gateway and the traffic hooks invoke the function synchronously and see its errors; a DLQ only applies to async invokes.",
        )
        version = greeter.current_version
        live = lambda_.Alias(self, "Live", alias_name="live", version=version)
        # The alias ARN spelled out from the function ARN rather than taken from the alias resource:
        # the alias must wait for the post-traffic hook (below), so the hook cannot wait for the alias.
        live_arn = f"{greeter.function_arn}:{live.alias_name}"

        # Both hooks run the same check against a different target: the new version directly before
        # any traffic moves, then the alias once all traffic has moved.
        pre_traffic_hook = logged_function(
            self,
            "PreTrafficHook",
            module="traffic_hook",
            description="BeforeAllowTraffic hook: calls the new version directly and reports the verdict to CodeDeploy.",
            timeout=Duration.seconds(30),
            environment={"TARGET_FUNCTION_ARN": version.function_arn, "EXPECTED_VERSION": version.version},
            no_dlq_because=HOOK_NO_DLQ,
        )
        post_traffic_hook = logged_function(
            self,
            "PostTrafficHook",
            module="traffic_hook",
            description="AfterAllowTraffic hook: calls the live alias and reports the verdict to CodeDeploy.",
            timeout=Duration.seconds(30),
            environment={"TARGET_FUNCTION_ARN": live_arn, "EXPECTED_VERSION": version.version},
            no_dlq_because=HOOK_NO_DLQ,
        )
        # Least privilege: each hook may invoke only what it checks, never $LATEST or older versions.
        version.grant_invoke(pre_traffic_hook)
        post_traffic_hook.add_to_role_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[live_arn]))

        # Alarms that watch only the version being rolled out. The alias's own metrics add up both
        # versions during a shift; the ExecutedVersion dimension splits them, so an old version's
        # errors cannot roll back a healthy release and a canary's errors are not diluted.
        alarm_topic = create_alarm_topic(self)
        notify = cw_actions.SnsAction(alarm_topic)

        def new_version_metric(metric_name: str, statistic: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name=metric_name,
                dimensions_map={
                    "FunctionName": greeter.function_name,
                    "Resource": f"{greeter.function_name}:{live.alias_name}",
                    "ExecutedVersion": version.version,
                },
                statistic=statistic,
                period=Duration.minutes(1),
            )

        canary_errors = cloudwatch.Alarm(
            self,
            "CanaryErrorsAlarm",
            metric=new_version_metric("Errors", cloudwatch.Stats.SUM),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The version behind the live alias failed an invocation. During a deployment this rolls the alias back; "
                "check GreeterLogs for the version in the alarm dimensions."
            ),
        )
        canary_latency = cloudwatch.Alarm(
            self,
            "CanaryLatencyAlarm",
            metric=new_version_metric("Duration", cloudwatch.Stats.p(99)),
            threshold=1000,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The version behind the live alias took over a second at p99 for two minutes running. "
                "During a deployment this rolls the alias back."
            ),
        )
        for alarm in (canary_errors, canary_latency):
            alarm.add_alarm_action(notify)

        application = codedeploy.LambdaApplication(self, "Application")
        deployment_group = codedeploy.LambdaDeploymentGroup(
            self,
            "DeploymentGroup",
            application=application,
            alias=live,
            deployment_config=deployment_config_from_context(self.node.try_get_context("deploymentConfig")),
            alarms=[canary_errors, canary_latency],
            pre_hook=pre_traffic_hook,
            post_hook=post_traffic_hook,
            auto_rollback=codedeploy.AutoRollbackConfig(failed_deployment=True, stopped_deployment=True, deployment_in_alarm=True),
        )
        # CloudFormation must finish the hooks (which carry the new version number), the alarms
        # (which watch it) and the deployment group before it hands the alias update to CodeDeploy.
        live.node.add_dependency(pre_traffic_hook, post_traffic_hook, canary_errors, canary_latency, deployment_group)

        api = apigwv2.HttpApi(
            self,
            "Api",
            description="Greets callers through the live alias of the Greeter function.",
            default_integration=integrations.HttpLambdaIntegration("GreeterIntegration", live),
        )
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "method": "$context.httpMethod",
                    "path": "$context.path",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                    "integrationError": "$context.integrationErrorMessage",
                },
                separators=(",", ":"),
            ),
        )
        # Throttle the public endpoint so a flood cannot run up the bill.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        # Callers notice a 5xx whichever version served it, so this alarm watches the API as a whole.
        # It is not attached to the deployment group: an old version's failures must not undo a release.
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The greeter API answered 5xx. Check the access log for integrationError and GreeterLogs for the failing version.",
        ).add_alarm_action(notify)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET this URL to be greeted by the version behind the live alias.")
        CfnOutput(self, "FunctionName", value=greeter.function_name)
        CfnOutput(self, "ApplicationName", value=application.application_name)
        CfnOutput(self, "DeploymentGroupName", value=deployment_group.deployment_group_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="The greeter is a public demo endpoint; add a JWT or IAM authorizer before real use.",
            )
        )

        # CDK lets CodeDeploy invoke each hook, qualified ARNs included, so the hooks need no CodeDeployHook_ name.
        def logical_id(fn: lambda_.Function) -> str:
            return str(self.resolve(self.get_logical_id(fn.node.default_child)))  # type: ignore[arg-type]

        Validations.of(deployment_group).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]",
                reason=(
                    "CDK attaches the AWS managed AWSCodeDeployRoleForLambdaLimited to every Lambda deployment group: it lets CodeDeploy "
                    "read and move aliases and read alarm states, and it invokes only functions named CodeDeployHook_*."
                ),
            ),
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{logical_id(hook)}.Arn>:*]",
                    reason=(
                        f"CodeDeploy may invoke the {hook.node.id} function of this stack, including its qualified ARNs; "
                        "CDK grants it so that the hook needs no CodeDeployHook_ name."
                    ),
                )
                for hook in (pre_traffic_hook, post_traffic_hook)
            ),
        )
