#!/usr/bin/env python3
"""Map state dynamic parallelism: an inline Map for short order lists and a Distributed Map over an S3 manifest for long ones."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from map_state_dynamic_parallelism.map_state_dynamic_parallelism_stack import MapStateDynamicParallelismStack

app = cdk.App()
MapStateDynamicParallelismStack(
    app,
    "MapStateDynamicParallelismStack",
    description="Map state dynamic parallelism: an inline Map for short order lists and a Distributed Map over an S3 manifest for long ones.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
