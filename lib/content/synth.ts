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
          violatingResources: z.array(z.looseObject({ resourceLogicalId: z.string().optional(), constructPath: z.string().optional() })).default([]),
          /** Construct annotations (warnings an app adds itself) name constructs, not resources. */
          violatingConstructs: z.array(z.looseObject({ constructPath: z.string() })).default([]),
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

function packOf(ruleId: string): string {
  return ruleId.split('-')[0] ?? 'unknown';
}

/** Turns a cloud assembly into the record the site shows: templates plus every rule result. */
export function collectSynthOutput(slug: string, assemblyDir: string, cdkVersion: string, extraFindings: readonly Finding[] = []): SynthOutput {
  const stacks = readdirSync(assemblyDir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.template\.json$/, ''), template: templateSchema.parse(JSON.parse(readFileSync(join(assemblyDir, f), 'utf8'))) }));
  const findings: Finding[] = [...extraFindings];
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
        for (const r of [...v.violatingResources, ...v.violatingConstructs]) {
          findings.push({ rule: v.ruleName, pack: plugin.pluginName ?? packOf(v.ruleName), level, stack: stacks[0]?.name ?? '', resource: String(r.resourceLogicalId ?? r.constructPath ?? ''), path: r.constructPath as string | undefined, message: v.description });
        }
      }
    }
  }
  findings.sort((a, b) => a.rule.localeCompare(b.rule) || a.resource.localeCompare(b.resource));
  return synthOutputSchema.parse({ slug, cdkVersion, stacks, findings });
}

/** Context the CDK CLI adds to cdk.json's before it runs an app; without it templates lose their construct paths. */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
  // Anti-pattern pages keep their "before" stack out of a plain deploy; the catalog synthesizes it.
  antiPattern: 'before',
};

type Step = { command: string; args: string[] };

/** The commands that run an app, from its cdk.json, without npx or the CLI in between. */
export function appCommands(appDir: string, python: string): Step[] {
  const app = z.looseObject({ app: z.string() }).parse(JSON.parse(readFileSync(join(appDir, 'cdk.json'), 'utf8'))).app;
  return app.split(' && ').map((step) => {
    const ts = /^npx tsx (\S+\.ts)$/.exec(step.trim());
    if (ts) return { command: process.execPath, args: ['--import', 'tsx', ts[1]!] };
    const py = /^python3? (\S+\.py)$/.exec(step.trim());
    if (py) return { command: python, args: [py[1]!] };
    throw new Error(`${join(appDir, 'cdk.json')}: each step of "app" must be "npx tsx <file>.ts" or "python3 <file>.py"; found "${step}"`);
  });
}

function runStep(step: Step, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd, env });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', (e) => (log += String(e)));
    child.on('close', (code) => resolve({ code, log }));
  });
}

/**
 * Runs an app the way `cdk synth` does (same context, same environment), but directly: the
 * CLI adds seconds of start-up and nothing to the output. The assembly goes to the app's own
 * cdk.out, so bundled assets, and so their hashes, are the same on every machine.
 */
export async function synthesize(appDir: string, options: { python?: string } = {}): Promise<{ ok: boolean; log: string; assemblyDir: string; ms: number }> {
  const assemblyDir = join(appDir, 'cdk.out');
  rmSync(assemblyDir, { recursive: true, force: true });
  mkdirSync(assemblyDir, { recursive: true });
  const cdkJson = z.looseObject({ context: z.record(z.string(), z.unknown()).default({}) }).parse(JSON.parse(readFileSync(join(appDir, 'cdk.json'), 'utf8')));
  const env = {
    ...process.env,
    CDK_OUTDIR: 'cdk.out',
    CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, ...CLI_CONTEXT }),
    CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // jsii (Python apps) prints a banner on every run under Node 20; the README says which Node to use.
    JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const started = Date.now();
  let log = '';
  try {
    for (const step of appCommands(appDir, options.python ?? 'python3')) {
      const result = await runStep(step, appDir, env);
      log += result.log;
      if (result.code !== 0) return { ok: false, log, assemblyDir, ms: Date.now() - started };
    }
  } catch (error) {
    return { ok: false, log: (error as Error).message, assemblyDir, ms: Date.now() - started };
  }
  return { ok: existsSync(join(assemblyDir, 'manifest.json')), log, assemblyDir, ms: Date.now() - started };
}

export const snapshotLanguages = ['typescript', 'python'] as const;
export type SnapshotLanguage = (typeof snapshotLanguages)[number];

const snapshotMetaSchema = z.strictObject({
  slug: z.string(),
  language: z.enum(snapshotLanguages),
  /** Hash of everything that determines the output; a different hash means the snapshot is stale. */
  hash: z.string().regex(/^[0-9a-f]{32}$/),
  cdkVersion: z.string(),
  stacks: z.array(z.string()).min(1),
  findings: z.array(findingSchema),
});
export type SnapshotMeta = z.infer<typeof snapshotMetaSchema>;

/** Committed synth output, one folder per pattern and language, like CDK's integ-test snapshots. */
export function snapshotDir(paths: CatalogPaths, slug: string, language: SnapshotLanguage): string {
  return join(paths.root, 'snapshots', slug, language);
}

export function writeSnapshot(paths: CatalogPaths, output: SynthOutput, language: SnapshotLanguage, hash: string): void {
  const dir = snapshotDir(paths, output.slug, language);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const meta: SnapshotMeta = { slug: output.slug, language, hash, cdkVersion: output.cdkVersion, stacks: output.stacks.map((s) => s.name), findings: output.findings };
  writeFileSync(join(dir, 'synth.json'), `${JSON.stringify(meta, null, 1)}\n`);
  for (const { name, template } of output.stacks) writeFileSync(join(dir, `${name}.template.json`), `${JSON.stringify(template, null, 1)}\n`);
}

export function readSnapshotMeta(paths: CatalogPaths, slug: string, language: SnapshotLanguage): SnapshotMeta | undefined {
  const file = join(snapshotDir(paths, slug, language), 'synth.json');
  return existsSync(file) ? snapshotMetaSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
}

export function readSynthOutput(paths: CatalogPaths, slug: string, language: SnapshotLanguage = 'typescript'): SynthOutput {
  const meta = readSnapshotMeta(paths, slug, language);
  if (!meta) {
    throw new Error(`No snapshot for "${slug}" (${language}) in snapshots/${slug}/${language}/. Run "npm run synth"; "npm run build" does it for you.`);
  }
  const dir = snapshotDir(paths, slug, language);
  const stacks = meta.stacks.map((name) => ({ name, template: templateSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.template.json`), 'utf8'))) }));
  return synthOutputSchema.parse({ slug, cdkVersion: meta.cdkVersion, stacks, findings: meta.findings });
}

export function cdkLibVersion(root: string): string {
  const pkg = z.looseObject({ version: z.string() }).parse(JSON.parse(readFileSync(join(root, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')));
  return pkg.version;
}
