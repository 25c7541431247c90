// An anti-pattern's snapshot holds two kinds of stack: the "before" a reader studies and the
// fix a reader deploys. Everything that speaks of deploying (facts, operability, the template
// shown) sees only the deployable part; the drift and rule-pack checks see both. Pure functions.
import type { Pattern } from './patterns';
import type { Finding, SynthOutput } from './synth';

export const ANTI_PATTERN_PACK = 'AntiPattern';

export function ruleId(rule: string): string {
  return `${ANTI_PATTERN_PACK}-${rule}`;
}

function beforeStackOf(pattern: Pick<Pattern, 'kind' | 'antiPattern'>): string | undefined {
  return pattern.kind === 'anti-pattern' ? pattern.antiPattern?.before : undefined;
}

/** The stacks `cdk deploy` deploys, with their findings. */
export function deployableOutput(pattern: Pick<Pattern, 'kind' | 'antiPattern'>, output: SynthOutput): SynthOutput {
  const before = beforeStackOf(pattern);
  if (!before) return output;
  return { ...output, stacks: output.stacks.filter((s) => s.name !== before), findings: output.findings.filter((f) => f.stack !== before) };
}

/** The anti-pattern's own stack, synthesized only on request; undefined for a pattern. */
export function beforeOutput(pattern: Pick<Pattern, 'kind' | 'antiPattern'>, output: SynthOutput): SynthOutput | undefined {
  const before = beforeStackOf(pattern);
  if (!before) return undefined;
  return { ...output, stacks: output.stacks.filter((s) => s.name === before), findings: output.findings.filter((f) => f.stack === before) };
}

export type RulePackResult = {
  /** Open findings of the pack on stacks a reader deploys: each must be fixed or acknowledged. */
  open: Finding[];
  /** Findings a pattern acknowledges, each with its written reason. */
  acknowledged: Finding[];
  /** On an anti-pattern page: what the pack reports on the "before" stack. */
  caught: Finding[];
};

export function rulePackResult(pattern: Pick<Pattern, 'kind' | 'antiPattern'>, output: SynthOutput): RulePackResult {
  const ofPack = (o: SynthOutput) => o.findings.filter((f) => f.pack === ANTI_PATTERN_PACK);
  const deployable = ofPack(deployableOutput(pattern, output));
  const before = beforeOutput(pattern, output);
  return {
    open: deployable.filter((f) => f.level !== 'suppressed'),
    acknowledged: deployable.filter((f) => f.level === 'suppressed'),
    caught: before ? ofPack(before).filter((f) => f.level !== 'suppressed') : [],
  };
}

type Problem = { field: string; expected: string };

/** A pattern trips no rule without a reason; an anti-pattern's "before" trips its rule and its fix trips none. */
export function rulePackProblems(pattern: Pick<Pattern, 'kind' | 'antiPattern'>, output: SynthOutput): Problem[] {
  const { open, acknowledged, caught } = rulePackResult(pattern, output);
  const problems: Problem[] = open.map((f) => ({
    field: `${f.stack}: ${f.path ?? f.resource}`,
    expected: `no ${f.rule} finding: fix the resource, or acknowledge the rule on it with a written reason (Validations.of(construct).acknowledge({ id: '${f.rule}', reason }))`,
  }));
  const ap = pattern.kind === 'anti-pattern' ? pattern.antiPattern : undefined;
  if (ap) {
    const stacks = output.stacks.map((s) => s.name);
    for (const [field, id] of [['antiPattern.before', ap.before], ['antiPattern.after', ap.after]] as const) {
      if (!stacks.includes(id)) problems.push({ field, expected: `a stack the app synthesizes (with -c antiPattern=before); it has ${stacks.join(', ')}` });
    }
    for (const f of acknowledged) {
      problems.push({ field: `${f.stack}: ${f.path ?? f.resource}`, expected: `the fix to pass ${f.rule} outright, not acknowledge it` });
    }
    if (stacks.includes(ap.before) && !caught.some((f) => f.rule === ruleId(ap.rule))) {
      problems.push({ field: 'antiPattern.rule', expected: `${ruleId(ap.rule)} to flag the "before" stack ${ap.before}; the pack reports ${caught.map((f) => f.rule).join(', ') || 'nothing'} there` });
    }
  }
  return problems;
}
