import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./check-content.ts', import.meta.url));
const fixtures = fileURLToPath(new URL('../lib/content/fixtures/content', import.meta.url));

function runIn(root: string) {
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script, '--no-diagrams'], { cwd: root, encoding: 'utf8' });
}

test('the content check passes on valid content and fails the build on a malformed page, naming file, field and expectation', () => {
  const root = mkdtempSync(join(tmpdir(), 'check-content-'));
  try {
    cpSync(fixtures, join(root, 'content'), { recursive: true });
    const ok = runIn(root);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /2 pattern\(s\)/);

    const page = join(root, 'content/patterns/the-beta/index.mdx');
    writeFileSync(page, readFileSync(page, 'utf8').replace('level: intermediate', 'level: expert'));
    const bad = runIn(root);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /content\/patterns\/the-beta\/index\.mdx/);
    assert.match(bad.stderr, /level: Invalid option: expected one of "beginner"\|"intermediate"\|"advanced"/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace for a content error');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
