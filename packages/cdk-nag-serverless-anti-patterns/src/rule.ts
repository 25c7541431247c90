import type { CfnResource } from 'aws-cdk-lib';
import type { NagMessageLevel, NagRuleResult } from 'cdk-nag';

/** One anti-pattern rule: what it checks and what the finding tells the reader. */
export type AntiPatternRule = {
  /** The id after the pack name: "LambdaChaining" reports as "AntiPattern-LambdaChaining". */
  id: string;
  level: NagMessageLevel;
  /** Why the resource was flagged, in one sentence. */
  info: string;
  /** Why it matters and what to do instead (shown with `verbose: true`). */
  explanation: string;
  check(node: CfnResource): NagRuleResult;
};
