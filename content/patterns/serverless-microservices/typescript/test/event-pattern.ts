import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** An event as EventBridge hands it to rules, built from a PutEvents entry. */
export function asDelivered(entry: PutEventsRequestEntry): Record<string, unknown> {
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '111111111111',
    time: '2026-12-05T10:00:00Z',
    region: 'us-east-1',
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

/**
 * EventBridge event-pattern matching for the forms these rules use, reproduced from the
 * documented semantics: every field in the pattern must match; an array lists the allowed
 * values (any one matches, and an array value in the event matches if any element does);
 * an object descends into the event; prefix, anything-but and exists are supported; a field
 * missing from the event matches only { exists: false }.
 */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = event[key];
    if (Array.isArray(rule)) return matchesAny(rule, value);
    if (rule && typeof rule === 'object') {
      return value !== null && typeof value === 'object' && !Array.isArray(value) && matches(rule as Record<string, unknown>, value as Record<string, unknown>);
    }
    throw new Error(`A pattern field must be an array or an object, got ${JSON.stringify(rule)} for ${key}`);
  });
}

function matchesAny(allowed: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return allowed.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      const r = rule as Record<string, unknown>;
      if ('exists' in r) return r.exists ? value !== undefined : value === undefined;
      if (value === undefined) return false;
      if ('prefix' in r) return values.some((v) => typeof v === 'string' && v.startsWith(String(r.prefix)));
      if ('anything-but' in r) {
        const but = [r['anything-but']].flat();
        return values.some((v) => !but.includes(v as never));
      }
      throw new Error(`Unsupported matcher ${JSON.stringify(rule)}`);
    }
    return value !== undefined && values.some((v) => v === rule);
  });
}
