#!/usr/bin/env python3
"""The EFS Lambda: an HTTP API and a Lambda function sharing a message wall on an encrypted EFS file system."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_efs_lambda.the_efs_lambda_stack import TheEfsLambdaStack

app = cdk.App()
TheEfsLambdaStack(
    app,
    "TheEfsLambdaStack",
    description="The EFS Lambda: an HTTP API and a Lambda function sharing a message wall on an encrypted EFS file system.",
)

# Both rule packs run on every synth; an unacknowledged error fails it.
# Acknowledged findings are written into the template together with their reasons.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
