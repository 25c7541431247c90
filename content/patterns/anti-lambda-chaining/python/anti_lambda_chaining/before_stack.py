"""THE ANTI-PATTERN, kept for reading and testing, never deployed by default: PlaceOrder invokes
ChargePayment synchronously and waits for it before it saves the order."""

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from constructs import Construct

from anti_lambda_chaining.checkout_function import checkout_function, order_table


class ChainedCheckoutStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        orders = order_table(self, "Orders")
        payments = order_table(self, "Payments")

        charge_payment = checkout_function(
            self,
            "ChargePayment",
            handler="charge_payment.handler",
            description="Charges the card (stand-in processor) and records the payment once per order.",
            timeout=Duration.seconds(10),
            environment={"PAYMENTS_TABLE_NAME": payments.table_name},
            invoked_by="PlaceOrder",
        )
        payments.grant(charge_payment, "dynamodb:PutItem")

        place_order = checkout_function(
            self,
            "PlaceOrder",
            handler="place_order.handler",
            description="Prices an order, calls ChargePayment and waits for it, then saves the order.",
            # The timeouts stack: PlaceOrder must outlive ChargePayment's 10 seconds plus its own work.
            timeout=Duration.seconds(30),
            environment={"CHARGE_PAYMENT_FUNCTION_NAME": charge_payment.function_name, "ORDERS_TABLE_NAME": orders.table_name},
            invoked_by="The caller",
        )
        # The grant that makes the chain possible, and the one the AntiPattern pack looks for.
        charge_payment.grant_invoke(place_order)
        orders.grant(place_order, "dynamodb:PutItem")

        CfnOutput(self, "PlaceOrderFunctionName", value=place_order.function_name)
        CfnOutput(self, "OrdersTableName", value=orders.table_name)
        CfnOutput(self, "PaymentsTableName", value=payments.table_name)

        charge_id = self.get_logical_id(charge_payment.node.default_child)  # type: ignore[arg-type]
        Validations.of(place_order.role).acknowledge(  # type: ignore[arg-type]
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{charge_id}.Arn>:*]",
                reason="grantInvoke covers every version and alias of ChargePayment, and only that function.",
            )
        )
