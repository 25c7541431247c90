import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CatalogPaths } from './load';

/** A CloudFormation template as far as the site reads it. */
const templateSchema = z.looseObject({
  Resources: z.record(
    z.string(),
    z.looseObject({
      Type: z.string(),
      Properties: z.unknown().optional(),
      Metadata: z
        .looseObject({
          'aws:cdk:path': z.string().optional(),
          cdk_nag: z.looseObject({ rules_to_suppress: z.array(z.looseObject({ id: z.string(), reason: z.string() })) }).optional(),
        })
        .optional(),
    }),
  ),
});
export type Template = z.infer<typeof templateSchema>;

const reportSchema = z.looseObject({
  pluginReports: z.array(
    z.looseObject({
      pluginName: z.string().optional(),
      violations: z.array(
        z.looseObject({
          ruleName: z.string(),
          description: z.string(),
          severity: z.string().optional(),
          violatingResources: z.array(z.looseObject({ resourceLogicalId: z.string().optional(), constructPath: z.string().optional() })),
        }),
      ),
    }),
  ),
});

export const findingSchema = z.strictObject({
  rule: z.string(),
  pack: z.string(),
  level: z.enum(['error', 'warning', 'info', 'suppressed']),
  stack: z.string(),
  resource: z.string(),
  path: z.string().optional(),
  message: z.string(),
});
export type Finding = z.infer<typeof findingSchema>;

export const synthOutputSchema = z.strictObject({
  slug: z.string(),
  cdkVersion: z.string(),
  stacks: z.array(z.strictObject({ name: z.string(), template: templateSchema })).min(1),
  findings: z.array(findingSchema),
});
export type SynthOutput = z.infer<typeof synthOutputSchema>;

export function generatedDir(paths: CatalogPaths): string {
  return join(paths.root, '.generated', 'patterns');
}

function packOf(ruleId: string): string {
  return ruleId.split('-')[0] ?? 'unknown';
}

/** Turns a cloud assembly into the record the site shows: templates plus every rule result. */
export function collectSynthOutput(slug: string, assemblyDir: string, cdkVersion: string): SynthOutput {
  const stacks = readdirSync(assemblyDir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.template\.json$/, ''), template: templateSchema.parse(JSON.parse(readFileSync(join(assemblyDir, f), 'utf8'))) }));
  const findings: Finding[] = [];
  for (const { name, template } of stacks) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      for (const s of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
        findings.push({ rule: s.id, pack: packOf(s.id), level: 'suppressed', stack: name, resource: logicalId, path: resource.Metadata?.['aws:cdk:path'], message: s.reason });
      }
    }
  }
  const reportFile = join(assemblyDir, 'validation-report.json');
  if (existsSync(reportFile)) {
    const report = reportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
    for (const plugin of report.pluginReports) {
      for (const v of plugin.violations) {
        const level = /warn/i.test(v.severity ?? '') ? 'warning' : /info/i.test(v.severity ?? '') ? 'info' : 'error';
        for (const r of v.violatingResources) {
          findings.push({ rule: v.ruleName, pack: plugin.pluginName ?? packOf(v.ruleName), level, stack: stacks[0]?.name ?? '', resource: r.resourceLogicalId ?? r.constructPath ?? '', path: r.constructPath, message: v.description });
        }
      }
    }
  }
  findings.sort((a, b) => a.rule.localeCompare(b.rule) || a.resource.localeCompare(b.resource));
  return synthOutputSchema.parse({ slug, cdkVersion, stacks, findings });
}

/** Runs the pattern's own `cdk synth`, exactly as a reader would, with no AWS account. */
export function synthesize(paths: CatalogPaths, slug: string): Promise<{ ok: boolean; log: string; assemblyDir: string }> {
  const cdkDir = join(paths.content, 'patterns', slug, 'typescript');
  const assemblyDir = join(paths.root, '.generated', 'cdk.out', slug);
  rmSync(assemblyDir, { recursive: true, force: true });
  mkdirSync(assemblyDir, { recursive: true });
  return new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', 'cdk', 'synth', '--no-notices', '--quiet', '--output', assemblyDir], {
      cwd: cdkDir,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true', AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' },
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => resolve({ ok: code === 0, log, assemblyDir }));
  });
}

export function writeSynthOutput(paths: CatalogPaths, output: SynthOutput): void {
  mkdirSync(generatedDir(paths), { recursive: true });
  writeFileSync(join(generatedDir(paths), `${output.slug}.json`), JSON.stringify(output, null, 1));
}

export function readSynthOutput(paths: CatalogPaths, slug: string): SynthOutput {
  const file = join(generatedDir(paths), `${slug}.json`);
  if (!existsSync(file)) {
    throw new Error(`No synthesized template for "${slug}" (${file}). Run "npm run synth" first; "npm run build" does it for you.`);
  }
  return synthOutputSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function cdkLibVersion(root: string): string {
  const pkg = z.looseObject({ version: z.string() }).parse(JSON.parse(readFileSync(join(root, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')));
  return pkg.version;
}
