#!/usr/bin/env python3
"""The Scheduled Lambda: EventBridge Scheduler runs a Lambda every five minutes that records a heartbeat in DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_scheduled_lambda.the_scheduled_lambda_stack import TheScheduledLambdaStack

app = cdk.App()
TheScheduledLambdaStack(
    app,
    "TheScheduledLambdaStack",
    description="The Scheduled Lambda: EventBridge Scheduler runs a Lambda every five minutes that records a heartbeat in DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
