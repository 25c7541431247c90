import * as path from 'node:path';
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  type BaseDataSource,
  type CfnApiKey,
  type CfnGraphQLApi,
  AuthorizationType,
  Code,
  Definition,
  DynamoDbDataSource,
  FieldLogLevel,
  FunctionRuntime,
  GraphqlApi,
  LambdaDataSource,
} from 'aws-cdk-lib/aws-appsync';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** How many Customer.loyalty fields AppSync may gather into one Lambda invocation. */
export const LOYALTY_BATCH_SIZE = 25;

/** Exactly the item operations the DynamoDB resolvers use. */
export const CUSTOMER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

const resolverFile = (name: string) => path.join(__dirname, '..', 'resolvers', `${name}.js`);

export class TheSimpleGraphqlServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const customers = new TableV2(this, 'Customers', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new GraphqlApi(this, 'Api', {
      name: 'customers',
      definition: Definition.fromFile(path.join(__dirname, '..', 'schema.graphql')),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.API_KEY,
          // The expiry comes from the ApiKeyExpires parameter below, not from the clock at synth time.
          apiKeyConfig: { name: 'Demo', description: 'Demo key; deploy with a later ApiKeyExpires to renew.' },
        },
      },
      xrayEnabled: true,
      // The schema is not recursive, so nothing legitimate goes deeper than four levels.
      queryDepthLimit: 5,
    });

    // Keys can live up to a year; a short life limits what a leaked demo key is worth. The deployer
    // chooses the moment, so the template stays the same from one synth to the next.
    const apiKeyExpires = new CfnParameter(this, 'ApiKeyExpires', {
      type: 'Number',
      description: 'When the demo API key stops working, in seconds since 1970 UTC: 1 to 365 days ahead, e.g. $(( $(date +%s) + 30*86400 )).',
    });
    (api.node.findChild('DemoApiKey') as CfnApiKey).expires = apiKeyExpires.valueAsNumber;

    // AppSync writes to /aws/appsync/apis/<api id>. Creating that group here gives it a
    // retention period without CDK's LogRetention helper function, and lets the logging
    // role name one log group instead of using the managed policy that covers them all.
    const apiLogs = new LogGroup(this, 'ApiLogs', {
      logGroupName: `/aws/appsync/apis/${api.apiId}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const apiLogsRole = new Role(this, 'ApiLogsRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync write request and error logs to its one log group.',
    });
    apiLogs.grant(apiLogsRole, 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents');
    (api.node.defaultChild as CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: apiLogsRole.roleArn,
      fieldLogLevel: FieldLogLevel.ERROR,
      excludeVerboseContent: false,
    };

    // Data source roles are written out by hand; withoutPolicyUpdates() stops the data
    // source constructs from adding their own, broader grants (all of read/write, index/*, alias :*).
    const customersSourceRole = new Role(this, 'CustomersSourceRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync customer resolvers: item reads and writes on the customers table only.',
      inlinePolicies: {
        CustomerItems: new PolicyDocument({
          statements: [new PolicyStatement({ actions: CUSTOMER_TABLE_ACTIONS, resources: [customers.tableArn] })],
        }),
      },
    });
    const customersSource = new DynamoDbDataSource(this, 'CustomersSource', {
      api,
      table: customers,
      serviceRole: customersSourceRole.withoutPolicyUpdates(),
      description: 'Customer items, read and written by APPSYNC_JS resolvers.',
    });

    const loyaltyLogs = new LogGroup(this, 'LoyaltyCalculatorLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const loyaltyRole = new Role(this, 'LoyaltyCalculatorRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Loyalty calculator: pure computation, so only its own logs and traces.',
    });
    loyaltyLogs.grantWrite(loyaltyRole);

    const loyaltyCalculator = new NodejsFunction(this, 'LoyaltyCalculator', {
      role: loyaltyRole,
      entry: path.join(__dirname, '..', 'lambda', 'loyalty-calculator.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: loyaltyLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const loyaltySourceRole = new Role(this, 'LoyaltySourceRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync loyalty resolver: invoke the loyalty calculator and nothing else.',
      inlinePolicies: {
        InvokeLoyalty: new PolicyDocument({
          statements: [
            new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [loyaltyCalculator.functionArn] }),
          ],
        }),
      },
    });
    const loyaltySource = new LambdaDataSource(this, 'LoyaltySource', {
      api,
      lambdaFunction: loyaltyCalculator,
      serviceRole: loyaltySourceRole.withoutPolicyUpdates(),
      description: 'Works out the computed Customer.loyalty field.',
    });

    const resolvers: [BaseDataSource, string, string, string][] = [
      [customersSource, 'Query', 'getCustomer', 'get-customer'],
      [customersSource, 'Query', 'listCustomers', 'list-customers'],
      [customersSource, 'Mutation', 'addCustomer', 'add-customer'],
      [customersSource, 'Mutation', 'recordPurchase', 'record-purchase'],
      [customersSource, 'Mutation', 'removeCustomer', 'remove-customer'],
      [loyaltySource, 'Customer', 'loyalty', 'customer-loyalty'],
    ];
    for (const [source, typeName, fieldName, file] of resolvers) {
      source.createResolver(`${typeName}${fieldName[0].toUpperCase()}${fieldName.slice(1)}Resolver`, {
        typeName,
        fieldName,
        runtime: FunctionRuntime.JS_1_0_0,
        code: Code.fromAsset(resolverFile(file)),
        // Batching only means something for the Lambda field; DynamoDB resolvers ignore it.
        maxBatchSize: source === loyaltySource ? LOYALTY_BATCH_SIZE : undefined,
      });
    }

    // Operations plumbing: one topic that every alarm of the stack notifies.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Simple GraphQL service alarms' });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);
    // A bad customer fails only its own field and is not an invocation error; a whole batch failing is.
    new Alarm(this, 'LoyaltyCalculatorErrorsAlarm', {
      metric: loyaltyCalculator.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'LoyaltyCalculator failed a whole batch, so every loyalty field in those requests came back null with an error. Read LoyaltyCalculatorLogs; a non-list event means the resolver stopped using BatchInvoke.',
    }).addAlarmAction(notify);
    // AppSync counts requests it could not finish because of a server-side problem here (GraphQL errors from
    // resolvers, such as NotFound or ValidationError, are not 5XX).
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: new Metric({
        namespace: 'AWS/AppSync',
        metricName: '5XXError',
        dimensionsMap: { GraphQLAPIId: api.apiId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'AppSync could not complete requests because of a server error. Check the AWS Health dashboard for AppSync and DynamoDB, then the error log in ApiLogs.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'GraphqlUrl', { value: api.graphqlUrl });
    new CfnOutput(this, 'ApiId', { value: api.apiId });
    new CfnOutput(this, 'TableName', { value: customers.tableName });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(loyaltyCalculator).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'AppSync invokes the function synchronously and turns its errors into GraphQL errors; a DLQ only serves async invokes.',
    });
    Validations.of(loyaltyRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
