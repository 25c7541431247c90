import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { getProductOptions, productsApi, productsTable } from './product-api';

/** A cold start slower than this raises an alarm: the lean function initialises in a fraction of it. */
export const INIT_DURATION_ALARM_MS = 1000;

/**
 * THE FIX: the same product lookup, with the handler bundled by esbuild into one minified
 * file that holds only the code it runs. The AWS SDK comes from the Node.js runtime.
 */
export class LeanPackageStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const products = productsTable(this);
    const options = getProductOptions(this, products);
    const getProduct = new NodejsFunction(this, 'GetProduct', {
      ...options,
      entry: path.join(__dirname, '..', 'lambda', 'get-product.ts'),
      runtime: Runtime.NODEJS_24_X,
      bundling: {
        format: OutputFormat.CJS,
        minify: true,
        // Only what the handler imports, tree-shaken; no source map to ship or to parse.
        sourceMap: false,
        // The Node.js runtime provides AWS SDK v3 (and its Smithy packages): do not ship a second copy.
        externalModules: ['@aws-sdk/*', '@smithy/*'],
      },
    });
    const api = productsApi(this, getProduct);

    // Operations: 5xx answers, function errors, and cold starts that got slow again.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Large Deployment Packages (fix) alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(alarmTopic);
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The products API answered 5xx. Search GetProductLogs for "product lookup failed" and the access log for the failing requests.',
    }).addAlarmAction(notify);
    new Alarm(this, 'GetProductErrorsAlarm', {
      metric: getProduct.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The GetProduct function failed (timeout, crash or bad deploy). Check GetProductLogs and roll back a bad deploy.',
    }).addAlarmAction(notify);

    // Lambda reports each cold start's Init duration in the JSON platform.report line it writes
    // to the function's log group; turn it into a metric so a package that grows back is noticed.
    const initDuration = new MetricFilter(this, 'GetProductInitDuration', {
      logGroup: options.logGroup,
      filterPattern: FilterPattern.literal('{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'),
      metricNamespace: 'LargeDeploymentPackages',
      metricName: 'GetProductInitDuration',
      metricValue: '$.record.metrics.initDurationMs',
      unit: Unit.MILLISECONDS,
    });
    new Alarm(this, 'GetProductSlowColdStartAlarm', {
      metric: initDuration.metric({ statistic: Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: INIT_DURATION_ALARM_MS,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `A GetProduct cold start spent more than ${INIT_DURATION_ALARM_MS} ms in Init. Check the size of the deployed package (aws lambda get-function --query Configuration.CodeSize) and what the last deploy added to it.`,
    }).addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET /products/{productId} under this URL.' });
    new CfnOutput(this, 'TableName', { value: products.tableName });
  }
}
