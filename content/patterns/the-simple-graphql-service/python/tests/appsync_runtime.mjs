// Runs APPSYNC_JS resolver functions for the Python tests. Reads {"resolver", "function", "ctx"} as JSON on
// stdin and prints {"result"} or {"error": {"message", "type"}}: what util.error raised.
//
// A resolver file is loaded the way AppSync runs it: a self-contained module whose only import is
// @aws-appsync/utils, which the runtime provides. Here that import is replaced by a stand-in with a fixed
// id and clock; any other import or export would not resolve in AppSync either, so it fails.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESOLVERS = join(dirname(fileURLToPath(import.meta.url)), '..', 'resolvers');

class AppSyncError extends Error {
  constructor(message, type) {
    super(message);
    this.type = type;
  }
}

const util = {
  autoId: () => '0b8c7a6e-1111-4222-8333-944455556666',
  time: { nowISO8601: () => '2026-11-22T09:30:00.000Z' },
  error(message, type) {
    throw new AppSyncError(message, type);
  },
  dynamodb: {
    toMapValues(values) {
      return Object.fromEntries(
        Object.entries(values).map(([key, value]) => {
          if (typeof value === 'string') return [key, { S: value }];
          if (typeof value === 'number') return [key, { N: String(value) }];
          if (typeof value === 'boolean') return [key, { BOOL: value }];
          if (value === null) return [key, { NULL: true }];
          throw new Error(`stand-in toMapValues does not handle ${typeof value}`);
        }),
      );
    },
  },
};

const ONLY_IMPORT = /^import \{ util \} from '@aws-appsync\/utils';\s*$/m;

function load(name) {
  const source = readFileSync(join(RESOLVERS, `${name}.js`), 'utf8');
  const body = source.replace(ONLY_IMPORT, '').replace(/^export function /gm, 'function ');
  if (/^\s*(import|export)\b/m.test(body)) throw new Error(`${name}.js has an import or export AppSync cannot run`);
  return new Function('util', `${body}\nreturn { request, response };`)(util);
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { resolver, function: fn, ctx } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let answer;
try {
  const result = load(resolver)[fn](ctx);
  answer = { result: result === undefined ? null : result };
} catch (error) {
  if (!(error instanceof AppSyncError)) throw error;
  answer = { error: { message: error.message, type: error.type ?? null } };
}
process.stdout.write(JSON.stringify(answer));
