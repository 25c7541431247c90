#!/usr/bin/env python3
"""The Lambda Trilogy: the same calculator as single-purpose functions, a fat Lambda and a Lambda-lith."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_lambda_trilogy.the_lambda_trilogy_stack import TheFatLambdaStack, TheLambdaLithStack, TheSinglePurposeFunctionStack

app = cdk.App()
# Three independent stacks over the same calculator, deployable side by side.
TheSinglePurposeFunctionStack(
    app,
    "TheSinglePurposeFunctionStack",
    description="The Lambda Trilogy (1 of 3): a REST API with one single-purpose Lambda function per route.",
)
TheFatLambdaStack(
    app,
    "TheFatLambdaStack",
    description='The Lambda Trilogy (2 of 3): a REST API whose routes all invoke one dispatching "fat" Lambda.',
)
TheLambdaLithStack(
    app,
    "TheLambdaLithStack",
    description="The Lambda Trilogy (3 of 3): a REST API proxying every request to a web app with its own router in one Lambda.",
)

# Registered on the app, so both packs check all three stacks; an unacknowledged error fails the synth.
# Acknowledgements are written into the templates so each reason ships with them.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
