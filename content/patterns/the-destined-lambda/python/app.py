#!/usr/bin/env python3
"""The Destined Lambda: API -> SNS -> Lambda, whose success and failure records go through Lambda Destinations to an EventBridge bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_destined_lambda.the_destined_lambda_stack import TheDestinedLambdaStack

app = cdk.App()
TheDestinedLambdaStack(
    app,
    "TheDestinedLambdaStack",
    description="The Destined Lambda: API -> SNS -> Lambda, whose success and failure records go through Lambda Destinations to an EventBridge bus.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
