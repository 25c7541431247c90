#!/usr/bin/env python3
"""The WAF API Gateway: a WAFv2 web ACL with managed rules and a rate limit in front of a REST API stage."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_waf_apigateway.the_waf_apigateway_stack import TheWafApigatewayStack

app = cdk.App()
TheWafApigatewayStack(
    app,
    "TheWafApigatewayStack",
    description="The WAF API Gateway: a WAFv2 web ACL with managed rules and a rate limit in front of a REST API stage.",
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
