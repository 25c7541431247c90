import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** What the pipe stamps on every event it puts on the bus; consumers' rules match on these. */
export const EVENT_SOURCE = 'orders.priority-pipe';
export const DETAIL_TYPE = 'PriorityOrderEnriched';

/** The pipe's target: a bus of its own, and one example consumer, a rule that logs every enriched order. */
export function addOrderBus(scope: Construct) {
  const bus = new EventBus(scope, 'OrderEvents', { description: 'Enriched priority orders, put by the PriorityOrdersPipe.' });

  // The example consumer. Events carry customer names, so the log keeps them a week only.
  const log = new LogGroup(scope, 'EnrichedOrderLog', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
  // EventBridge writes to CloudWatch Logs under the log group's resource policy, not a role.
  // Written here rather than by the CloudWatchLogGroup target, which deploys a custom-resource
  // function to do the same thing.
  const { policyDependable } = log.addToResourcePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [log.logGroupArn],
    }),
  );
  const rule = new Rule(scope, 'EnrichedOrdersToLog', {
    eventBus: bus,
    description: 'Example consumer: writes every enriched priority order to the EnrichedOrderLog log group.',
    eventPattern: { detailType: [DETAIL_TYPE], source: [EVENT_SOURCE] },
    targets: [
      {
        bind: () => ({
          // EventBridge wants the log group ARN without the trailing ":*" of logGroupArn.
          arn: Stack.of(scope).formatArn({
            service: 'logs',
            resource: 'log-group',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            resourceName: log.logGroupName,
          }),
        }),
      },
    ],
  });
  if (policyDependable) rule.node.addDependency(policyDependable);

  Validations.of(rule).acknowledge({
    id: 'Serverless-EventBusDLQ',
    reason: 'The rule only copies events into a log for inspection; EventBridge retries delivery for 24 hours and a lost copy loses no order.',
  });
  return { bus, log };
}
