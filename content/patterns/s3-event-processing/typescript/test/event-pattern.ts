/**
 * Just enough of EventBridge's matching to evaluate this stack's rule patterns offline:
 * exact values, prefix, wildcard and numeric comparisons, nested under object fields.
 * Anything else in a pattern throws, so a pattern this cannot judge fails the test instead of passing it.
 */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (Array.isArray(expected)) return expected.some((candidate) => matchesValue(candidate, actual));
    if (typeof expected === 'object' && expected !== null) {
      return typeof actual === 'object' && actual !== null && matches(expected as Record<string, unknown>, actual as Record<string, unknown>);
    }
    throw new Error(`unsupported pattern at ${field}`);
  });
}

function matchesValue(candidate: unknown, actual: unknown): boolean {
  if (typeof candidate === 'string' || typeof candidate === 'number') return candidate === actual;
  const rule = candidate as Record<string, unknown>;
  // An unresolved CloudFormation value (the bucket name) stands for itself.
  if ('Ref' in rule) return JSON.stringify(rule) === JSON.stringify(actual);
  if ('prefix' in rule) return typeof actual === 'string' && actual.startsWith(rule.prefix as string);
  if ('wildcard' in rule) {
    const regex = new RegExp(`^${(rule.wildcard as string).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    return typeof actual === 'string' && regex.test(actual);
  }
  if ('numeric' in rule) {
    if (typeof actual !== 'number') return false;
    const terms = rule.numeric as (string | number)[];
    for (let i = 0; i < terms.length; i += 2) {
      const [op, bound] = [terms[i], terms[i + 1] as number];
      const ok = op === '<' ? actual < bound : op === '<=' ? actual <= bound : op === '>' ? actual > bound : op === '>=' ? actual >= bound : op === '=' ? actual === bound : undefined;
      if (ok === undefined) throw new Error(`unsupported numeric operator ${String(op)}`);
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`unsupported matcher ${JSON.stringify(candidate)}`);
}
