/**
 * A small, strict evaluator of EventBridge event patterns: just the operators this app's rules and
 * archive use (exact values, prefix, exists, anything-but), with EventBridge's rules for missing
 * fields and array values. Any other operator throws, so a pattern that grows past what this
 * evaluator understands fails the tests instead of being judged wrongly.
 */

type Scalar = string | number | boolean | null;
type Pattern = { [field: string]: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** True when the event matches every field of the pattern. */
export function matches(pattern: Pattern, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error(`a pattern must be an object, got ${JSON.stringify(pattern)}`);
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = isObject(event) ? event[field] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(expected, actual);
    if (isObject(expected)) return isObject(actual) && matches(expected, actual);
    throw new Error(`pattern field ${field} must be an array or an object, got ${JSON.stringify(expected)}`);
  });
}

/** A leaf matches when any of its conditions does; an array value matches when any element does. */
function matchesLeaf(conditions: unknown[], actual: unknown): boolean {
  // Judge every condition's shape first, so an unknown operator fails even when the field is missing.
  conditions.forEach(checkCondition);
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) return matchesExists(condition, actual);
    // Every other condition needs the field: a missing field matches nothing but {"exists": false}.
    if (actual === undefined || isObject(actual)) return false;
    const values: unknown[] = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => matchesValue(condition, value));
  });
}

function checkCondition(condition: unknown): void {
  if (isScalar(condition)) return;
  if (!isObject(condition) || Object.keys(condition).length !== 1) throw new Error(`unsupported condition ${JSON.stringify(condition)}`);
  const [[operator, operand]] = Object.entries(condition);
  if (operator === 'exists') {
    if (typeof operand !== 'boolean') throw new Error(`invalid exists condition ${JSON.stringify(condition)}`);
  } else if (operator === 'prefix') {
    if (typeof operand !== 'string') throw new Error(`prefix needs a string, got ${JSON.stringify(operand)}`);
  } else if (operator === 'anything-but') {
    if (isObject(operand) && 'prefix' in operand) return checkCondition(operand);
    if (!(Array.isArray(operand) ? operand : [operand]).every(isScalar)) {
      throw new Error(`anything-but needs values or a prefix, got ${JSON.stringify(operand)}`);
    }
  } else {
    throw new Error(`operator ${operator} is not supported by this evaluator`);
  }
}

function matchesExists(condition: Record<string, unknown>, actual: unknown): boolean {
  // exists works on leaf fields only: an object is not a value that exists.
  const present = actual !== undefined && !isObject(actual);
  return condition.exists === present;
}

function matchesValue(condition: unknown, value: unknown): boolean {
  if (isScalar(condition)) return value === condition;
  const [[operator, operand]] = Object.entries(condition as Record<string, unknown>);
  if (operator === 'prefix') return typeof value === 'string' && value.startsWith(operand as string);
  // anything-but: a prefix to exclude, or one or more values to exclude.
  if (isObject(operand)) return !matchesValue(operand, value);
  return !(Array.isArray(operand) ? operand : [operand]).includes(value);
}
