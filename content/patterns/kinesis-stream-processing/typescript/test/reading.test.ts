import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidReading, parseReading } from '../lambda/reading';

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

describe('parseReading', () => {
  test('decodes a base64 JSON reading and keeps its event time', () => {
    const r = parseReading(encode({ deviceId: 'fridge-7', temperature: 4.2, readAt: '2026-12-05T10:00:03.250Z' }));
    assert.deepEqual(r, { deviceId: 'fridge-7', temperature: 4.2, readAt: '2026-12-05T10:00:03.250Z', readAtMs: Date.UTC(2026, 11, 5, 10, 0, 3, 250) });
  });

  test('refuses data that is not a well-formed reading', () => {
    const bad: unknown[] = [
      'not json',
      [1, 2],
      { temperature: 4, readAt: '2026-12-05T10:00:00Z' },
      { deviceId: 'a b', temperature: 4, readAt: '2026-12-05T10:00:00Z' },
      { deviceId: 'fridge-7', temperature: '4', readAt: '2026-12-05T10:00:00Z' },
      { deviceId: 'fridge-7', temperature: 400, readAt: '2026-12-05T10:00:00Z' },
      { deviceId: 'fridge-7', temperature: 4, readAt: '2026-12-05 10:00:00' },
      { deviceId: 'fridge-7', temperature: 4, readAt: '2026-12-05T10:00:00+01:00' },
      { deviceId: 'fridge-7', temperature: 4, readAt: '2026-02-30T10:00:00Z' },
    ];
    for (const value of bad) assert.throws(() => parseReading(encode(value)), InvalidReading, JSON.stringify(value));
  });
});
