/**
 * An in-memory stand-in for the five DynamoDB calls the functions make (GetItem, PutItem, Query, Scan),
 * strict about the expressions it accepts: it evaluates the real condition and key-condition strings the
 * code sends and throws on any it does not know, so a changed expression fails the tests.
 */
import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
type KeyShape = { hash: string; range?: string };
type Values = Record<string, AttributeValue> | undefined;

interface Table {
  key: KeyShape;
  indexes: Record<string, KeyShape>;
  items: Map<string, Item>;
}

const scalar = (value: AttributeValue | undefined): string | number | undefined =>
  value === undefined ? undefined : value.N !== undefined ? Number(value.N) : value.S;

const compare = (a: AttributeValue | undefined, b: AttributeValue | undefined): number => {
  const x = scalar(a);
  const y = scalar(b);
  return x === y ? 0 : x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
};

export class FakeDynamo {
  readonly tables = new Map<string, Table>();
  readonly calls: { name: string; input: Record<string, any> }[] = [];
  /** Largest number of items a Query or Scan returns per page. */
  pageSize = Number.POSITIVE_INFINITY;
  refusedWrites = 0;
  /** Runs before a PutItem is checked and applied: the place to let a competing writer in. */
  beforePut?: (input: Record<string, any>) => Promise<void>;
  /** Makes a call fail, as a throttle or outage would. */
  failWith?: (name: string, input: Record<string, any>) => Error | undefined;

  createTable(name: string, key: KeyShape, indexes: Record<string, KeyShape> = {}): this {
    this.tables.set(name, { key, indexes, items: new Map() });
    return this;
  }

  items(name: string): Item[] {
    return this.sorted(this.table(name), this.table(name).key);
  }

  async send(command: { constructor: { name: string }; input: unknown }): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input as Record<string, any>;
    this.calls.push({ name, input });
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failWith?.(name, input);
    if (failure) throw failure;
    const table = this.table(input.TableName);
    switch (name) {
      case 'GetItem': {
        const item = table.items.get(this.id(table.key, input.Key));
        return { Item: item ? structuredClone(item) : undefined };
      }
      case 'PutItem': {
        await this.beforePut?.(input);
        const key = this.id(table.key, input.Item);
        if (input.ConditionExpression && !this.holds(input.ConditionExpression, table.items.get(key), input.ExpressionAttributeValues)) {
          this.refusedWrites += 1;
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        }
        table.items.set(key, structuredClone(input.Item));
        return {};
      }
      case 'Query':
        return this.query(table, input);
      case 'Scan':
        return this.scan(table, input);
      default:
        throw new Error(`fake DynamoDB does not support ${name}`);
    }
  }

  private table(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw new Error(`fake DynamoDB has no table ${name}`);
    return table;
  }

  private id(shape: KeyShape, item: Item): string {
    const hash = scalar(item[shape.hash]);
    if (hash === undefined) throw new Error(`key attribute ${shape.hash} missing`);
    return JSON.stringify([hash, shape.range ? scalar(item[shape.range]) : null]);
  }

  private holds(expression: string, existing: Item | undefined, values: Values): boolean {
    let match = /^attribute_not_exists\((\w+)\)$/.exec(expression);
    if (match) return existing?.[match[1]!] === undefined;
    match = /^(\w+) = (:\w+)$/.exec(expression);
    if (match) return existing !== undefined && compare(existing[match[1]!], values?.[match[2]!]) === 0 && existing[match[1]!] !== undefined;
    throw new Error(`fake DynamoDB does not understand the condition ${expression}`);
  }

  private sorted(table: Table, shape: KeyShape, items = [...table.items.values()]): Item[] {
    return items
      .filter((item) => item[shape.hash] !== undefined && (!shape.range || item[shape.range] !== undefined))
      .sort((a, b) => compare(a[shape.hash], b[shape.hash]) || (shape.range ? compare(a[shape.range], b[shape.range]) : 0) || compare(a[table.key.range ?? table.key.hash], b[table.key.range ?? table.key.hash]) || compare(a[table.key.hash], b[table.key.hash]));
  }

  private page(table: Table, shape: KeyShape, items: Item[], input: Record<string, any>) {
    let start = 0;
    if (input.ExclusiveStartKey) {
      const after = this.id(table.key, input.ExclusiveStartKey);
      start = items.findIndex((item) => this.id(table.key, item) === after) + 1;
      if (start === 0) throw new Error('ExclusiveStartKey does not name an item of this result');
    }
    const size = Math.min(this.pageSize, input.Limit ?? Number.POSITIVE_INFINITY);
    const page = items.slice(start, start + size);
    const last = page.at(-1);
    const more = start + size < items.length && last !== undefined;
    const keyNames = [...new Set([table.key.hash, table.key.range, shape.hash, shape.range].filter((k): k is string => !!k))];
    return {
      Items: structuredClone(page),
      Count: page.length,
      LastEvaluatedKey: more ? Object.fromEntries(keyNames.map((k) => [k, last[k]!])) : undefined,
    };
  }

  private query(table: Table, input: Record<string, any>) {
    const shape = input.IndexName ? table.indexes[input.IndexName] : table.key;
    if (!shape) throw new Error(`no index ${input.IndexName}`);
    const values = input.ExpressionAttributeValues as Values;
    const expression = String(input.KeyConditionExpression);
    let match = /^(\w+) = (:\w+)(?: AND (.+))?$/.exec(expression);
    if (!match || match[1] !== shape.hash) throw new Error(`fake DynamoDB does not understand the key condition ${expression}`);
    const hashValue = values?.[match[2]!];
    let rangeTest: (item: Item) => boolean = () => true;
    const rest = match[3];
    if (rest) {
      match = /^(\w+) BETWEEN (:\w+) AND (:\w+)$/.exec(rest);
      const prefix = /^begins_with\((\w+), (:\w+)\)$/.exec(rest);
      if (match && match[1] === shape.range) {
        const [low, high] = [values?.[match[2]!], values?.[match[3]!]];
        rangeTest = (item) => compare(item[shape.range!], low) >= 0 && compare(item[shape.range!], high) <= 0;
      } else if (prefix && prefix[1] === shape.range) {
        const p = String(scalar(values?.[prefix[2]!]));
        rangeTest = (item) => String(scalar(item[shape.range!])).startsWith(p);
      } else throw new Error(`fake DynamoDB does not understand the key condition ${expression}`);
    }
    let items = this.sorted(table, shape).filter((item) => compare(item[shape.hash], hashValue) === 0 && rangeTest(item));
    if (input.ScanIndexForward === false) items = items.reverse();
    return this.page(table, shape, items, input);
  }

  private scan(table: Table, input: Record<string, any>) {
    const total = input.TotalSegments ?? 1;
    const segment = input.Segment ?? 0;
    // Like DynamoDB, a segment holds whole partitions: every item of one hash key lands in the same segment.
    const segmentOf = (item: Item) => [...String(scalar(item[table.key.hash]))].reduce((sum, c) => sum + c.charCodeAt(0), 0) % total;
    const items = this.sorted(table, table.key).filter((item) => segmentOf(item) === segment);
    return this.page(table, table.key, items, input);
  }
}
