#!/usr/bin/env python3
"""The Scalable Webhook: a REST API queues webhooks in SQS; a Lambda capped at two copies writes them to DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_scalable_webhook.the_scalable_webhook_stack import TheScalableWebhookStack

app = cdk.App()
TheScalableWebhookStack(
    app,
    "TheScalableWebhookStack",
    description="The Scalable Webhook: a REST API queues webhooks in SQS; a Lambda capped at two copies writes them to DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
