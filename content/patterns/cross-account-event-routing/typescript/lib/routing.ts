/**
 * Where the two halves of the pattern live. Both stacks read the same context values, so the
 * producer can write down the consumer bus's ARN without asking the consumer account for it:
 * stacks in different accounts cannot share outputs or references.
 */

/** Placeholders that synthesize; `cdk deploy` refuses them until real account ids are given. */
export const PLACEHOLDER_PRODUCER_ACCOUNT = '111111111111';
export const PLACEHOLDER_CONSUMER_ACCOUNT = '222222222222';
export const DEFAULT_REGION = 'us-east-1';
/** A fixed, known name is what lets the producer address the bus before or without reading the consumer stack. */
export const DEFAULT_CONSUMER_BUS_NAME = 'shipped-orders-inbound';

export type Routing = {
  producerAccount: string;
  consumerAccount: string;
  region: string;
  consumerBusName: string;
};

type Context = { tryGetContext(key: string): unknown };

function read(node: Context, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  // `-c producerAccount=012345678901` arrives as a string, but a number in cdk.json would lose a leading zero.
  if (typeof value !== 'string') throw new Error(`Context value ${key} must be a string, got ${typeof value}.`);
  return value.trim();
}

/** Reads and checks the routing context; a typo here would only surface as refused events after deploy. */
export function readRouting(node: Context): Routing {
  const routing: Routing = {
    producerAccount: read(node, 'producerAccount', PLACEHOLDER_PRODUCER_ACCOUNT),
    consumerAccount: read(node, 'consumerAccount', PLACEHOLDER_CONSUMER_ACCOUNT),
    region: read(node, 'region', DEFAULT_REGION),
    consumerBusName: read(node, 'consumerBusName', DEFAULT_CONSUMER_BUS_NAME),
  };
  for (const key of ['producerAccount', 'consumerAccount'] as const) {
    if (!/^\d{12}$/.test(routing[key])) throw new Error(`Context value ${key} must be a 12-digit AWS account id, got "${routing[key]}".`);
  }
  if (routing.producerAccount === routing.consumerAccount) {
    throw new Error('producerAccount and consumerAccount are the same account; this pattern routes events between two accounts.');
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(routing.region)) throw new Error(`Context value region must be a Region code such as eu-west-1, got "${routing.region}".`);
  // EventBridge allows letters, digits and . - _ in a bus name; a slash would change the ARN's meaning.
  if (!/^[A-Za-z0-9._-]{1,256}$/.test(routing.consumerBusName) || routing.consumerBusName === 'default') {
    throw new Error(`Context value consumerBusName must be a custom bus name (letters, digits, . - _), got "${routing.consumerBusName}".`);
  }
  return routing;
}

/** The consumer bus ARN, written from context alone. Same Region on both sides: this pattern does not cross Regions. */
export function consumerBusArn(routing: Routing, partition = 'aws'): string {
  return `arn:${partition}:events:${routing.region}:${routing.consumerAccount}:event-bus/${routing.consumerBusName}`;
}
