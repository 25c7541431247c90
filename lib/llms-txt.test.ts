import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import type { Pattern } from './content';
import { llmsTxt } from './llms-txt';

const [alpha, beta] = loadCatalog(fixturePaths, { requireDiagrams: false }).patterns as [Pattern, Pattern];
const site = { url: 'https://example.com', name: 'Example Patterns', description: 'Fixture patterns for llms.txt.' };

test('opens with the H1 and the blockquote summary', () => {
  assert.match(llmsTxt([alpha, beta], site), /^# Example Patterns\n\n> Fixture patterns for llms.txt.\n\n/);
});

test('lists every pattern A–Z as a Markdown link with its summary', () => {
  const lines = llmsTxt([beta, alpha], site).split('\n').filter((l) => /\/patterns\/[a-z-]+\/\)/.test(l));
  assert.deepEqual(lines, [
    `- [Alpha Pattern](https://example.com/patterns/alpha-pattern/): ${alpha.summary}`,
    `- [The Beta](https://example.com/patterns/the-beta/): ${beta.summary}`,
  ]);
});

test('puts anti-patterns in their own section and escapes brackets in titles', () => {
  const anti: Pattern = { ...beta, kind: 'anti-pattern', title: 'The [Bad] Beta' };
  const text = llmsTxt([alpha, anti], site);
  const [patterns, antiPatterns] = text.split('## Anti-patterns');
  assert.ok(!patterns!.includes('/patterns/the-beta/'));
  assert.match(antiPatterns!, /- \[The \\\[Bad\\\] Beta\]\(https:\/\/example.com\/patterns\/the-beta\/\): /);
  assert.ok(!llmsTxt([alpha], site).includes('## Anti-patterns'));
});
