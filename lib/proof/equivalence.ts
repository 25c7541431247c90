// Both languages are one pattern: the Python app must synthesize the architecture the TypeScript
// one does. Compared by rule: resources a reader would draw (type and construct path), the
// resource graph, the IAM actions each function holds, the settings of what feeds and routes
// events, and the cdk-nag result. Handler code, asset hashes and metadata are left out.
import type { SynthOutput, Template } from '../content';
import { ARCHITECTURAL_TYPES, isHelper, stackResources } from './architecture';
import { pick, refsIn } from './refs';
import { deriveGraph } from './resource-graph';

type Facts = Map<string, string>;

/** Properties whose values decide behaviour, per resource type; everything else is left out. */
const SETTINGS: Record<string, string[]> = {
  'AWS::Lambda::EventSourceMapping': ['EventSourceArn', 'FunctionName', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'FilterCriteria', 'ScalingConfig', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'StartingPosition', 'TumblingWindowInSeconds', 'ParallelizationFactor', 'DestinationConfig'],
  'AWS::SNS::Subscription': ['TopicArn', 'Endpoint', 'Protocol', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy'],
  'AWS::Events::Rule': ['EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Targets'],
  'AWS::Scheduler::Schedule': ['ScheduleExpression', 'ScheduleExpressionTimezone', 'FlexibleTimeWindow', 'State', 'Target'],
  'AWS::Pipes::Pipe': ['Source', 'SourceParameters', 'Enrichment', 'EnrichmentParameters', 'Target', 'TargetParameters'],
  'AWS::SQS::Queue': ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'VisibilityTimeout', 'MessageRetentionPeriod', 'RedrivePolicy', 'DelaySeconds'],
  'AWS::Lambda::Function': ['MemorySize', 'Timeout', 'ReservedConcurrentExecutions', 'Architectures', 'TracingConfig', 'DeadLetterConfig'],
  'AWS::Lambda::EventInvokeConfig': ['FunctionName', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
  'AWS::CloudWatch::Alarm': ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Period', 'Threshold', 'ComparisonOperator', 'EvaluationPeriods', 'AlarmActions'],
};

/** Rules about the runtime version judge each language's runtime, not the architecture. */
const RUNTIME_RULES = new Set(['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']);

/** A value with every reference to a logical id replaced by the construct path it names. */
function normalize(value: unknown, pathOf: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, pathOf));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [k, v] = entries[0]!;
    if (k === 'Ref' && typeof v === 'string') return { Ref: v.startsWith('AWS::') ? v : pathOf(v) };
    if (k === 'Fn::GetAtt' && Array.isArray(v)) return { 'Fn::GetAtt': [pathOf(String(v[0])), ...v.slice(1)] };
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, k === 'Fn::Sub' && typeof v === 'string' ? v.replace(/\$\{([A-Za-z0-9]+)(\.[A-Za-z.]+)?\}/g, (_m, id: string, att = '') => `\${${pathOf(id)}${att}}`) : normalize(v, pathOf)]));
}

function factsOf(output: SynthOutput): Facts {
  const facts: Facts = new Map();
  const resources = stackResources(output.stacks);
  const path = (stack: string, id: string) => resources.find((r) => r.stack === stack && r.logicalId === id)?.path ?? `${stack}/${id}`;
  const byKey = new Map(resources.map((r) => [`${r.stack}:${r.logicalId}`, r.path]));
  for (const r of resources) {
    if (ARCHITECTURAL_TYPES.has(r.type) && !isHelper(r.path)) facts.set(`resource ${r.path}`, r.type);
    const keep = SETTINGS[r.type];
    if (keep && !isHelper(r.path)) {
      const template: Template = output.stacks.find((s) => s.name === r.stack)!.template;
      const props = (template.Resources[r.logicalId]?.Properties ?? {}) as Record<string, unknown>;
      for (const p of keep) if (p in props) facts.set(`setting ${r.path} ${p}`, JSON.stringify(normalize(props[p], (id) => path(r.stack, id))));
    }
  }
  for (const e of deriveGraph(output.stacks).edges) facts.set(`edge ${byKey.get(e.from)} -> ${byKey.get(e.to)}`, e.label);
  for (const { name, template } of output.stacks) {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function' || isHelper(path(name, id))) continue;
      const role = refsIn(pick(r.Properties, 'Role'))[0];
      const actions = Object.values(template.Resources)
        .filter((p) => (p.Type === 'AWS::IAM::Policy' && refsIn(pick(p.Properties, 'Roles')).includes(role ?? '')) || p === template.Resources[role ?? ''])
        .flatMap((p) => [...pick(p.Properties, 'PolicyDocument.Statement.*.Action'), ...pick(p.Properties, 'Policies.*.PolicyDocument.Statement.*.Action')])
        .flat()
        .filter((a): a is string => typeof a === 'string');
      facts.set(`iam ${path(name, id)}`, JSON.stringify([...new Set(actions)].sort()));
    }
  }
  for (const f of output.findings) {
    if ((f.pack === 'AwsSolutions' || f.pack === 'Serverless') && !RUNTIME_RULES.has(f.rule)) facts.set(`cdk-nag ${f.rule} ${f.path ?? f.resource}`, f.level);
  }
  return facts;
}

const aspect = (key: string) => key.split(' ')[0];

/** Every way the Python app's architecture differs from the TypeScript one, in words. */
export function equivalenceDifferences(typescript: SynthOutput, python: SynthOutput): string[] {
  const names = (o: SynthOutput) => o.stacks.map((s) => s.name).join(', ');
  if (names(typescript) !== names(python)) return [`stacks: typescript has [${names(typescript)}], python has [${names(python)}]`];
  const ts = factsOf(typescript);
  const py = factsOf(python);
  const out: string[] = [];
  for (const [k, v] of ts) {
    if (!py.has(k)) out.push(`${k.slice(aspect(k)!.length + 1)}: ${aspect(k)} only in typescript (${v})`);
    else if (py.get(k) !== v) out.push(`${k.slice(aspect(k)!.length + 1)}: ${aspect(k)} differs: typescript ${v}, python ${py.get(k)}`);
  }
  for (const [k, v] of py) if (!ts.has(k)) out.push(`${k.slice(aspect(k)!.length + 1)}: ${aspect(k)} only in python (${v})`);
  return out;
}
