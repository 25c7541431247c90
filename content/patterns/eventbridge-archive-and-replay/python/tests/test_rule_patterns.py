"""The deployed event patterns, read from the synthesized template, against real-shaped events."""

import re
from typing import Any

import pytest
from aws_cdk.assertions import Template

from eventbridge_archive_and_replay.eventbridge_archive_and_replay_stack import EventbridgeArchiveAndReplayStack
from tests.cdk_app import app_from_cdk_json
from tests.event_pattern import matches
from tests.order_events import delivered, entries, with_detail


@pytest.fixture(scope="module")
def patterns() -> dict[str, Any]:
    template = Template.from_stack(EventbridgeArchiveAndReplayStack(app_from_cdk_json(), "Patterns-Under-Test")).to_json()
    resources = template["Resources"]
    found = {
        re.sub(r"[0-9A-F]{8}$", "", logical_id): r["Properties"]["EventPattern"]
        for logical_id, r in resources.items()
        if r["Type"] in ("AWS::Events::Rule", "AWS::Events::Archive")
    }
    assert sorted(found) == ["LedgerRule", "NotifierRule", "OrdersArchive"]
    return found


WEB, POS = (delivered(e) for e in entries("orders.json"))
(APP,) = (delivered(e) for e in entries("missed-order.json"))
REPLAYED = [delivered(e, replay_name="fill-ledger-gap") for e in [*entries("orders.json"), *entries("missed-order.json")]]
CANCELLED = {**WEB, "detail-type": "OrderCancelled"}
FOREIGN = {**WEB, "source": "com.example.inventory", "detail-type": "OrderReserved"}


def test_archives_every_order_lifecycle_event_and_nothing_from_other_sources(patterns: dict[str, Any]) -> None:
    archive = patterns["OrdersArchive"]
    for event in (WEB, POS, APP, CANCELLED):
        assert matches(archive, event), event["detail-type"]
    assert not matches(archive, FOREIGN)
    assert not matches(archive, {**WEB, "detail-type": "InvoiceIssued"})


def test_the_ledger_rule_takes_every_order_placed_event_live_or_replayed_from_any_channel(patterns: dict[str, Any]) -> None:
    ledger = patterns["LedgerRule"]
    for event in (WEB, POS, APP, *REPLAYED):
        assert matches(ledger, event), event["detail"]
    assert not matches(ledger, CANCELLED)
    assert not matches(ledger, FOREIGN)


def test_the_notifier_rule_takes_live_web_and_app_orders_never_an_in_store_or_a_replayed_one(patterns: dict[str, Any]) -> None:
    notifier = patterns["NotifierRule"]
    assert matches(notifier, WEB)
    assert matches(notifier, APP)
    assert not matches(notifier, POS), "in-store orders get a printed receipt"
    for event in REPLAYED:
        assert not matches(notifier, event), f"replayed {event['detail']}"
    assert not matches(notifier, with_detail(WEB, channel=None)), "no channel, no e-mail"
    assert not matches(notifier, CANCELLED)


def test_a_replay_sent_to_every_rule_on_the_bus_still_reaches_only_the_ledger(patterns: dict[str, Any]) -> None:
    rules = {name: pattern for name, pattern in patterns.items() if name.endswith("Rule")}
    for event in REPLAYED:
        assert [name for name, pattern in rules.items() if matches(pattern, event)] == ["LedgerRule"]
