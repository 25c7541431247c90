#!/usr/bin/env python3
"""Powertools observability: an order API with structured logs, EMF business metrics, X-Ray traces, a dashboard and alarms."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from powertools_observability.powertools_observability_stack import PowertoolsObservabilityStack

app = cdk.App()
PowertoolsObservabilityStack(
    app,
    "PowertoolsObservabilityStack",
    description="Powertools observability: an order API with structured logs, EMF business metrics, X-Ray traces, a dashboard and alarms.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
