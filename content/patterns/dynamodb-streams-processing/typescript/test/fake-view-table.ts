import type { AttributeValue, TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';

type Row = Record<string, AttributeValue>;

/**
 * An in-memory stand-in for the view table that evaluates exactly the condition and update
 * expressions the projector sends, all-or-nothing like TransactWriteItems, and refuses any
 * expression it does not know, so a changed expression fails the tests instead of passing them.
 */
export class FakeViewTable {
  readonly rows = new Map<string, Row>();
  calls = 0;
  /** Throw this error on the given (1-based) call, to simulate throttling or a conflict. */
  failOnCall?: { call: number; error: unknown };

  private static key(key: Row): string {
    return `${key.customerId?.S}|${key.sk?.S}`;
  }

  private conditionHolds(current: Row | undefined, expression: string | undefined, values: Row | undefined, names: Record<string, string> | undefined): boolean {
    if (expression === undefined) return true;
    if (expression === 'attribute_not_exists(sk)') return current === undefined;
    if (expression === '#version = :from' && names?.['#version'] === 'version') return current?.version?.N === values?.[':from']?.N;
    throw new Error(`unsupported condition ${expression}`);
  }

  readonly write = async (input: TransactWriteItemsCommandInput): Promise<void> => {
    this.calls += 1;
    if (this.failOnCall?.call === this.calls) throw this.failOnCall.error;
    const items = input.TransactItems ?? [];
    const reasons = items.map((item) => {
      const op = item.Put ?? item.Delete ?? item.Update;
      if (!op) throw new Error('unsupported transaction item');
      const key = item.Put ? { customerId: item.Put.Item!.customerId!, sk: item.Put.Item!.sk! } : (op as { Key: Row }).Key;
      const ok = this.conditionHolds(this.rows.get(FakeViewTable.key(key)), op.ConditionExpression, op.ExpressionAttributeValues, op.ExpressionAttributeNames);
      return { Code: ok ? 'None' : 'ConditionalCheckFailed' };
    });
    if (reasons.some((r) => r.Code !== 'None')) {
      throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: reasons });
    }
    for (const item of items) {
      if (item.Put) this.rows.set(FakeViewTable.key(item.Put.Item!), { ...item.Put.Item! });
      if (item.Delete) this.rows.delete(FakeViewTable.key(item.Delete.Key!));
      if (item.Update) {
        const { Key, UpdateExpression, ExpressionAttributeValues: v = {} } = item.Update;
        const parsed = /^ADD (\w+) (:\w+), (\w+) (:\w+) SET (\w+) = (:\w+)$/.exec(UpdateExpression ?? '');
        if (!parsed) throw new Error(`unsupported update ${UpdateExpression}`);
        const [, a, av, b, bv, s, sv] = parsed as unknown as string[];
        const row = { ...(this.rows.get(FakeViewTable.key(Key!)) ?? { ...Key! }) };
        row[a!] = { N: String(Number(row[a!]?.N ?? 0) + Number(v[av!]!.N)) };
        row[b!] = { N: String(Number(row[b!]?.N ?? 0) + Number(v[bv!]!.N)) };
        row[s!] = v[sv!]!;
        this.rows.set(FakeViewTable.key(Key!), row);
      }
    }
  };

  totals(customerId: string): { orderCount: number; totalCents: number } | undefined {
    const row = this.rows.get(`${customerId}|TOTALS`);
    return row ? { orderCount: Number(row.orderCount?.N), totalCents: Number(row.totalCents?.N) } : undefined;
  }

  markers(customerId: string): Record<string, number> {
    return Object.fromEntries(
      [...this.rows.entries()]
        .filter(([k]) => k.startsWith(`${customerId}|ORDER#`))
        .map(([k, row]) => [k.split('|')[1]!, Number(row.version?.N)]),
    );
  }
}
