import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { Operations } from './operations';
import type { Settings } from './settings';

export type PrimaryStackProps = StackProps & { settings: Settings };

/**
 * The data both Regions share: one DynamoDB global table, created in the primary Region with a
 * replica in the secondary. Each Region's function talks only to the replica next to it.
 */
export class PrimaryStack extends Stack {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: PrimaryStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new TableV2(this, 'Items', {
      // A fixed name: the standby stack finds its replica by name instead of a cross-Region reference.
      tableName: settings.tableName,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Demo items expire a week after their last write, so a public demo cannot grow the table for ever.
      timeToLiveAttribute: 'expiresAt',
      replicas: [{ region: settings.secondaryRegion }],
      // A demo stack should leave nothing behind on `cdk destroy`; this deletes both replicas.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const operations = new Operations(this, 'Multi-Region active-passive data alarms');
    // Replication is asynchronous: this latency is the data a failover would lose. DynamoDB
    // publishes it in the sending Region, per receiving Region.
    operations.alarm('ReplicationLatencyAlarm', {
      metric: new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'ReplicationLatency',
        dimensionsMap: { TableName: this.table.tableName, ReceivingRegion: settings.secondaryRegion },
        statistic: 'Average',
        period: Duration.minutes(5),
      }),
      threshold: 30_000,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No writes means no replication and no data points: quiet, not failing.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Writes in ${settings.primaryRegion} took 30 seconds or more on average to reach ${settings.secondaryRegion}; a failover now would lose that much. Check the AWS Health Dashboard for DynamoDB in both Regions.`,
    });

    new CfnOutput(this, 'AlarmTopicArn', { value: operations.topic.topicArn });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}
