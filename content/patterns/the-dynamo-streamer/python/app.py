#!/usr/bin/env python3
"""The Dynamo Streamer: a REST API writes straight to DynamoDB; a Lambda function reacts to the table stream."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_dynamo_streamer.the_dynamo_streamer_stack import TheDynamoStreamerStack

app = cdk.App()
TheDynamoStreamerStack(
    app,
    "TheDynamoStreamerStack",
    description="The Dynamo Streamer: a REST API writes straight to DynamoDB; a Lambda function reacts to the table stream.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
