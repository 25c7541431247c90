/**
 * A small EventBridge pattern matcher for the tests: exact values, prefix, suffix,
 * equals-ignore-case, anything-but, exists and numeric, on nested fields, with a field's
 * value or any element of an array value matching any element of the pattern's list.
 * It is enough to run the rules this app synthesizes against sample events; it is not the full language.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Pattern = { [key: string]: Pattern | Json[] };

const MISSING = Symbol('missing');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numericMatches(conditions: Json[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], conditions[i + 1]];
    if (typeof bound !== 'number') throw new Error(`numeric bound ${String(bound)} is not a number`);
    const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[op as string];
    if (ok === undefined) throw new Error(`unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** Does one element of a pattern list accept one scalar value (MISSING when the field is absent)? */
function elementMatches(element: Json, value: unknown): boolean {
  if (!isObject(element)) return value !== MISSING && element === value;
  const [[operator, operand]] = Object.entries(element) as [string, Json][];
  if (operator === 'exists') return (value !== MISSING) === operand;
  if (value === MISSING) return false;
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'numeric':
      return numericMatches(operand as Json[], value);
    case 'anything-but': {
      if (isObject(operand)) return !elementMatches(operand, value);
      return !(Array.isArray(operand) ? operand : [operand]).some((o) => o === value);
    }
    default:
      throw new Error(`the test matcher does not know the ${operator} operator`);
  }
}

function fieldMatches(list: Json[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  // An empty array in the event matches nothing except an "exists" check.
  if (values.length === 0) return list.some((e) => elementMatches(e, MISSING));
  return list.some((element) => values.some((v) => elementMatches(element, v)));
}

/** True when the event matches the pattern: every field the pattern names must match. */
export function matches(pattern: Pattern, event: unknown): boolean {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) throw new Error('an event pattern must be a non-empty object');
  return Object.entries(pattern).every(([key, expected]) => {
    const value = isObject(event) && key in event ? event[key] : MISSING;
    if (Array.isArray(expected)) {
      if (expected.length === 0) throw new Error(`the list for ${key} is empty, which EventBridge refuses`);
      return fieldMatches(expected, value);
    }
    // A nested pattern needs a nested object; a missing one still satisfies only exists:false inside.
    return matches(expected, isObject(value) ? value : {});
  });
}

/** An event as EventBridge delivers it, with what a test cares about filled in. */
export function sampleEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6f1c2b9e-8d4a-4f0b-9a51-1d2e3f4a5b6c',
    'detail-type': 'OrderShipped',
    source: 'com.example.orders',
    account: '111111111111',
    time: '2026-12-05T10:15:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { orderId: 'ORD-1001', carrier: 'UPS', trackingNumber: '1Z999AA10123456784', shippedAt: '2026-12-05T10:14:58Z' },
    ...overrides,
  };
}
