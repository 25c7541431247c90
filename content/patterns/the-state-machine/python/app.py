#!/usr/bin/env python3
"""The State Machine: an HTTP API starts an Express Step Functions order workflow directly."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_state_machine.the_state_machine_stack import TheStateMachineStack

app = cdk.App()
TheStateMachineStack(
    app,
    "TheStateMachineStack",
    description="The State Machine: an HTTP API starts an Express Step Functions order workflow directly.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
