#!/usr/bin/env python3
"""Serverless microservices: Orders and Inventory coordinating through events on one EventBridge bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from serverless_microservices.serverless_microservices_stack import ServerlessMicroservicesStack

app = cdk.App()
ServerlessMicroservicesStack(
    app,
    "ServerlessMicroservicesStack",
    description=(
        "Serverless microservices: Orders and Inventory, each with its own API, functions and table, "
        "coordinating through events on one EventBridge bus."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
