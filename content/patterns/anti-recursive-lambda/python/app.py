#!/usr/bin/env python3
"""Recursive Lambda: the fix (always) and the anti-pattern (only with `-c antiPattern=before`)."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_recursive_lambda.anti_recursive_lambda_stack import InventoryWorkflowStack
from anti_recursive_lambda.before_stack import RecursiveInventoryStack

app = cdk.App()
# The fix: the only stack `cdk deploy` deploys.
InventoryWorkflowStack(
    app,
    "InventoryWorkflowStack",
    description="Recursive Lambda, the fix: a Step Functions loop counts a bucket listing one page per Lambda invocation.",
)
# The anti-pattern, for synthesis and reading only: `npx cdk synth -c antiPattern=before RecursiveInventoryStack`.
if app.node.try_get_context("antiPattern") == "before":
    RecursiveInventoryStack(
        app,
        "RecursiveInventoryStack",
        description="Recursive Lambda, the anti-pattern (not for deployment): a function that queues the next page of a bucket listing for itself.",
    )

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
