#!/usr/bin/env python3
"""The Simple GraphQL Service: AppSync resolves customers from DynamoDB and a loyalty field with Lambda."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_simple_graphql_service.the_simple_graphql_service_stack import TheSimpleGraphqlServiceStack

app = cdk.App()
TheSimpleGraphqlServiceStack(
    app,
    "TheSimpleGraphqlServiceStack",
    description="The Simple GraphQL Service: AppSync resolves customers from DynamoDB and a loyalty field with Lambda.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
