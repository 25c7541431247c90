import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoAddTotals, parseCsv, parseSale, tally, uploadIdOf } from '../lambda/sales';

describe('per-record processing', () => {
  test('accepts a well-formed sale and keeps money in whole cents', () => {
    assert.deepEqual(parseSale({ orderId: 'ord-1', sku: 'TEA-01', quantity: '3', unitPrice: '4.5' }), { orderId: 'ord-1', sku: 'TEA-01', units: 3, cents: 450 });
    assert.deepEqual(parseSale({ orderId: ' ord-2 ', sku: 'MUG', quantity: '1000', unitPrice: '99999.99' }), { orderId: 'ord-2', sku: 'MUG', units: 1000, cents: 9999999 });
  });

  test('rejects a row with a missing column or a value out of range', () => {
    const good = { orderId: 'ord-1', sku: 'TEA-01', quantity: '3', unitPrice: '4.50' };
    for (const bad of [
      { ...good, orderId: undefined },
      { ...good, orderId: 'has space' },
      { ...good, sku: 'lower' },
      { ...good, quantity: '0' },
      { ...good, quantity: '1001' },
      { ...good, quantity: '2.5' },
      { ...good, unitPrice: '-1' },
      { ...good, unitPrice: '1.234' },
      { ...good, unitPrice: '100000' },
      { ...good, unitPrice: '' },
    ]) {
      assert.equal(parseSale(bad), undefined, JSON.stringify(bad));
    }
  });

  test('tallies accepted rows and counts rejected ones without stopping', () => {
    const rows = [
      { orderId: 'a', sku: 'TEA', quantity: '2', unitPrice: '1.25' },
      { orderId: 'b', sku: 'TEA', quantity: 'two', unitPrice: '1.25' },
      { orderId: 'c', sku: 'MUG', quantity: '1', unitPrice: '8' },
    ];
    assert.deepEqual(tally(rows), { rows: 3, rejected: 1, units: 3, revenueCents: 1050 });
  });

  test('reads CSV with a header row, quoted fields, doubled quotes and CRLF line ends', () => {
    const text = 'orderId,sku,quantity,unitPrice\r\nord-1,TEA,2,1.25\r\n"ord-2","MUG","1","8.00"\r\n"has ""quotes"", and a comma",X,1,1\r\n\r\n';
    assert.deepEqual(parseCsv(text), [
      { orderId: 'ord-1', sku: 'TEA', quantity: '2', unitPrice: '1.25' },
      { orderId: 'ord-2', sku: 'MUG', quantity: '1', unitPrice: '8.00' },
      { orderId: 'has "quotes", and a comma', sku: 'X', quantity: '1', unitPrice: '1' },
    ]);
    assert.deepEqual(parseCsv('orderId,sku\n'), []);
    assert.deepEqual(parseCsv(''), []);
  });

  test('names an upload by bucket, key and the sequencer of the write', () => {
    const detail = { bucket: { name: 'b' }, object: { key: 'incoming/a.csv', size: 10, sequencer: '0062E99A88DC407460' } };
    assert.equal(uploadIdOf(detail), 'b/incoming/a.csv@0062E99A88DC407460');
  });

  test('adds a file or batch to its totals with one UpdateItem, marking small files complete', async () => {
    const sent: UpdateItemCommand['input'][] = [];
    const client = { send: async (c: UpdateItemCommand) => void sent.push(c.input) } as unknown as DynamoDBClient;
    const totals = { rows: 3, rejected: 1, units: 3, revenueCents: 1050 };
    await dynamoAddTotals(client, 'Totals')('u1', 'incoming/a.csv', totals, true);
    await dynamoAddTotals(client, 'Totals')('u1', 'incoming/a.csv', totals, false);
    assert.equal(sent.length, 2);
    assert.equal(sent[0].UpdateExpression, 'ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key, #status = :complete');
    assert.deepEqual(sent[0].Key, { uploadId: { S: 'u1' } });
    assert.deepEqual(sent[0].ExpressionAttributeValues?.[':cents'], { N: '1050' });
    assert.equal(sent[1].UpdateExpression, 'ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key');
  });
});
