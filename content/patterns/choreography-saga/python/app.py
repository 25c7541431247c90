#!/usr/bin/env python3
"""Choreography Saga: three services settle an order through events on one EventBridge bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from choreography_saga.choreography_saga_stack import ChoreographySagaStack

app = cdk.App()
ChoreographySagaStack(
    app,
    "ChoreographySagaStack",
    description=(
        "Choreography Saga: orders, payments and inventory services settle an order through events on one "
        "EventBridge bus, compensating on failure with no coordinator."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
