"""The fix: no function calls another. An Express workflow, started synchronously so the caller still gets
its answer, runs the steps and retries each one on its own terms. It waits for a step at Express rates,
a fraction of what a 256 MB function pays to wait."""

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from anti_lambda_chaining.checkout_function import checkout_function, order_table

# Transient Lambda service errors worth another attempt.
LAMBDA_TRANSIENT_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]


class CheckoutWorkflowStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        orders = order_table(self, "Orders")
        payments = order_table(self, "Payments")

        price_order = checkout_function(
            self,
            "PriceOrder",
            handler="price_order.handler",
            description="Checks an order against the price list and prices it.",
            timeout=Duration.seconds(3),
            invoked_by="Step Functions",
        )
        charge_payment = checkout_function(
            self,
            "ChargePayment",
            handler="charge_payment.handler",
            description="Charges the card (stand-in processor) and records the payment once per order.",
            timeout=Duration.seconds(10),
            environment={"PAYMENTS_TABLE_NAME": payments.table_name},
            invoked_by="Step Functions",
        )
        payments.grant(charge_payment, "dynamodb:PutItem")

        # Whatever still fails after its step's retries ends here, with the step's error and cause.
        failed = sfn.Fail.jsonata(self, "Checkout failed", error="{% $states.input.Error %}", cause="{% $states.input.Cause %}")

        price = tasks.LambdaInvoke.jsonata(
            self,
            "Price order",
            lambda_function=price_order,
            outputs="{% $states.result.Payload %}",
            # Kept for the later steps without threading it through every output.
            assign={"order": "{% $states.result.Payload.order %}"},
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(Duration.seconds(5)),
        )
        price.add_retry(errors=LAMBDA_TRANSIENT_ERRORS, interval=Duration.seconds(1), max_attempts=2, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
        price.add_catch(failed, errors=["States.ALL"], outputs="{% $states.errorOutput %}")

        charge = tasks.LambdaInvoke.jsonata(
            self,
            "Charge payment",
            lambda_function=charge_payment,
            # The step sends only what a charge needs; the workflow, not a function, now waits for it.
            payload=sfn.TaskInput.from_object(
                {"orderId": "{% $order.orderId %}", "amountCents": "{% $order.totalCents %}", "cardToken": "{% $order.cardToken %}"}
            ),
            outputs="{% $states.result.Payload %}",
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(Duration.seconds(15)),
        )
        # ChargePayment records one charge per order id, so a retry after any error cannot charge twice.
        charge.add_retry(
            errors=[*LAMBDA_TRANSIENT_ERRORS, "States.TaskFailed", "States.Timeout"],
            interval=Duration.seconds(2),
            max_attempts=3,
            backoff_rate=2,
            jitter_strategy=sfn.JitterType.FULL,
        )
        charge.add_catch(failed, errors=["States.ALL"], outputs="{% $states.errorOutput %}")

        save = tasks.DynamoPutItem.jsonata(
            self,
            "Save order",
            table=orders,
            item={
                "orderId": tasks.DynamoAttributeValue.from_string("{% $order.orderId %}"),
                "status": tasks.DynamoAttributeValue.from_string("PAID"),
                "totalCents": tasks.DynamoAttributeValue.number_from_string("{% $string($order.totalCents) %}"),
                "items": tasks.DynamoAttributeValue.from_string("{% $string($order.items) %}"),
                "paymentId": tasks.DynamoAttributeValue.from_string("{% $states.input.paymentId %}"),
                "placedAt": tasks.DynamoAttributeValue.from_string("{% $now() %}"),
            },
            outputs="{% {'status': 'accepted', 'orderId': $order.orderId, 'totalCents': $order.totalCents, 'paymentId': $states.input.paymentId} %}",
        )
        # Writing the same item again is harmless, so any failed write is retried.
        save.add_retry(errors=["States.TaskFailed"], interval=Duration.seconds(1), max_attempts=4, backoff_rate=2, jitter_strategy=sfn.JitterType.FULL)
        save.add_catch(failed, errors=["States.ALL"], outputs="{% $states.errorOutput %}")

        # Bad orders and declined cards are answers, not faults: they succeed with their status.
        rejected = sfn.Succeed.jsonata(self, "Order rejected", outputs="{% {'status': 'rejected', 'reasons': $states.input.reasons} %}")
        declined = sfn.Succeed.jsonata(
            self, "Payment declined", outputs="{% {'status': 'declined', 'orderId': $states.input.orderId, 'reason': $states.input.reason} %}"
        )
        placed = sfn.Succeed.jsonata(self, "Order placed")

        definition = price.next(
            sfn.Choice.jsonata(self, "Priced?")
            .when(sfn.Condition.jsonata("{% $states.input.valid = false %}"), rejected)
            .otherwise(
                charge.next(
                    sfn.Choice.jsonata(self, "Approved?")
                    .when(sfn.Condition.jsonata("{% $states.input.status = 'declined' %}"), declined)
                    .otherwise(save.next(placed))
                )
            )
        )

        workflow_logs = logs.LogGroup(
            self,
            "CheckoutWorkflowLogs",
            # The vended-logs prefix keeps the account's log resource policy small as workflows are added.
            log_group_name=f"/aws/vendedlogs/states/{self.stack_name}-CheckoutWorkflow",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        workflow = sfn.StateMachine(
            self,
            "CheckoutWorkflow",
            state_machine_type=sfn.StateMachineType.EXPRESS,
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            comment="Prices an order, charges the card and saves the order; each step retries on its own.",
            # Room for every retry of every step; Express workflows stop at five minutes anyway.
            timeout=Duration.minutes(2),
            tracing_enabled=True,
            # Express workflows keep no history of their own: these logs are it. Every state change is
            # logged, without the data, because the input carries the card token.
            logs=sfn.LogOptions(destination=workflow_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
        )

        self._alarms(workflow)

        CfnOutput(self, "StateMachineArn", value=workflow.state_machine_arn)
        CfnOutput(self, "OrdersTableName", value=orders.table_name)
        CfnOutput(self, "PaymentsTableName", value=payments.table_name)

        Validations.of(workflow).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.",
            )
        )
        for fn in (price_order, charge_payment):
            Validations.of(workflow).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{self.get_logical_id(fn.node.default_child)}.Arn>:*]",  # type: ignore[arg-type]
                    reason=f"The workflow may invoke any version or alias of {fn.node.id}, and only that function.",
                )
            )

    def _alarms(self, workflow: sfn.StateMachine) -> None:
        """Declines and rejections succeed, so a failed or timed-out execution is always worth a person's look."""
        topic = sns.Topic(self, "AlarmTopic", display_name="Checkout workflow alarms", enforce_ssl=True)
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
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(topic)
        cloudwatch.Alarm(
            self,
            "CheckoutFailedAlarm",
            metric=workflow.metric_failed(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "A checkout failed after its step retries and the caller got the error. Search CheckoutWorkflowLogs for ExecutionFailed "
                "and the step that failed; a retry with the same orderId charges nothing twice."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "CheckoutTimedOutAlarm",
            metric=workflow.metric_timed_out(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="A checkout ran past its 2-minute timeout. Check the step durations in CheckoutWorkflowLogs and X-Ray.",
        ).add_alarm_action(notify)
