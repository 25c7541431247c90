"""The order check's definition: three checks in a Parallel state, joined by name, then a Choice on the result.

Check order (Parallel) ─┬─ Score fraud ── on unavailability ─► Fraud score unavailable
                        ├─ Check stock  (GetItem, no Catch: its failure fails the whole check)
                        └─ Quote shipping ── on unavailability ─► Shipping quote unavailable
then Decide (Choice) ─► Order rejected | Order held for review | Order approved
"""

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

# Transient Lambda service errors, plus the task's own timeout: the scorer or quoter is unreachable or slow.
UNAVAILABLE_LAMBDA_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "States.Timeout",
]

# Throttling and server-side errors of a DynamoDB read, plus the task's own timeout. Step Functions does not list
# the error names of its DynamoDB integration, and its SDK integrations add an "Exception" suffix to every name,
# so the two errors whose API name lacks one are listed in both spellings: an extra name costs nothing.
TRANSIENT_DYNAMODB_ERRORS = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.RequestLimitExceededException",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerError",
    "DynamoDB.InternalServerErrorException",
    "States.Timeout",
]

# A fraud score from here up rejects the order; from the review score up a person looks at it first.
REJECT_SCORE = 70
REVIEW_SCORE = 40

# How the Parallel state names its three results. The branch order below must match.
JOIN = "{% {'orderId': $states.input.orderId, 'fraud': $states.result[0], 'stock': $states.result[1], 'shipping': $states.result[2]} %}"

# A branch that could not get an answer still answers, with a status the Choice state knows.
UNAVAILABLE = "{% {'status': 'UNAVAILABLE', 'error': $states.input.Error} %}"


def _decision(name: str) -> str:
    return (
        f"{{% {{'orderId': $states.input.orderId, 'decision': '{name}', 'fraud': $states.input.fraud, "
        "'stock': $states.input.stock, 'shipping': $states.input.shipping} %}"
    )


def order_check_definition(
    scope: Construct, *, fraud_scorer: lambda_.IFunction, shipping_quoter: lambda_.IFunction, stock: dynamodb.ITable
) -> sfn.IChainable:
    score_fraud = tasks.LambdaInvoke.jsonata(
        scope,
        "Score fraud",
        lambda_function=fraud_scorer,
        comment="Returns { status: SCORED, score, signals }.",
        outputs="{% $states.result.Payload %}",
        # The Retry below replaces CDK's default retry of six attempts, which would not fit the execution timeout.
        retry_on_service_exceptions=False,
        # Shorter than the function's own 5-second timeout, so a slow call always surfaces as States.Timeout.
        task_timeout=sfn.Timeout.duration(Duration.seconds(3)),
    )
    score_fraud.add_retry(
        errors=UNAVAILABLE_LAMBDA_ERRORS,
        interval=Duration.seconds(1),
        max_attempts=2,
        backoff_rate=2,
        jitter_strategy=sfn.JitterType.FULL,
    )
    # Only unavailability degrades to a review; a bug or an invalid order still fails the check.
    score_fraud.add_catch(
        sfn.Pass.jsonata(scope, "Fraud score unavailable", outputs=UNAVAILABLE),
        errors=UNAVAILABLE_LAMBDA_ERRORS,
        outputs="{% $states.errorOutput %}",
    )

    check_stock = tasks.DynamoGetItem.jsonata(
        scope,
        "Check stock",
        table=stock,
        key={"sku": tasks.DynamoAttributeValue.from_string("{% $states.input.sku %}")},
        comment="Reads the stock level straight from DynamoDB; no function needed.",
        outputs=(
            "{% {'status': ($exists($states.result.Item) and $number($states.result.Item.available.N) >= $states.input.quantity) ? 'IN_STOCK' : 'SHORT', "
            "'available': $exists($states.result.Item) ? $number($states.result.Item.available.N) : 0} %}"
        ),
        task_timeout=sfn.Timeout.duration(Duration.seconds(1)),
    )
    # No Catch: without a stock level there is nothing to decide, and a DynamoDB read that keeps failing is an outage
    # someone must see. Its error fails this branch, stops the other two, and fails the execution.
    check_stock.add_retry(
        errors=TRANSIENT_DYNAMODB_ERRORS,
        interval=Duration.seconds(1),
        max_attempts=3,
        backoff_rate=2,
        max_delay=Duration.seconds(2),
        jitter_strategy=sfn.JitterType.FULL,
    )

    quote_shipping = tasks.LambdaInvoke.jsonata(
        scope,
        "Quote shipping",
        lambda_function=shipping_quoter,
        comment="Returns { status: QUOTED, zone, costCents, days } or { status: NO_ROUTE, reason }.",
        outputs="{% $states.result.Payload %}",
        retry_on_service_exceptions=False,
        task_timeout=sfn.Timeout.duration(Duration.seconds(3)),
    )
    quote_shipping.add_retry(
        errors=UNAVAILABLE_LAMBDA_ERRORS,
        interval=Duration.seconds(1),
        max_attempts=2,
        backoff_rate=2,
        jitter_strategy=sfn.JitterType.FULL,
    )
    quote_shipping.add_catch(
        sfn.Pass.jsonata(scope, "Shipping quote unavailable", outputs=UNAVAILABLE),
        errors=UNAVAILABLE_LAMBDA_ERRORS,
        outputs="{% $states.errorOutput %}",
    )

    # The fork: each branch gets its own copy of the order. The join: the Parallel's result is an array in branch
    # order, and its Output gives each element a name, so no function is needed to merge them.
    check_order = (
        sfn.Parallel.jsonata(scope, "Check order", comment="Runs the three checks at once and names their results.", outputs=JOIN)
        .branch(score_fraud)
        .branch(check_stock)
        .branch(quote_shipping)
    )

    rejected = sfn.Succeed.jsonata(scope, "Order rejected", outputs=_decision("REJECTED"))
    review = sfn.Succeed.jsonata(scope, "Order held for review", outputs=_decision("REVIEW"))
    approved = sfn.Succeed.jsonata(scope, "Order approved", outputs=_decision("APPROVED"))

    # Rules are tried in order: anything that rules the order out wins over anything that merely needs a person.
    decide = (
        sfn.Choice.jsonata(scope, "Decide", comment="Reads the joined result of the three checks.")
        .when(sfn.Condition.jsonata("{% $states.input.stock.status = 'SHORT' %}"), rejected, comment="Not enough stock")
        .when(sfn.Condition.jsonata("{% $states.input.shipping.status = 'NO_ROUTE' %}"), rejected, comment="Cannot be shipped")
        .when(
            sfn.Condition.jsonata(f"{{% $states.input.fraud.status = 'SCORED' and $states.input.fraud.score >= {REJECT_SCORE} %}}"),
            rejected,
            comment="Likely fraud",
        )
        .when(
            sfn.Condition.jsonata(
                "{% $states.input.fraud.status = 'UNAVAILABLE' or $states.input.shipping.status = 'UNAVAILABLE' "
                f"or $states.input.fraud.score >= {REVIEW_SCORE} %}}"
            ),
            review,
            comment="A check could not answer, or the score is elevated",
        )
        .otherwise(approved)
    )

    return check_order.next(decide)
