#!/usr/bin/env python3
"""Parallel Execution: an Express Step Functions workflow checks fraud, stock and shipping for an order at once."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from parallel_execution.parallel_execution_stack import ParallelExecutionStack

app = cdk.App()
ParallelExecutionStack(
    app,
    "ParallelExecutionStack",
    description=(
        "Parallel Execution: an Express Step Functions workflow checks fraud, stock and shipping for an order at once "
        "and decides on the joined result."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
