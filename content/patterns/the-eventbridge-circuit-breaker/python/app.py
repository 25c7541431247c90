#!/usr/bin/env python3
"""The EventBridge Circuit Breaker: a REST API whose Lambda stops calling a failing dependency, fed by failure events."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_eventbridge_circuit_breaker.the_eventbridge_circuit_breaker_stack import TheEventbridgeCircuitBreakerStack

app = cdk.App()
TheEventbridgeCircuitBreakerStack(
    app,
    "TheEventbridgeCircuitBreakerStack",
    description="The EventBridge Circuit Breaker: a REST API whose Lambda stops calling a failing dependency, fed by failure events.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
