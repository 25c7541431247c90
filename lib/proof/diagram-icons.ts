// Every diagram a pattern page shows (authored and as built) with the icons its nodes get, and
// the manifest that says which icons each committed SVG was drawn with: icons follow the
// template, not the diagram text, so a changed resource type must be able to make a render stale.
import type { Component, Pattern, SynthOutput } from '../content';
import { beforeOutput, deployableOutput } from '../content/anti-patterns';
import { stackResources } from './architecture';
import { asBuiltDiagram } from './as-built';
import type { Problem } from './drift';
import { withIcons } from './mermaid-icons';
import { type NodeIcon, componentForType, diagramIcons } from './node-icons';

export type IconPlan = {
  hash: string;
  title: string;
  /** The diagram as Mermaid draws it: every node an icon shape. */
  code: string;
  /** Node id → aws-icons file: what the manifest records. */
  icons: Record<string, string>;
};

const record = (icons: ReadonlyMap<string, NodeIcon>) => Object.fromEntries([...icons].map(([id, i]) => [id, i.icon]).sort(([a], [b]) => a!.localeCompare(b!)));

/** The authored diagrams with the stacks each draws (an anti-pattern's first draws its "before"), then the as-built one. */
export function patternIconPlans(pattern: Pattern, synth: SynthOutput, registry: readonly Component[]): { plans: IconPlan[]; problems: Problem[] } {
  const before = beforeOutput(pattern, synth);
  const deployable = deployableOutput(pattern, synth);
  const problems: Problem[] = [];
  const plans = pattern.diagrams.map((d, i) => {
    const stacks = before && i === 0 ? before.stacks : before ? deployable.stacks : synth.stacks;
    const found = diagramIcons(d.code, stackResources(stacks), registry);
    problems.push(...found.problems.map((p) => ({ ...p, field: `diagram "${d.title}": ${p.field}` })));
    return { hash: d.hash, title: d.title, code: withIcons(d.code, found.icons, registry), icons: record(found.icons) };
  });
  const asBuilt = asBuiltDiagram(pattern.title, deployable);
  const icons = new Map<string, NodeIcon>();
  asBuilt.graph.nodes.forEach((n, i) => {
    const component = componentForType(n.type, registry);
    if (component) icons.set(`n${i}`, { icon: component.icon, component });
    else problems.push({ field: `as-built diagram: resource ${n.id} (${n.type})`, expected: `a component for ${n.type} so the node has an icon: add "${n.type}" to the cloudFormationTypes of a component in content/components.json` });
  });
  plans.push({ hash: asBuilt.hash, title: asBuilt.title, code: withIcons(asBuilt.code, icons, registry), icons: record(icons) });
  return { plans, problems };
}

/** public/diagrams/icons.json: the icons each rendered diagram was drawn with, and from which aws-icons. */
export type IconManifest = { awsIcons: string; diagrams: Record<string, Record<string, string>> };

export function iconManifest(plans: readonly IconPlan[], awsIcons: string): IconManifest {
  const diagrams = Object.fromEntries(plans.map((p) => [p.hash, p.icons]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return { awsIcons, diagrams };
}

/** Why a rendered diagram no longer shows what its plan says, or undefined when it is current. */
export function staleReason(plan: IconPlan, manifest: IconManifest | undefined, awsIcons: string): string | undefined {
  if (!manifest) return 'public/diagrams/icons.json is missing';
  if (manifest.awsIcons !== awsIcons) return `drawn with aws-icons ${manifest.awsIcons}, installed is ${awsIcons}`;
  const drawn = manifest.diagrams[plan.hash];
  if (!drawn) return 'not in public/diagrams/icons.json';
  const changed = [...new Set([...Object.keys(drawn), ...Object.keys(plan.icons)])]
    .filter((id) => drawn[id] !== plan.icons[id])
    .map((id) => `${id}: drawn ${drawn[id] ?? 'without a node'}, now ${plan.icons[id] ?? 'no node'}`);
  return changed.length ? `its icons changed (${changed.join('; ')})` : undefined;
}
