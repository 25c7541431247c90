import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SCAN_PAGE_LIMIT } from '../lambda/projection';
import { MAX_SEGMENTS, RESERVE_MS, parseRequest } from '../lambda/rebuild';
import { EVENTS, VIEW, account, event, histories, rebuildFor } from './histories';

describe('rebuild', () => {
  test('accepts only a segment, a segment count and a cursor it issued', () => {
    assert.deepEqual(parseRequest(undefined), { segment: 0, totalSegments: 1, startKey: undefined });
    assert.deepEqual(parseRequest({ segment: 3, totalSegments: 4, startKey: { aggregateId: 'o-1', version: 2 } }), {
      segment: 3,
      totalSegments: 4,
      startKey: { aggregateId: 'o-1', version: 2 },
    });
    for (const bad of [
      { totalSegments: 0 },
      { totalSegments: MAX_SEGMENTS + 1 },
      { segment: 2, totalSegments: 2 },
      { segment: -1 },
      { segment: 0.5 },
      { startKey: { aggregateId: 'o-1' } },
      { startKey: { aggregateId: 'o-1', version: 1, extra: 1 } },
      { table: 'other-table' },
    ]) {
      assert.throws(() => parseRequest(bad), Error, JSON.stringify(bad));
    }
  });

  test('scans strongly consistent and stops before the timeout with a cursor to resume from', async () => {
    const fake = account(histories(4, 10));
    fake.pageSize = 5;
    const rebuild = rebuildFor(fake);
    let clock = RESERVE_MS + 10_000;
    const first = await rebuild({ totalSegments: 1 }, () => (clock -= 10_000));
    assert.equal(first.pages, 1);
    assert.deepEqual(Object.keys(first.next?.startKey ?? {}).sort(), ['aggregateId', 'version']);
    const scan = fake.calls.find((c) => c.name === 'Scan')!.input;
    assert.deepEqual([scan.TableName, scan.Segment, scan.TotalSegments, scan.ConsistentRead], [EVENTS, 0, 1, true]);
    // A bounded page, so the orders of one page are always advanced inside the time kept in reserve.
    assert.equal(scan.Limit, SCAN_PAGE_LIMIT);
    assert.ok(SCAN_PAGE_LIMIT <= 500);
    let report = first;
    let pages = first.pages;
    while (report.next) {
      report = await rebuild(JSON.parse(JSON.stringify(report.next)), () => 10 * RESERVE_MS);
      pages += report.pages;
    }
    assert.ok(pages > 2);
    assert.equal(fake.items(VIEW).length, 10);
  });

  test('reports orders it could not finish and carries on with the rest', async () => {
    const fake = account([
      event('o-1', 1, 'OrderPlaced', { customerId: 'c-1' }),
      event('o-1', 2, 'OrderRefunded'),
      event('o-2', 1, 'OrderPlaced', { customerId: 'c-2' }),
    ]);
    const report = await rebuildFor(fake)({}, () => 10 * RESERVE_MS);
    assert.deepEqual(
      report.failed.map((f) => [f.orderId, f.stuckAt]),
      [['o-1', 2]],
    );
    assert.deepEqual([report.ordersAdvanced, report.eventsRead, report.next], [1, 3, null]);
    assert.equal(fake.items(VIEW).length, 2, 'o-1 keeps the events before the bad one');
    const again = await rebuildFor(fake)({}, () => 10 * RESERVE_MS);
    assert.deepEqual([again.ordersAdvanced, again.ordersUpToDate, again.failed.length], [0, 1, 1]);
  });
});
