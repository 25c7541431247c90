import type { z } from 'zod';

/**
 * A content problem an author must fix. The message always names the file, the
 * field and what was expected, because the build log is all an author sees.
 */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly { field: string; expected: string }[],
  ) {
    super(
      `Invalid content in ${file}:\n` +
        problems.map((p) => `  - ${p.field}: ${p.expected}`).join('\n'),
    );
    this.name = 'ContentError';
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function zodProblems(error: z.ZodError): { field: string; expected: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // Reported per key so the author sees exactly which line to fix.
      return issue.keys.map((key) => ({
        field: fieldPath([...issue.path, key]),
        expected: 'unknown key; not part of the schema (check its spelling)',
      }));
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return [{ field: fieldPath(issue.path), expected: `missing; expected ${issue.expected}` }];
    }
    return [{ field: fieldPath(issue.path), expected: issue.message }];
  });
}
