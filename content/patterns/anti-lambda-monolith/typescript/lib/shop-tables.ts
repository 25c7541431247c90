import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

export type ShopTables = { customers: TableV2; orders: TableV2 };

/** The shop's two tables, identical in both stacks: the anti-pattern is in the compute, not the data. */
export function shopTables(scope: Construct): ShopTables {
  const table = (id: string, key: string) =>
    new TableV2(scope, id, {
      partitionKey: { name: key, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo data: `cdk destroy` leaves nothing behind. Retain the tables for anything real.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  return { customers: table('Customers', 'customerId'), orders: table('Orders', 'orderId') };
}
