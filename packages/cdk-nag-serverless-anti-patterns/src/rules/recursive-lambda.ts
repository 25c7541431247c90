import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { AntiPatternRule } from '../rule';
import { type Resource, type Statement, allows, asArray, functionRoleId, functionsIn, referencedIds, resourceOf, resourcesOf, roleStatements } from '../resources';

// A recursive Lambda is a cycle in the stack's event graph: the function's output reaches an
// event source that invokes it again. The rule builds that graph from the rendered template:
//   event sources  -> what they invoke: event source mappings (SQS, Kinesis, DynamoDB streams),
//                     SNS subscriptions (Lambda and SQS endpoints), S3 notifications (the
//                     AWS::S3::Bucket property, CDK's Custom::S3BucketNotifications, and
//                     EventBridge rules that match one bucket's S3 events)
//   functions      -> what their execution role may write to or invoke
// and flags a function that can reach itself, or one that turns Lambda's loop detection off.
//
// Deliberately left out: events a function puts on an EventBridge bus (a consumer that emits onto its own bus is the normal
// choreography shape, and whether its event matches its own rule is decided by code the template
// does not hold) and Step Functions (a state machine that starts a fresh execution of itself is
// the documented way to continue a long loop, and its history bounds it).

/** Actions that make an event source emit a new event, by the kind of resource that feeds a function. */
const WRITE_ACTIONS: Record<string, string[]> = {
  'AWS::SQS::Queue': ['sqs:SendMessage'],
  'AWS::SNS::Topic': ['sns:Publish'],
  'AWS::Kinesis::Stream': ['kinesis:PutRecord', 'kinesis:PutRecords'],
  // Every write to a table with a stream becomes a stream record. Lambda's loop detection does not
  // cover DynamoDB at all, so a stream consumer that may write back to its own table is flagged:
  // a team that filters its own writes out acknowledges the finding with that reason.
  'AWS::DynamoDB::Table': ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'AWS::DynamoDB::GlobalTable': ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'AWS::Lambda::Function': ['lambda:InvokeFunction', 'lambda:InvokeAsync'],
};

/**
 * S3 writes that raise each notification event. ObjectRemoved is left out on purpose: a function
 * that deletes objects when objects are deleted runs out of objects, so it cannot run away.
 */
const S3_EVENT_ACTIONS: [RegExp, string[]][] = [
  [/^s3:ObjectCreated:/, ['s3:PutObject']],
  [/^s3:ObjectTagging:/, ['s3:PutObjectTagging', 's3:DeleteObjectTagging']],
  [/^s3:ObjectAcl:/, ['s3:PutObjectAcl']],
  [/^s3:ObjectRestore:/, ['s3:RestoreObject']],
];

/** EventBridge detail types of S3 events, as the notification event names they stand for. */
const EVENTBRIDGE_S3_EVENTS: Record<string, string> = {
  'Object Created': 's3:ObjectCreated:*',
  'Object Tags Added': 's3:ObjectTagging:Put',
  'Object ACL Updated': 's3:ObjectAcl:Put',
  'Object Restore Completed': 's3:ObjectRestore:Completed',
};

/** One S3 notification: which bucket, which events, which keys, delivered to which function, queue or topic. */
type Delivery = { bucket: string; events: string[]; prefix: string; suffix: string; target: string };

type Graph = {
  resources: Map<string, Resource>;
  /** event source -> the functions and queues it delivers to */
  invokes: Map<string, Set<string>>;
  deliveries: Delivery[];
};

const graphs = new WeakMap<Map<string, Resource>, Graph>();

/** The event sources of the stack a value names; an enhanced fan-out consumer stands for its stream. */
function sourcesIn(resources: Map<string, Resource>, value: unknown): string[] {
  return referencedIds(value).flatMap((id) => {
    const r = resources.get(id);
    if (r?.type === 'AWS::Kinesis::StreamConsumer') return referencedIds(r.properties.StreamARN);
    return r ? [id] : [];
  });
}

function keyFilter(rules: unknown): { prefix: string; suffix: string } {
  const found = { prefix: '', suffix: '' };
  for (const rule of asArray(rules) as { Name?: unknown; Value?: unknown }[]) {
    const name = String(rule.Name ?? '').toLowerCase();
    if ((name === 'prefix' || name === 'suffix') && typeof rule.Value === 'string') found[name] = rule.Value;
  }
  return found;
}

function graphOf(resources: Map<string, Resource>): Graph {
  const cached = graphs.get(resources);
  if (cached) return cached;
  const invokes = new Map<string, Set<string>>();
  const link = (sources: string[], targets: string[]): void => {
    for (const s of sources) for (const t of targets) invokes.set(s, (invokes.get(s) ?? new Set()).add(t));
  };
  const deliveries: Delivery[] = [];
  const deliver = (bucket: string[], events: unknown, filterRules: unknown, target: string[]): void => {
    const { prefix, suffix } = keyFilter(filterRules);
    for (const b of bucket) for (const t of target) deliveries.push({ bucket: b, events: asArray(events).map(String), prefix, suffix, target: t });
  };
  const queuesOrTopics = (value: unknown): string[] =>
    referencedIds(value).filter((id) => ['AWS::SQS::Queue', 'AWS::SNS::Topic'].includes(resources.get(id)?.type ?? ''));

  for (const r of resources.values()) {
    const p = r.properties;
    switch (r.type) {
      case 'AWS::Lambda::EventSourceMapping':
        link(sourcesIn(resources, p.EventSourceArn), functionsIn(resources, p.FunctionName));
        break;
      case 'AWS::SNS::Subscription':
        link(referencedIds(p.TopicArn), [...functionsIn(resources, p.Endpoint), ...queuesOrTopics(p.Endpoint)]);
        break;
      case 'AWS::SNS::Topic':
        for (const s of asArray(p.Subscription) as { Endpoint?: unknown }[]) {
          link([r.logicalId], [...functionsIn(resources, s.Endpoint), ...queuesOrTopics(s.Endpoint)]);
        }
        break;
      case 'AWS::S3::Bucket': {
        const n = (p.NotificationConfiguration ?? {}) as Record<string, unknown>;
        type Native = { Event?: unknown; Filter?: { S3Key?: { Rules?: unknown } }; Function?: unknown; Queue?: unknown; Topic?: unknown };
        for (const c of asArray(n.LambdaConfigurations) as Native[]) deliver([r.logicalId], c.Event, c.Filter?.S3Key?.Rules, functionsIn(resources, c.Function));
        for (const c of asArray(n.QueueConfigurations) as Native[]) deliver([r.logicalId], c.Event, c.Filter?.S3Key?.Rules, queuesOrTopics(c.Queue));
        for (const c of asArray(n.TopicConfigurations) as Native[]) deliver([r.logicalId], c.Event, c.Filter?.S3Key?.Rules, queuesOrTopics(c.Topic));
        break;
      }
      case 'Custom::S3BucketNotifications': {
        // CDK's own notification resource, in the shape of the S3 PutBucketNotificationConfiguration API.
        const bucket = referencedIds(p.BucketName).filter((id) => resources.get(id)?.type === 'AWS::S3::Bucket');
        const n = (p.NotificationConfiguration ?? {}) as Record<string, unknown>;
        type Api = { Events?: unknown; Filter?: { Key?: { FilterRules?: unknown } }; LambdaFunctionArn?: unknown; QueueArn?: unknown; TopicArn?: unknown };
        for (const c of asArray(n.LambdaFunctionConfigurations) as Api[]) deliver(bucket, c.Events, c.Filter?.Key?.FilterRules, functionsIn(resources, c.LambdaFunctionArn));
        for (const c of asArray(n.QueueConfigurations) as Api[]) deliver(bucket, c.Events, c.Filter?.Key?.FilterRules, queuesOrTopics(c.QueueArn));
        for (const c of asArray(n.TopicConfigurations) as Api[]) deliver(bucket, c.Events, c.Filter?.Key?.FilterRules, queuesOrTopics(c.TopicArn));
        break;
      }
      case 'AWS::Events::Rule': {
        // S3 events delivered through EventBridge: the rule names the bucket and may filter keys.
        const pattern = (p.EventPattern ?? {}) as { source?: unknown; 'detail-type'?: unknown; detail?: { bucket?: { name?: unknown }; object?: { key?: unknown } } };
        if (!asArray(pattern.source).includes('aws.s3')) break;
        const bucket = referencedIds(pattern.detail?.bucket?.name).filter((id) => resources.get(id)?.type === 'AWS::S3::Bucket');
        const types = asArray(pattern['detail-type']).map(String);
        const events = (types.length === 0 ? ['Object Created'] : types).map((t) => EVENTBRIDGE_S3_EVENTS[t] ?? t);
        const targets = (asArray(p.Targets) as { Arn?: unknown }[]).flatMap((t) => [...functionsIn(resources, t.Arn), ...queuesOrTopics(t.Arn)]);
        const keys = asArray(pattern.detail?.object?.key);
        for (const key of keys.length === 0 ? [{}] : keys) {
          const k = (typeof key === 'string' ? { prefix: key, suffix: key } : key) as { prefix?: unknown; suffix?: unknown };
          const rules = [
            ...(typeof k.prefix === 'string' ? [{ Name: 'prefix', Value: k.prefix }] : []),
            ...(typeof k.suffix === 'string' ? [{ Name: 'suffix', Value: k.suffix }] : []),
          ];
          deliver(bucket, events, rules, targets);
        }
        break;
      }
    }
  }
  const graph = { resources, invokes, deliveries };
  graphs.set(resources, graph);
  return graph;
}

const TARGET = '\u0001';
const OTHER = '\u0002';

/** A policy resource as text, with the target resource and any other intrinsic replaced by markers. */
function textOf(value: unknown, target: string): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return OTHER;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref === target ? TARGET : OTHER;
  if (v['Fn::GetAtt'] !== undefined) {
    const at = v['Fn::GetAtt'];
    return (Array.isArray(at) ? String(at[0]) : String(at).split('.')[0]) === target ? TARGET : OTHER;
  }
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return asArray(parts).map((part) => textOf(part, target)).join(sep);
  }
  if (v['Fn::Sub'] !== undefined) {
    const text = String(Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'][0] : v['Fn::Sub']);
    return text.replace(/\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z]+)?\}/g, (_, id: string) => (id === target ? TARGET : OTHER));
  }
  return OTHER;
}

/**
 * What a policy resource lets the function touch on `target`: `undefined` when nothing, otherwise
 * the part of the ARN after the target ("" for the resource itself, "/*", "/out/*", ":*"…).
 * A bare "*" grants everything.
 */
function reachOn(resource: unknown, target: string): string | undefined {
  if (resource === '*') return '/*';
  const text = textOf(resource, target);
  const at = text.lastIndexOf(TARGET);
  return at < 0 ? undefined : text.slice(at + 1).replaceAll(OTHER, '*');
}

function mayWrite(statements: Statement[], actions: string[], target: string, onObjects: boolean): string[] {
  const reached: string[] = [];
  for (const s of statements) {
    if (!actions.some((a) => allows(s, a))) continue;
    for (const resource of s.resources) {
      const rest = reachOn(resource, target);
      if (rest === undefined) continue;
      if (onObjects) {
        if (rest.startsWith('/')) reached.push(rest.slice(1));
      } else if (!/^\/(index|stream)\//.test(rest)) reached.push(rest);
    }
  }
  return reached;
}

/** Whether some key can match both an IAM object pattern ("out/*", "*", "a/*.json") and a notification filter. */
export function keysOverlap(pattern: string, filter: { prefix: string; suffix: string }): boolean {
  const wild = pattern.search(/[*?]/);
  if (wild < 0) return pattern.startsWith(filter.prefix) && pattern.endsWith(filter.suffix);
  const head = pattern.slice(0, wild);
  const tail = pattern.slice(Math.max(pattern.lastIndexOf('*'), pattern.lastIndexOf('?')) + 1);
  const prefixes = head.startsWith(filter.prefix) || filter.prefix.startsWith(head);
  const suffixes = tail.endsWith(filter.suffix) || filter.suffix.endsWith(tail);
  return prefixes && suffixes;
}

/** Functions, queues, topics, streams and tables a function's output reaches in one step. */
function outputsOf(graph: Graph, fnId: string): string[] {
  const fn = graph.resources.get(fnId);
  const roleId = fn && functionRoleId(fn);
  if (!roleId) return [];
  const statements = roleStatements(graph.resources, roleId);
  const out = new Set<string>();
  for (const source of graph.invokes.keys()) {
    const actions = WRITE_ACTIONS[graph.resources.get(source)?.type ?? ''];
    if (actions && mayWrite(statements, actions, source, false).length > 0) out.add(source);
  }
  const invokable = ['AWS::Lambda::Function', 'AWS::Lambda::Alias', 'AWS::Lambda::Version'];
  for (const [id, r] of graph.resources) {
    if (!invokable.includes(r.type) || mayWrite(statements, WRITE_ACTIONS['AWS::Lambda::Function']!, id, false).length === 0) continue;
    for (const target of functionsIn(graph.resources, { Ref: id })) out.add(target);
  }
  for (const d of graph.deliveries) {
    const actions = d.events.flatMap((e) => S3_EVENT_ACTIONS.find(([re]) => re.test(e))?.[1] ?? []);
    if (actions.length === 0) continue;
    if (mayWrite(statements, actions, d.bucket, true).some((pattern) => keysOverlap(pattern, d))) out.add(d.target);
  }
  return [...out];
}

/** Whether the function's output can come back to it, through any number of queues, topics and functions. */
function loopsBack(graph: Graph, fnId: string): boolean {
  const seen = new Set<string>();
  const next = (id: string): string[] =>
    graph.resources.get(id)?.type === 'AWS::Lambda::Function' ? outputsOf(graph, id) : [...(graph.invokes.get(id) ?? [])];
  const queue = next(fnId);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === fnId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...next(id));
  }
  return false;
}

export const recursiveLambda: AntiPatternRule = {
  id: 'RecursiveLambda',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function can trigger itself again: its role may invoke it or write to the queue, topic, stream, table or S3 keys that invoke it, or its RecursiveLoop setting is Allow.',
  explanation:
    'A function that re-invokes itself for the next batch, or writes into the resource that triggers it, can loop without end, scale to the account concurrency quota and bill every hop. ' +
    "Lambda's recursive loop detection stops only loops through Lambda, SQS, SNS and S3, after about 16 hops, and only with a recent AWS SDK; it never sees loops through DynamoDB or Kinesis, and RecursiveLoop: Allow turns it off. " +
    'Let Step Functions (a Choice loop or a Map state) or an SQS queue fed by a separate producer drive the iteration, and write outputs to a different resource or to S3 keys the notification filter excludes.',
  check(node: CfnResource) {
    if (node.cfnResourceType !== 'AWS::Lambda::Function') return NagRuleCompliance.NOT_APPLICABLE;
    const fn = resourceOf(node);
    if (!fn) return NagRuleCompliance.NOT_APPLICABLE;
    if (fn.properties.RecursiveLoop === 'Allow') return NagRuleCompliance.NON_COMPLIANT;
    return loopsBack(graphOf(resourcesOf(node)), fn.logicalId) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
