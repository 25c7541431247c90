#!/usr/bin/env python3
"""The Lambda Circuit Breaker: an HTTP API whose Lambda wraps a flaky downstream in a breaker kept in DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_lambda_circuit_breaker.the_lambda_circuit_breaker_stack import TheLambdaCircuitBreakerStack

app = cdk.App()
TheLambdaCircuitBreakerStack(
    app,
    "TheLambdaCircuitBreakerStack",
    description="The Lambda Circuit Breaker: an HTTP API whose Lambda wraps a flaky downstream in a breaker kept in DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
