import { util } from '@aws-appsync/utils';

const MAX_NAME_LENGTH = 100;

/** Mutation.addCustomer: AppSync has already checked the email format (AWSEmail). */
export function request(ctx) {
  const name = ctx.args.input.name.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    util.error(`name must be 1 to ${MAX_NAME_LENGTH} characters`, 'ValidationError');
  }
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({ id: util.autoId() }),
    attributeValues: util.dynamodb.toMapValues({
      name,
      email: ctx.args.input.email.toLowerCase(),
      lifetimeSpend: 0,
      orderCount: 0,
      createdAt: util.time.nowISO8601(),
    }),
    // A new UUID should never collide; if it ever did, fail rather than overwrite someone.
    condition: { expression: 'attribute_not_exists(id)' },
  };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
