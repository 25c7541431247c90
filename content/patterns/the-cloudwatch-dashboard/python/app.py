#!/usr/bin/env python3
"""The CloudWatch Dashboard: a hit counter service (HTTP API, Lambda, DynamoDB) with a dashboard and alarms."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_cloudwatch_dashboard.the_cloudwatch_dashboard_stack import TheCloudwatchDashboardStack

app = cdk.App()
TheCloudwatchDashboardStack(
    app,
    "TheCloudwatchDashboardStack",
    description="The CloudWatch Dashboard: a hit counter service (HTTP API, Lambda, DynamoDB) with a dashboard and alarms.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
