import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamodbStreamsProcessingStack } from '../lib/dynamodb-streams-processing-stack';
import { appFromCdkJson } from './cdk-app';
import { matchesPattern, passesFilters } from './filter-matcher';
import { cart, order, profile, streamRecord } from './records';

type Patterns = Record<string, unknown>[];

describe('filter matcher', () => {
  test('implements equals, prefix, anything-but and exists as Lambda documents them', () => {
    const record = { dynamodb: { Keys: { sk: { S: 'ORDER#o-1' } }, NewImage: { status: { S: 'PLACED' } } } };
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: ['SHIPPED', 'PLACED'] } } } }, record), true);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: ['SHIPPED'] } } } }, record), false);
    assert.equal(matchesPattern({ dynamodb: { Keys: { sk: { S: [{ prefix: 'ORDER#' }] } } } }, record), true);
    assert.equal(matchesPattern({ dynamodb: { Keys: { sk: { S: [{ prefix: 'CART' }] } } } }, record), false);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['CANCELLED'] }] } } } }, record), true);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['PLACED'] }] } } } }, record), false);
    // A missing field matches nothing but exists: false, also below a missing object.
    assert.equal(matchesPattern({ dynamodb: { OldImage: { status: { S: [{ 'anything-but': ['X'] }] } } } }, record), false);
    assert.equal(matchesPattern({ dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } }, record), true);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: [{ exists: false }] } } } }, record), false);
    assert.equal(matchesPattern({ dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } }, record), true);
    assert.throws(() => matchesPattern({ dynamodb: { NewImage: { status: { S: [{ suffix: 'D' }] } } } }, record), /unsupported/);
  });
});

describe('filters in the template', () => {
  let totals: Patterns;
  let audit: Patterns;

  const patternsOf = (template: Template, functionPrefix: string): Patterns => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      (m.Properties.FunctionName.Ref as string).startsWith(functionPrefix),
    );
    assert.equal(mappings.length, 1, functionPrefix);
    return (mappings[0]!.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
  };

  before(() => {
    const template = Template.fromStack(new DynamodbStreamsProcessingStack(appFromCdkJson(), 'Filters'));
    totals = patternsOf(template, 'TotalsProjector');
    audit = patternsOf(template, 'RemovalAudit');
  });

  test('send the totals projector every order record and nothing else', () => {
    assert.deepEqual(totals, [
      { dynamodb: { NewImage: { entityType: { S: ['ORDER'] } } } },
      { dynamodb: { OldImage: { entityType: { S: ['ORDER'] } } } },
    ]);
    const placed = order('c-1', 'o-1', { status: 'PLACED', totalCents: 4200, version: 1 });
    const cancelled = { ...placed, status: 'CANCELLED', version: 2 };
    assert.equal(passesFilters(totals, streamRecord('1', undefined, placed)), true, 'order created');
    assert.equal(passesFilters(totals, streamRecord('2', placed, cancelled)), true, 'order changed');
    assert.equal(passesFilters(totals, streamRecord('3', cancelled, undefined)), true, 'order deleted');
    assert.equal(passesFilters(totals, streamRecord('4', undefined, profile('c-1', 'Ana'))), false, 'profile created');
    assert.equal(passesFilters(totals, streamRecord('5', profile('c-1', 'Ana'), profile('c-1', 'Ana B'))), false, 'profile changed');
    assert.equal(passesFilters(totals, streamRecord('6', undefined, cart('c-1', 2))), false, 'cart created');
    assert.equal(passesFilters(totals, streamRecord('7', cart('c-1', 2), undefined, { ttl: true })), false, 'cart expired');
  });

  test('send the removal audit deletions of anything but carts', () => {
    assert.deepEqual(audit, [
      { dynamodb: { OldImage: { entityType: { S: [{ 'anything-but': ['CART'] }] } }, NewImage: { entityType: { S: [{ exists: false }] } } } },
    ]);
    const placed = order('c-1', 'o-1', { status: 'PLACED', totalCents: 4200, version: 1 });
    assert.equal(passesFilters(audit, streamRecord('1', placed, undefined)), true, 'order deleted');
    assert.equal(passesFilters(audit, streamRecord('2', profile('c-1', 'Ana'), undefined)), true, 'profile deleted');
    assert.equal(passesFilters(audit, streamRecord('3', undefined, placed)), false, 'order created');
    assert.equal(passesFilters(audit, streamRecord('4', placed, { ...placed, version: 2 })), false, 'order changed');
    assert.equal(passesFilters(audit, streamRecord('5', cart('c-1', 2), undefined, { ttl: true })), false, 'cart expired');
    assert.equal(passesFilters(audit, streamRecord('6', cart('c-1', 2), undefined)), false, 'cart emptied');
  });

  test('deliver each consumer only its share of a mixed stream', () => {
    const placed = order('c-1', 'o-1', { status: 'PLACED', totalCents: 4200, version: 1 });
    const shipped = { ...placed, status: 'SHIPPED', version: 2 };
    const day = [
      streamRecord('10', undefined, profile('c-1', 'Ana')),
      ...Array.from({ length: 6 }, (_, i) => streamRecord(`2${i}`, undefined, cart('c-1', i + 1))),
      ...Array.from({ length: 6 }, (_, i) => streamRecord(`3${i}`, cart('c-1', i + 1), undefined, { ttl: true })),
      streamRecord('40', undefined, placed),
      streamRecord('41', placed, shipped),
      streamRecord('42', shipped, undefined),
      streamRecord('43', profile('c-1', 'Ana'), undefined),
      // An item without entityType reaches neither consumer.
      streamRecord('50', undefined, { pk: 'CUSTOMER#c-1', sk: 'NOTE' }),
      streamRecord('51', { pk: 'CUSTOMER#c-1', sk: 'NOTE' }, undefined),
    ];
    const delivered = (patterns: Patterns) => day.filter((r) => passesFilters(patterns, r)).map((r) => r.dynamodb?.SequenceNumber);
    assert.deepEqual(delivered(totals), ['40', '41', '42']);
    assert.deepEqual(delivered(audit), ['42', '43']);
  });
});
