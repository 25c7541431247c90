// The proof that a page says what its code deploys: diagram nodes ↔ template resources,
// frontmatter components ↔ resource types, IAM actions and dependencies. Pure functions.
import type { Component, Template } from '../content';
import { CDK_LEAF_IDS, type StackResource, architecturalResources, constructIds } from './architecture';
import { diagramNodes } from './mermaid-nodes';

export type Problem = { field: string; expected: string };

export function diagramDrift(diagrams: readonly string[], resources: readonly StackResource[]): Problem[] {
  const nodes = diagrams.flatMap(diagramNodes);
  const deployed = nodes.filter((n) => !n.external);
  const ids = new Set(deployed.map((n) => n.id).filter((id) => !CDK_LEAF_IDS.has(id)));
  const segments = new Set(resources.flatMap((r) => r.segments.slice(1)));
  const problems: Problem[] = [];

  for (const n of deployed) {
    if (CDK_LEAF_IDS.has(n.id)) {
      problems.push({ field: `diagram node "${n.id}"`, expected: 'a specific construct id; this one matches every resource' });
    } else if (!n.subgraph && !segments.has(n.id)) {
      problems.push({
        field: `diagram node "${n.id}"`,
        expected: `a construct id of a resource in the synthesized template; none has "${n.id}" in its construct path (mark the node :::external if the stack does not deploy it)`,
      });
    }
    // A subgraph may be a construct (a VPC) or only a box grouping others: not checked.
  }
  for (const r of architecturalResources(resources)) {
    if (r.segments.slice(1).some((s) => ids.has(s))) continue;
    const candidates = constructIds(r.path);
    problems.push({
      field: `resource ${r.path} (${r.type})`,
      expected: `a diagram node named after one of its construct ids (${candidates.join(', ')}); the diagram has none`,
    });
  }
  return problems;
}

/** Every IAM action any policy in the templates allows (roles, policies, resource policies). */
export function allowedActions(templates: readonly Template[]): Set<string> {
  const actions = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Action') for (const a of [v].flat()) if (typeof a === 'string') actions.add(a.toLowerCase());
        walk(v);
      }
    }
  };
  for (const t of templates) for (const r of Object.values(t.Resources)) walk(r.Properties);
  return actions;
}

export type EvidenceInput = {
  components: readonly string[];
  registry: readonly Component[];
  resources: readonly StackResource[];
  templates: readonly Template[];
  /** Dependency names from the pattern's package.json files. */
  dependencies: readonly string[];
};

function describe(c: Component): string {
  const parts = [
    c.cloudFormationTypes.length ? `a resource of type ${c.cloudFormationTypes.join(' | ')}` : '',
    c.iamActions.length ? `an IAM statement allowing ${c.iamActions.join(' | ')}` : '',
    c.packages.length ? `a dependency on ${c.packages.join(' | ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', or ') : 'nothing: the registry gives this component no evidence to look for';
}

export function componentEvidence(input: EvidenceInput): Problem[] {
  const byId = new Map(input.registry.map((c) => [c.id, c]));
  const types = new Set(input.resources.map((r) => r.type));
  const actions = allowedActions(input.templates);
  const hasPackage = (p: string) => input.dependencies.some((d) => (p.endsWith('/') ? d.startsWith(p) : d === p));
  const direct = (c: Component) =>
    c.cloudFormationTypes.some((t) => types.has(t)) ||
    c.iamActions.some((a) => actions.has(a.toLowerCase()) || actions.has(`${a.split(':')[0]}:*`.toLowerCase())) ||
    c.packages.some(hasPackage);
  const listed = input.components.flatMap((id) => byId.get(id) ?? []);
  // A component evidenced in the template vouches for what the registry says it contains
  // (the power tuner's SAR application holds its own state machine and functions).
  const vouched = new Set(listed.filter(direct).flatMap((c) => c.includes));
  const problems: Problem[] = [];
  input.components.forEach((id, i) => {
    const c = byId.get(id);
    if (c && !direct(c) && !vouched.has(id)) {
      problems.push({ field: `components[${i}] (${id})`, expected: `evidence in the synthesized template: ${describe(c)}; found none` });
    }
  });
  const covered = new Set(listed.flatMap((c) => c.cloudFormationTypes));
  const missing = new Map<string, StackResource>();
  for (const r of architecturalResources(input.resources)) if (!covered.has(r.type) && !missing.has(r.type)) missing.set(r.type, r);
  for (const [type, r] of missing) {
    const offer = input.registry.filter((c) => c.cloudFormationTypes.includes(type)).map((c) => c.id);
    problems.push({
      field: 'components',
      expected: `a component for ${type} (deployed as ${r.path}); ${offer.length ? `add one of: ${offer.join(', ')}` : 'no registry component declares this type: add it to content/components.json'}`,
    });
  }
  return problems;
}
