#!/usr/bin/env python3
"""The Predictive Lambda: an HTTP API in front of a Python Lambda container image serving an Iris classifier."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_predictive_lambda.the_predictive_lambda_stack import ThePredictiveLambdaStack

app = cdk.App()
ThePredictiveLambdaStack(
    app,
    "ThePredictiveLambdaStack",
    description="The Predictive Lambda: an HTTP API in front of a Python Lambda container image serving an Iris classifier.",
)

# Both packs check every synth; an unacknowledged error fails it.
# Acknowledgements are written into the template so each reason ships with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
