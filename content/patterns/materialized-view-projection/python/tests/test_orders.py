import copy
import random
from types import MappingProxyType
from typing import Any

import pytest

from orders import ProjectionError, evolve, parse_event, replay
from tests.histories import event, histories


def e(version: int, kind: str, data: Any = None) -> dict[str, Any]:
    return parse_event(event("o-1", version, kind, data))


def test_starts_a_view_from_order_placed_at_version_1() -> None:
    assert evolve(None, e(1, "OrderPlaced", {"customerId": "c-1"})) == {
        "orderId": "o-1",
        "customerId": "c-1",
        "status": "PLACED",
        "statusAt": "PLACED#2026-01-01T09:01:00.000Z",
        "lines": [],
        "itemCount": 0,
        "totalCents": 0,
        "placedAt": "2026-01-01T09:01:00.000Z",
        "updatedAt": "2026-01-01T09:01:00.000Z",
        "lastVersion": 1,
    }


def test_folds_items_payment_and_shipment_into_lines_totals_and_status() -> None:
    view = replay(
        [
            e(1, "OrderPlaced", {"customerId": "c-1"}),
            e(2, "ItemAdded", {"sku": "mug", "quantity": 2, "unitPriceCents": 1250}),
            e(3, "ItemAdded", {"sku": "cap", "quantity": 1, "unitPriceCents": 900}),
            e(4, "OrderPaid"),
            e(5, "OrderShipped", {"trackingNumber": "1Z999"}),
        ]
    )
    assert view is not None
    assert view["lines"] == [{"sku": "cap", "quantity": 1, "unitPriceCents": 900}, {"sku": "mug", "quantity": 2, "unitPriceCents": 1250}]
    assert [view["itemCount"], view["totalCents"], view["status"], view["trackingNumber"], view["lastVersion"]] == [3, 3400, "SHIPPED", "1Z999", 5]
    assert view["statusAt"] == "SHIPPED#2026-01-01T09:05:00.000Z"
    assert view["placedAt"] == "2026-01-01T09:01:00.000Z"


def test_merges_a_repeated_sku_at_the_latest_price_and_drops_a_removed_one() -> None:
    view = replay(
        [
            e(1, "OrderPlaced", {"customerId": "c-1"}),
            e(2, "ItemAdded", {"sku": "mug", "quantity": 1, "unitPriceCents": 1000}),
            e(3, "ItemAdded", {"sku": "mug", "quantity": 2, "unitPriceCents": 1200}),
            e(4, "ItemAdded", {"sku": "cap", "quantity": 1, "unitPriceCents": 900}),
            e(5, "ItemRemoved", {"sku": "cap"}),
            e(6, "ItemRemoved", {"sku": "never-added"}),
        ]
    )
    assert view is not None
    assert view["lines"] == [{"sku": "mug", "quantity": 3, "unitPriceCents": 1200}]
    assert [view["itemCount"], view["totalCents"], view["status"], view["lastVersion"]] == [3, 3600, "PLACED", 6]


def test_refuses_a_duplicate_an_out_of_order_version_and_a_second_order_placed() -> None:
    v2 = replay([e(1, "OrderPlaced", {"customerId": "c-1"}), e(2, "OrderPaid")])
    with pytest.raises(ProjectionError):
        evolve(v2, e(2, "OrderPaid"))
    with pytest.raises(ProjectionError, match="expected version 3, got 1"):
        evolve(v2, e(1, "OrderPlaced", {"customerId": "c-1"}))
    with pytest.raises(ProjectionError, match="expected version 3, got 4"):
        evolve(v2, e(4, "OrderShipped", {"trackingNumber": "x"}))
    with pytest.raises(ProjectionError, match="after the order exists"):
        evolve(v2, e(3, "OrderPlaced", {"customerId": "c-2"}))
    with pytest.raises(ProjectionError, match="first event must be OrderPlaced"):
        evolve(None, e(1, "OrderPaid"))
    with pytest.raises(ProjectionError, match="folded into o-1"):
        evolve(v2, parse_event(event("o-2", 3, "OrderPaid")))


def test_applies_a_late_event_as_the_fact_it_is_without_re_checking_business_rules() -> None:
    view = replay([e(1, "OrderPlaced", {"customerId": "c-1"}), e(2, "OrderCancelled", {"reason": "fraud"}), e(3, "OrderShipped", {"trackingNumber": "T"})])
    assert view is not None
    assert [view["status"], view["cancelReason"], view["trackingNumber"]] == ["SHIPPED", "fraud", "T"]


def test_never_changes_the_view_it_is_given() -> None:
    before = replay([e(1, "OrderPlaced", {"customerId": "c-1"}), e(2, "ItemAdded", {"sku": "mug", "quantity": 1, "unitPriceCents": 5})])
    assert before is not None
    snapshot = copy.deepcopy(before)
    # A read-only view of the top level: any assignment inside evolve would raise.
    after = evolve(MappingProxyType(before), e(3, "ItemAdded", {"sku": "mug", "quantity": 1, "unitPriceCents": 5}))  # type: ignore[arg-type]
    assert before == snapshot
    assert after["lines"][0]["quantity"] == 2


def test_gives_the_same_view_for_a_history_in_any_order_of_arrival() -> None:
    by_order: dict[str, list[dict[str, Any]]] = {}
    for item in histories(7, 20):
        by_order.setdefault(item["aggregateId"], []).append(parse_event(item))
    rng = random.Random(99)
    for history in by_order.values():
        expected = replay(history)
        for _ in range(5):
            shuffled = list(history)
            rng.shuffle(shuffled)
            assert replay(shuffled) == expected


def test_accepts_the_six_event_types_and_ignores_extra_attributes() -> None:
    parsed = parse_event({**event("o-1", 2, "ItemAdded", {"sku": "mug", "quantity": 2, "unitPriceCents": 0, "colour": "red"}), "writtenBy": "cli"})
    assert parsed == {
        "aggregateId": "o-1",
        "version": 2,
        "occurredAt": "2026-01-01T09:02:00.000Z",
        "type": "ItemAdded",
        "data": {"sku": "mug", "quantity": 2, "unitPriceCents": 0},
    }
    for kind in ("OrderPaid", "ItemRemoved", "OrderShipped", "OrderCancelled"):
        assert parse_event(event("o-1", 3, kind, {"sku": "s", "trackingNumber": "t", "reason": "r"}))["type"] == kind


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (event("o-1", 2, "OrderRefunded"), 'unknown event type "OrderRefunded"'),
        (event("o-1", 0, "OrderPaid"), "positive integer version"),
        (event("o-1", 1.5, "OrderPaid", minute=1), "positive integer version"),
        (event("o 1", 1, "OrderPlaced", {"customerId": "c-1"}), "aggregateId"),
        (event("o-1", 1, "OrderPlaced", {"customerId": "c 1"}), "customerId"),
        (event("o-1", 2, "ItemAdded", {"sku": "mug", "quantity": 0, "unitPriceCents": 10}), "quantity"),
        (event("o-1", 2, "ItemAdded", {"sku": "mug", "quantity": 1, "unitPriceCents": -1}), "unitPriceCents"),
        (event("o-1", 2, "ItemAdded", {"sku": "", "quantity": 1, "unitPriceCents": 1}), "sku"),
        (event("o-1", 2, "OrderShipped", {}), "trackingNumber"),
        ({**event("o-1", 2, "OrderPaid"), "occurredAt": "yesterday"}, "occurredAt"),
        ({**event("o-1", 2, "OrderPaid"), "data": ["x"]}, "data must be a map"),
    ],
)
def test_rejects_unknown_types_bad_versions_and_malformed_payloads(item: dict[str, Any], message: str) -> None:
    with pytest.raises(ProjectionError, match=message):
        parse_event(item)
