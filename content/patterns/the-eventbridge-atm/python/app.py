#!/usr/bin/env python3
"""The EventBridge ATM: a REST API and producer Lambda put ATM transactions on a custom bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_eventbridge_atm.the_eventbridge_atm_stack import TheEventbridgeAtmStack

app = cdk.App()
TheEventbridgeAtmStack(
    app,
    "TheEventbridgeAtmStack",
    description="The EventBridge ATM: a REST API and producer Lambda put ATM transactions on a custom bus; four rules route them to consumers.",
)

# Both rule packs run on every synth, and an unacknowledged error stops it.
# Acknowledgements go into the template so each reason travels with the resource.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
