#!/usr/bin/env python3
"""Wait state and callback: a Standard workflow that waits on a task token for a person to approve access."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from wait_state_and_callback.wait_state_and_callback_stack import WaitStateAndCallbackStack

app = cdk.App()
WaitStateAndCallbackStack(
    app,
    "WaitStateAndCallbackStack",
    description=(
        "Wait state and callback: a Standard workflow that waits on a task token for a person to approve access, "
        "then holds it open with a Wait state."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
