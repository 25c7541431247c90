import type { Template } from 'aws-cdk-lib/assertions';
import { type ActivePassiveStacks, addActivePassiveStacks } from '../lib/multi-region-active-passive-stack';
import { appFromCdkJson } from './cdk-app';

/** The three stacks as bin/ builds them, from cdk.json's context plus what a test adds. */
export function buildStacks(context: Record<string, unknown> = {}): ActivePassiveStacks {
  return addActivePassiveStacks(appFromCdkJson(context));
}

/** A reader's own zone, so the tests see context flow into every name. */
export const OWN_ZONE = { domainName: 'orders.shop.example.net', hostedZoneName: 'shop.example.net', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown }>;

export function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** The single resource of a type whose logical id starts with the prefix. */
export function one(template: Template, type: string, prefix = ''): { id: string; props: Record<string, any> } {
  const found = Object.entries(resourcesOf(template)).filter(([id, r]) => r.Type === type && id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.length}`);
  return { id: found[0]![0], props: found[0]![1].Properties };
}
