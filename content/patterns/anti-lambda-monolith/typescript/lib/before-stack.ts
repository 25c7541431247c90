// THE ANTI-PATTERN, kept to be read, synthesized and checked, never deployed by default.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { shopApi } from './shop-api';
import { shopFunction } from './shop-function';
import { shopTables } from './shop-tables';

export class MonolithShopStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const { customers, orders } = shopTables(this);

    // One function for the whole API, sized for its most demanding route (the order transaction).
    const shopApiFunction = shopFunction(this, 'ShopApi', {
      file: 'shop-monolith.ts',
      description: 'The whole shop API: routes every request in code.',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { CUSTOMERS_TABLE_NAME: customers.tableName, ORDERS_TABLE_NAME: orders.tableName },
    });
    // The grant a team writes when one role must serve every route, today's and next month's.
    customers.grantReadWriteData(shopApiFunction);
    orders.grantReadWriteData(shopApiFunction);

    const api = shopApi(this, 'The shop API as one Lambda monolith.');
    api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration: new HttpLambdaIntegration('ShopApiIntegration', shopApiFunction) });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
  }
}
