#!/usr/bin/env python3
"""The EventBridge ETL: CSV files in S3 become row events that are transformed and loaded into DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_eventbridge_etl.the_eventbridge_etl_stack import TheEventbridgeEtlStack

app = cdk.App()
TheEventbridgeEtlStack(
    app,
    "TheEventbridgeEtlStack",
    description="The EventBridge ETL: CSV files in S3 become row events that are transformed and loaded into DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
