#!/usr/bin/env python3
"""API authorization with Cognito and IAM: one REST API, user pool scopes for people and SigV4 for services."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_authorization_cognito_iam.api_authorization_cognito_iam_stack import ApiAuthorizationCognitoIamStack

app = cdk.App()
ApiAuthorizationCognitoIamStack(
    app,
    "ApiAuthorizationCognitoIamStack",
    description="API authorization with Cognito and IAM: one REST API, user pool scopes for people and SigV4 for services.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
