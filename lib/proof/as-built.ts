// The "as built" diagram: the resource graph written as a mermaid flowchart.
import type { Diagram, SynthOutput } from '../content';
import { diagramHash } from '../content/diagrams';
import { type ResourceGraph, deriveGraph } from './resource-graph';

const TYPE_LABELS: Record<string, string> = {
  'AWS::Lambda::Function': 'Lambda',
  'AWS::ApiGateway::RestApi': 'REST API',
  'AWS::ApiGatewayV2::Api': 'HTTP API',
  'AWS::AppSync::GraphQLApi': 'AppSync API',
  'AWS::DynamoDB::Table': 'DynamoDB table',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB table',
  'AWS::SQS::Queue': 'SQS queue',
  'AWS::SNS::Topic': 'SNS topic',
  'AWS::Events::EventBus': 'Event bus',
  'AWS::Events::Rule': 'EventBridge rule',
  'AWS::Scheduler::Schedule': 'Schedule',
  'AWS::StepFunctions::StateMachine': 'State machine',
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::CloudFront::Distribution': 'CloudFront',
  'AWS::CloudWatch::Alarm': 'Alarm',
  'AWS::CloudWatch::Dashboard': 'Dashboard',
};

function label(type: string): string {
  return TYPE_LABELS[type] ?? type.split('::').slice(1).join(' ');
}

const safe = (s: string) => s.replace(/["<>{}[\]|]/g, '');

export function asBuiltMermaid(graph: ResourceGraph, title: string): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.key, `n${i}`]));
  const lines = [
    'flowchart LR',
    `  accTitle: ${safe(title)} as built`,
    `  accDescr: Derived from the synthesized CloudFormation templates: ${graph.nodes.length} architectural resources and ${graph.edges.length} relations (integrations, event sources, subscriptions, rule targets, destinations and IAM grants).`,
    ...graph.nodes.map((n) => `  ${ids.get(n.key)}["${safe(label(n.type))}: ${safe(n.id)}"]`),
    ...graph.edges.map((e) => `  ${ids.get(e.from)} -- "${safe(e.label)}" --> ${ids.get(e.to)}`),
  ];
  // Nodes without relations (a VPC, a dashboard) are still listed: they are part of what is built.
  return `${lines.join('\n')}\n`;
}

/** The second, generated diagram of a pattern page, keyed like the authored ones. */
export function asBuiltDiagram(title: string, synth: SynthOutput): Diagram & { graph: ResourceGraph } {
  const graph = deriveGraph(synth.stacks);
  const code = asBuiltMermaid(graph, title).trim();
  return {
    hash: diagramHash(code),
    title: `${title} as built`,
    description: describeGraph(graph),
    code,
    graph,
  };
}

/** A text alternative that lists every relation, so the diagram is readable without the image. */
export function describeGraph(graph: ResourceGraph): string {
  const name = new Map(graph.nodes.map((n) => [n.key, `${label(n.type)} ${n.id}`]));
  const relations = graph.edges.map((e) => `${name.get(e.from)} ${e.label} ${name.get(e.to)}`);
  return `Generated from the synthesized template. ${graph.nodes.length} resources${relations.length ? `: ${relations.join('; ')}.` : '.'}`;
}
