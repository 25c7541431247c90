#!/usr/bin/env python3
"""Lambda monolith: the fix (deployed) and, with -c antiPattern=before, the anti-pattern (synthesized only)."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_lambda_monolith.anti_lambda_monolith_stack import SinglePurposeShopStack
from anti_lambda_monolith.before_stack import MonolithShopStack

app = cdk.App()

# The fix: what `npx cdk deploy` deploys.
SinglePurposeShopStack(
    app,
    "SinglePurposeShopStack",
    description="Lambda monolith, the fix: the shop API with one single-purpose function per route, each with its own role, sizing and log group.",
)

# The anti-pattern, only with `-c antiPattern=before`: to synthesize and read, not to run.
if app.node.try_get_context("antiPattern") == "before":
    MonolithShopStack(
        app,
        "MonolithShopStack",
        description=(
            "Lambda monolith (ANTI-PATTERN, not for deployment): the shop API as one function behind ANY /{proxy+} "
            "that routes in code under one role holding every route's permissions."
        ),
    )

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
