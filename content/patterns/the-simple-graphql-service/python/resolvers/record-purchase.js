import { util } from '@aws-appsync/utils';

const MAX_PURCHASE = 100000;

/** Mutation.recordPurchase: both totals move in one atomic UpdateItem on the server. */
export function request(ctx) {
  const { id, amount } = ctx.args;
  if (!(amount > 0 && amount <= MAX_PURCHASE)) {
    util.error(`amount must be greater than 0 and at most ${MAX_PURCHASE}`, 'ValidationError');
  }
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id }),
    update: {
      expression: 'ADD lifetimeSpend :amount, orderCount :one',
      expressionValues: util.dynamodb.toMapValues({ ':amount': Math.round(amount * 100) / 100, ':one': 1 }),
    },
    // Without this, ADD on an unknown id would quietly create a half-empty customer.
    condition: { expression: 'attribute_exists(id)' },
  };
}

export function response(ctx) {
  if (ctx.error) {
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException') {
      util.error(`No customer with id ${ctx.args.id}`, 'NotFound');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
