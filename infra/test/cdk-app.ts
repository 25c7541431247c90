import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';

/** An App with cdk.json's context, feature flags included, so the tests check what `cdk deploy` deploys. */
export function appFromCdkJson(context: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, ...context } });
}

/** A tiny stand-in for out/, so the stack tests need no site build. Returns its folder and a cleanup. */
export function fixtureSite(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'site-infra-'));
  const files: Record<string, string> = {
    'index.html': '<!DOCTYPE html><title>Home</title>',
    '404.html': '<!DOCTYPE html><title>Not found</title>',
    'patterns/polly/index.html': '<!DOCTYPE html><title>Polly</title>',
    '_islands/page-1-ABC.js': 'export {};',
    '_next/static/chunks/a.css': 'body{}',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
