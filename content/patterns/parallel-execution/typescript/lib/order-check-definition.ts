import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Choice, Condition, type IChainable, JitterType, Parallel, Pass, Succeed, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoGetItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Transient Lambda service errors, plus the task's own timeout: the scorer or quoter is unreachable or slow. */
export const UNAVAILABLE_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
];

/**
 * Throttling and server-side errors of a DynamoDB read, plus the task's own timeout. Step Functions does not list
 * the error names of its DynamoDB integration, and its SDK integrations add an "Exception" suffix to every name,
 * so the two errors whose API name lacks one are listed in both spellings: an extra name costs nothing.
 */
export const TRANSIENT_DYNAMODB_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.RequestLimitExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerError',
  'DynamoDB.InternalServerErrorException',
  'States.Timeout',
];

/** A fraud score from here up rejects the order; from the review score up a person looks at it first. */
export const REJECT_SCORE = 70;
export const REVIEW_SCORE = 40;

/** How the Parallel state names its three results. The branch order below must match. */
export const JOIN = "{% {'orderId': $states.input.orderId, 'fraud': $states.result[0], 'stock': $states.result[1], 'shipping': $states.result[2]} %}";

/** A branch that could not get an answer still answers, with a status the Choice state knows. */
const UNAVAILABLE = "{% {'status': 'UNAVAILABLE', 'error': $states.input.Error} %}";

const decision = (name: string) =>
  `{% {'orderId': $states.input.orderId, 'decision': '${name}', 'fraud': $states.input.fraud, 'stock': $states.input.stock, 'shipping': $states.input.shipping} %}`;

export interface OrderCheckTargets {
  fraudScorer: IFunction;
  shippingQuoter: IFunction;
  stock: ITable;
}

/**
 * Check order (Parallel) ─┬─ Score fraud ── on unavailability ─► Fraud score unavailable
 *                         ├─ Check stock  (GetItem, no Catch: its failure fails the whole check)
 *                         └─ Quote shipping ── on unavailability ─► Shipping quote unavailable
 * then Decide (Choice) ─► Order rejected | Order held for review | Order approved
 */
export function orderCheckDefinition(scope: Construct, { fraudScorer, shippingQuoter, stock }: OrderCheckTargets): IChainable {
  const scoreFraud = LambdaInvoke.jsonata(scope, 'Score fraud', {
    lambdaFunction: fraudScorer,
    comment: 'Returns { status: SCORED, score, signals }.',
    outputs: '{% $states.result.Payload %}',
    // The Retry below replaces CDK's default retry of six attempts, which would not fit the execution timeout.
    retryOnServiceExceptions: false,
    // Shorter than the function's own 5-second timeout, so a slow call always surfaces as States.Timeout.
    taskTimeout: Timeout.duration(Duration.seconds(3)),
  });
  scoreFraud.addRetry({
    errors: UNAVAILABLE_LAMBDA_ERRORS,
    interval: Duration.seconds(1),
    maxAttempts: 2,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  // Only unavailability degrades to a review; a bug or an invalid order still fails the check.
  scoreFraud.addCatch(Pass.jsonata(scope, 'Fraud score unavailable', { outputs: UNAVAILABLE }), {
    errors: UNAVAILABLE_LAMBDA_ERRORS,
    outputs: '{% $states.errorOutput %}',
  });

  const checkStock = DynamoGetItem.jsonata(scope, 'Check stock', {
    table: stock,
    key: { sku: DynamoAttributeValue.fromString('{% $states.input.sku %}') },
    comment: 'Reads the stock level straight from DynamoDB; no function needed.',
    outputs:
      "{% {'status': ($exists($states.result.Item) and $number($states.result.Item.available.N) >= $states.input.quantity) ? 'IN_STOCK' : 'SHORT', " +
      "'available': $exists($states.result.Item) ? $number($states.result.Item.available.N) : 0} %}",
    taskTimeout: Timeout.duration(Duration.seconds(1)),
  });
  // No Catch: without a stock level there is nothing to decide, and a DynamoDB read that keeps failing is an outage
  // someone must see. Its error fails this branch, stops the other two, and fails the execution.
  checkStock.addRetry({
    errors: TRANSIENT_DYNAMODB_ERRORS,
    interval: Duration.seconds(1),
    maxAttempts: 3,
    backoffRate: 2,
    maxDelay: Duration.seconds(2),
    jitterStrategy: JitterType.FULL,
  });

  const quoteShipping = LambdaInvoke.jsonata(scope, 'Quote shipping', {
    lambdaFunction: shippingQuoter,
    comment: 'Returns { status: QUOTED, zone, costCents, days } or { status: NO_ROUTE, reason }.',
    outputs: '{% $states.result.Payload %}',
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.duration(Duration.seconds(3)),
  });
  quoteShipping.addRetry({
    errors: UNAVAILABLE_LAMBDA_ERRORS,
    interval: Duration.seconds(1),
    maxAttempts: 2,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  quoteShipping.addCatch(Pass.jsonata(scope, 'Shipping quote unavailable', { outputs: UNAVAILABLE }), {
    errors: UNAVAILABLE_LAMBDA_ERRORS,
    outputs: '{% $states.errorOutput %}',
  });

  // The fork: each branch gets its own copy of the order. The join: the Parallel's result is an array in branch
  // order, and its Output gives each element a name, so no function is needed to merge them.
  const checkOrder = Parallel.jsonata(scope, 'Check order', {
    comment: 'Runs the three checks at once and names their results.',
    outputs: JOIN,
  })
    .branch(scoreFraud)
    .branch(checkStock)
    .branch(quoteShipping);

  const rejected = Succeed.jsonata(scope, 'Order rejected', { outputs: decision('REJECTED') });
  const review = Succeed.jsonata(scope, 'Order held for review', { outputs: decision('REVIEW') });
  const approved = Succeed.jsonata(scope, 'Order approved', { outputs: decision('APPROVED') });

  // Rules are tried in order: anything that rules the order out wins over anything that merely needs a person.
  const decide = Choice.jsonata(scope, 'Decide', { comment: 'Reads the joined result of the three checks.' })
    .when(Condition.jsonata("{% $states.input.stock.status = 'SHORT' %}"), rejected, { comment: 'Not enough stock' })
    .when(Condition.jsonata("{% $states.input.shipping.status = 'NO_ROUTE' %}"), rejected, { comment: 'Cannot be shipped' })
    .when(Condition.jsonata(`{% $states.input.fraud.status = 'SCORED' and $states.input.fraud.score >= ${REJECT_SCORE} %}`), rejected, {
      comment: 'Likely fraud',
    })
    .when(
      Condition.jsonata(
        `{% $states.input.fraud.status = 'UNAVAILABLE' or $states.input.shipping.status = 'UNAVAILABLE' or $states.input.fraud.score >= ${REVIEW_SCORE} %}`,
      ),
      review,
      { comment: 'A check could not answer, or the score is elevated' },
    )
    .otherwise(approved);

  return checkOrder.next(decide);
}
