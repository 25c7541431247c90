import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { flagProblems, withRecommendedFlags } from './cdk-flags';
import { inputHash, lockClosure, type Lockfile } from './input-hash';
import { guaranteeProblems } from './test-results';
import type { Pattern } from './patterns';

const flags = { '@aws-cdk/core:checkSecretUsage': true, '@aws-cdk/aws-iam:minimizePolicies': true };

describe('feature flags', () => {
  test('a cdk.json missing, changing or inventing a flag is named with the expected value', () => {
    const text = JSON.stringify({ app: 'npx tsx bin/a.ts', context: { '@aws-cdk/core:checkSecretUsage': false, '@aws-cdk/core:enableDiffNoFail': true, alarmEmail: 'x' } });
    const problems = flagProblems(text, flags);
    assert.deepEqual(problems.map((p) => p.field), [
      'cdk.json context["@aws-cdk/core:checkSecretUsage"]',
      'cdk.json context["@aws-cdk/aws-iam:minimizePolicies"]',
      'cdk.json context["@aws-cdk/core:enableDiffNoFail"]',
    ]);
    assert.match(problems[0]!.expected, /true, as cdk init writes it; found false/);
  });

  test('syncing writes the recommended flags and keeps the app\'s own settings', () => {
    const synced = withRecommendedFlags(JSON.stringify({ app: 'x', context: { '@aws-cdk/core:enableDiffNoFail': true, alarmEmail: 'a@b.c' } }), flags);
    assert.deepEqual(flagProblems(synced, flags), []);
    assert.equal(JSON.parse(synced).context.alarmEmail, 'a@b.c');
  });
});

describe('input hash', () => {
  const lock: Lockfile = {
    packages: {
      'content/patterns/a/typescript': { dependencies: { lib: '1' }, devDependencies: { tool: '1' } },
      'node_modules/lib': { version: '1.0.0', integrity: 'i1', dependencies: { dep: '2' } },
      'node_modules/lib/node_modules/dep': { version: '2.0.0', integrity: 'i2' },
      'node_modules/dep': { version: '3.0.0', integrity: 'i3' },
      'node_modules/tool': { version: '1.0.0', integrity: 'i4' },
      'node_modules/unrelated': { version: '9.0.0', integrity: 'i5' },
    },
  };

  test('the lockfile closure follows npm\'s nesting and leaves unrelated packages out', () => {
    assert.deepEqual(lockClosure(lock, 'content/patterns/a/typescript'), ['node_modules/lib@1.0.0#i1', 'node_modules/lib/node_modules/dep@2.0.0#i2', 'node_modules/tool@1.0.0#i4']);
  });

  test('changes with the app\'s source, not with its tests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hash-'));
    mkdirSync(join(dir, 'lib'));
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'lib', 'stack.ts'), 'one');
    writeFileSync(join(dir, 'test', 'stack.test.ts'), 'a');
    const tool = join(dir, 'lib', 'stack.ts');
    const hash = () => inputHash({ appDir: dir, dependencies: ['x@1'], toolFiles: [tool], cdkVersion: '2.0.0' });
    const first = hash();
    writeFileSync(join(dir, 'test', 'stack.test.ts'), 'b');
    assert.equal(hash(), first);
    writeFileSync(join(dir, 'lib', 'stack.ts'), 'two');
    assert.notEqual(hash(), first);
    assert.notEqual(inputHash({ appDir: dir, dependencies: ['x@2'], toolFiles: [], cdkVersion: '2.0.0' }), inputHash({ appDir: dir, dependencies: ['x@1'], toolFiles: [], cdkVersion: '2.0.0' }));
  });
});

describe('guaranteeProblems', () => {
  const pattern = { guarantees: [{ claim: 'c', tests: [{ file: 'typescript/test/a.test.ts', name: 'works' }] }] } as unknown as Pattern;
  test('a guarantee passes only when its named test ran once and passed', () => {
    assert.deepEqual(guaranteeProblems(pattern, () => [{ file: 'typescript/test/a.test.ts', name: 'works', status: 'passed' }]), []);
    assert.match(guaranteeProblems(pattern, () => [{ file: 'typescript/test/a.test.ts', name: 'works', status: 'failed' }])[0]!.expected, /to pass; it failed/);
    assert.match(guaranteeProblems(pattern, () => [{ file: 'typescript/test/b.test.ts', name: 'works', status: 'passed' }])[0]!.expected, /no such test ran/);
    assert.match(guaranteeProblems(pattern, () => undefined)[0]!.expected, /none were recorded/);
    const twice = { file: 'typescript/test/a.test.ts', name: 'works', status: 'passed' as const };
    assert.match(guaranteeProblems(pattern, () => [twice, twice])[0]!.expected, /2 share the name/);
  });

  test('a parametrized pytest test proves its guarantee only when every case passed', () => {
    const py = { guarantees: [{ claim: 'c', tests: [{ file: 'python/tests/test_a.py', name: 'test_works' }] }] } as unknown as Pattern;
    const run = (...statuses: ('passed' | 'failed')[]) => () => statuses.map((status) => ({ file: 'python/tests/test_a.py', name: 'test_works', status }));
    assert.deepEqual(guaranteeProblems(py, run('passed', 'passed')), []);
    assert.match(guaranteeProblems(py, run('passed', 'failed'))[0]!.expected, /to pass in every case; a case failed/);
  });
});
