import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESERVED_SECTION_IDS } from './content/patterns';
import { PAGE_SECTIONS, leadDiagrams, pageOutline } from './page-outline';

const diagram = (hash: string) => ({ hash, title: hash, description: hash, code: '' });

describe('pageOutline', () => {
  test('lists the body headings first, then every section the page adds, in page order', () => {
    const outline = pageOutline([
      { id: 'the-problem', text: 'The problem' },
      { id: 'how-it-works', text: 'How it works' },
    ]);
    assert.deepEqual(outline.slice(0, 2), [
      { id: 'the-problem', label: 'The problem', group: 'body' },
      { id: 'how-it-works', label: 'How it works', group: 'body' },
    ]);
    assert.deepEqual(outline.slice(2).map((e) => e.id), PAGE_SECTIONS.map((s) => s.id));
  });
  test('names exactly the section ids a body heading may not take', () => {
    assert.deepEqual(PAGE_SECTIONS.map((s) => s.id), [...RESERVED_SECTION_IDS]);
  });
});

describe('leadDiagrams', () => {
  test('leads a pattern with its first diagram', () => {
    assert.deepEqual(leadDiagrams({ kind: 'pattern', file: 'p.mdx', diagrams: [diagram('a'), diagram('b')] }).map((d) => d.hash), ['a']);
  });
  test('leads an anti-pattern with its before and after', () => {
    assert.deepEqual(leadDiagrams({ kind: 'anti-pattern', file: 'p.mdx', diagrams: [diagram('a'), diagram('b')] }).map((d) => d.hash), ['a', 'b']);
  });
  test('names the file when a page has too few diagrams to lead with', () => {
    assert.throws(() => leadDiagrams({ kind: 'anti-pattern', file: 'content/patterns/x/index.mdx', diagrams: [diagram('a')] }), /content\/patterns\/x\/index\.mdx: body: expected 2/);
  });
});
