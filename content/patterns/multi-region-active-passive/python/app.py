#!/usr/bin/env python3
"""Multi-Region active-passive: one API in two Regions behind Route 53 failover, over a DynamoDB global table."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from multi_region_active_passive.multi_region_active_passive_stack import add_active_passive_stacks

# Context: domainName, hostedZoneName and hostedZoneId of a public hosted zone you own, and
# optionally secondaryRegion, tableName and alarmEmail. See multi_region_active_passive/settings.py.
app = cdk.App()
add_active_passive_stacks(app)

# Registered on the app, so both packs check all three stacks; an unacknowledged error fails the synth.
# Acknowledged findings are written into the templates so their reasons travel with them.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
