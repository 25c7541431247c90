/**
 * Just enough of Lambda's filter rule syntax to run this pattern's filters offline: nested
 * objects, lists of allowed values (OR), and the prefix, anything-but and exists operators.
 * As in Lambda, a pattern field matches only a field the record has, except `exists: false`;
 * a pattern over a missing object sees every field below it as missing.
 */
type Rule = string | number | boolean | null | { prefix?: string; 'anything-but'?: unknown; exists?: boolean };

const OPERATORS = new Set(['prefix', 'anything-but', 'exists']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ruleMatches(rule: Rule, value: unknown): boolean {
  if (!isObject(rule)) return value !== undefined && value === rule;
  const keys = Object.keys(rule);
  if (keys.length !== 1 || !OPERATORS.has(keys[0]!)) throw new Error(`unsupported filter rule ${JSON.stringify(rule)}`);
  if ('exists' in rule) return rule.exists ? value !== undefined && !isObject(value) : value === undefined;
  if (value === undefined) return false;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
  const excluded = [rule['anything-but']].flat();
  return !excluded.includes(value);
}

function leafMatches(rules: Rule[], value: unknown): boolean {
  // A list in the record matches when any of its elements does.
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => values.some((v) => ruleMatches(rule, v)));
}

export function matchesPattern(pattern: Record<string, unknown>, record: unknown): boolean {
  const fields = isObject(record) ? record : {};
  return Object.entries(pattern).every(([name, expected]) => {
    if (Array.isArray(expected)) return leafMatches(expected as Rule[], fields[name]);
    if (isObject(expected)) return matchesPattern(expected, fields[name]);
    throw new Error(`filter field ${name} must be a list of rules or an object`);
  });
}

/** Lambda delivers a record when it matches any one of the mapping's filters. */
export function passesFilters(patterns: Record<string, unknown>[], record: unknown): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, record));
}
