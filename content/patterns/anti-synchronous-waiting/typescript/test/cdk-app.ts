import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';

/** An App with cdk.json's context, feature flags included, so the tests check what `cdk deploy` deploys. */
export function appFromCdkJson(context: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, ...context } });
}
