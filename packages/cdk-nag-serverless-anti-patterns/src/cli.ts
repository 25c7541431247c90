#!/usr/bin/env node
// cdk-nag-serverless-anti-patterns [cdk.out]: checks every template of a synthesized app,
// whatever language wrote it. Exits 1 when a rule flags a resource that carries no acknowledgement.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkTemplateFiles } from './check-templates';

const dir = resolve(process.argv[2] ?? 'cdk.out');
if (!existsSync(dir)) {
  console.error(`No cloud assembly at ${dir}: run "cdk synth" first, or pass the folder that holds the *.template.json files.`);
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort().map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`No *.template.json files in ${dir}.`);
  process.exit(2);
}
const findings = checkTemplateFiles(files, { assemblyDir: dir, verbose: process.argv.includes('--verbose') });
for (const f of findings) console.log(`${f.level.toUpperCase()} ${f.rule} ${f.path ?? `${f.stack}/${f.logicalId}`}\n  ${f.message}`);
console.log(`${files.length} template(s) checked, ${findings.length} finding(s).`);
process.exit(findings.some((f) => f.level === 'error') ? 1 : 0);
