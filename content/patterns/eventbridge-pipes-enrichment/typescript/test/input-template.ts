/**
 * A small evaluator for the Pipes input-template placeholders this pipe uses: `<$.a.b>` in JSON
 * value position, replaced by the JSON value found at that path. Any other placeholder (reserved
 * variables, wildcards, array indexes) throws, as does a path with no value.
 */
const PATH_PLACEHOLDER = /<\$((?:\.[A-Za-z0-9_-]+)+)>/g;

function valueAt(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const key of path.slice(1).split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      throw new Error(`the payload has no value at $${path}`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The JSON paths a template reads, in order of appearance. */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PATH_PLACEHOLDER)].map((m) => `$${m[1]}`);
}

/** Renders the template against one payload and parses the result, as the bus will receive it. */
export function applyInputTemplate(template: string, payload: unknown): unknown {
  const leftover = template.replace(PATH_PLACEHOLDER, '').match(/<[^<>]*>/);
  if (leftover) throw new Error(`unsupported placeholder ${leftover[0]}`);
  const rendered = template.replace(PATH_PLACEHOLDER, (_, path: string) => JSON.stringify(valueAt(payload, path)));
  return JSON.parse(rendered);
}
