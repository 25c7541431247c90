/**
 * A small EventBridge event-pattern matcher, enough to evaluate the rules this stack synthesizes
 * against the events its services publish. It follows the documented semantics: every key of the
 * pattern must match; an array lists alternatives; an object descends into the event; a field missing
 * from the event matches only `exists: false`. An operator it does not know throws, so a rule using
 * one cannot pass the tests by accident.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function matchesNumeric(value: unknown, conditions: Json[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], conditions[i + 1] as number];
    const ok = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[op as string];
    if (ok === undefined) throw new Error(`unsupported numeric operator ${JSON.stringify(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** One alternative of a pattern array against one present value. */
function matchesValue(value: Json, alternative: Json): boolean {
  if (!isObject(alternative)) return value === alternative;
  const [op, arg] = Object.entries(alternative)[0] ?? [];
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      return typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof arg === 'string' && value.toLowerCase() === arg.toLowerCase();
    case 'anything-but':
      if (isObject(arg)) return !matchesValue(value, arg);
      return !(Array.isArray(arg) ? arg : [arg]).some((a) => a === value);
    case 'numeric':
      return matchesNumeric(value, arg as Json[]);
    case 'exists':
      return arg === true;
    default:
      throw new Error(`unsupported pattern operator ${JSON.stringify(op)}`);
  }
}

function matchesField(present: boolean, value: Json | undefined, alternatives: Json[]): boolean {
  return alternatives.some((alt) => {
    if (isObject(alt) && 'exists' in alt) return alt.exists === present;
    if (!present) return false;
    const values = Array.isArray(value) ? value : [value as Json];
    return values.some((v) => matchesValue(v, alt));
  });
}

export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Record<string, unknown>[]).some((p) => matches(p, event));
    const present = key in event && event[key] !== undefined;
    if (Array.isArray(expected)) return matchesField(present, event[key] as Json, expected as Json[]);
    if (isObject(expected)) return present && isObject(event[key]) && matches(expected, event[key] as Record<string, unknown>);
    throw new Error(`pattern values must be arrays or objects, got ${JSON.stringify(expected)} at ${key}`);
  });
}
