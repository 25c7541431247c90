#!/usr/bin/env python3
"""Request Validation: API Gateway checks bodies and query strings against models before a Lambda function prices a stay."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_request_validation.api_request_validation_stack import ApiRequestValidationStack

app = cdk.App()
ApiRequestValidationStack(
    app,
    "ApiRequestValidationStack",
    description="Request Validation: API Gateway checks bodies and query strings against models before a Lambda function prices a stay.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
