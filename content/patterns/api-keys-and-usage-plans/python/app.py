#!/usr/bin/env python3
"""API Keys and Usage Plans: a REST API that needs a key on every method and meters each key by its tier."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_keys_and_usage_plans.api_keys_and_usage_plans_stack import ApiKeysAndUsagePlansStack

app = cdk.App()
ApiKeysAndUsagePlansStack(
    app,
    "ApiKeysAndUsagePlansStack",
    description="API Keys and Usage Plans: a REST API that needs a key on every method and meters each key by its tier.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
