import pytest
from aws_cdk.assertions import Template

from choreography_saga.choreography_saga_stack import ChoreographySagaStack
from contract import PAYMENT_LIMIT_CENTS, SOLD_OUT_PREFIX
from tests.cdk_app import app_from_cdk_json
from tests.fakes import quiet
from tests.saga_world import SagaWorld, submitted

HAPPY = {"orderId": "ord-1001", "amountCents": 4_200, "sku": "BOOK-42", "quantity": 1}
DECLINED = {"orderId": "ord-1002", "amountCents": PAYMENT_LIMIT_CENTS + 1, "sku": "BOOK-42", "quantity": 1}
SOLD_OUT = {"orderId": "ord-1003", "amountCents": 4_200, "sku": f"{SOLD_OUT_PREFIX}LAMP", "quantity": 2}

# The whole saga, end to end: real handlers over fake tables, connected only by the synthesized rules.


@pytest.fixture(scope="module")
def template() -> Template:
    quiet()
    return Template.from_stack(ChoreographySagaStack(app_from_cdk_json(), "Saga-Under-Test"))


def types_of(world: SagaWorld) -> list[str]:
    return [e["detail-type"] for e in world.published]


def test_settles_a_good_order_as_confirmed_charged_and_reserved_one_event_per_step(template: Template) -> None:
    world = SagaWorld(template)
    world.put(submitted(HAPPY))
    assert types_of(world) == ["OrderPlaced", "PaymentCompleted", "StockReserved", "OrderConfirmed"]
    assert world.status_of("ord-1001") == {"order": "CONFIRMED", "payment": "CHARGED", "stock": "RESERVED"}
    assert [d["service"] for d in world.deliveries] == ["orders", "payments", "inventory", "orders"]


def test_cancels_an_order_over_the_card_limit_after_the_payment_is_declined_without_reaching_inventory(template: Template) -> None:
    world = SagaWorld(template)
    world.put(submitted(DECLINED))
    assert types_of(world) == ["OrderPlaced", "PaymentFailed", "OrderCancelled"]
    assert world.status_of("ord-1002") == {"order": "CANCELLED", "payment": "DECLINED", "stock": None}
    assert world.tables["orders"].get("ord-1002")["cancelReason"] == "PAYMENT_DECLINED"
    assert world.published[-1]["detail"] == {"orderId": "ord-1002", "reason": "PAYMENT_DECLINED"}


def test_refunds_the_charge_and_then_cancels_the_order_when_the_stock_is_sold_out(template: Template) -> None:
    world = SagaWorld(template)
    world.put(submitted(SOLD_OUT))
    assert types_of(world) == ["OrderPlaced", "PaymentCompleted", "StockFailed", "PaymentRefunded", "OrderCancelled"]
    assert world.status_of("ord-1003") == {"order": "CANCELLED", "payment": "REFUNDED", "stock": "FAILED"}
    assert world.tables["orders"].get("ord-1003")["cancelReason"] == "OUT_OF_STOCK"
    assert [d["service"] for d in world.deliveries] == ["orders", "payments", "inventory", "payments", "orders"]


def test_ends_every_path_in_the_same_state_when_each_event_is_delivered_twice_charging_and_refunding_once(template: Template) -> None:
    for order in (HAPPY, DECLINED, SOLD_OUT):
        once = SagaWorld(template)
        once.put(submitted(order))
        twice = SagaWorld(template, duplicate=True)
        twice.put(submitted(order))
        assert twice.status_of(order["orderId"]) == once.status_of(order["orderId"]), order["orderId"]
        # Each step changed state exactly once; every other delivery was a no-op write plus, at most, a republish.
        advanced = [f"{d['service']}:{d['event']['detail-type']}" for d in twice.deliveries if d["outcome"]["action"] == "advanced"]
        assert advanced == [f"{d['service']}:{d['event']['detail-type']}" for d in once.deliveries], order["orderId"]
        assert len(twice.deliveries) > len(once.deliveries)
        assert len(twice.tables["payments"].items) == 1
        assert twice.tables["payments"].get(order["orderId"]) == once.tables["payments"].get(order["orderId"])


def test_keeps_sagas_for_different_orders_apart_each_keyed_by_its_own_order_id(template: Template) -> None:
    world = SagaWorld(template)
    for order in (HAPPY, DECLINED, SOLD_OUT):
        world.put(submitted(order))
    assert world.status_of("ord-1001") == {"order": "CONFIRMED", "payment": "CHARGED", "stock": "RESERVED"}
    assert world.status_of("ord-1002") == {"order": "CANCELLED", "payment": "DECLINED", "stock": None}
    assert world.status_of("ord-1003") == {"order": "CANCELLED", "payment": "REFUNDED", "stock": "FAILED"}
