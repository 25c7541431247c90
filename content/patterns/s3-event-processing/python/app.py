#!/usr/bin/env python3
"""S3 Event Processing: uploads routed by size through EventBridge to an idempotent Lambda or a Step Functions Distributed Map."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from s3_event_processing.s3_event_processing_stack import S3EventProcessingStack

app = cdk.App()
S3EventProcessingStack(
    app,
    "S3EventProcessingStack",
    description="S3 Event Processing: uploads routed by size through EventBridge to an idempotent Lambda or a Step Functions Distributed Map.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
