#!/usr/bin/env python3
"""Provisioned concurrency with auto scaling: an HTTP API in front of a Lambda alias kept warm on a schedule and on utilisation."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from provisioned_concurrency_autoscaling.provisioned_concurrency_autoscaling_stack import ProvisionedConcurrencyAutoscalingStack

app = cdk.App()
ProvisionedConcurrencyAutoscalingStack(
    app,
    "ProvisionedConcurrencyAutoscalingStack",
    description="Provisioned concurrency with auto scaling: an HTTP API in front of a Lambda alias kept warm on a schedule and on utilisation.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
