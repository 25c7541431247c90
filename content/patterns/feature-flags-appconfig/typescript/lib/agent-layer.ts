import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The AWS AppConfig Agent Lambda extension is a public layer published per Region and
 * architecture. These are the arm64 ARNs of version 2.0.17054.0 (released 2026-05-14) for a
 * handful of Regions. aws-cdk-lib has a lookup of its own (Application.getLambdaLayerVersionArn),
 * but in 2.275.0 it still returns version 2.0.358 from December 2023, so the ARNs are pinned here,
 * where a reader can see and bump them. The current list is at
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
 */
export const AGENT_VERSION = '2.0.17054.0';
export const AGENT_LAYER_ARM64: Readonly<Record<string, string>> = {
  'us-east-1': 'arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension-Arm64:254',
  'us-east-2': 'arn:aws:lambda:us-east-2:728743619870:layer:AWS-AppConfig-Extension-Arm64:229',
  'us-west-2': 'arn:aws:lambda:us-west-2:359756378197:layer:AWS-AppConfig-Extension-Arm64:275',
  'ca-central-1': 'arn:aws:lambda:ca-central-1:039592058896:layer:AWS-AppConfig-Extension-Arm64:182',
  'eu-west-1': 'arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:241',
  'eu-west-2': 'arn:aws:lambda:eu-west-2:282860088358:layer:AWS-AppConfig-Extension-Arm64:194',
  'eu-central-1': 'arn:aws:lambda:eu-central-1:066940009817:layer:AWS-AppConfig-Extension-Arm64:238',
  'ap-northeast-1': 'arn:aws:lambda:ap-northeast-1:980059726660:layer:AWS-AppConfig-Extension-Arm64:225',
  'ap-southeast-2': 'arn:aws:lambda:ap-southeast-2:080788657173:layer:AWS-AppConfig-Extension-Arm64:256',
};

const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[\w-]+:\d+$/;
const VERSIONS_PAGE = 'https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html';

/**
 * The agent layer for the stack's Region. `-c appConfigAgentLayerArn=<arn>` wins (another Region,
 * a newer version). A stack pinned to a Region that is not listed fails at synth with a way out;
 * an environment-agnostic stack picks its ARN at deploy time from a mapping.
 */
export function agentLayerArn(scope: Construct): string {
  const override: unknown = scope.node.tryGetContext('appConfigAgentLayerArn');
  if (override !== undefined) {
    if (typeof override !== 'string' || !LAYER_ARN.test(override)) {
      throw new Error(`appConfigAgentLayerArn must be a Lambda layer version ARN; got ${JSON.stringify(override)}`);
    }
    return override;
  }
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region)) {
    const arn = AGENT_LAYER_ARM64[region];
    if (!arn) {
      throw new Error(
        `No AppConfig Agent Lambda extension ARN is listed for ${region}. Find the arm64 ARN for ${region} at ${VERSIONS_PAGE} and deploy with -c appConfigAgentLayerArn=<arn>.`,
      );
    }
    return arn;
  }
  const byRegion = new CfnMapping(scope, 'AgentLayerByRegion', {
    mapping: Object.fromEntries(Object.entries(AGENT_LAYER_ARM64).map(([r, arn]) => [r, { arm64: arn }])),
  });
  return byRegion.findInMap(Aws.REGION, 'arm64');
}
