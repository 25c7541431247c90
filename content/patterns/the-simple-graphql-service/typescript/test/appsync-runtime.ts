import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** What util.error raises; AppSync turns it into a GraphQL error with this message and type. */
export class AppSyncError extends Error {
  constructor(
    message: string,
    readonly type?: string,
  ) {
    super(message);
  }
}

type Marshalled = Record<string, { S: string } | { N: string } | { BOOL: boolean } | { NULL: true }>;

/** A stand-in for the parts of @aws-appsync/utils the resolvers use, with fixed id and clock. */
export const fakeUtil = {
  autoId: () => '0b8c7a6e-1111-4222-8333-944455556666',
  time: { nowISO8601: () => '2026-11-22T09:30:00.000Z' },
  error(message: string, type?: string): never {
    throw new AppSyncError(message, type);
  },
  dynamodb: {
    toMapValues(values: Record<string, unknown>): Marshalled {
      return Object.fromEntries(
        Object.entries(values).map(([key, value]) => {
          if (typeof value === 'string') return [key, { S: value }];
          if (typeof value === 'number') return [key, { N: String(value) }];
          if (typeof value === 'boolean') return [key, { BOOL: value }];
          if (value === null) return [key, { NULL: true }];
          throw new Error(`fake toMapValues does not handle ${typeof value}`);
        }),
      );
    },
  },
};

export type Resolver = { request: (ctx: any) => any; response: (ctx: any) => any };

const ONLY_IMPORT = /^import \{ util \} from '@aws-appsync\/utils';\s*$/m;

/**
 * Loads a resolver file the way AppSync runs it: as a self-contained module whose only
 * import is @aws-appsync/utils, which the runtime provides. Here that import is replaced
 * by the fake above; any other import would not resolve in AppSync either, so it fails.
 */
export function loadResolver(name: string): Resolver {
  const source = readFileSync(path.join(__dirname, '..', 'resolvers', `${name}.js`), 'utf8');
  const body = source.replace(ONLY_IMPORT, '').replace(/^export function /gm, 'function ');
  if (/^\s*(import|export)\b/m.test(body)) throw new Error(`${name}.js has an import or export AppSync cannot run`);
  return new Function('util', `${body}\nreturn { request, response };`)(fakeUtil) as Resolver;
}
