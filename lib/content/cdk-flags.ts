import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export type FlagMap = Record<string, unknown>;
type Problem = { field: string; expected: string };

/**
 * The feature flags `cdk init` writes for the pinned CDK CLI: the one source of truth for
 * every app's cdk.json, so a stack pasted into a fresh `cdk init` project synthesizes the same.
 */
export function recommendedFlags(root: string): FlagMap | undefined {
  const file = join(root, 'node_modules', 'aws-cdk', 'lib', 'init-templates', '.recommended-feature-flags.json');
  // Outside an installed checkout (content fixtures copied elsewhere) there is nothing to compare.
  if (!existsSync(file)) return undefined;
  return z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Feature flags are the context keys CDK itself owns; anything else is the app's own setting. */
export const isFeatureFlag = (key: string) => key.startsWith('@aws-cdk');

const cdkJsonSchema = z.looseObject({ app: z.string().min(1), context: z.record(z.string(), z.unknown()).default({}) });

/** What differs between an app's cdk.json and the recommended flags, as content problems. */
export function flagProblems(cdkJsonText: string, recommended: FlagMap, field = 'cdk.json'): Problem[] {
  let parsed: z.infer<typeof cdkJsonSchema>;
  try {
    parsed = cdkJsonSchema.parse(JSON.parse(cdkJsonText));
  } catch (error) {
    return [{ field, expected: `a cdk.json with "app" and "context": ${(error as Error).message.split('\n')[0]}` }];
  }
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(recommended)) {
    if (!(key in parsed.context)) problems.push({ field: `${field} context["${key}"]`, expected: `${JSON.stringify(value)}, as cdk init writes it (run "npm run flags:sync")` });
    else if (JSON.stringify(parsed.context[key]) !== JSON.stringify(value)) {
      problems.push({ field: `${field} context["${key}"]`, expected: `${JSON.stringify(value)}, as cdk init writes it; found ${JSON.stringify(parsed.context[key])} (run "npm run flags:sync")` });
    }
  }
  for (const key of Object.keys(parsed.context).filter(isFeatureFlag)) {
    if (!(key in recommended)) problems.push({ field: `${field} context["${key}"]`, expected: 'no such flag: cdk init for the pinned CDK version does not write it (run "npm run flags:sync")' });
  }
  return problems;
}

/** The cdk.json text with its feature flags replaced by the recommended ones, app settings kept. */
export function withRecommendedFlags(cdkJsonText: string, recommended: FlagMap): string {
  const json = JSON.parse(cdkJsonText) as { context?: FlagMap };
  const settings = Object.entries(json.context ?? {}).filter(([k]) => !isFeatureFlag(k));
  const flags = Object.keys(recommended).sort().map((k) => [k, recommended[k]] as const);
  json.context = Object.fromEntries([...settings, ...flags]);
  return `${JSON.stringify(json, null, 2)}\n`;
}
