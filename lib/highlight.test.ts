import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlight, highlightTwoPass, languageOf, mergeCss } from './highlight';
import { pairProblem } from './one-pass-themes';

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

// The one-pass path (lib/one-pass-themes.ts) must write exactly what Shiki's two-theme path writes.
const SAMPLES: [string, string][] = [
  ['typescript', "import * as cdk from 'aws-cdk-lib';\n\nexport class Stack extends cdk.Stack {\n    // why, not what\n  readonly url = `https://${host}/x`;\n}\n"],
  ['python', 'from aws_cdk import Duration\n\n\nclass Stack:\n    """Doc."""\n    def run(self, x: int = 3) -> str:\n        return f"{x!r}"  # note\n'],
  ['json', '{\n  "app": "npx tsx bin/app.ts",\n  "context": { "@aws-cdk/core:flag": true, "n": 1.5 }\n}\n'],
  ['yaml', 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue  # comment\n'],
  ['shellscript', 'cd app && npm ci   # install\nnpx cdk deploy --require-approval never\n'],
  ['markdown', '# Title\n\n*italic* **bold** ~~gone~~ `code`\n\n   indented [link](https://x.dev)\n'],
  ['text', 'plain\n\n  text\t\n'],
];

for (const [lang, code] of SAMPLES) {
  test(`one tokenization for both themes gives Shiki's own two-theme output (${lang})`, async () => {
    assert.deepEqual(await highlight(code, lang), await highlightTwoPass(code, lang));
  });
}

test('refuses a pair of themes that do not share their scope rules, naming the rule', () => {
  const rules = [{ settings: { foreground: '#111111' } }, { scope: 'comment', settings: { foreground: '#222222', fontStyle: 'italic' } }];
  assert.equal(pairProblem(rules, rules), undefined);
  assert.match(pairProblem(rules, [rules[0]!, { scope: 'string', settings: { foreground: '#333333' } }]) ?? '', /rule 1 \("comment"\): scopes differ/);
  assert.match(pairProblem(rules, [rules[0]!, { scope: 'comment', settings: { foreground: '#333333' } }]) ?? '', /font styles differ/);
  assert.match(pairProblem(rules, [rules[0]!, { scope: 'comment', settings: { fontStyle: 'italic' } }]) ?? '', /only one theme sets a foreground/);
  assert.match(pairProblem(rules, rules.slice(0, 1)) ?? '', /2 rules against 1/);
});
