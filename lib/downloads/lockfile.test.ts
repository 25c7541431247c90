import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RootLockfile, lockfileText, standaloneLockfile } from './lockfile';

const WS = 'content/patterns/app/typescript';
const manifest = { name: 'app', version: '1.0.0', dependencies: { a: '1.0.0' }, devDependencies: { b: '1.0.0', pack: 'file:vendor/pack' } };
// A root lock of two workspaces: the app nests its own c@2 while the other workspace's c@1 is hoisted.
const lock: RootLockfile = {
  packages: {
    '': { name: 'root', workspaces: ['content/patterns/*/typescript', 'packages/*'] },
    [WS]: { name: 'app', version: '1.0.0', dependencies: { a: '1.0.0', c: '2.0.0' }, devDependencies: { b: '1.0.0', pack: '0.1.0' } },
    [`${WS}/node_modules/c`]: { version: '2.0.0', integrity: 'sha512-c2', license: 'MIT' },
    'content/patterns/other/typescript': { name: 'other', dependencies: { c: '1.0.0' } },
    'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { d: '^1' }, peerDependencies: { f: '*' }, peerDependenciesMeta: { f: { optional: true } } },
    'node_modules/b': { version: '1.0.0', integrity: 'sha512-b', dev: true, optionalDependencies: { e: '1.0.0', missing: '1.0.0' } },
    'node_modules/c': { version: '1.0.0', integrity: 'sha512-c1' },
    'node_modules/d': { version: '1.2.0', integrity: 'sha512-d' },
    'node_modules/e': { version: '1.0.0', integrity: 'sha512-e', optional: true, os: ['darwin'] },
    'node_modules/f': { version: '1.0.0', integrity: 'sha512-f' },
    'node_modules/pack': { resolved: 'packages/pack', link: true },
    'packages/pack': { name: 'pack', version: '0.1.0', peerDependencies: { a: '^1' }, devDependencies: { typescript: '5' } },
  },
};
const links = [{ name: 'pack', from: 'packages/pack', to: 'vendor/pack', manifest: { version: '0.1.0', peerDependencies: { a: '^1' } } }];
const app = { ...manifest, dependencies: { ...manifest.dependencies, c: '2.0.0' } };
type Out = { packages: Record<string, Record<string, unknown>> };

describe('standaloneLockfile', () => {
  const out = standaloneLockfile(lock, WS, app, links) as Out;
  test('holds exactly the app closure, the nested copy moved to the top', () => {
    assert.deepEqual(Object.keys(out.packages).sort(), ['', 'node_modules/a', 'node_modules/b', 'node_modules/c', 'node_modules/d', 'node_modules/e', 'node_modules/pack', 'vendor/pack']);
    assert.equal(out.packages['node_modules/c']!.version, '2.0.0');
    assert.equal(out.packages['node_modules/c']!.integrity, 'sha512-c2');
  });
  test('the root entry repeats the manifest npm ci checks against', () => {
    assert.deepEqual(out.packages['']!.devDependencies, manifest.devDependencies);
    assert.equal(out.packages['']!.name, 'app');
  });
  test('recomputes dev and optional flags for the app alone', () => {
    assert.equal(out.packages['node_modules/a']!.dev, undefined);
    assert.equal(out.packages['node_modules/d']!.dev, undefined);
    assert.equal(out.packages['node_modules/b']!.dev, true);
    assert.deepEqual([out.packages['node_modules/e']!.dev, out.packages['node_modules/e']!.optional], [true, true]);
    assert.equal(out.packages['vendor/pack']!.dev, true);
  });
  test('an optional peer nobody else needs stays out; a vendored workspace becomes a link', () => {
    assert.equal(out.packages['node_modules/f'], undefined);
    assert.deepEqual(out.packages['node_modules/pack'], { resolved: 'vendor/pack', link: true });
  });
  test('a hoisted copy the nested one would shadow is an error naming both', () => {
    const clash = structuredClone(lock);
    clash.packages['node_modules/d']!.dependencies = { c: '^1' };
    assert.throws(() => standaloneLockfile(clash, WS, app, links), /"node_modules\/c" and "content\/patterns\/app\/typescript\/node_modules\/c" would both install at "node_modules\/c"|"content\/patterns\/app\/typescript\/node_modules\/c" and "node_modules\/c"/);
  });
  test('a workspace link the download does not vendor is an error', () => {
    assert.throws(() => standaloneLockfile(lock, WS, app, []), /links to workspace "packages\/pack"/);
  });
  test('is written as npm writes it: scalars first, then objects, keys sorted', () => {
    const text = lockfileText(out);
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.indexOf('"lockfileVersion"') < text.indexOf('"packages"'));
    const e = text.slice(text.indexOf('"node_modules/e"'));
    assert.ok(e.indexOf('"dev"') < e.indexOf('"optional"') && e.indexOf('"optional"') < e.indexOf('"os"'));
  });
});
