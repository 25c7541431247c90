#!/usr/bin/env python3
"""Materialized view projection: a Lambda function folds an append-only DynamoDB event table into a query-shaped view."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from materialized_view_projection.materialized_view_projection_stack import MaterializedViewProjectionStack

app = cdk.App()
MaterializedViewProjectionStack(
    app,
    "MaterializedViewProjectionStack",
    description=(
        "Materialized view projection: a Lambda function folds an append-only DynamoDB event table into a query-shaped view "
        "that can be rebuilt from history."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
