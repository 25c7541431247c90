import type { App } from 'aws-cdk-lib';
import { ConsumerStack, ProducerStack } from '../lib/cross-account-event-routing-stack';
import { readRouting } from '../lib/routing';
import { appFromCdkJson } from './cdk-app';

/** Both stacks as bin/ builds them, from cdk.json's context plus what a test adds. */
export function buildStacks(context: Record<string, unknown> = {}): { app: App; producer: ProducerStack; consumer: ConsumerStack } {
  const app = appFromCdkJson(context);
  const routing = readRouting(app.node);
  const consumer = new ConsumerStack(app, 'ConsumerStack', { env: { account: routing.consumerAccount, region: routing.region }, routing });
  const producer = new ProducerStack(app, 'ProducerStack', { env: { account: routing.producerAccount, region: routing.region }, routing });
  return { app, producer, consumer };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Every statement of every identity policy attached to the role with this logical id. */
export function roleStatements(resources: Resources, roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

export function logicalId(resources: Resources, type: string, prefix: string): string {
  const ids = Object.keys(resources).filter((id) => resources[id]!.Type === type && id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.length}`);
  return ids[0]!;
}
