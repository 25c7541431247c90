#!/usr/bin/env python3
"""Lambda Chaining: the fix (always) and the anti-pattern (only with -c antiPattern=before)."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_lambda_chaining.anti_lambda_chaining_stack import CheckoutWorkflowStack
from anti_lambda_chaining.before_stack import ChainedCheckoutStack

app = cdk.App()
# The fix: what `cdk deploy` deploys.
CheckoutWorkflowStack(
    app,
    "CheckoutWorkflowStack",
    description=(
        "Lambda Chaining, the fix: a Step Functions workflow prices the order, charges the card and saves the order, "
        "each step with its own retries."
    ),
)
# The anti-pattern, only on request: cdk synth -c antiPattern=before ChainedCheckoutStack
if app.node.try_get_context("antiPattern") == "before":
    ChainedCheckoutStack(
        app,
        "ChainedCheckoutStack",
        description=(
            "Lambda Chaining, the anti-pattern (for inspection only, not for deployment): "
            "PlaceOrder invokes ChargePayment synchronously and waits."
        ),
    )

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
