import type { Stack } from 'aws-cdk-lib';
import { ServerlessAntiPatternChecks } from '../src/pack';

/** Construct paths of the resources a rule flags, through the whole pack as a reader's app runs it. */
export function flaggedBy(rule: string, stack: Stack): string[] {
  const report = new ServerlessAntiPatternChecks().validateScope(stack);
  return report.violations
    .filter((v) => v.ruleName === rule)
    .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''))
    .sort();
}
