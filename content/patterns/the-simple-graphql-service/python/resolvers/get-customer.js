import { util } from '@aws-appsync/utils';

/** Query.getCustomer: one GetItem on the table key. */
export function request(ctx) {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  // A missing item comes back as null, which the nullable field passes on as "not found".
  return ctx.result;
}
