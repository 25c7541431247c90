#!/usr/bin/env python3
"""Transactional Outbox: an order and its event are written in one DynamoDB transaction and published from the stream to EventBridge."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from transactional_outbox.transactional_outbox_stack import TransactionalOutboxStack

app = cdk.App()
TransactionalOutboxStack(
    app,
    "TransactionalOutboxStack",
    description=(
        "Transactional Outbox: an order and its event are written in one DynamoDB transaction "
        "and published from the stream to EventBridge."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
