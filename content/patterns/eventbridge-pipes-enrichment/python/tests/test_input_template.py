import json
import re
from typing import Any

import pytest

from eventbridge_pipes_enrichment.priority_orders_pipe import TARGET_INPUT_TEMPLATE
from functions.enrich_order import create_handler
from tests.fixtures import PRIORITY_ORDER, sqs_record
from tests.input_template import apply_input_template, template_paths

ADA = {"found": True, "name": "Ada Lovelace", "tier": "gold", "country": "GB"}


def enrich(order: Any, profiles: dict[str, Any]) -> dict[str, Any]:
    """Runs the real enrichment on one record with a stubbed lookup and returns its single output element."""
    handler = create_handler(lambda _ids: dict(profiles))
    (element,) = handler([sqs_record(order, "msg-1")])
    return element


def test_reshapes_an_enriched_order_into_the_event_detail_the_bus_receives() -> None:
    detail = apply_input_template(TARGET_INPUT_TEMPLATE, enrich(PRIORITY_ORDER, {"cust-42": ADA}))
    assert detail == {
        "orderId": "ord-1001",
        "total": 129.5,
        "customer": {"id": "cust-42", "known": True, "name": "Ada Lovelace", "tier": "gold", "country": "GB"},
        "sqsMessageId": "msg-1",
    }


def test_renders_an_order_from_an_unknown_customer_with_the_same_fields_marked_unknown() -> None:
    detail = apply_input_template(TARGET_INPUT_TEMPLATE, enrich({**PRIORITY_ORDER, "customerId": "cust-404"}, {}))
    assert detail == {
        "orderId": "ord-1001",
        "total": 129.5,
        "customer": {"id": "cust-404", "known": False, "name": "", "tier": "unknown", "country": ""},
        "sqsMessageId": "msg-1",
    }


def test_lets_nothing_else_of_the_order_through_such_as_its_shipping_address_or_type() -> None:
    detail = json.dumps(apply_input_template(TARGET_INPUT_TEMPLATE, enrich(PRIORITY_ORDER, {"cust-42": ADA})))
    assert not re.search(r"shippingAddress|Analytical Row|orderType", detail)


def test_reads_only_paths_the_enrichment_always_returns_with_every_placeholder_in_value_position() -> None:
    assert template_paths(TARGET_INPUT_TEMPLATE) == [
        "$.order.orderId",
        "$.order.total",
        "$.order.customerId",
        "$.customer.found",
        "$.customer.name",
        "$.customer.tier",
        "$.customer.country",
        "$.messageId",
    ]
    # A quoted placeholder would render as a string inside a string and break the JSON.
    assert '"<$' not in TARGET_INPUT_TEMPLATE
    with pytest.raises(KeyError, match=r"no value at \$\.customer\.found"):
        apply_input_template(TARGET_INPUT_TEMPLATE, {"messageId": "m", "order": PRIORITY_ORDER})
