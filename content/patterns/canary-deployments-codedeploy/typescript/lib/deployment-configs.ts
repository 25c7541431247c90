import { type ILambdaDeploymentConfig, LambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';

/**
 * The predefined CodeDeploy configurations a reader can pick with `-c deploymentConfig=<name>`,
 * keyed by the name CodeDeploy gives them without the `CodeDeployDefault.` prefix. All-at-once
 * is left out on purpose: it runs the hooks but shifts every caller at once, which is what this
 * pattern exists to avoid.
 */
export const DEPLOYMENT_CONFIGS: Readonly<Record<string, ILambdaDeploymentConfig>> = {
  LambdaCanary10Percent5Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  LambdaCanary10Percent10Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  LambdaCanary10Percent15Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  LambdaCanary10Percent30Minutes: LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  LambdaLinear10PercentEvery1Minute: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  LambdaLinear10PercentEvery2Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  LambdaLinear10PercentEvery3Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  LambdaLinear10PercentEvery10Minutes: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
};

/** Ten percent of callers for five minutes: long enough for one-minute alarms to see the new version. */
export const DEFAULT_DEPLOYMENT_CONFIG = 'LambdaCanary10Percent5Minutes';

/** The configuration named by the `deploymentConfig` context value; a typo fails the synth instead of deploying all at once. */
export function deploymentConfigFromContext(value: unknown): ILambdaDeploymentConfig {
  const name = value ?? DEFAULT_DEPLOYMENT_CONFIG;
  const config = typeof name === 'string' ? DEPLOYMENT_CONFIGS[name] : undefined;
  if (!config) {
    throw new Error(`Unknown deploymentConfig "${String(name)}". Use one of: ${Object.keys(DEPLOYMENT_CONFIGS).join(', ')}.`);
  }
  return config;
}
