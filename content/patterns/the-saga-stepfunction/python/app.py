#!/usr/bin/env python3
"""The Saga Step Function: a trip booking saga with compensating steps, started from a REST API."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_saga_stepfunction.the_saga_stepfunction_stack import TheSagaStepfunctionStack

app = cdk.App()
TheSagaStepfunctionStack(
    app,
    "TheSagaStepfunctionStack",
    description="The Saga Step Function: a trip booking saga with compensating steps, started from a REST API.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
