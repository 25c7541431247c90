import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { addEnrichOrder } from './enrich-order';
import { addOrderBus } from './order-bus';
import { addOrdersQueue } from './orders-queue';
import { addPriorityOrdersPipe } from './priority-orders-pipe';

export class EventbridgePipesEnrichmentStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- Operations: one topic every alarm of the stack notifies. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'EventBridge Pipes Enrichment alarms', enforceSSL: true });
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

    // --- Reference data the enrichment reads: one item per customer. ---

    const customers = new TableV2(this, 'Customers', {
      partitionKey: { name: 'customerId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // --- Source, enrichment, target, and the pipe that joins them with no code of its own. ---

    const { queue, dlq } = addOrdersQueue(this, { alarmTopic });
    const { fn: enrichOrder, logs: enrichLogs } = addEnrichOrder(this, { customers, alarmTopic });
    const { bus, log: enrichedOrderLog } = addOrderBus(this);
    const { pipe, logs: pipeLogs } = addPriorityOrdersPipe(this, { queue, enrichment: enrichOrder, bus, alarmTopic });

    new CfnOutput(this, 'OrdersQueueUrl', { value: queue.queueUrl, description: 'Send order messages here.' });
    new CfnOutput(this, 'OrdersDlqUrl', { value: dlq.queueUrl });
    new CfnOutput(this, 'CustomersTableName', { value: customers.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'PipeName', { value: pipe.ref });
    new CfnOutput(this, 'EnrichedOrderLogName', { value: enrichedOrderLog.logGroupName, description: 'Every event the pipe puts on the bus.' });
    new CfnOutput(this, 'PipeLogName', { value: pipeLogs.logGroupName });
    new CfnOutput(this, 'EnrichOrderLogName', { value: enrichLogs.logGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
  }
}
