#!/usr/bin/env python3
"""FIFO ordering and deduplication: a REST API sends account events into a high-throughput SQS FIFO queue,
and a Lambda applies them in order per account to DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from fifo_ordering_and_deduplication.fifo_ordering_and_deduplication_stack import FifoOrderingAndDeduplicationStack

app = cdk.App()
FifoOrderingAndDeduplicationStack(
    app,
    "FifoOrderingAndDeduplicationStack",
    description=(
        "FIFO ordering and deduplication: a REST API sends account events into a high-throughput SQS FIFO queue, "
        "and a Lambda applies them in order per account to DynamoDB."
    ),
)

# Both packs check every synth; an unacknowledged error fails it.
# Acknowledgements are written into the template so each reason ships with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
