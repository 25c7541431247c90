import { isDeepStrictEqual } from 'node:util';
import type { SynthOutput } from '../content';

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 160));

/** The first path at which two JSON values differ, with both values, or undefined when equal. */
export function firstJsonDifference(a: unknown, b: unknown, path = ''): { path: string; committed: string; synthesized: string } | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstJsonDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path: path || '(value)', committed: show(a), synthesized: show(b) };
}

/**
 * Where a fresh synthesis departs from the committed snapshot, in words an author can act on:
 * the stack, the first resource and the first property that differ. Undefined when they match.
 */
export function snapshotDifference(committed: SynthOutput, fresh: SynthOutput): string | undefined {
  const names = (o: SynthOutput) => o.stacks.map((s) => s.name).join(', ');
  if (names(committed) !== names(fresh)) return `stacks differ: committed [${names(committed)}], synthesized [${names(fresh)}]`;
  for (const [i, stack] of committed.stacks.entries()) {
    const now = fresh.stacks[i]!.template;
    const before = stack.template;
    for (const id of Object.keys(before.Resources)) {
      if (!now.Resources[id]) return `stack ${stack.name}: resource ${id} (${before.Resources[id]!.Type}) is no longer synthesized`;
    }
    for (const id of Object.keys(now.Resources)) {
      const was = before.Resources[id];
      if (!was) return `stack ${stack.name}: resource ${id} (${now.Resources[id]!.Type}) is new`;
      const d = firstJsonDifference(was, now.Resources[id]);
      if (d) return `stack ${stack.name}: resource ${id} (${was.Type}) property ${d.path}: committed ${d.committed}, synthesized ${d.synthesized}`;
    }
    const d = firstJsonDifference({ ...before, Resources: undefined }, { ...now, Resources: undefined });
    if (d) return `stack ${stack.name}: ${d.path}: committed ${d.committed}, synthesized ${d.synthesized}`;
  }
  const d = firstJsonDifference(committed.findings, fresh.findings);
  if (d) return `cdk-nag findings differ at findings${d.path.startsWith('[') ? '' : '.'}${d.path}: committed ${d.committed}, synthesized ${d.synthesized}`;
  if (committed.cdkVersion !== fresh.cdkVersion) return `aws-cdk-lib version: committed ${committed.cdkVersion}, synthesized ${fresh.cdkVersion}`;
  return undefined;
}
