// All proof checks for one pattern, as the build runs them.
import type { Catalog, Pattern, SynthOutput } from '../content';
import { stackResources } from './architecture';
import { type Problem, componentEvidence, diagramDrift } from './drift';

/** Package names a pattern depends on, from the package.json files of its typescript/ folder. */
export function dependencyNames(packageJsons: readonly string[]): string[] {
  return packageJsons.flatMap((text) => {
    const pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = JSON.parse(text);
    return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  });
}

export function checkPattern(catalog: Catalog, pattern: Pattern, synth: SynthOutput, packageJsons: readonly string[]): Problem[] {
  const resources = stackResources(synth.stacks);
  return [
    ...diagramDrift(pattern.diagrams.map((d) => d.code), resources),
    ...componentEvidence({
      components: pattern.components,
      registry: catalog.registry.components,
      resources,
      templates: synth.stacks.map((s) => s.template),
      dependencies: dependencyNames(packageJsons),
    }),
  ];
}
