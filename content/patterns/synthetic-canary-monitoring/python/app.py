#!/usr/bin/env python3
"""Synthetic canary monitoring: a CloudWatch Synthetics canary watches an HTTP API's create-read-delete journey."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from synthetic_canary_monitoring.synthetic_canary_monitoring_stack import SyntheticCanaryMonitoringStack

app = cdk.App()
SyntheticCanaryMonitoringStack(
    app,
    "SyntheticCanaryMonitoringStack",
    description=(
        "Synthetic canary monitoring: a CloudWatch Synthetics canary runs a create-read-delete journey against an HTTP API "
        "every five minutes and alarms when it fails."
    ),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
