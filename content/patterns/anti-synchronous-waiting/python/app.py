#!/usr/bin/env python3
"""Synchronous waiting: the fix (a Step Functions workflow) and, on request, the anti-pattern it replaces."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_synchronous_waiting.anti_synchronous_waiting_stack import ReportWorkflowStack
from anti_synchronous_waiting.before_stack import PollingReportStack

app = cdk.App()

# The fix: what `cdk deploy` deploys.
ReportWorkflowStack(
    app,
    "ReportWorkflowStack",
    description=(
        "Synchronous waiting, the fix: a Step Functions workflow runs an Athena report with the .sync integration "
        "and returns its rows."
    ),
)

# The anti-pattern, only on request: `cdk synth -c antiPattern=before PollingReportStack`.
if app.node.try_get_context("antiPattern") == "before":
    PollingReportStack(
        app,
        "PollingReportStack",
        description=(
            "Synchronous waiting, the ANTI-PATTERN (not for deployment): a Lambda function starts an Athena report "
            "and polls it until it ends."
        ),
    )

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
