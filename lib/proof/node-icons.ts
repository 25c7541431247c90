// Which AWS icon each diagram node shows, decided the way the drift check matches nodes: a node id
// is a construct id in a resource's path, that resource's type names a component, and the
// component names its icon. Pure functions.
import type { Component } from '../content';
import { ARCHITECTURAL_TYPES, type StackResource } from './architecture';
import { type DiagramNode, diagramNodes } from './mermaid-nodes';
import type { Problem } from './drift';

/** What a node shows: an aws-icons file and, for deployed nodes, the component it stands for. */
export type NodeIcon = { icon: string; component?: Component };

/** People get a person; every other outside actor (a service, a browser, a build) a client. */
export const PERSON_ICON = 'resource/User';
export const CLIENT_ICON = 'resource/Client';
const PERSON = /\b(user|users|person|people|operator|developer|approver|analyst|you|subscriber|on-call)\b/i;

/** The first component (registry order) that lists a CloudFormation type. */
export function componentForType(type: string, registry: readonly Component[]): Component | undefined {
  return registry.find((c) => c.cloudFormationTypes.includes(type));
}

/**
 * The component a node's resource stands for. A type no component lists falls back to the
 * component of its service (an API Gateway authorizer to the REST API, an EFS access point to
 * EFS); CDK's own custom resources (Custom::…) run in Lambda and show it.
 */
export function componentForNode(type: string, registry: readonly Component[]): Component | undefined {
  const service = type.split('::').slice(0, 2).join('::');
  return (
    componentForType(type, registry) ??
    registry.find((c) => c.cloudFormationTypes.some((t) => t.startsWith(`${service}::`))) ??
    (type.startsWith('Custom::') ? componentForType('AWS::Lambda::Function', registry) : undefined)
  );
}

/**
 * The resource a node stands for: the construct's own resource (its path ends in the id, or in
 * id/Resource) before any resource further down, and architectural types before plumbing.
 */
export function nodeResource(id: string, resources: readonly StackResource[]): StackResource | undefined {
  const inPath = resources.filter((r) => r.segments.slice(1).includes(id));
  const own = (r: StackResource) => r.path.endsWith(`/${id}`) || r.path.endsWith(`/${id}/Resource`);
  const arch = (r: StackResource) => ARCHITECTURAL_TYPES.has(r.type);
  const tiers = [(r: StackResource) => own(r) && arch(r), own, arch, () => true];
  for (const tier of tiers) {
    const hit = inPath.find(tier);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * An outside actor's icon. A label that names an AWS service the registry knows ("AWS X-Ray",
 * "Amazon Translate") gets that service's icon; frameworks are left out, since "Express" or
 * "React" in an actor's label describes it rather than names it.
 */
export function externalIcon(label: string, registry: readonly Component[]): NodeIcon {
  if (PERSON.test(label)) return { icon: PERSON_ICON };
  const words = ` ${label.toLowerCase().replace(/[^a-z0-9-]+/g, ' ')} `;
  const named = registry
    .filter((c) => c.group !== 'frameworks' && words.includes(` ${c.name.toLowerCase().replace(/[^a-z0-9-]+/g, ' ')} `))
    .sort((a, b) => b.name.length - a.name.length)[0];
  return named ? { icon: named.icon, component: named } : { icon: CLIENT_ICON };
}

export type IconAssignment = { icons: Map<string, NodeIcon>; problems: Problem[] };

/** Every non-subgraph node of one diagram with its icon; a node no icon fits is a problem. */
export function diagramIcons(code: string, resources: readonly StackResource[], registry: readonly Component[]): IconAssignment {
  const icons = new Map<string, NodeIcon>();
  const problems: Problem[] = [];
  const labels = nodeLabels(code);
  for (const n of diagramNodes(code)) {
    if (n.subgraph) continue;
    const found = resolve(n, labels.get(n.id) ?? n.id, resources, registry);
    if ('icon' in found) icons.set(n.id, found);
    else problems.push(found);
  }
  return { icons, problems };
}

function resolve(n: DiagramNode, label: string, resources: readonly StackResource[], registry: readonly Component[]): NodeIcon | Problem {
  if (n.external) return externalIcon(label, registry);
  const r = nodeResource(n.id, resources);
  if (!r) {
    return { field: `diagram node "${n.id}"`, expected: `a construct id of a resource in the synthesized template, so the node can show its service's icon; none has "${n.id}" in its construct path (mark the node :::external if the stack does not deploy it)` };
  }
  const component = componentForNode(r.type, registry);
  if (!component) {
    return { field: `diagram node "${n.id}" (${r.path}, ${r.type})`, expected: `a component for ${r.type} so the node has an icon: add "${r.type}" to the cloudFormationTypes of a component in content/components.json (no component lists a type of its service), or name the node after the construct whose own resource it is` };
  }
  return { icon: component.icon, component };
}

/** Node id → label text as written in the diagram (shapes and quotes removed). */
export function nodeLabels(code: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const line of code.split('\n')) {
    const def = parseNodeLine(line);
    if (def) labels.set(def.id, def.label);
  }
  return labels;
}

const NODE_LINE = /^(\s*)([A-Za-z_]\w*)\s*([[({>][\s\S]*?[\])}])(?::::(\w+))?\s*;?\s*$/;

/** A line that only defines a node: indent, id, label, class. Edge and keyword lines give undefined. */
export function parseNodeLine(line: string): { indent: string; id: string; label: string; cls?: string } | undefined {
  const m = NODE_LINE.exec(line);
  if (!m || /^(subgraph|end|flowchart|graph|class|classDef|style|click)$/.test(m[2]!)) return undefined;
  const label = m[3]!.replace(/^[[({>/\\]+/, '').replace(/[\])}/\\]+$/, '').replace(/^"([\s\S]*)"$/, '$1').trim();
  return { indent: m[1]!, id: m[2]!, label, cls: m[4] };
}
