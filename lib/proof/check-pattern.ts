// All proof checks for one pattern, as the build runs them.
import type { Catalog, Pattern, SynthOutput } from '../content';
import { beforeOutput, deployableOutput, rulePackProblems } from '../content/anti-patterns';
import { stackResources } from './architecture';
import { type Problem, componentEvidence, diagramDrift } from './drift';

/** Package names a pattern depends on, from the package.json files of its typescript/ folder. */
export function dependencyNames(packageJsons: readonly string[]): string[] {
  return packageJsons.flatMap((text) => {
    const pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = JSON.parse(text);
    return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  });
}

/**
 * Diagrams against stacks: a pattern's diagrams together draw all its stacks; an anti-pattern's
 * first diagram draws its "before" stack and its second the fix.
 */
function drift(pattern: Pattern, synth: SynthOutput): Problem[] {
  const before = beforeOutput(pattern, synth);
  if (!before) return diagramDrift(pattern.diagrams.map((d) => d.code), stackResources(synth.stacks));
  const after = deployableOutput(pattern, synth);
  const [first, second] = pattern.diagrams;
  const label = (n: number, stack: string) => (p: Problem) => ({ ...p, field: `diagram ${n} (stack ${stack}): ${p.field}` });
  return [
    ...(first ? diagramDrift([first.code], stackResources(before.stacks)).map(label(1, pattern.antiPattern!.before)) : []),
    ...(second ? diagramDrift([second.code], stackResources(after.stacks)).map(label(2, pattern.antiPattern!.after)) : []),
  ];
}

export function checkPattern(catalog: Catalog, pattern: Pattern, synth: SynthOutput, packageJsons: readonly string[]): Problem[] {
  const resources = stackResources(synth.stacks);
  return [
    ...drift(pattern, synth),
    ...rulePackProblems(pattern, synth),
    ...componentEvidence({
      components: pattern.components,
      registry: catalog.registry.components,
      resources,
      templates: synth.stacks.map((s) => s.template),
      dependencies: dependencyNames(packageJsons),
    }),
  ];
}
