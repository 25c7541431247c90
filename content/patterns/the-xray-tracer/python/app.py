#!/usr/bin/env python3
"""The X-Ray Tracer: one traced request through API Gateway, Lambda, SNS, SQS, DynamoDB and an external HTTP API."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_xray_tracer.the_xray_tracer_stack import TheXrayTracerStack

app = cdk.App()
TheXrayTracerStack(
    app,
    "TheXrayTracerStack",
    description="The X-Ray Tracer: one traced request through API Gateway, Lambda, SNS, SQS, DynamoDB and an external HTTP API.",
)

# Both rule packs run on every synth, and an unacknowledged error stops it.
# Acknowledgements go into the template so each reason travels with the resource.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
