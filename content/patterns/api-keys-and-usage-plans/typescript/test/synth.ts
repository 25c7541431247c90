import { Template } from 'aws-cdk-lib/assertions';
import { ApiKeysAndUsagePlansStack } from '../lib/api-keys-and-usage-plans-stack';
import { appFromCdkJson } from './cdk-app';

/** The stack as `cdk deploy` would synthesize it, and its template. */
export function synth(context: Record<string, unknown> = {}, id = 'Under-Test') {
  const stack = new ApiKeysAndUsagePlansStack(appFromCdkJson(context), id);
  return { stack, template: Template.fromStack(stack) };
}
