#!/usr/bin/env python3
"""The Big Fan: a REST API publishes order events to SNS, which filters them into two SQS queues with Lambda consumers."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_big_fan.the_big_fan_stack import TheBigFanStack

app = cdk.App()
TheBigFanStack(
    app,
    "TheBigFanStack",
    description="The Big Fan: a REST API publishes order events to SNS, which filters them into two SQS queues with Lambda consumers.",
)

# Both packs check every synth; an unacknowledged error fails it.
# Acknowledgements are written into the template so each reason ships with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
