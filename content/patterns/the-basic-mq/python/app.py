#!/usr/bin/env python3
"""The Basic MQ: a private Amazon MQ for ActiveMQ broker behind a TLS Network Load Balancer and a Route 53 name."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_basic_mq.settings import resolve_settings
from the_basic_mq.the_basic_mq_stack import TheBasicMqStack

app = cdk.App()
# All optional: -c zoneName=example.org -c hostedZoneId=Z... [-c recordName=mq] [-c deploymentMode=ACTIVE_STANDBY_MULTI_AZ]
settings = resolve_settings(
    {key: app.node.try_get_context(key) for key in ("zoneName", "hostedZoneId", "recordName", "deploymentMode")}
)
TheBasicMqStack(
    app,
    "TheBasicMqStack",
    settings=settings,
    description="The Basic MQ: a private Amazon MQ for ActiveMQ broker behind a TLS Network Load Balancer and a Route 53 name.",
)

# Both rule packs run on every synth; an unacknowledged error fails it.
# Acknowledged findings are written into the template together with their reasons.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
