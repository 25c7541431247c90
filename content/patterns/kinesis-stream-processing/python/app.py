#!/usr/bin/env python3
"""Kinesis Stream Processing: two Lambda consumers of one stream, one storing readings with partial batch responses, one summing tumbling windows into DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from kinesis_stream_processing.kinesis_stream_processing_stack import KinesisStreamProcessingStack

app = cdk.App()
KinesisStreamProcessingStack(
    app,
    "KinesisStreamProcessingStack",
    description=(
        "Kinesis Stream Processing: two Lambda consumers of one stream, one storing readings with partial batch responses, "
        "one summing tumbling windows into DynamoDB."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
