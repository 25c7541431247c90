import { Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** The stack's one alarm topic, with an e-mail copy when the `alarmEmail` context value is set. */
export function createAlarmTopic(scope: Construct): Topic {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'Canary deployments alarms', enforceSSL: true });
  const alarmEmail: unknown = scope.node.tryGetContext('alarmEmail');
  if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
    Validations.of(topic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
    });
  }
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
  });
  return topic;
}
