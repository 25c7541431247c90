// Runs the pack over synthesized templates rather than a live construct tree: how a Python or
// Java app (or a CI job holding only cdk.out) uses it, and how the catalog checks every pattern.
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { basename } from 'node:path';
import { ServerlessAntiPatternChecks } from './pack';

export type TemplateFinding = {
  /** "AntiPattern-LambdaChaining" */
  rule: string;
  level: 'error' | 'warning' | 'info';
  /** The template's name without ".template.json". */
  stack: string;
  logicalId: string;
  /** The construct path the app wrote into the template, when it did. */
  path?: string;
  message: string;
};

type Suppression = { id: string; reason: string };

/** Honours the acknowledgements cdk-nag writes into a template (`Metadata.cdk_nag.rules_to_suppress`). */
function acknowledgeWritten(resource: CfnResource): void {
  const written = resource.cfnOptions.metadata?.cdk_nag as { rules_to_suppress?: Suppression[] } | undefined;
  for (const { id, reason } of written?.rules_to_suppress ?? []) Validations.of(resource).acknowledge({ id, reason });
}

/**
 * Checks template files. `assemblyDir` is the cloud assembly they came from: the rule on
 * deployment packages measures the assets staged there.
 */
export function checkTemplateFiles(files: readonly string[], options: { assemblyDir?: string; verbose?: boolean } = {}): TemplateFinding[] {
  const findings: TemplateFinding[] = [];
  for (const file of files) {
    const name = basename(file).replace(/\.template\.json$/, '');
    const app = new App({ outdir: options.assemblyDir });
    const stack = new Stack(app, 'Checked');
    const included = new CfnInclude(stack, 'Template', { templateFile: file });
    const byPath = new Map<string, CfnResource>();
    for (const node of included.node.findAll()) {
      if (!CfnResource.isCfnResource(node)) continue;
      acknowledgeWritten(node);
      byPath.set(node.node.path, node);
    }
    const report = new ServerlessAntiPatternChecks(undefined, { verbose: options.verbose }).validateScope(stack);
    for (const violation of report.violations) {
      for (const r of violation.violatingResources) {
        const resource = byPath.get(r.constructPath ?? '');
        const path = resource?.cfnOptions.metadata?.['aws:cdk:path'];
        findings.push({
          rule: violation.ruleName,
          level: violation.severity === 'warning' ? 'warning' : violation.severity === 'info' ? 'info' : 'error',
          stack: name,
          logicalId: resource ? (stack.resolve(resource.logicalId) as string) : (r.constructPath ?? ''),
          path: typeof path === 'string' ? path : undefined,
          message: violation.description,
        });
      }
    }
  }
  return findings.sort((a, b) => a.stack.localeCompare(b.stack) || a.rule.localeCompare(b.rule) || a.logicalId.localeCompare(b.logicalId));
}
