#!/usr/bin/env python3
"""Polly: an HTTP API that translates text with Amazon Translate and reads it aloud with Amazon Polly."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from polly.polly_stack import PollyStack

app = cdk.App()
PollyStack(
    app,
    "PollyStack",
    description="Polly: an HTTP API that translates text with Amazon Translate and reads it aloud with Amazon Polly.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
