import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXIT } from '../src/errors.js';
import { main } from '../src/main.js';
import { fixtureSite, serve } from './serve-fixture.ts';

let base = '';
let close = () => {};
const work = mkdtempSync(join(tmpdir(), 'cdk-patterns-cli-'));
before(async () => {
  const site = await serve(fixtureSite().files);
  base = site.base;
  close = () => site.server.close();
});
after(() => {
  close();
  rmSync(work, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const opened: string[] = [];
  const code = await main({ argv: [...argv, '--site', base], env: {}, cwd: work, out: (s) => out.push(s), err: (s) => err.push(s), openUrl: async (u) => opened.push(u) });
  return { code, out: out.join('\n'), err: err.join('\n'), opened };
}

describe('list', () => {
  test('lists every pattern with its languages', async () => {
    const r = await run('list');
    assert.equal(r.code, EXIT.ok);
    assert.match(r.out, /^the-big-fan\s+ts,py\s+The Big Fan$/m);
    assert.match(r.out, /^queue-worker\s+ts\s+Queue Worker$/m);
  });
  test('filters by component name, pillar code, language and search words', async () => {
    assert.deepEqual(JSON.parse((await run('list', '--component', 'Amazon SNS', '--json')).out).map((p: { slug: string }) => p.slug), ['the-big-fan']);
    assert.deepEqual(JSON.parse((await run('list', '--pillar', 'SEC', '--json')).out).map((p: { slug: string }) => p.slug), ['queue-worker']);
    assert.deepEqual(JSON.parse((await run('list', '--language', 'py', '--json')).out).map((p: { slug: string }) => p.slug), ['the-big-fan']);
    assert.deepEqual(JSON.parse((await run('list', 'drains', 'queue', '--json')).out).map((p: { slug: string }) => p.slug), ['queue-worker']);
  });
  test('an unknown component is a usage error with a suggestion', async () => {
    const r = await run('list', '--component', 'sqss');
    assert.equal(r.code, EXIT.usage);
    assert.match(r.err, /did you mean "sqs"/);
  });
});

describe('init', () => {
  test('writes the TypeScript app without its top folder and prints the next steps', async () => {
    const r = await run('init', 'the-big-fan');
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(readFileSync(join(work, 'the-big-fan', 'lib', 'stack.ts'), 'utf8'), 'export {};\n');
    assert.match(r.out, /cd the-big-fan\n\s+npm ci/);
  });
  test('--lang python into a named folder', async () => {
    const r = await run('init', 'the-big-fan', 'py-app', '--lang', 'python');
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(readFileSync(join(work, 'py-app', 'app.py'), 'utf8'), 'print("hi")\n');
    assert.match(r.out, /npx aws-cdk@2\.1148\.1 synth/);
  });
  test('an unknown slug fails with the nearest one', async () => {
    const r = await run('init', 'the-bigfan');
    assert.equal(r.code, EXIT.unknownSlug);
    assert.match(r.err, /Unknown pattern "the-bigfan"\. Did you mean "the-big-fan"\?/);
  });
  test('a language the pattern lacks is named with the ones it has', async () => {
    const r = await run('init', 'queue-worker', 'qw-py', '--lang', 'python');
    assert.equal(r.code, EXIT.usage);
    assert.match(r.err, /no python app; it comes in typescript/);
  });
  test('a non-empty folder is refused unless --force', async () => {
    mkdirSync(join(work, 'busy'));
    writeFileSync(join(work, 'busy', 'keep.txt'), 'mine');
    const refused = await run('init', 'the-big-fan', 'busy');
    assert.equal(refused.code, EXIT.notEmpty);
    assert.match(refused.err, /busy is not empty.*--force/);
    const forced = await run('init', 'the-big-fan', 'busy', '--force');
    assert.equal(forced.code, EXIT.ok);
    assert.equal(readFileSync(join(work, 'busy', 'keep.txt'), 'utf8'), 'mine');
    assert.ok(readFileSync(join(work, 'busy', 'package.json'), 'utf8').includes('the-big-fan'));
  });
  test('a download that does not match its checksum writes nothing', async () => {
    const r = await run('init', 'queue-worker', 'qw');
    assert.equal(r.code, EXIT.checksum);
    assert.match(r.err, /Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/downloads\/queue-worker-typescript\.zip/);
    assert.throws(() => readFileSync(join(work, 'qw', 'package.json')));
  });
});

describe('open and failures', () => {
  test('open --print prints the page URL and opens nothing', async () => {
    const r = await run('open', 'the-big-fan', '--print');
    assert.equal(r.out, `${base}patterns/the-big-fan/`);
    assert.deepEqual(r.opened, []);
    assert.deepEqual((await run('open', 'the-big-fan')).opened, [`${base}patterns/the-big-fan/`]);
  });
  test('an unreachable site is named', async () => {
    const out: string[] = [];
    const code = await main({ argv: ['list', '--site', 'http://127.0.0.1:9/'], env: {}, cwd: work, out: () => {}, err: (s) => out.push(s), openUrl: async () => {} });
    assert.equal(code, EXIT.unreachable);
    assert.match(out.join(''), /Could not reach http:\/\/127\.0\.0\.1:9\/catalog\.json/);
  });
  test('the environment names the site when --site is absent', async () => {
    const out: string[] = [];
    const code = await main({ argv: ['open', 'queue-worker', '--print'], env: { CDK_PATTERNS_SITE: base }, cwd: work, out: (s) => out.push(s), err: () => {}, openUrl: async () => {} });
    assert.equal(code, EXIT.ok);
    assert.equal(out[0], `${base}patterns/queue-worker/`);
  });
  test('unknown options and commands are usage errors', async () => {
    assert.equal((await run('list', '--colour')).code, EXIT.usage);
    assert.equal((await run('launch')).code, EXIT.usage);
  });
});
