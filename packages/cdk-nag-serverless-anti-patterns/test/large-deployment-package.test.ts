import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { App, CfnResource, CustomResource, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Code, DockerImageCode, DockerImageFunction, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import { NagRuleCompliance } from 'cdk-nag';
import { checkTemplateFiles } from '../src/check-templates';
import { LARGE_PACKAGE_BYTES, largeDeploymentPackage, stagedAssetBytes } from '../src/rules/large-deployment-package';
import { flaggedBy } from './flagged';

const RULE = 'AntiPattern-LargeDeploymentPackage';
const MiB = 1024 * 1024;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'large-package-'));
}

/** An app that records asset paths in the template, as the CDK CLI does, staging into its own folder. */
function newStack(context: Record<string, unknown> = { 'aws:cdk:enable-asset-metadata': true }): Stack {
  return new Stack(new App({ outdir: scratch(), context }), 'Fixture');
}

/** A function folder: a handler plus `bytes` of something shipped next to it. */
function codeFolder(bytes: number): string {
  const dir = scratch();
  writeFileSync(join(dir, 'index.js'), 'exports.handler = async () => ({});\n');
  if (bytes > 0) {
    mkdirSync(join(dir, 'node_modules', '@aws-sdk', 'client-dynamodb'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '@aws-sdk', 'client-dynamodb', 'index.js'), Buffer.alloc(bytes, 0x20));
  }
  return dir;
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A one-entry .zip (deflated) whose unzipped size is `bytes`: small on disk, large once unpacked. */
function zipFile(bytes: number): string {
  const name = Buffer.from('index.js');
  const data = Buffer.alloc(bytes, 0x20);
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const directoryOffset = local.length + name.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  const file = join(scratch(), 'function.zip');
  writeFileSync(file, Buffer.concat([local, name, packed, central, name, end]));
  return file;
}

function fn(stack: Stack, id: string, code: Code): LambdaFunction {
  return new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code });
}

const flagged = (stack: Stack) => flaggedBy(RULE, stack);

function compliance(f: LambdaFunction): NagRuleCompliance | string[] {
  return largeDeploymentPackage.check(f.node.defaultChild as CfnResource);
}

describe('LargeDeploymentPackage', () => {
  test('flags a function whose staged code folder holds more than 10 MiB, and only that one', () => {
    const stack = newStack();
    fn(stack, 'Bloated', Code.fromAsset(codeFolder(11 * MiB)));
    fn(stack, 'Lean', Code.fromAsset(codeFolder(200 * 1024)));
    assert.deepEqual(flagged(stack), ['Fixture/Bloated/Resource']);
  });

  test('counts every file under the folder, nested ones included, and draws the line at 10 MiB', () => {
    const stack = newStack();
    const atLimit = fn(stack, 'AtLimit', Code.fromAsset(codeFolder(LARGE_PACKAGE_BYTES - 36)));
    const overLimit = fn(stack, 'OverLimit', Code.fromAsset(codeFolder(LARGE_PACKAGE_BYTES - 35)));
    // index.js is 36 bytes: the first package is exactly 10 MiB, the second one byte more.
    assert.equal(compliance(atLimit), NagRuleCompliance.COMPLIANT);
    assert.equal(compliance(overLimit), NagRuleCompliance.NON_COMPLIANT);
  });

  test('measures a .zip asset by its unzipped size, not its size on disk', () => {
    const stack = newStack();
    const archive = zipFile(12 * MiB);
    assert.ok(statSync(archive).size < 100 * 1024, 'the fixture archive is small on disk');
    fn(stack, 'ZippedLarge', Code.fromAsset(archive));
    fn(stack, 'ZippedSmall', Code.fromAsset(zipFile(64 * 1024)));
    assert.deepEqual(flagged(stack), ['Fixture/ZippedLarge/Resource']);
    const outdir = (App.of(stack) as App).outdir;
    const staged = readdirSync(outdir).filter((f) => f.endsWith('.zip'));
    assert.ok(staged.some((f) => stagedAssetBytes(join(outdir, f)) === 12 * MiB));
  });

  test('ignores CDK helper functions: custom resource providers, AwsCustomResource, BucketDeployment with its AWS CLI layer, auto-delete and log retention', () => {
    const stack = newStack();
    const bucket = new Bucket(stack, 'Site', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    // The AWS CLI layer unpacks to about 35 MiB; it is a layer, not the function's own code.
    new BucketDeployment(stack, 'Deploy', { destinationBucket: bucket, sources: [Source.data('index.html', '<h1>hi</h1>')] });
    new AwsCustomResource(stack, 'Lookup', {
      onCreate: { service: 'SSM', action: 'getParameter', parameters: { Name: '/x' }, physicalResourceId: PhysicalResourceId.of('x') },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const onEvent = fn(stack, 'OnEvent', Code.fromInline('exports.handler = async () => ({});'));
    new CustomResource(stack, 'Custom', { serviceToken: new Provider(stack, 'Provider', { onEventHandler: onEvent }).serviceToken });
    new LambdaFunction(stack, 'WithRetention', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromAsset(codeFolder(1024)),
      logRetention: RetentionDays.ONE_WEEK,
    });
    assert.deepEqual(flagged(stack), []);
    // They were measured, not skipped: each helper's staged code is found and found small.
    const measured = stack.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Lambda::Function')
      .map((c) => [c.node.path, largeDeploymentPackage.check(c)]);
    assert.deepEqual(
      measured.filter(([, result]) => result !== NagRuleCompliance.COMPLIANT).map(([path]) => path),
      ['Fixture/OnEvent/Resource'],
    );
    assert.ok(measured.length >= 6, `measured ${measured.length} functions`);
  });

  test('leaves inline code, code in a bucket and container images alone', () => {
    const stack = newStack();
    const inline = fn(stack, 'Inline', Code.fromInline('exports.handler = async () => ({});'));
    const inBucket = fn(stack, 'InBucket', Code.fromBucket(new Bucket(stack, 'Artifacts'), 'function.zip'));
    const context = codeFolder(11 * MiB);
    writeFileSync(join(context, 'Dockerfile'), 'FROM public.ecr.aws/lambda/nodejs:24\nCOPY . ${LAMBDA_TASK_ROOT}\nCMD ["index.handler"]\n');
    // Images have their own 10 GB limit and are built at deploy time; the build context is not the package.
    const image = new DockerImageFunction(stack, 'Image', { code: DockerImageCode.fromImageAsset(context) });
    for (const f of [inline, inBucket, image]) assert.equal(compliance(f), NagRuleCompliance.NOT_APPLICABLE);
    assert.deepEqual(flagged(stack), []);
  });

  test('says nothing when the app does not record asset paths', () => {
    const stack = newStack({});
    const big = fn(stack, 'Bloated', Code.fromAsset(codeFolder(11 * MiB)));
    assert.equal(compliance(big), NagRuleCompliance.NOT_APPLICABLE);
    assert.deepEqual(flagged(stack), []);
  });

  test('honours an acknowledgement with a reason', () => {
    const stack = newStack();
    const big = fn(stack, 'NativeLibrary', Code.fromAsset(codeFolder(11 * MiB)));
    Validations.of(big).acknowledge({ id: RULE, reason: 'The image library ships a 11 MiB native binary the function cannot do without.' });
    assert.deepEqual(flagged(stack), []);
  });

  test('checks a synthesized template through CfnInclude, measuring the assets of the assembly it came from', () => {
    // The context the CDK CLI gives an app: asset paths and construct paths in the template.
    const stack = newStack({ 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true });
    fn(stack, 'Bloated', Code.fromAsset(codeFolder(11 * MiB)));
    fn(stack, 'Lean', Code.fromAsset(codeFolder(0)));
    const assembly = (App.of(stack) as App).synth();
    const file = join(assembly.directory, 'Fixture.template.json');
    const findings = checkTemplateFiles([file], { assemblyDir: assembly.directory }).filter((f) => f.rule === RULE);
    assert.deepEqual(
      findings.map((f) => [f.stack, f.path]),
      [['Fixture', 'Fixture/Bloated/Resource']],
    );
    // The same template without its assembly (a snapshot, say) has nothing to measure.
    const copy = join(scratch(), 'Fixture.template.json');
    writeFileSync(copy, JSON.stringify(assembly.getStackByName('Fixture').template));
    assert.deepEqual(checkTemplateFiles([copy]).filter((f) => f.rule === RULE), []);
  });
});
