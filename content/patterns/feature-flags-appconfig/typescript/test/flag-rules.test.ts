import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FLAG_FILE, FeatureFlagsAppConfigStack } from '../lib/feature-flags-appconfig-stack';
import { flagDocumentProblems } from '../lib/flag-rules';
import { appFromCdkJson } from './cdk-app';

type FlagDocument = {
  flags: Record<string, { attributes?: Record<string, { constraints: Record<string, unknown> }> }>;
  values: Record<string, Record<string, unknown>>;
};

function shipped(): FlagDocument {
  return JSON.parse(readFileSync(FLAG_FILE, 'utf8')) as FlagDocument;
}

function edited(change: (document: FlagDocument) => void): FlagDocument {
  const document = shipped();
  change(document);
  return document;
}

describe('the shipped flag file', () => {
  test('meets every constraint its own flag definitions declare', () => {
    assert.deepEqual(flagDocumentProblems(shipped()), []);
  });

  test('caps the discount at 30% and the rollout at 100%, and keeps markup out of the banner', () => {
    const attributes = shipped().flags;
    assert.deepEqual(attributes.newPricing?.attributes?.discountPercent?.constraints, { type: 'number', minimum: 0, maximum: 30, required: true });
    assert.deepEqual(attributes.newPricing?.attributes?.rolloutPercent?.constraints, { type: 'number', minimum: 0, maximum: 100, required: true });
    assert.equal(attributes.promoBanner?.attributes?.message?.constraints.pattern, '^[^<>]{1,120}$');
  });
});

describe('flagDocumentProblems', () => {
  test('refuses a value outside its constraint, a missing required attribute and a banner with markup', () => {
    assert.deepEqual(flagDocumentProblems(edited((d) => (d.values.newPricing!.discountPercent = 300))), [
      'newPricing.discountPercent is 300, above its maximum of 30',
    ]);
    assert.deepEqual(flagDocumentProblems(edited((d) => delete d.values.freeShipping!.thresholdCents)), ['freeShipping.thresholdCents is required']);
    assert.deepEqual(flagDocumentProblems(edited((d) => (d.values.promoBanner!.message = '<script>alert(1)</script>'))), [
      'promoBanner.message does not match ^[^<>]{1,120}$',
    ]);
    assert.deepEqual(flagDocumentProblems(edited((d) => (d.values.newPricing!.rolloutPercent = 'all'))), ['newPricing.rolloutPercent must be a number']);
  });

  test('refuses flags without a value, values without a flag and keys AppConfig would not accept', () => {
    assert.deepEqual(flagDocumentProblems(edited((d) => delete d.values.promoBanner)), ['promoBanner needs a value with enabled set to true or false']);
    assert.deepEqual(flagDocumentProblems(edited((d) => (d.values.darkMode = { enabled: true }))), ['darkMode has a value but no definition']);
    assert.deepEqual(
      flagDocumentProblems(
        edited((d) => {
          d.flags.NewCheckout = {};
          d.values.NewCheckout = { enabled: false };
        }),
      ),
      ['flag key NewCheckout must match ^[a-z][a-zA-Z\\d_-]{0,63}$'],
    );
    assert.deepEqual(flagDocumentProblems({ flags: {}, values: {} }), ['version must be "1"']);
  });

  test('stops synth on a flag file that breaks a constraint', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'flags-')), 'flags.json');
    writeFileSync(file, JSON.stringify(edited((d) => (d.values.newPricing!.discountPercent = 300))));
    assert.throws(
      () => new FeatureFlagsAppConfigStack(appFromCdkJson(), 'Bad-Flags', { flagFile: file }),
      /newPricing\.discountPercent is 300, above its maximum of 30/,
    );
  });
});
