import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlight, languageOf, mergeCss } from './highlight';

test('highlights with shared classes carrying both themes, not a style per token', async () => {
  const { html, css } = await highlight('const answer: number = 42;', 'typescript');
  assert.match(html, /<pre class="shiki/);
  assert.doesNotMatch(html, /<span style=/);
  assert.match(html, /class="sk-/);
  assert.match(css, /\.sk-[\w-]+\{[^}]*--shiki-dark:/);
});

test('merges stylesheets so each rule appears once', () => {
  assert.equal(mergeCss(['.a{color:red}.b{color:blue}', '.b{color:blue}.c{color:green}']), '.a{color:red}.b{color:blue}.c{color:green}');
});

test('picks a grammar from the file extension', () => {
  assert.equal(languageOf('lib/stack.ts'), 'typescript');
  assert.equal(languageOf('cdk.json'), 'json');
  assert.equal(languageOf('LICENSE'), 'text');
});
