#!/usr/bin/env python3
"""The RDS Proxy: an HTTP API and a VPC Lambda reaching MySQL through RDS Proxy with IAM authentication."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_rds_proxy.the_rds_proxy_stack import TheRdsProxyStack

app = cdk.App()
TheRdsProxyStack(
    app,
    "TheRdsProxyStack",
    description="The RDS Proxy: an HTTP API and a VPC Lambda reaching MySQL through RDS Proxy with IAM authentication.",
)

# Both rule packs run on every synth; an unacknowledged error fails it.
# Acknowledged findings are written into the template together with their reasons.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
