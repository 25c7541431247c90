// Fixture stacks for the operability rules: a queue-fed consumer with a dead-letter queue,
// with and without the alarms the rules ask for.
import type { Template } from '../content';

const at = (path: string) => ({ 'aws:cdk:path': `OpsStack/${path}` });
const alarm = (path: string, namespace: string, metric: string, dimension: string, target: string, actions: unknown[] = [{ Ref: 'AlarmTopic1111' }]) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Metadata: at(`${path}/Resource`),
  Properties: { Namespace: namespace, MetricName: metric, Dimensions: [{ Name: dimension, Value: dimension === 'QueueName' ? { 'Fn::GetAtt': [target, 'QueueName'] } : { Ref: target } }], AlarmActions: actions },
});

/** A queue feeding a function, failures parked in a dead-letter queue, and no alarm at all. */
export function unalarmedStack(): Template {
  return {
    Resources: {
      Jobs2222: { Type: 'AWS::SQS::Queue', Metadata: at('Jobs/Resource'), Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['JobsDlq3333', 'Arn'] }, maxReceiveCount: 3 } } },
      JobsDlq3333: { Type: 'AWS::SQS::Queue', Metadata: at('JobsDlq/Resource'), Properties: {} },
      Worker4444: { Type: 'AWS::Lambda::Function', Metadata: at('Worker/Resource'), Properties: {} },
      WorkerSource5555: { Type: 'AWS::Lambda::EventSourceMapping', Metadata: at('Worker/SqsEventSource/Resource'), Properties: { FunctionName: { Ref: 'Worker4444' }, EventSourceArn: { 'Fn::GetAtt': ['Jobs2222', 'Arn'] } } },
    },
  };
}

/** The same stack with an alarm topic, a DLQ alarm and an Errors alarm on the consumer. */
export function alarmedStack(): Template {
  const t = unalarmedStack();
  t.Resources.AlarmTopic1111 = { Type: 'AWS::SNS::Topic', Metadata: at('AlarmTopic/Resource'), Properties: {} };
  t.Resources.JobsDlqAlarm6666 = alarm('JobsDlqAlarm', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'JobsDlq3333');
  t.Resources.WorkerErrorsAlarm7777 = alarm('WorkerErrorsAlarm', 'AWS/Lambda', 'Errors', 'FunctionName', 'Worker4444');
  return t;
}

export { alarm as fixtureAlarm };
