"""An HTTP API that starts an Express Step Functions order workflow synchronously and answers with its result."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Transient Lambda service errors worth another attempt; a bug in our code is not one of them.
LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheStateMachineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        validator = self._order_function(
            "OrderValidator", "orders.validate_order.handler", "Checks an order against the menu and the delivery rules."
        )
        delivery_planner = self._order_function(
            "DeliveryPlanner", "orders.plan_delivery.handler", "Prices a delivery order and promises an arrival time."
        )
        pickup_planner = self._order_function("PickupPlanner", "orders.plan_pickup.handler", "Times a pickup order and issues its pickup code.")

        # Rejected orders are an expected outcome and get their own error name and reasons.
        rejected = sfn.Fail.jsonata(
            self,
            "Order rejected",
            error="OrderRejected",
            cause="{% $exists($states.input.reasons) ? $join($states.input.reasons, '; ') : 'The order has no fulfilment we offer.' %}",
        )
        # Anything that still fails after the retries ends here, keeping the original error.
        failed = sfn.Fail.jsonata(self, "Order failed", error="{% $states.input.Error %}", cause="{% $states.input.Cause %}")

        def step(state_id: str, fn: lambda_.IFunction, comment: str) -> tasks.LambdaInvoke:
            task = tasks.LambdaInvoke.jsonata(
                self,
                state_id,
                lambda_function=fn,
                comment=comment,
                outputs="{% $states.result.Payload %}",
                # The explicit Retry below replaces CDK's default of six attempts, which
                # would not fit inside the HTTP API's 30-second integration timeout.
                retry_on_service_exceptions=False,
                task_timeout=sfn.Timeout.duration(Duration.seconds(5)),
            )
            task.add_retry(
                errors=LAMBDA_TRANSIENT_ERRORS,
                interval=Duration.seconds(1),
                max_attempts=2,
                backoff_rate=2,
                jitter_strategy=sfn.JitterType.FULL,
            )
            task.add_catch(failed, errors=["States.ALL"], outputs="{% $states.errorOutput %}")
            return task

        validate = step("Validate order", validator, "Returns { valid, order } or { valid: false, reasons }.")
        plan_delivery = step("Plan delivery", delivery_planner, "Adds the delivery fee and an arrival time.")
        plan_pickup = step("Plan pickup", pickup_planner, "Adds the ready time and a pickup code.")
        accepted = sfn.Succeed.jsonata(self, "Order accepted")

        route = (
            sfn.Choice.jsonata(self, "Route order", comment="Bad orders fail; good ones branch on fulfilment.")
            .when(sfn.Condition.jsonata("{% $states.input.valid = false %}"), rejected, comment="Validation found problems")
            .when(
                sfn.Condition.jsonata("{% $states.input.order.fulfilment = 'delivery' %}"),
                plan_delivery.next(accepted),
                outputs="{% $states.input.order %}",
            )
            .when(
                sfn.Condition.jsonata("{% $states.input.order.fulfilment = 'pickup' %}"),
                plan_pickup.next(accepted),
                outputs="{% $states.input.order %}",
            )
            .otherwise(rejected)
        )

        flow_logs = logs.LogGroup(
            self,
            "OrderFlowLogs",
            # The vended-logs prefix keeps the log resource policy small as workflows are added.
            log_group_name=f"/aws/vendedlogs/states/{self.stack_name}-OrderFlow",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )

        order_flow = sfn.StateMachine(
            self,
            "OrderFlow",
            state_machine_type=sfn.StateMachineType.EXPRESS,
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(validate.next(route)),
            comment="Validates a pizza order, rejects bad ones and plans delivery or pickup for the rest.",
            # Finish, or time out, before API Gateway stops waiting at 30 seconds.
            timeout=Duration.seconds(25),
            tracing_enabled=True,
            # Express workflows keep no execution history of their own: these logs are it.
            logs=sfn.LogOptions(destination=flow_logs, level=sfn.LogLevel.ALL, include_execution_data=True),
        )

        api = apigwv2.HttpApi(self, "Api", description="Takes pizza orders and answers with the workflow result.")
        api.add_routes(
            path="/orders",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpStepFunctionsIntegration(
                "StartOrderFlow",
                state_machine=order_flow,
                subtype=apigwv2.HttpIntegrationSubtype.STEPFUNCTIONS_START_SYNC_EXECUTION,
                # The default mapping sends only the ARN; the request body becomes the execution input.
                parameter_mapping=apigwv2.ParameterMapping()
                .custom("StateMachineArn", order_flow.state_machine_arn)
                .custom("Input", "$request.body"),
            ),
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
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=20, throttling_rate_limit=50)

        self._alarms(order_flow, flow_logs)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="POST orders to <ApiUrl>/orders.")
        CfnOutput(self, "StateMachineArn", value=order_flow.state_machine_arn)
        CfnOutput(self, "FlowLogGroup", value=flow_logs.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="The order endpoint is a public demo; put a JWT or IAM authorizer on the route before taking real orders.",
            )
        )
        Validations.of(order_flow).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            ),
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(fn.node.default_child)}.Arn>:*]",
                    reason=f"The workflow may invoke any version or alias of {fn.node.id}, and only that function.",
                )
                for fn in (validator, delivery_planner, pickup_planner)
            ),
        )

    def _alarms(self, order_flow: sfn.StateMachine, flow_logs: logs.LogGroup) -> None:
        """Tells a person when orders break rather than get rejected.

        A rejected order is a normal answer, so the alarms count only executions that end in
        Order failed and executions that time out.
        """
        topic = sns.Topic(self, "AlarmTopic", display_name="The State Machine alarms", enforce_ssl=True)
        email = self.node.try_get_context("alarmEmail")
        if isinstance(email, str) and email:
            Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(topic)

        broken = logs.MetricFilter(
            self,
            "OrderFailedFilter",
            log_group=flow_logs,
            filter_pattern=logs.FilterPattern.all(
                logs.FilterPattern.string_value("$.type", "=", "FailStateEntered"),
                logs.FilterPattern.string_value("$.details.name", "=", "Order failed"),
            ),
            metric_namespace="TheStateMachine",
            metric_name="OrdersFailed",
            metric_value="1",
            default_value=0,
        )
        cloudwatch.Alarm(
            self,
            "OrderFailedAlarm",
            metric=broken.metric(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "An OrderFlow execution ended in Order failed: a function kept failing after its retries and the customer got "
                'an error. Search OrderFlowLogs for FailStateEntered "Order failed" and read the error and cause.'
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "OrderFlowTimedOutAlarm",
            metric=order_flow.metric_timed_out(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "An OrderFlow execution hit its 25-second timeout and the caller got no result. "
                "Check the functions' durations and errors in their log groups and X-Ray."
            ),
        ).add_alarm_action(notify)

    def _order_function(self, construct_id: str, handler: str, description: str) -> lambda_.Function:
        """A small function the workflow calls synchronously, with its own role and log group."""
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # No AWS managed policy: these functions call no AWS API, so they may only log and trace.
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: write its own logs and traces, nothing else.",
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
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(3),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(fn).acknowledge(
            Acknowledgment(id="AwsSolutions-L1", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(id="Serverless-LambdaLatestVersion", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason=(
                    "Step Functions invokes the function synchronously and handles its errors with Retry and Catch; "
                    "a DLQ only applies to async invokes."
                ),
            ),
        )
        return fn
