import { readFileSync } from 'node:fs';

// The rules AppConfig applies to an AWS.AppConfig.FeatureFlags document, checked at synth so a
// bad flag file fails on the laptop or in CI instead of half-way through a CloudFormation update.
// AppConfig checks the same document again when it stores each version; edits made in the
// console never pass through here and are refused by that service-side check alone.

type Constraints = {
  type?: unknown;
  required?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  pattern?: unknown;
  enum?: unknown;
  elements?: Constraints;
};

const KEY = /^[a-z][a-zA-Z\d_-]{0,63}$/;
const MAX_ATTRIBUTES = 25;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarProblems(where: string, value: unknown, c: Constraints): string[] {
  if (c.type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return [`${where} must be a number`];
    if (typeof c.minimum === 'number' && value < c.minimum) return [`${where} is ${value}, below its minimum of ${c.minimum}`];
    if (typeof c.maximum === 'number' && value > c.maximum) return [`${where} is ${value}, above its maximum of ${c.maximum}`];
    return [];
  }
  if (c.type === 'string') {
    if (typeof value !== 'string') return [`${where} must be a string`];
    if (typeof c.pattern === 'string' && !new RegExp(c.pattern).test(value)) return [`${where} does not match ${c.pattern}`];
    if (Array.isArray(c.enum) && !c.enum.includes(value)) return [`${where} is not one of ${c.enum.join(', ')}`];
    return [];
  }
  if (c.type === 'boolean') return typeof value === 'boolean' ? [] : [`${where} must be true or false`];
  return [`${where} has an unknown constraint type ${String(c.type)}`];
}

function attributeProblems(where: string, value: unknown, c: Constraints): string[] {
  if (value === undefined) return c.required === true ? [`${where} is required`] : [];
  if (c.type !== 'array') return scalarProblems(where, value, c);
  if (!Array.isArray(value)) return [`${where} must be an array`];
  return c.elements ? value.flatMap((element, i) => scalarProblems(`${where}[${i}]`, element, c.elements!)) : [];
}

/** Every way the document breaks AppConfig's feature flag rules or this pattern's own; empty when it is sound. */
export function flagDocumentProblems(document: unknown): string[] {
  if (!isObject(document)) return ['the document must be a JSON object'];
  const problems: string[] = [];
  if (document.version !== '1') problems.push('version must be "1"');
  const flags = isObject(document.flags) ? document.flags : {};
  const values = isObject(document.values) ? document.values : {};
  for (const [flag, definition] of Object.entries(flags)) {
    if (!KEY.test(flag)) problems.push(`flag key ${flag} must match ${KEY.source}`);
    const attributes = isObject(definition) && isObject(definition.attributes) ? definition.attributes : {};
    if (Object.keys(attributes).length > MAX_ATTRIBUTES) problems.push(`${flag} has more than ${MAX_ATTRIBUTES} attributes`);
    const value = values[flag];
    // Stricter than AppConfig: a flag without a value would read as off without anyone deciding so.
    if (!isObject(value) || typeof value.enabled !== 'boolean') {
      problems.push(`${flag} needs a value with enabled set to true or false`);
      continue;
    }
    for (const [name, attribute] of Object.entries(attributes)) {
      if (name === 'enabled' || !KEY.test(name)) problems.push(`${flag}.${name} is not a valid attribute name`);
      const constraints = isObject(attribute) && isObject(attribute.constraints) ? (attribute.constraints as Constraints) : undefined;
      if (constraints) problems.push(...attributeProblems(`${flag}.${name}`, value[name], constraints));
    }
  }
  for (const flag of Object.keys(values)) if (!(flag in flags)) problems.push(`${flag} has a value but no definition`);
  return problems;
}

/** Reads the flag file and refuses to go on with a document AppConfig would refuse. */
export function loadFlagDocument(file: string): string {
  const text = readFileSync(file, 'utf8');
  const problems = flagDocumentProblems(JSON.parse(text));
  if (problems.length > 0) throw new Error(`${file} breaks the feature flag rules:\n- ${problems.join('\n- ')}`);
  return text;
}
