#!/usr/bin/env python3
"""Event store in DynamoDB: bank-account commands appended as versioned events with optimistic concurrency and snapshots."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from event_sourcing_dynamodb.event_sourcing_dynamodb_stack import EventSourcingDynamodbStack

app = cdk.App()
EventSourcingDynamodbStack(
    app,
    "EventSourcingDynamodbStack",
    description="Event store in DynamoDB: bank-account commands appended as versioned events with optimistic concurrency and snapshots.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
