import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { checkoutFunction, orderTable } from './checkout-function';

/**
 * THE ANTI-PATTERN, kept for reading and testing, never deployed by default: PlaceOrder invokes
 * ChargePayment synchronously and waits for it before it saves the order.
 */
export class ChainedCheckoutStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = orderTable(this, 'Orders');
    const payments = orderTable(this, 'Payments');

    const chargePayment = checkoutFunction(this, 'ChargePayment', {
      file: 'charge-payment.ts',
      description: 'Charges the card (stand-in processor) and records the payment once per order.',
      timeout: Duration.seconds(10),
      environment: { PAYMENTS_TABLE_NAME: payments.tableName },
      invokedBy: 'PlaceOrder',
    });
    payments.grant(chargePayment, 'dynamodb:PutItem');

    const placeOrder = checkoutFunction(this, 'PlaceOrder', {
      file: 'place-order.ts',
      description: 'Prices an order, calls ChargePayment and waits for it, then saves the order.',
      // The timeouts stack: PlaceOrder must outlive ChargePayment's 10 seconds plus its own work.
      timeout: Duration.seconds(30),
      environment: { CHARGE_PAYMENT_FUNCTION_NAME: chargePayment.functionName, ORDERS_TABLE_NAME: orders.tableName },
      invokedBy: 'The caller',
    });
    // The grant that makes the chain possible, and the one the AntiPattern pack looks for.
    chargePayment.grantInvoke(placeOrder);
    orders.grant(placeOrder, 'dynamodb:PutItem');

    new CfnOutput(this, 'PlaceOrderFunctionName', { value: placeOrder.functionName });
    new CfnOutput(this, 'OrdersTableName', { value: orders.tableName });
    new CfnOutput(this, 'PaymentsTableName', { value: payments.tableName });

    Validations.of(placeOrder.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(chargePayment.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: 'grantInvoke covers every version and alias of ChargePayment, and only that function.',
    });
  }
}
