// What invokes, reads or writes what, derived from the synthesized templates alone.
import type { Template } from '../content';
import { type StackResource, architecturalResources, constructIds, stackResources } from './architecture';
import { pick, refsIn } from './refs';

export type GraphNode = { key: string; id: string; type: string };
export type GraphEdge = { from: string; to: string; label: string };
export type ResourceGraph = { nodes: GraphNode[]; edges: GraphEdge[] };

type Stack = { name: string; template: Template };

/** Named relations: [resource type, property path of the source, of the target, label]. */
const RELATIONS: [string, string, string, string][] = [
  ['AWS::Lambda::EventSourceMapping', 'EventSourceArn', 'FunctionName', 'triggers'],
  ['AWS::SNS::Subscription', 'TopicArn', 'Endpoint', 'delivers to'],
  ['AWS::Events::Rule', 'EventBusName', '', 'routes'],
  ['AWS::Events::Rule', '', 'Targets.*.Arn', 'targets'],
  ['AWS::Scheduler::Schedule', '', 'Target.Arn', 'invokes'],
  ['AWS::Lambda::EventInvokeConfig', 'FunctionName', 'DestinationConfig.OnSuccess.Destination', 'on success'],
  ['AWS::Lambda::EventInvokeConfig', 'FunctionName', 'DestinationConfig.OnFailure.Destination', 'on failure'],
  ['AWS::Lambda::Permission', 'SourceArn', 'FunctionName', 'invokes'],
  ['AWS::SQS::Queue', '', 'RedrivePolicy.deadLetterTargetArn', 'dead letters'],
  ['AWS::CloudWatch::Alarm', '', 'AlarmActions', 'notifies'],
  ['AWS::WAFv2::WebACLAssociation', 'WebACLArn', 'ResourceArn', 'protects'],
  ['AWS::CloudFront::Distribution', '', 'DistributionConfig.Origins.*.DomainName', 'serves from'],
  ['Custom::S3BucketNotifications', 'BucketName', 'NotificationConfiguration', 'notifies'],
  ['AWS::ApiGateway::Method', '', 'Integration.Uri', 'integrates'],
  ['AWS::ApiGatewayV2::Integration', '', 'IntegrationUri', 'integrates'],
];

/** Where a role's permissions act from: the property that hands the role to a resource. */
const ROLE_USERS = ['Role', 'RoleArn', 'Integration.Credentials', 'CredentialsArn', 'Target.RoleArn', 'TaskRoleArn', 'ServiceRoleArn', 'ExecutionRoleArn'];

/** First match wins; an empty verb drops the action (metadata reads say nothing about flow). */
const VERBS: [RegExp, string][] = [
  [/^sqs:(getqueueattributes|getqueueurl)$/, ''],
  [/^sqs:(receivemessage|deletemessage|changemessagevisibility)/, 'consumes'],
  [/^(dynamodb:(getrecords|getsharditerator|describestream|liststreams))$/, 'consumes'],
  [/^lambda:invoke/, 'invokes'],
  [/^sns:publish$/, 'publishes'],
  [/^sqs:sendmessage/, 'sends'],
  [/^events:putevents$/, 'puts events'],
  [/^states:start/, 'starts'],
  [/^ecs:runtask$/, 'runs'],
  [/^(rds-db:connect|elasticfilesystem:client)/, 'connects'],
  [/:(get|list|describe|query|scan|batchget|receive|read|select)/, 'reads'],
  [/:(put|update|delete|batchwrite|create|transactwrite|write|changemessage)/, 'writes'],
];

function verb(action: string): string | undefined {
  return VERBS.find(([re]) => re.test(action.toLowerCase()))?.[1] || undefined;
}

export function deriveGraph(stacks: readonly Stack[]): ResourceGraph {
  const all = stackResources(stacks);
  const arch = architecturalResources(all);
  const key = (r: StackResource) => `${r.stack}:${r.logicalId}`;
  const archByPath = arch.map((r) => ({ r, prefix: r.path.replace(/\/Resource$/, '') }));
  const props = (r: StackResource) => stacks.find((s) => s.name === r.stack)!.template.Resources[r.logicalId]?.Properties;
  const byId = (stack: string, id: string) => all.find((r) => r.stack === stack && r.logicalId === id);
  // A plumbing resource belongs to the architectural construct its path sits under.
  const owner = (r: StackResource | undefined) =>
    r && (arch.includes(r) ? r : archByPath.find(({ prefix }) => r.path === prefix || r.path.startsWith(`${prefix}/`))?.r);
  const owners = (r: StackResource, value: unknown) => refsIn(value).flatMap((id) => owner(byId(r.stack, id)) ?? []);

  const edges = new Map<string, { from: string; to: string; labels: Set<string> }>();
  const link = (from: StackResource, to: StackResource, label: string) => {
    if (from === to) return;
    const k = `${key(from)} ${key(to)}`;
    const e = edges.get(k) ?? { from: key(from), to: key(to), labels: new Set<string>() };
    edges.set(k, e);
    e.labels.add(label);
  };

  for (const r of all) {
    for (const [type, fromPath, toPath, label] of RELATIONS) {
      if (r.type !== type) continue;
      const p = props(r);
      const froms = fromPath ? owners(r, pick(p, fromPath)) : [owner(r)].flatMap((o) => o ?? []);
      const tos = toPath ? owners(r, pick(p, toPath)) : [owner(r)].flatMap((o) => o ?? []);
      for (const f of froms) for (const t of tos) link(f, t, label);
    }
    if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::Role') {
      const p = props(r);
      const roles = r.type === 'AWS::IAM::Role' ? [r.logicalId] : refsIn(pick(p, 'Roles'));
      const users = all.filter((u) => ROLE_USERS.some((path) => refsIn(pick(props(u), path)).some((id) => roles.includes(id))));
      const statements = [...pick(p, 'PolicyDocument.Statement.*'), ...pick(p, 'Policies.*.PolicyDocument.Statement.*')];
      for (const s of statements) {
        const labels = [pick(s, 'Action')].flat(2).flatMap((a) => (typeof a === 'string' ? (verb(a) ?? []) : []));
        for (const u of users.flatMap((x) => owner(x) ?? [])) {
          for (const t of owners(r, pick(s, 'Resource'))) for (const l of new Set(labels)) link(u, t, l);
        }
      }
    }
  }
  const nodes = arch.map((r) => ({ key: key(r), id: constructId(r), type: r.type }));
  return {
    nodes,
    edges: [...edges.values()].map(({ from, to, labels }) => ({ from, to, label: [...labels].sort().join(', ') })),
  };
}

/** The id a reader knows: the construct owning the CloudFormation resource. */
export function constructId(r: StackResource): string {
  return constructIds(r.path).at(-1) ?? r.logicalId;
}
