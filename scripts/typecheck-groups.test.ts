import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typecheckGroups } from './typecheck-groups';

const options = { strict: true, module: 'NodeNext', lib: ['ES2022'] };
const app = (dir: string, config: Record<string, unknown>) => ({ dir, config });

test('apps with the same compiler options share one config with their own globs re-rooted', () => {
  const groups = typecheckGroups(
    [
      app('content/patterns/a/typescript', { compilerOptions: options, include: ['lib/**/*.ts'], exclude: ['cdk.out'] }),
      app('content/patterns/b/typescript', { compilerOptions: { lib: ['ES2022'], module: 'NodeNext', strict: true }, include: ['bin/**/*.ts'] }),
    ],
    '.generated/typecheck',
  );
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0].apps, ['content/patterns/a/typescript', 'content/patterns/b/typescript']);
  assert.deepEqual(groups[0].config?.include, ['../../content/patterns/a/typescript/lib/**/*.ts', '../../content/patterns/b/typescript/bin/**/*.ts']);
  assert.deepEqual(groups[0].config?.exclude, ['../../content/patterns/a/typescript/cdk.out']);
});

test('an app with other options, extends or path options is checked on its own', () => {
  const groups = typecheckGroups(
    [
      app('a', { compilerOptions: options, include: ['lib/**/*.ts'] }),
      app('b', { compilerOptions: { ...options, lib: ['ES2022', 'DOM'] }, include: ['lib/**/*.ts'] }),
      app('c', { extends: '../base.json', include: ['lib/**/*.ts'] }),
      app('d', { compilerOptions: { ...options, baseUrl: '.' }, include: ['lib/**/*.ts'] }),
    ],
    '.generated/typecheck',
  );
  assert.deepEqual(
    groups.map((g) => [g.apps, g.config === null]),
    [[['a'], true], [['b'], true], [['c'], true], [['d'], true]],
  );
});
