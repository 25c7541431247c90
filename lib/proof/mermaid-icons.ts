// Rewrites a flowchart so each node is Mermaid's icon shape: the AWS icon above its label, so
// the layout makes room for both. Only the rendered picture changes: the diagram text authors
// write, its hash and its text alternative stay as they are. Pure functions.
import type { Component } from '../content';
import { type NodeIcon, parseNodeLine } from './node-icons';

/** The icon pack's prefix: nodes say icon: "aws:<name>". */
export const ICON_PACK = 'aws';
export const ICON_SIZE = 48;

/** An aws-icons file as an Iconify icon name: "architecture-service/AWSLambda" → "service-awslambda". */
export function iconName(ref: string): string {
  return ref.replace(/^architecture-service\//, 'service-').replace(/\//g, '-').toLowerCase();
}

/** Words a kind shares with its icon's service, or that only say what every such resource is. */
const GENERIC = new Set(
  'function table queue topic bucket state machine log group key role secret parameter distribution instance cluster domain pool dashboard alarm canary broker'.split(' '),
);
const words = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map((w) => w.replace(/s$/, ''));

/**
 * Whether "Kind" in "Kind: Name" tells a reader more than the icon does: "SQS DLQ" and "Express
 * workflow" do; "Lambda function" and "DynamoDB table" do not. When another component shares the
 * icon (REST and HTTP APIs), the kind is what tells them apart.
 */
export function kindAddsMeaning(kind: string, component: Component, registry: readonly Component[]): boolean {
  if (registry.some((c) => c.id !== component.id && c.icon === component.icon)) return true;
  const known = new Set(words([component.name, component.service, ...component.aliases].join(' ')));
  return words(kind).some((w) => !known.has(w) && !GENERIC.has(w));
}

const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '#quot;');

/** "Kind: Name, details" → the name in bold, then what the icon does not already say. */
export function iconLabel(label: string, icon: NodeIcon, registry: readonly Component[]): string {
  const m = /^([^:]{1,60}):\s+([\s\S]+)$/.exec(label);
  if (!m || !icon.component) return escapeLabel(label);
  const [, kind, rest] = m as unknown as [string, string, string];
  const parts = /^(\S+) \((.+)\)$/.exec(rest) ?? /^([^,]+?)(?:,\s*([\s\S]+))?$/.exec(rest)!;
  const name = parts[1]!;
  const second = [kindAddsMeaning(kind, icon.component, registry) ? kind : '', parts[2] ?? ''].filter(Boolean).join(', ');
  return escapeLabel(`<b>${name}</b>${second ? `<br/>${second}` : ''}`);
}

function declaration(indent: string, id: string, label: string, icon: NodeIcon, registry: readonly Component[]): string {
  return `${indent}${id}@{ icon: "${ICON_PACK}:${iconName(icon.icon)}", label: "${iconLabel(label, icon, registry)}", pos: "b", h: ${ICON_SIZE} }`;
}

/** The diagram with every node that has an icon drawn as an icon shape; other lines unchanged. */
export function withIcons(code: string, icons: ReadonlyMap<string, NodeIcon>, registry: readonly Component[]): string {
  const declared = new Set<string>();
  const lines = code.split('\n').flatMap((line) => {
    const def = parseNodeLine(line);
    const icon = def && icons.get(def.id);
    if (!def || !icon) return [line];
    declared.add(def.id);
    return [declaration(def.indent, def.id, def.label, icon, registry), ...(def.cls ? [`${def.indent}class ${def.id} ${def.cls}`] : [])];
  });
  // Nodes written only inside edges are declared just before the first line that uses them, so a
  // node stays in the subgraph it first appears in.
  for (const [id, icon] of icons) {
    if (declared.has(id)) continue;
    const uses = new RegExp(`(^|[^\\w"])${id}(?![\\w"])`);
    const at = lines.findIndex((l) => !/^\s*(acc\w+|%%)/.test(l) && uses.test(l.replace(/"[^"]*"/g, '""')));
    if (at < 0) continue;
    const indent = /^\s*/.exec(lines[at]!)![0];
    lines.splice(at, 0, declaration(indent, id, id, icon, registry));
  }
  return lines.join('\n');
}
