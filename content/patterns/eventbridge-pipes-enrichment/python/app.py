#!/usr/bin/env python3
"""EventBridge Pipes enrichment: an SQS queue filtered, enriched by a DynamoDB lookup and reshaped onto an event bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from eventbridge_pipes_enrichment.eventbridge_pipes_enrichment_stack import EventbridgePipesEnrichmentStack

app = cdk.App()
EventbridgePipesEnrichmentStack(
    app,
    "EventbridgePipesEnrichmentStack",
    description="EventBridge Pipes enrichment: an SQS queue filtered, enriched by a DynamoDB lookup and reshaped onto an event bus.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
