// The automated review shown on each pattern page: cdk-nag findings grouped by rule and
// filed under the Well-Architected pillar each rule concerns.
import type { Catalog, Finding, Pattern, Pillar } from '../content';
import { patternMappings, type ResolvedMapping } from '../indexes';
import { constructIds } from './architecture';

/** The packs the site reports; CDK's own template-lint acknowledgements are not a review. */
export const REVIEW_PACKS = ['AwsSolutions', 'Serverless'] as const;

/** Rule families → pillar. Ordered: the first match wins. */
const RULE_PILLARS: [RegExp, string][] = [
  [/^AwsSolutions-(APIG6|S1|ELB2|L1)\b/, 'operational-excellence'],
  [/^Serverless-(APIGWStructuredLogging|LambdaTracing|LambdaLatestVersion|.*Logging|.*Tracing)/, 'operational-excellence'],
  [/^AwsSolutions-(SQS3|RDS3|RDS10|DDB3|RDS6|RDS13|RDS14)\b/, 'reliability'],
  [/^Serverless-(LambdaDLQ|LambdaAsyncFailureDestination|LambdaEventSourceMappingDestination|SQSRedrivePolicy|SNSRedrivePolicy|EventBusDLQ|StepFunctionStateMachineAllLogging)/, 'reliability'],
  [/^Serverless-(LambdaDefaultMemorySize|LambdaDefaultTimeout|APIGWDefaultThrottling)/, 'performance-efficiency'],
  [/^AwsSolutions-/, 'security'],
  [/^Serverless-/, 'reliability'],
];

export function pillarOfRule(rule: string): string {
  return RULE_PILLARS.find(([re]) => re.test(rule))?.[1] ?? 'security';
}

export type RuleGroup = { rule: string; level: Finding['level']; resources: string[]; reasons: string[] };
export type PillarReview = { pillar: Pillar; demonstrates: ResolvedMapping[]; findings: RuleGroup[] };
export type ReviewSummary = { errors: number; warnings: number; suppressed: number };

export function reviewFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => (REVIEW_PACKS as readonly string[]).includes(f.pack));
}

export function reviewSummary(findings: readonly Finding[]): ReviewSummary {
  const f = reviewFindings(findings);
  return {
    errors: f.filter((x) => x.level === 'error').length,
    warnings: f.filter((x) => x.level === 'warning').length,
    suppressed: new Set(f.filter((x) => x.level === 'suppressed').map((x) => x.rule)).size,
  };
}

/** The top-level construct a finding sits in: what a reader finds in the stack file. */
function resourceName(f: Finding): string {
  return constructIds(f.path ?? f.resource)[0] ?? f.resource;
}

export function groupByRule(findings: readonly Finding[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const f of findings) {
    const key = `${f.level} ${f.rule}`;
    const g = groups.get(key) ?? { rule: f.rule, level: f.level, resources: [], reasons: [] };
    groups.set(key, g);
    const name = resourceName(f);
    if (!g.resources.includes(name)) g.resources.push(name);
    if (f.level === 'suppressed' && !g.reasons.includes(f.message)) g.reasons.push(f.message);
  }
  const order = { error: 0, warning: 1, info: 2, suppressed: 3 };
  return [...groups.values()].sort((a, b) => order[a.level] - order[b.level] || a.rule.localeCompare(b.rule));
}

/** Per pillar: what the pattern demonstrates (its mappings) and what it knowingly waives. */
export function reviewByPillar(catalog: Catalog, pattern: Pattern, findings: readonly Finding[]): PillarReview[] {
  const mappings = patternMappings(catalog, pattern);
  const groups = groupByRule(reviewFindings(findings));
  return catalog.lens.pillars
    .map((pillar) => ({
      pillar,
      demonstrates: mappings.filter((m) => m.pillar.id === pillar.id),
      findings: groups.filter((g) => pillarOfRule(g.rule) === pillar.id),
    }))
    .filter((p) => p.demonstrates.length || p.findings.length);
}
