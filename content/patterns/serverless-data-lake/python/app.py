#!/usr/bin/env python3
"""Serverless data lake: raw and curated S3 zones, a Lambda transform on arrival, a Glue table and an Athena workgroup."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from serverless_data_lake.serverless_data_lake_stack import ServerlessDataLakeStack

app = cdk.App()
ServerlessDataLakeStack(
    app,
    "ServerlessDataLakeStack",
    description=(
        "Serverless data lake: raw and curated S3 zones, a Lambda transform on arrival, "
        "a Glue table with partition projection and an Athena workgroup."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
