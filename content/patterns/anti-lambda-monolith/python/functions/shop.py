"""The shop's operations as plain functions that take the DynamoDB client as a parameter.

Both stacks run this same code: the monolith calls all four from one switch, the fix gives each its
own function. Moving the code was never the hard part of the split; the handler around it was.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

MAX_ORDER_LINES = 25
MAX_QUANTITY = 100

_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SKU = re.compile(r"^[A-Z0-9-]{1,32}$")


class BadRequest(Exception):
    """A request the caller got wrong: answered 400 with this message."""


@dataclass
class Reply:
    """What an operation answers; the HTTP layer turns it into an API Gateway response."""

    status_code: int
    body: Any = field(default=None)


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_id(value: str | None) -> bool:
    """Ids are the UUIDs this API hands out; anything else cannot exist, so it is never looked up."""
    return isinstance(value, str) and _ID.match(value) is not None


def _record(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def parse_customer(body: Any) -> dict[str, str]:
    data = _record(body)
    name, email = data.get("name"), data.get("email")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise BadRequest("name must be a string of 1 to 100 characters.")
    if not isinstance(email, str) or len(email) > 254 or not _EMAIL.match(email):
        raise BadRequest("email must be an e-mail address.")
    return {"name": name.strip(), "email": email.lower()}


def parse_order(body: Any) -> list[dict[str, Any]]:
    lines = _record(body).get("lines")
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_ORDER_LINES:
        raise BadRequest(f"lines must be a list of 1 to {MAX_ORDER_LINES} order lines.")
    parsed = []
    for line in lines:
        data = _record(line)
        sku, quantity = data.get("sku"), data.get("quantity")
        if not isinstance(sku, str) or not _SKU.match(sku):
            raise BadRequest("Each sku must be 1 to 32 capital letters, digits or dashes.")
        # bool is an int in Python; JSON true is not a quantity.
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise BadRequest(f"Each quantity must be a whole number from 1 to {MAX_QUANTITY}.")
        parsed.append({"sku": sku, "quantity": quantity})
    return parsed


def _not_found(what: str) -> Reply:
    return Reply(404, {"message": f"No such {what}."})


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _order_item(order: dict[str, Any]) -> dict[str, Any]:
    lines = [{"M": {"sku": _s(line["sku"]), "quantity": {"N": str(line["quantity"])}}} for line in order["lines"]]
    return {
        "orderId": _s(order["orderId"]),
        "customerId": _s(order["customerId"]),
        "lines": {"L": lines},
        "createdAt": _s(order["createdAt"]),
    }


def create_customer(client: Any, table: str, body: Any, new_id: Callable[[], str] = _new_id, now: Callable[[], datetime] = _now) -> Reply:
    customer = {"customerId": new_id(), **parse_customer(body), "createdAt": _iso(now())}
    # The condition turns the vanishingly rare id collision into an error instead of an overwrite.
    client.put_item(
        TableName=table,
        Item={key: _s(value) for key, value in customer.items()},
        ConditionExpression="attribute_not_exists(customerId)",
    )
    return Reply(201, customer)


def get_customer(client: Any, table: str, customer_id: str | None) -> Reply:
    if not is_id(customer_id):
        return _not_found("customer")
    item = client.get_item(TableName=table, Key={"customerId": _s(customer_id)}).get("Item")  # type: ignore[arg-type]
    if not item:
        return _not_found("customer")
    return Reply(200, {key: value["S"] for key, value in item.items() if "S" in value})


def delete_customer(client: Any, table: str, customer_id: str | None) -> Reply:
    if not is_id(customer_id):
        return _not_found("customer")
    # Deleting what is already gone is not an error: a retried DELETE answers the same.
    client.delete_item(TableName=table, Key={"customerId": _s(customer_id)})  # type: ignore[arg-type]
    return Reply(204)


def place_order(
    client: Any,
    tables: dict[str, str],
    customer_id: str | None,
    body: Any,
    new_id: Callable[[], str] = _new_id,
    now: Callable[[], datetime] = _now,
) -> Reply:
    if not is_id(customer_id):
        return _not_found("customer")
    order = {"orderId": new_id(), "customerId": customer_id, "lines": parse_order(body), "createdAt": _iso(now())}
    try:
        # One transaction: the order is written only if the customer exists at that moment, so a
        # customer deleted a millisecond earlier cannot collect an orphaned order.
        client.transact_write_items(
            TransactItems=[
                {
                    "ConditionCheck": {
                        "TableName": tables["customers"],
                        "Key": {"customerId": _s(customer_id)},  # type: ignore[arg-type]
                        "ConditionExpression": "attribute_exists(customerId)",
                    }
                },
                {"Put": {"TableName": tables["orders"], "Item": _order_item(order), "ConditionExpression": "attribute_not_exists(orderId)"}},
            ]
        )
    except Exception as error:
        response = getattr(error, "response", {}) or {}
        reasons = response.get("CancellationReasons") or []
        code = response.get("Error", {}).get("Code")
        if code == "TransactionCanceledException" and reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return _not_found("customer")
        raise
    return Reply(201, order)
