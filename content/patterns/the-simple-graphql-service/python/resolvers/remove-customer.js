import { util } from '@aws-appsync/utils';

/** Mutation.removeCustomer: DeleteItem hands back the old item, or null if there was none. */
export function request(ctx) {
  return { operation: 'DeleteItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
