#!/usr/bin/env python3
"""The Simple Webservice: an HTTP API in front of a Lambda hit counter backed by DynamoDB."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_simple_webservice.the_simple_webservice_stack import TheSimpleWebserviceStack

app = cdk.App()
TheSimpleWebserviceStack(
    app,
    "TheSimpleWebserviceStack",
    description="The Simple Webservice: an HTTP API in front of a Lambda hit counter backed by DynamoDB.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
