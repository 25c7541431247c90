// Runs the catalog's own anti-pattern rule pack over a freshly synthesized assembly, so every
// pattern's snapshot records what the pack says about it. Only scripts import this module:
// it loads aws-cdk-lib, which no page should.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplateFiles, PACK_NAME } from 'cdk-nag-serverless-anti-patterns';
import type { Finding } from './synth';

export function rulePackFindings(assemblyDir: string): Finding[] {
  const files = readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json')).sort().map((f) => join(assemblyDir, f));
  return checkTemplateFiles(files, { assemblyDir }).map((f) => ({
    rule: f.rule,
    pack: PACK_NAME,
    level: f.level,
    stack: f.stack,
    resource: f.logicalId,
    ...(f.path ? { path: f.path } : {}),
    message: f.message,
  }));
}
