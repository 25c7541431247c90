#!/usr/bin/env python3
"""Canary deployments with CodeDeploy: a Lambda alias shifted in steps, checked by traffic hooks and rolled back on alarms."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from canary_deployments_codedeploy.canary_deployments_codedeploy_stack import CanaryDeploymentsCodedeployStack

app = cdk.App()
CanaryDeploymentsCodedeployStack(
    app,
    "CanaryDeploymentsCodedeployStack",
    description="Canary deployments with CodeDeploy: a Lambda alias shifted in steps, checked by traffic hooks and rolled back on alarms.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
