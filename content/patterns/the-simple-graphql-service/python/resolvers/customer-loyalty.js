import { util } from '@aws-appsync/utils';

/**
 * Customer.loyalty: BatchInvoke lets AppSync gather this field for many customers
 * (a whole listCustomers page) into one Lambda call instead of one call each.
 * Only the three inputs the calculation needs are sent.
 */
export function request(ctx) {
  const { id, lifetimeSpend, orderCount } = ctx.source;
  return { operation: 'BatchInvoke', payload: { customerId: id, lifetimeSpend, orderCount } };
}

/** The function answers each batch item with { data, errorMessage, errorType }. */
export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  if (ctx.result?.errorMessage) util.error(ctx.result.errorMessage, ctx.result.errorType);
  return ctx.result?.data ?? null;
}
