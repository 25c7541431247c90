#!/usr/bin/env python3
"""DynamoDB Streams Processing: filtered stream consumers keep per-customer order totals and audit deletions."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from dynamodb_streams_processing.dynamodb_streams_processing_stack import DynamodbStreamsProcessingStack

app = cdk.App()
DynamodbStreamsProcessingStack(
    app,
    "DynamodbStreamsProcessingStack",
    description="DynamoDB Streams Processing: filtered stream consumers keep per-customer order totals and audit deletions.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
