// THE FIX: one function per route. API Gateway does the routing; each function gets the code,
// the role, the memory and the timeout of its one operation.
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { shopApi } from './shop-api';
import { shopFunction } from './shop-function';
import { shopTables } from './shop-tables';

export class SinglePurposeShopStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const { customers, orders } = shopTables(this);
    const api = shopApi(this, 'The shop API, one single-purpose function per route.');
    const customersOnly = { CUSTOMERS_TABLE_NAME: customers.tableName };

    // Each route: its own function, its own grant of exactly the actions its code calls, its own sizing.
    const route = (id: string, method: HttpMethod, path: string, fn: ReturnType<typeof shopFunction>) =>
      api.addRoutes({ path, methods: [method], integration: new HttpLambdaIntegration(`${id}Integration`, fn) });

    const createCustomer = shopFunction(this, 'CreateCustomer', {
      file: 'create-customer.ts',
      description: 'POST /customers: writes one new customer.',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: customersOnly,
    });
    customers.grant(createCustomer, 'dynamodb:PutItem');
    route('CreateCustomer', HttpMethod.POST, '/customers', createCustomer);

    const getCustomer = shopFunction(this, 'GetCustomer', {
      file: 'get-customer.ts',
      description: 'GET /customers/{customerId}: reads one customer.',
      memorySize: 256,
      timeout: Duration.seconds(3),
      environment: customersOnly,
    });
    customers.grant(getCustomer, 'dynamodb:GetItem');
    route('GetCustomer', HttpMethod.GET, '/customers/{customerId}', getCustomer);

    const deleteCustomer = shopFunction(this, 'DeleteCustomer', {
      file: 'delete-customer.ts',
      description: 'DELETE /customers/{customerId}: deletes one customer.',
      memorySize: 256,
      timeout: Duration.seconds(3),
      environment: customersOnly,
    });
    customers.grant(deleteCustomer, 'dynamodb:DeleteItem');
    route('DeleteCustomer', HttpMethod.DELETE, '/customers/{customerId}', deleteCustomer);

    const placeOrder = shopFunction(this, 'PlaceOrder', {
      file: 'place-order.ts',
      description: 'POST /customers/{customerId}/orders: writes an order if the customer exists.',
      // The one transactional route gets the headroom the monolith gave every route.
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { ...customersOnly, ORDERS_TABLE_NAME: orders.tableName },
    });
    customers.grant(placeOrder, 'dynamodb:ConditionCheckItem');
    orders.grant(placeOrder, 'dynamodb:PutItem');
    route('PlaceOrder', HttpMethod.POST, '/customers/{customerId}/orders', placeOrder);

    // Operations: every handler turns its failures into a 500 and Lambda crashes or timeouts become
    // 5xx at the API, so one alarm on the API's 5xx count sees a failure of any route.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Single-purpose shop alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.trim() !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail.trim()))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The shop API answered 5xx. The access log names the route; that route\'s own log group (CreateCustomerLogs, GetCustomerLogs, DeleteCustomerLogs or PlaceOrderLogs) holds the "request failed" line with the cause.',
    }).addAlarmAction(new SnsAction(alarmTopic));

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'Base URL of the shop API.' });
  }
}
