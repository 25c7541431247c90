#!/usr/bin/env python3
"""Cross-Account Event Routing: a producer account's bus forwards shipped orders to a consumer account's bus."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from cross_account_event_routing.cross_account_event_routing_stack import ConsumerStack, ProducerStack
from cross_account_event_routing.routing import read_routing

app = cdk.App()
routing = read_routing(app.node)

# Two stacks for two accounts, deployed one at a time with each account's own credentials:
# the consumer first, so its bus and policy exist before the first event is forwarded.
ConsumerStack(
    app,
    "ConsumerStack",
    env=cdk.Environment(account=routing.consumer_account, region=routing.region),
    description="Cross-Account Event Routing (consumer): a bus that admits shipped orders from the producer account only, and their handler.",
    routing=routing,
)
ProducerStack(
    app,
    "ProducerStack",
    env=cdk.Environment(account=routing.producer_account, region=routing.region),
    description="Cross-Account Event Routing (producer): an order bus and a rule that forwards shipped orders to the consumer account.",
    routing=routing,
)

# Registered on the app, so both packs check both stacks; an unacknowledged error fails the synth.
# Acknowledgements are written into the templates so each reason ships with them.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
