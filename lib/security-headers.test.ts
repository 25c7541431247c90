import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { LANGUAGE_SCRIPT } from '../components/language-script';
import { THEME_SCRIPT } from '../components/theme/theme-script';
import { SPECULATION_RULES } from './islands/speculation-rules';
import { allowsInlineScript, blockedInlineScripts, CONTENT_SECURITY_POLICY, cspSources, SECURITY_HEADERS, sha256Source } from './security-headers';

test('hashes a script the way browsers do: SHA-256 of its UTF-8 text, base64', () => {
  // The example from the CSP specification's hash-source section.
  assert.equal(sha256Source("alert('Hello, world.');"), "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
  const digest = createHash('sha256').update('é', 'utf8').digest('base64');
  assert.equal(sha256Source('é'), `'sha256-${digest}'`);
});

test('allows our own files and exactly the three inline scripts the pages carry', () => {
  const scripts = cspSources(CONTENT_SECURITY_POLICY, 'script-src');
  assert.deepEqual(scripts, ["'self'", ...[LANGUAGE_SCRIPT, THEME_SCRIPT, SPECULATION_RULES].map(sha256Source)]);
  for (const text of [LANGUAGE_SCRIPT, THEME_SCRIPT, SPECULATION_RULES]) assert.ok(allowsInlineScript(CONTENT_SECURITY_POLICY, text));
  assert.ok(!allowsInlineScript(CONTENT_SECURITY_POLICY, `${THEME_SCRIPT};alert(1)`), 'a changed script must not pass');
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|upgrade-insecure-requests|\*/);
});

test('falls back to default-src for a directive the policy does not name', () => {
  assert.deepEqual(cspSources(CONTENT_SECURITY_POLICY, 'font-src'), ["'none'"]);
  assert.deepEqual(cspSources(CONTENT_SECURITY_POLICY, 'frame-ancestors'), ["'none'"]);
  assert.deepEqual(cspSources('img-src a', 'script-src'), []);
});

test("ignores 'unsafe-inline' once a hash is listed, as browsers do", () => {
  assert.ok(allowsInlineScript("script-src 'unsafe-inline'", 'anything'));
  assert.ok(!allowsInlineScript(`script-src 'unsafe-inline' ${sha256Source('a')}`, 'b'));
});

test('names the inline scripts a page carries that the policy would block, and skips files and data blocks', () => {
  const page =
    `<head><script data-boot="theme">${THEME_SCRIPT}</script><script type="speculationrules" data-boot>${SPECULATION_RULES}</script>` +
    `<script type="application/ld+json">{"@type":"WebSite"}</script></head>` +
    `<body><script type="module" src="/_islands/page-1.js"></script><script>track()</script></body>`;
  assert.deepEqual(blockedInlineScripts(page, CONTENT_SECURITY_POLICY), ['<script>track()']);
  assert.deepEqual(blockedInlineScripts(page.replace('<script>track()</script>', ''), CONTENT_SECURITY_POLICY), []);
});

test('sends the CSP with HSTS, nosniff, a referrer policy, a permissions policy and no framing', () => {
  assert.deepEqual(Object.keys(SECURITY_HEADERS).sort(), [
    'Content-Security-Policy',
    'Permissions-Policy',
    'Referrer-Policy',
    'Strict-Transport-Security',
    'X-Content-Type-Options',
    'X-Frame-Options',
  ]);
  assert.equal(SECURITY_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  assert.equal(SECURITY_HEADERS['Strict-Transport-Security'], 'max-age=63072000; includeSubDomains');
  assert.equal(SECURITY_HEADERS['X-Content-Type-Options'], 'nosniff');
});
