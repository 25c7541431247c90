import pytest

from cross_account_event_routing.routing import Routing, consumer_bus_arn, read_routing


class Context:
    def __init__(self, **values: object) -> None:
        self.values = values

    def try_get_context(self, key: str) -> object:
        return self.values.get(key)


def test_builds_the_consumer_bus_arn_from_context_alone() -> None:
    routing = read_routing(
        Context(producerAccount="012345678901", consumerAccount="210987654321", region="eu-west-1", consumerBusName="partner-orders")
    )
    assert routing == Routing("012345678901", "210987654321", "eu-west-1", "partner-orders")
    assert consumer_bus_arn(routing) == "arn:aws:events:eu-west-1:210987654321:event-bus/partner-orders"


def test_falls_back_to_placeholders_that_synthesize_but_no_account_can_deploy() -> None:
    routing = read_routing(Context())
    assert (routing.producer_account, routing.consumer_account) == ("111111111111", "222222222222")
    assert consumer_bus_arn(routing) == "arn:aws:events:us-east-1:222222222222:event-bus/shipped-orders-inbound"


def test_refuses_account_ids_that_are_not_twelve_digits_or_the_same_account_twice() -> None:
    with pytest.raises(ValueError, match="producerAccount must be a 12-digit"):
        read_routing(Context(producerAccount="12345"))
    with pytest.raises(ValueError, match="must be a string"):
        read_routing(Context(consumerAccount=123456789012))
    with pytest.raises(ValueError, match="same account"):
        read_routing(Context(producerAccount="333333333333", consumerAccount="333333333333"))


def test_refuses_a_region_or_bus_name_that_would_make_a_wrong_arn() -> None:
    with pytest.raises(ValueError, match="Region code"):
        read_routing(Context(region="Ireland"))
    for name in ("a/b", "default"):
        with pytest.raises(ValueError, match="custom bus name"):
            read_routing(Context(consumerBusName=name))
