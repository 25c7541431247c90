#!/usr/bin/env python3
"""Large Deployment Packages: the anti-pattern and its fix, a product lookup API packaged two ways."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_large_deployment_packages.anti_large_deployment_packages_stack import LeanPackageStack
from anti_large_deployment_packages.before_stack import LargePackageStack

app = cdk.App()
LeanPackageStack(
    app,
    "LeanPackageStack",
    description="Large Deployment Packages, the fix: a product lookup API whose function ships only its own code and uses the AWS SDK of the runtime.",
)

# The anti-pattern is synthesized only on request (cdk synth -c antiPattern=before LargePackageStack),
# so `cdk deploy` never ships it.
if app.node.try_get_context("antiPattern") == "before":
    LargePackageStack(
        app,
        "LargePackageStack",
        description="Large Deployment Packages, the anti-pattern (not for deployment): the same API with its function packaged with a second AWS SDK and packages it never loads.",
    )

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
