"""Where the two halves of the pattern live.

Both stacks read the same context values, so the producer can write down the consumer bus's ARN
without asking the consumer account for it: stacks in different accounts cannot share outputs or references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

# Placeholders that synthesize; `cdk deploy` refuses them until real account ids are given.
PLACEHOLDER_PRODUCER_ACCOUNT = "111111111111"
PLACEHOLDER_CONSUMER_ACCOUNT = "222222222222"
DEFAULT_REGION = "us-east-1"
# A fixed, known name is what lets the producer address the bus before or without reading the consumer stack.
DEFAULT_CONSUMER_BUS_NAME = "shipped-orders-inbound"


class _Context(Protocol):
    def try_get_context(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Routing:
    producer_account: str
    consumer_account: str
    region: str
    consumer_bus_name: str


def _read(node: _Context, key: str, fallback: str) -> str:
    value = node.try_get_context(key)
    if value is None or value == "":
        return fallback
    # `-c producerAccount=012345678901` arrives as a string, but a number in cdk.json would lose a leading zero.
    if not isinstance(value, str):
        raise ValueError(f"Context value {key} must be a string, got {type(value).__name__}.")
    return value.strip()


def read_routing(node: _Context) -> Routing:
    """Reads and checks the routing context; a typo here would only surface as refused events after deploy."""
    routing = Routing(
        producer_account=_read(node, "producerAccount", PLACEHOLDER_PRODUCER_ACCOUNT),
        consumer_account=_read(node, "consumerAccount", PLACEHOLDER_CONSUMER_ACCOUNT),
        region=_read(node, "region", DEFAULT_REGION),
        consumer_bus_name=_read(node, "consumerBusName", DEFAULT_CONSUMER_BUS_NAME),
    )
    for key, value in (("producerAccount", routing.producer_account), ("consumerAccount", routing.consumer_account)):
        if not re.fullmatch(r"[0-9]{12}", value):
            raise ValueError(f'Context value {key} must be a 12-digit AWS account id, got "{value}".')
    if routing.producer_account == routing.consumer_account:
        raise ValueError("producerAccount and consumerAccount are the same account; this pattern routes events between two accounts.")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]", routing.region):
        raise ValueError(f'Context value region must be a Region code such as eu-west-1, got "{routing.region}".')
    # EventBridge allows letters, digits and . - _ in a bus name; a slash would change the ARN's meaning.
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,256}", routing.consumer_bus_name) or routing.consumer_bus_name == "default":
        raise ValueError(
            f'Context value consumerBusName must be a custom bus name (letters, digits, . - _), got "{routing.consumer_bus_name}".'
        )
    return routing


def consumer_bus_arn(routing: Routing, partition: str = "aws") -> str:
    """The consumer bus ARN, written from context alone. Same Region on both sides: this pattern does not cross Regions."""
    return f"arn:{partition}:events:{routing.region}:{routing.consumer_account}:event-bus/{routing.consumer_bus_name}"
