#!/usr/bin/env python3
"""The Media Live Stream: RTMP into MediaLive, HLS from MediaPackage, played through CloudFront."""

from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from the_media_live_stream.the_media_live_stream_stack import TheMediaLiveStreamStack


def optional_number(value: Any) -> float | None:
    """A context value as a number; text that is not one becomes NaN, which the stack refuses by name."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


app = cdk.App()
TheMediaLiveStreamStack(
    app,
    "TheMediaLiveStreamStack",
    description="The Media Live Stream: RTMP into MediaLive, HLS from MediaPackage, played through CloudFront.",
    # cdk deploy -c ingestCidr=203.0.113.7/32 : only this range may push RTMP to the input.
    ingest_cidr=app.node.try_get_context("ingestCidr"),
    # -c maxLiveHours=2 : stop the channel this many hours after each start (default 4).
    max_live_hours=optional_number(app.node.try_get_context("maxLiveHours")),
    # -c monthlyBudgetUsd=50 : the MediaLive and MediaPackage cost budget (default $20).
    monthly_budget_usd=optional_number(app.node.try_get_context("monthlyBudgetUsd")),
)

# Both rule packs run on every synth; any unacknowledged error stops the synth.
# Acknowledged findings are written into the template so their reasons travel with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
