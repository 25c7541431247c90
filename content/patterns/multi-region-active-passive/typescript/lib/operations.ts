import { Validations } from 'aws-cdk-lib';
import { Alarm, type AlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Stack } from 'aws-cdk-lib';

/**
 * One stack's alarm plumbing. CloudWatch alarms can only notify a topic in their own Region, so
 * every stack gets its own AlarmTopic; subscribe the same address to all three with
 * `-c alarmEmail=you@example.com`.
 */
export class Operations {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(private readonly stack: Stack, displayName: string) {
    // The project's operability check looks for the id AlarmTopic at stack level.
    this.topic = new Topic(stack, 'AlarmTopic', { displayName, enforceSSL: true });
    const email: unknown = stack.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email.trim() !== '') {
      Validations.of(this.topic.addSubscription(new EmailSubscription(email.trim()))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    this.action = new SnsAction(this.topic);
  }

  /** An alarm that notifies this stack's topic. */
  alarm(id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(this.stack, id, props);
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
