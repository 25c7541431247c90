#!/usr/bin/env python3
"""Feature flags with AppConfig: a Lambda function reads validated flags through the AppConfig Agent extension."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from feature_flags_appconfig.feature_flags_appconfig_stack import FeatureFlagsAppConfigStack

app = cdk.App()
FeatureFlagsAppConfigStack(
    app,
    "FeatureFlagsAppConfigStack",
    description=(
        "Feature flags with AppConfig: a Lambda function reads validated flags through the AppConfig Agent extension, "
        "rolled out gradually with alarm rollback."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
