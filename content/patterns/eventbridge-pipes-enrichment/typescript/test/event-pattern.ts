/**
 * A small evaluator for the EventBridge event-pattern operators this pipe's filter uses:
 * exact values, prefix, numeric comparisons and exists. Any other operator throws, so a filter
 * that grows a new operator fails its tests until the evaluator learns it.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compare(op: unknown, a: number, b: unknown): boolean {
  if (typeof b !== 'number') throw new Error(`numeric bound ${JSON.stringify(b)} is not a number`);
  switch (op) {
    case '=': return a === b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    default: throw new Error(`unsupported numeric operator ${JSON.stringify(op)}`);
  }
}

function leafMatches(rule: unknown, value: unknown, present: boolean): boolean {
  if (!isObject(rule)) return present && rule === value;
  const [operator, ...rest] = Object.keys(rule);
  if (rest.length > 0) throw new Error(`one operator per rule, got ${Object.keys(rule).join(', ')}`);
  const arg = rule[operator];
  switch (operator) {
    case 'exists':
      return arg === present;
    case 'prefix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'numeric': {
      if (!present || typeof value !== 'number' || !Array.isArray(arg) || arg.length % 2 !== 0) return false;
      for (let i = 0; i < arg.length; i += 2) if (!compare(arg[i], value, arg[i + 1])) return false;
      return true;
    }
    default:
      throw new Error(`unsupported event pattern operator "${operator}"`);
  }
}

/** True when `event` matches `pattern`: every key must match; an array lists the values any one of which will do. */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (Array.isArray(rule)) {
      // An array in the event matches when any of its elements does.
      const candidates = Array.isArray(value) ? value : [value];
      return rule.some((r) => candidates.some((v) => leafMatches(r, v, present)));
    }
    if (isObject(rule)) return present && isObject(value) && matchesPattern(rule, value);
    throw new Error(`pattern value for "${key}" must be an array or an object`);
  });
}

/**
 * What a pipe's filter sees for one SQS record: the `body` parsed when it is JSON. A pattern
 * on `body` fields drops a record whose body is not JSON, as the Pipes documentation states.
 */
export function sqsRecordMatches(pattern: Record<string, unknown>, record: { body: string } & Record<string, unknown>): boolean {
  let body: Json | string = record.body;
  try {
    body = JSON.parse(record.body) as Json;
  } catch {
    if (isObject(pattern.body)) return false;
  }
  return matchesPattern(pattern, { ...record, body });
}
