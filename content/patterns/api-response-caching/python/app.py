#!/usr/bin/env python3
"""API response caching: a REST API stage cache in front of a Lambda catalog reader backed by DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_response_caching.api_response_caching_stack import ApiResponseCachingStack

app = cdk.App()
ApiResponseCachingStack(
    app,
    "ApiResponseCachingStack",
    description="API response caching: a REST API stage cache in front of a Lambda catalog reader backed by DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
