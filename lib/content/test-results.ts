import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { CatalogPaths } from './load';
import type { Pattern } from './patterns';

const resultSchema = z.strictObject({ file: z.string(), name: z.string(), status: z.enum(['passed', 'failed', 'skipped']) });
export type TestResult = z.infer<typeof resultSchema>;

export const testResultsDir = (paths: CatalogPaths) => join(paths.root, '.generated', 'test-results');
export const testResultsFile = (paths: CatalogPaths, slug: string, language: string) => join(testResultsDir(paths), `${slug}.${language}.jsonl`);

/** The results of the last test run of one app, with files relative to the pattern folder. */
export function readTestResults(paths: CatalogPaths, slug: string, language: string): TestResult[] | undefined {
  const file = testResultsFile(paths, slug, language);
  if (!existsSync(file)) return undefined;
  const patternDir = join(paths.content, 'patterns', slug);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => resultSchema.parse(JSON.parse(line)))
    .map((r) => ({ ...r, file: relative(patternDir, r.file).split('\\').join('/') }));
}

/** Guarantees whose tests did not run, did not pass, or ran more than once under that name. */
export function guaranteeProblems(pattern: Pattern, results: (language: string) => TestResult[] | undefined): { field: string; expected: string }[] {
  return pattern.guarantees.flatMap((g, i) =>
    g.tests.flatMap((t, j) => {
      const language = t.file.split('/')[0]!;
      const run = results(language);
      const field = `guarantees[${i}].tests[${j}]`;
      if (!run) return [{ field, expected: `results of the ${language} tests; none were recorded (run "npm run test:cdk")` }];
      const matches = run.filter((r) => r.file === t.file && r.name === t.name);
      if (matches.length === 0) return [{ field, expected: `a test named "${t.name}" in ${t.file} that ran; no such test ran` }];
      // A parametrized pytest function runs once per case: every case must pass.
      const parametrized = t.file.endsWith('.py');
      if (matches.length > 1 && !parametrized) return [{ field, expected: `one test named "${t.name}" in ${t.file}; ${matches.length} share the name` }];
      const bad = matches.find((m) => m.status !== 'passed');
      return bad ? [{ field, expected: `"${t.name}" in ${t.file} to pass${matches.length > 1 ? ' in every case' : ''}; ${matches.length > 1 ? 'a case' : 'it'} ${bad.status}` }] : [];
    }),
  );
}
