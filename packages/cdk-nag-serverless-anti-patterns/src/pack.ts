import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { NagPack, type NagPackProps } from 'cdk-nag';
import type { AntiPatternRule } from './rule';
import { largeDeploymentPackage } from './rules/large-deployment-package';
import { lambdaChaining } from './rules/lambda-chaining';
import { lambdaMonolith } from './rules/lambda-monolith';
import { recursiveLambda } from './rules/recursive-lambda';
import { synchronousWaiting } from './rules/synchronous-waiting';

export const PACK_NAME = 'AntiPattern';

/** Every rule of the pack, in the order findings are reported. */
export const antiPatternRules: readonly AntiPatternRule[] = [lambdaMonolith, recursiveLambda, lambdaChaining, synchronousWaiting, largeDeploymentPackage];

/**
 * Flags five serverless anti-patterns in a CDK app. Register it like any cdk-nag pack:
 * `Validations.of(app).addPlugins(new ServerlessAntiPatternChecks(app))`.
 */
export class ServerlessAntiPatternChecks extends NagPack {
  readonly name: string = PACK_NAME;
  override readonly ruleIds: string[] = antiPatternRules.map((r) => `${PACK_NAME}-${r.id}`);

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = PACK_NAME;
  }

  protected checkResource(node: CfnResource): void {
    for (const r of antiPatternRules) {
      this.applyRule({ ruleSuffixOverride: r.id, info: r.info, explanation: r.explanation, level: r.level, node, rule: (n) => r.check(n) });
    }
  }
}
