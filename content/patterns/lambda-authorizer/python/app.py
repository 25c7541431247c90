#!/usr/bin/env python3
"""Lambda Authorizer: a REST API whose every method requires an RS256 JWT verified by a Lambda TOKEN authorizer."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from lambda_authorizer.lambda_authorizer_stack import LambdaAuthorizerStack

app = cdk.App()
LambdaAuthorizerStack(
    app,
    "LambdaAuthorizerStack",
    description="Lambda Authorizer: a REST API whose every method requires an RS256 JWT verified against a JWKS by a Lambda TOKEN authorizer.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
