#!/usr/bin/env python3
"""Idempotent Event Handler: an SQS consumer charges each payment once, however often it is delivered."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from idempotent_event_handler.idempotent_event_handler_stack import IdempotentEventHandlerStack

app = cdk.App()
IdempotentEventHandlerStack(
    app,
    "IdempotentEventHandlerStack",
    description=(
        "Idempotent Event Handler: an SQS consumer charges each payment once, however often it is delivered, "
        "with Powertools idempotency on DynamoDB."
    ),
)

# Both packs check every synth; an unacknowledged error fails it.
# Acknowledgements are written into the template so each reason ships with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
