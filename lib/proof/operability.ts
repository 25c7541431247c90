// Operable by default: whatever can fail quietly has an alarm, and every alarm reaches a person.
// Rules over a synthesized template, so they hold for every pattern without a list of its own.
import type { Template } from '../content';
import { pick, refsIn } from './refs';

export type OperabilityProblem = { stack: string; resource: string; missing: string };
type Resources = Template['Resources'];

const targetOf = (value: unknown): string | undefined => refsIn(value)[0];

function pathOf(resources: Resources, id: string): string {
  return resources[id]?.Metadata?.['aws:cdk:path'] ?? id;
}

type AlarmInfo = { id: string; namespace?: string; metric?: string; dimensions: { name: string; target?: string }[]; actions: string[] };

/** Every alarm with what it watches (single metric or metric math) and whom it notifies. */
export function alarmsOf(resources: Resources): AlarmInfo[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
    .flatMap(([id, r]) => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const actions = refsIn(p.AlarmActions ?? []);
      const single = { namespace: p.Namespace as string | undefined, metric: p.MetricName as string | undefined, dims: p.Dimensions };
      const math = pick(p, 'Metrics.*.MetricStat.Metric').map((m) => {
        const mm = m as Record<string, unknown>;
        return { namespace: mm.Namespace as string | undefined, metric: mm.MetricName as string | undefined, dims: mm.Dimensions };
      });
      const watched = single.metric ? [single] : math.length ? math : [{ namespace: undefined, metric: undefined, dims: [] }];
      return watched.map((w) => ({
        id,
        namespace: w.namespace,
        metric: w.metric,
        dimensions: ((w.dims as { Name: string; Value: unknown }[] | undefined) ?? []).map((d) => ({ name: d.Name, target: targetOf(d.Value) })),
        actions,
      }));
    });
}

const watches = (alarms: AlarmInfo[], namespace: string, dimension: string, target: string, metric?: string) =>
  alarms.some((a) => a.namespace === namespace && (!metric || a.metric === metric) && a.dimensions.some((d) => d.name === dimension && d.target === target));

/** A Lambda alias or version stands for its function: alarms and invocations name the function. */
function functionBehind(resources: Resources, id: string | undefined): string | undefined {
  const r = id ? resources[id] : undefined;
  if (!r) return undefined;
  if (r.Type === 'AWS::Lambda::Function') return id;
  if (r.Type === 'AWS::Lambda::Alias' || r.Type === 'AWS::Lambda::Version') {
    return functionBehind(resources, targetOf((r.Properties as Record<string, unknown>)?.FunctionName));
  }
  return undefined;
}

const ASYNC_PRINCIPALS = new Set(['s3.amazonaws.com', 'sns.amazonaws.com', 'events.amazonaws.com']);

/** Functions fed by a queue, a stream or an asynchronous event: nobody waits on them to see an error. */
export function asyncFunctions(resources: Resources): Map<string, string> {
  const fed = new Map<string, string>();
  const add = (value: unknown, why: string) => {
    const fn = functionBehind(resources, targetOf(value));
    if (fn && !fed.has(fn)) fed.set(fn, why);
  };
  for (const r of Object.values(resources)) {
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    if (r.Type === 'AWS::Lambda::EventSourceMapping') add(p.FunctionName, 'an event source mapping');
    if (r.Type === 'AWS::SNS::Subscription' && p.Protocol === 'lambda') add(p.Endpoint, 'an SNS subscription');
    if (r.Type === 'AWS::Events::Rule') for (const t of pick(p, 'Targets.*.Arn')) add(t, 'an EventBridge rule');
    if (r.Type === 'AWS::Scheduler::Schedule') add(pick(p, 'Target.Arn')[0], 'a schedule');
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') add(p.FunctionName, 'asynchronous invocation');
    if (r.Type === 'AWS::Lambda::Permission' && typeof p.Principal === 'string' && ASYNC_PRINCIPALS.has(p.Principal)) add(p.FunctionName, `asynchronous calls from ${p.Principal}`);
    if (r.Type === 'Custom::S3BucketNotifications') for (const t of pick(p, 'NotificationConfiguration.LambdaFunctionConfigurations.*.LambdaFunctionArn')) add(t, 'an S3 notification');
  }
  return fed;
}

/** Where failures are parked: [target, who parks them there, the function whose failures they are]. */
export function failureDestinations(resources: Resources): { target: string; by: string; source?: string }[] {
  const out: { target: string; by: string; source?: string }[] = [];
  const add = (value: unknown, by: string, source?: unknown) => {
    const target = targetOf(value);
    if (target && resources[target]) out.push({ target, by, source: functionBehind(resources, targetOf(source)) });
  };
  for (const [id, r] of Object.entries(resources)) {
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    if (r.Type === 'AWS::SQS::Queue') add(pick(p, 'RedrivePolicy.deadLetterTargetArn')[0], `the redrive policy of ${id}`);
    if (r.Type === 'AWS::SNS::Subscription') add(pick(p, 'RedrivePolicy.deadLetterTargetArn')[0], `the subscription ${id}`);
    if (r.Type === 'AWS::Lambda::Function') add(pick(p, 'DeadLetterConfig.TargetArn')[0], `the dead-letter config of ${id}`, { Ref: id });
    if (r.Type === 'AWS::Events::Rule') for (const t of pick(p, 'Targets.*.DeadLetterConfig.Arn')) add(t, `a target of the rule ${id}`);
    if (r.Type === 'AWS::Scheduler::Schedule') add(pick(p, 'Target.DeadLetterConfig.Arn')[0], `the schedule ${id}`);
    if (r.Type === 'AWS::Lambda::EventSourceMapping') add(pick(p, 'DestinationConfig.OnFailure.Destination')[0], `the event source mapping ${id}`, p.FunctionName);
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') add(pick(p, 'DestinationConfig.OnFailure.Destination')[0], `the on-failure destination of ${id}`, p.FunctionName);
    if (r.Type === 'AWS::Pipes::Pipe') for (const t of pick(p, 'SourceParameters.*.DeadLetterConfig.Arn')) add(t, `the pipe ${id}`);
  }
  return out;
}

/** The SNS topics alarms notify. */
export function alarmTopics(resources: Resources): Set<string> {
  return new Set(alarmsOf(resources).flatMap((a) => a.actions).filter((id) => resources[id]?.Type === 'AWS::SNS::Topic'));
}

export function operabilityProblems(stack: string, template: Template): OperabilityProblem[] {
  const resources = template.Resources;
  const alarms = alarmsOf(resources);
  const problems: OperabilityProblem[] = [];
  const problem = (id: string, missing: string) => problems.push({ stack, resource: pathOf(resources, id), missing });

  for (const { target, by, source } of failureDestinations(resources)) {
    const type = resources[target]!.Type;
    if (type === 'AWS::SQS::Queue' && !watches(alarms, 'AWS/SQS', 'QueueName', target)) {
      problem(target, `an alarm on this dead-letter queue (used by ${by}), e.g. on ApproximateNumberOfMessagesVisible >= 1`);
    } else if (type === 'AWS::SNS::Topic' && !watches(alarms, 'AWS/SNS', 'TopicName', target)) {
      problem(target, `an alarm on this on-failure topic (used by ${by}), e.g. on NumberOfMessagesPublished >= 1`);
    } else if (type !== 'AWS::SQS::Queue' && type !== 'AWS::SNS::Topic' && source && !watches(alarms, 'AWS/Lambda', 'FunctionName', source, 'Errors')) {
      problem(source, `an Errors alarm: its failures go to ${target} (${type}), which nothing watches`);
    }
  }
  for (const [fn, why] of asyncFunctions(resources)) {
    if (!watches(alarms, 'AWS/Lambda', 'FunctionName', fn, 'Errors')) problem(fn, `an alarm on its Errors metric: it is fed by ${why}, so no caller sees its failures`);
  }
  const topicsByAlarm = new Map<string, string[]>();
  for (const a of alarms) topicsByAlarm.set(a.id, a.actions.filter((id) => resources[id]?.Type === 'AWS::SNS::Topic'));
  for (const [id, topics] of topicsByAlarm) {
    if (topics.length === 0) problem(id, 'an SNS topic in its AlarmActions: an alarm that notifies nobody goes unnoticed');
  }
  const topics = alarmTopics(resources);
  if (topics.size > 1) {
    problem([...topics][0]!, `one alarm topic per stack; alarms notify ${topics.size} topics (${[...topics].map((t) => pathOf(resources, t)).join(', ')})`);
  }
  return problems;
}

/**
 * Alarms and the topic they notify are operations plumbing, not the architecture a page
 * draws: an alarm whose actions all go to alarm topics, and a topic nothing but alarms
 * (and budgets) publish to.
 */
export function operationsPlumbing(template: Template): Set<string> {
  const resources = template.Resources;
  const topics = alarmTopics(resources);
  const plumbing = new Set<string>();
  for (const a of alarmsOf(resources)) if (a.actions.length > 0 && a.actions.every((id) => topics.has(id))) plumbing.add(a.id);
  for (const topic of topics) {
    const usedElsewhere = Object.entries(resources).some(([id, r]) => {
      if (plumbing.has(id) || r.Type === 'AWS::SNS::Subscription' || r.Type === 'AWS::SNS::TopicPolicy' || r.Type === 'AWS::Budgets::Budget') return false;
      return refsIn(r.Properties).includes(topic);
    });
    if (!usedElsewhere) plumbing.add(topic);
  }
  return plumbing;
}
