#!/usr/bin/env python3
"""Event Archive and Replay: a custom bus archives order events and replays a window into an idempotent ledger."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from eventbridge_archive_and_replay.eventbridge_archive_and_replay_stack import EventbridgeArchiveAndReplayStack

app = cdk.App()
EventbridgeArchiveAndReplayStack(
    app,
    "EventbridgeArchiveAndReplayStack",
    description=(
        "Event Archive and Replay: a custom EventBridge bus archives order events for 30 days and replays a time window "
        "into an idempotent ledger consumer, never into the notifier."
    ),
)

# Both rule packs check every synth; an unacknowledged finding fails it.
# Acknowledgements are written into the template so each reason travels with it.
cdk.Validations.of(app).add_plugins(
    AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True),
    ServerlessChecks(app, write_suppressions_to_cloud_formation=True),
)

app.synth()
