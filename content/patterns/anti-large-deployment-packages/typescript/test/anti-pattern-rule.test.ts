import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import type { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';
import { LeanPackageStack } from '../lib/anti-large-deployment-packages-stack';
import { LargePackageStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

const MiB = 1024 * 1024;

/** Synthesizes a stack the way the CDK CLI does (asset paths recorded), so its package is staged. */
function synthesized<T extends Stack>(make: (app: App) => T): { stack: T; packageDir: string } {
  const app = appFromCdkJson({ 'aws:cdk:enable-asset-metadata': true });
  const stack = make(app);
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  return { stack, packageDir: join(app.outdir, fn!.Metadata['aws:asset:path'] as string) };
}

function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + readFileSync(join(e.parentPath, e.name)).length, 0);
}

function antiPatternFindings(stack: Stack): string[] {
  return new ServerlessAntiPatternChecks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`))
    .sort();
}

describe('the anti-pattern rule pack on both stacks', () => {
  let large: { stack: LargePackageStack; packageDir: string };
  let lean: { stack: LeanPackageStack; packageDir: string };

  before(() => {
    large = synthesized((app) => new LargePackageStack(app, 'LargePackageStack'));
    lean = synthesized((app) => new LeanPackageStack(app, 'LeanPackageStack'));
  });

  test('flags LargeDeploymentPackage on the before stack function and nothing else', () => {
    assert.deepEqual(antiPatternFindings(large.stack), ['AntiPattern-LargeDeploymentPackage LargePackageStack/GetProduct/Resource']);
  });

  test('finds no anti-pattern at all in the after stack', () => {
    assert.deepEqual(antiPatternFindings(lean.stack), []);
  });

  test('the before package really is the zipped folder: over 30 MiB, a second AWS SDK and the TypeScript compiler', () => {
    const bytes = bytesUnder(large.packageDir);
    assert.ok(bytes > 30 * MiB, `before package is ${(bytes / MiB).toFixed(1)} MiB`);
    const modules = readdirSync(join(large.packageDir, 'node_modules'));
    for (const shipped of ['@aws-sdk', '@smithy', 'typescript', '@types']) assert.ok(modules.includes(shipped), shipped);
    assert.match(readFileSync(join(large.packageDir, 'get-product.js'), 'utf8'), /sourceMappingURL=data:application\/json/);
    const leanBytes = bytesUnder(lean.packageDir);
    assert.ok(leanBytes < 10 * 1024, `after package is ${leanBytes} bytes`);
  });

  test('the before package works as deployed: its handler loads the SDK from its own node_modules', () => {
    const script = `
      const m = require(${JSON.stringify(join(large.packageDir, 'get-product.js'))});
      const sdk = require.resolve('@aws-sdk/client-dynamodb', { paths: [${JSON.stringify(large.packageDir)}] });
      m.handler({ pathParameters: { productId: 'not valid!' } }).then((r) => console.log(JSON.stringify({ type: typeof m.handler, sdk, status: r.statusCode })));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: large.packageDir, env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim()) as { type: string; sdk: string; status: number };
    assert.equal(result.type, 'function');
    assert.ok(result.sdk.startsWith(join(large.packageDir, 'node_modules')), result.sdk);
    assert.equal(result.status, 400);
  });

  test('the before stack passes AwsSolutions and Serverless, so the package is the only thing wrong with it', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      assert.deepEqual(pack.validateScope(large.stack).violations.map((v) => v.ruleName), [], pack.constructor.name);
    }
  });
});
