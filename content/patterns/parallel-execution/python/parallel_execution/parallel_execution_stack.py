"""An Express Step Functions workflow that checks fraud, stock and shipping for an order at once and decides on the joined result."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from parallel_execution.order_check_definition import order_check_definition

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The Pass states a branch falls back to when its check could not answer.
DEGRADED_STATES = ["Fraud score unavailable", "Shipping quote unavailable"]

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class ParallelExecutionStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # One item per product: { sku, available }. Read by the workflow itself, never by a function.
        stock = dynamodb.TableV2(
            self,
            "Stock",
            partition_key=dynamodb.Attribute(name="sku", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        fraud_scorer = self._check_function(
            "FraudScorer", "order_check.fraud_scorer.handler", "Scores an order for fraud risk from its value, account age and addresses."
        )
        shipping_quoter = self._check_function(
            "ShippingQuoter", "order_check.shipping_quoter.handler", "Quotes shipping for an order by destination zone and weight."
        )

        flow_logs = logs.LogGroup(
            self,
            "OrderCheckLogs",
            # The vended-logs prefix keeps the account's CloudWatch Logs resource policy small as workflows are added.
            log_group_name=f"/aws/vendedlogs/states/{self.stack_name}-OrderCheck",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )

        order_check = sfn.StateMachine(
            self,
            "OrderCheck",
            # Express: the checks are reads that are safe to repeat, the caller waits for the answer, and a run takes
            # well under a second, so per-request pricing beats Standard's per-transition pricing many times over.
            state_machine_type=sfn.StateMachineType.EXPRESS,
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(
                order_check_definition(self, fraud_scorer=fraud_scorer, shipping_quoter=shipping_quoter, stock=stock)
            ),
            comment="Checks fraud, stock and shipping for an order at once, then approves, rejects or holds it for review.",
            # Longer than the slowest branch with all its retries (12 s), short enough for a waiting checkout.
            timeout=Duration.seconds(15),
            tracing_enabled=True,
            # Express workflows keep no execution history: these logs are it, and the degraded-checks alarm reads them.
            logs=sfn.LogOptions(destination=flow_logs, level=sfn.LogLevel.ALL, include_execution_data=True),
        )

        self._alarms(order_check, flow_logs)

        CfnOutput(self, "StateMachineArn", value=order_check.state_machine_arn, description="Start with aws stepfunctions start-sync-execution.")
        CfnOutput(self, "StockTableName", value=stock.table_name)
        CfnOutput(self, "FlowLogGroup", value=flow_logs.log_group_name)

        Validations.of(order_check).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            ),
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(fn.node.default_child)}.Arn>:*]",
                    reason=f"The workflow may invoke any version or alias of {fn.node.id}, and only that function.",
                )
                for fn in (fraud_scorer, shipping_quoter)
            ),
        )

    def _alarms(self, order_check: sfn.StateMachine, flow_logs: logs.LogGroup) -> None:
        """Failed, timed-out and throttled executions mean the check gave no answer.

        A degraded check still answers, but sends orders to a person, so it is counted from the workflow's log and
        alarmed too.
        """
        topic = sns.Topic(self, "AlarmTopic", display_name="Parallel Execution alarms", enforce_ssl=True)
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
        period = Duration.minutes(5)

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
            "OrderCheckFailedAlarm",
            order_check.metric_failed(statistic=cloudwatch.Stats.SUM, period=period),
            "An OrderCheck execution failed: the stock read kept failing, or an order was invalid or hit a bug. "
            "Search OrderCheckLogs for ExecutionFailed and read the error and cause.",
        )
        alarm(
            "OrderCheckTimedOutAlarm",
            order_check.metric_timed_out(statistic=cloudwatch.Stats.SUM, period=period),
            "An OrderCheck execution hit its 15-second timeout and the caller got no decision. Check the functions and the Stock table in X-Ray.",
        )
        alarm(
            "OrderCheckThrottledAlarm",
            order_check.metric_throttled(statistic=cloudwatch.Stats.SUM, period=period),
            "Step Functions throttled OrderCheck state transitions. Look at the execution rate and the account quotas.",
        )

        degraded = logs.MetricFilter(
            self,
            "DegradedChecksFilter",
            log_group=flow_logs,
            filter_pattern=logs.FilterPattern.all(
                logs.FilterPattern.string_value("$.type", "=", "PassStateEntered"),
                logs.FilterPattern.any(*(logs.FilterPattern.string_value("$.details.name", "=", name) for name in DEGRADED_STATES)),
            ),
            metric_namespace="ParallelExecution",
            metric_name="DegradedChecks",
            metric_value="1",
            default_value=0,
        )
        alarm(
            "DegradedChecksAlarm",
            degraded.metric(statistic=cloudwatch.Stats.SUM, period=period),
            "The fraud scorer or the shipping quoter stayed unavailable after its retries and orders went to review. "
            "Check FraudScorerLogs and ShippingQuoterLogs.",
        )

    def _check_function(self, construct_id: str, handler: str, description: str) -> lambda_.Function:
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
            # Plain source with no dependencies beyond the runtime: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            # A backstop only: the workflow gives up on a call after 3 seconds.
            timeout=Duration.seconds(5),
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
