// Logical ids a CloudFormation value points at: Ref, Fn::GetAtt and ${X} inside Fn::Sub.

export function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) refsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.push(v);
      else if (k === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof target === 'string') out.push(target);
      } else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(\.[A-Za-z.]+)?\}/g)) out.push(m[1]!);
        refsIn(Array.isArray(v) ? v[1] : undefined, out);
      } else refsIn(v, out);
    }
  }
  return out;
}

/** The value at a dotted path, where "*" walks every element of an array. */
export function pick(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      if (part === '*') return Array.isArray(v) ? v : [];
      return part in v ? [Reflect.get(v, part)] : [];
    });
  }
  return current;
}
