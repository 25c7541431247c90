#!/usr/bin/env python3
"""The Lambda Power Tuner: AWS Lambda Power Tuning from the Serverless Application Repository, aimed at a CPU-bound function."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_lambda_power_tuner.the_lambda_power_tuner_stack import TheLambdaPowerTunerStack

app = cdk.App()
TheLambdaPowerTunerStack(
    app,
    "TheLambdaPowerTunerStack",
    description=(
        "The Lambda Power Tuner: AWS Lambda Power Tuning from the Serverless Application Repository, "
        "scoped to a CPU-bound sample function."
    ),
)

# Both packs check every synth; an unacknowledged error fails it.
# Acknowledgements are written into the template so each reason ships with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
