import { util } from '@aws-appsync/utils';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 50;

/** Query.listCustomers: a bounded Scan, so one call can never read the whole table. */
export function request(ctx) {
  const limit = ctx.args.limit ?? DEFAULT_PAGE_SIZE;
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    util.error(`limit must be between 1 and ${MAX_PAGE_SIZE}`, 'ValidationError');
  }
  const scan = { operation: 'Scan', limit };
  if (ctx.args.nextToken) scan.nextToken = ctx.args.nextToken;
  return scan;
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
