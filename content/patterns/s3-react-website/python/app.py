#!/usr/bin/env python3
"""S3 React Website: a React app in a private S3 bucket behind CloudFront with Origin Access Control.

cdk.json runs build_site.py, which writes site-dist/, before this file.
"""

import os

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from s3_react_website.certificate_stack import SiteCertificateStack
from s3_react_website.s3_react_website_stack import S3ReactWebsiteStack, SiteDomain

app = cdk.App()
description = "S3 React Website: a React app in a private S3 bucket behind CloudFront with Origin Access Control."

# Optional: cdk deploy -c domainName=app.example.com -c hostedZoneId=Z0123456789 -c zoneName=example.com
domain_context = [app.node.try_get_context(key) for key in ("domainName", "hostedZoneId", "zoneName")]
given = sum(1 for value in domain_context if value)
if 0 < given < 3:
    raise ValueError("A custom domain needs all three context values: domainName, hostedZoneId and zoneName.")

if given == 3:
    domain = SiteDomain(domain_name=domain_context[0], hosted_zone_id=domain_context[1], zone_name=domain_context[2])
    # Cross-region references need a concrete account and region, taken from your AWS profile.
    env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION"))
    certificate = (
        None
        if env.region == "us-east-1"
        else SiteCertificateStack(
            app,
            "S3ReactWebsiteCertificateStack",
            env=cdk.Environment(account=env.account, region="us-east-1"),
            cross_region_references=True,
            domain=domain,
        ).certificate
    )
    S3ReactWebsiteStack(
        app, "S3ReactWebsiteStack", description=description, env=env, cross_region_references=True, domain=domain, certificate=certificate
    )
else:
    S3ReactWebsiteStack(app, "S3ReactWebsiteStack", description=description)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
