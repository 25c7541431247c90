import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestDates, patternCommitDates } from './git-dates';

const S = '\u001e';
const log = [
  '',
  'c3 2026-03-01T12:00:00+01:00\n\ncontent/patterns/beta/index.mdx\ncontent/patterns/beta/typescript/lib/x.ts\n',
  'c2 2026-02-01T12:00:00+00:00\n\ncontent/patterns/alpha/index.mdx\ncontent/patterns/beta/index.mdx\ncontent/components.json\n',
  'c1 2026-01-01T12:00:00+00:00\n\ncontent/patterns/alpha/index.mdx\ncontent/patterns/gamma/index.mdx\n',
].join(S);

test('takes the newest commit that touched each pattern folder', () => {
  assert.deepEqual(Object.fromEntries(latestDates(log, 'content/patterns/')), {
    beta: '2026-03-01T12:00:00+01:00',
    alpha: '2026-02-01T12:00:00+00:00',
    gamma: '2026-01-01T12:00:00+00:00',
  });
});

test('skips a shallow clone boundary commit, whose diff lists every file', () => {
  assert.deepEqual(Object.fromEntries(latestDates(log, 'content/patterns/', new Set(['c1']))), {
    beta: '2026-03-01T12:00:00+01:00',
    alpha: '2026-02-01T12:00:00+00:00',
  });
});

test('answers an empty map, not an error, outside a git checkout', () => {
  assert.equal(patternCommitDates('/').size, 0);
});
