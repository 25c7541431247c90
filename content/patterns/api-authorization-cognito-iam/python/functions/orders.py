"""Lists and places orders for whoever API Gateway says called: a Cognito user or an IAM (SigV4) service."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Protocol

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Scopes the people routes demand; API Gateway checks them first, the handler checks again.
READ_SCOPE = "orders/read"
WRITE_SCOPE = "orders/write"
# At most this many orders come back from one list call.
PAGE_SIZE = 50

# Cognito user ids (`sub`) are UUIDs; anything else in the owner path segment is a mistake.
OWNER = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

Caller = dict[str, Any]
Order = dict[str, Any]


class OrdersStore(Protocol):
    """The two table calls the handler makes, so tests can stand in for DynamoDB."""

    def list(self, owner: str) -> list[Order]: ...

    def put(self, order: Order) -> None: ...


def caller_from(event: dict[str, Any]) -> Caller | None:
    """Who called, read only from what API Gateway put in the request context after it authorized
    the call: the verified token's claims, or the SigV4 signer's ARN. Headers and body are never
    trusted for identity. Returns None when neither is there."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    sub = claims.get("sub")
    if isinstance(sub, str) and sub and claims.get("token_use") == "access":
        scope = claims.get("scope")
        return {
            "kind": "user",
            "sub": sub,
            "username": claims.get("username") if isinstance(claims.get("username"), str) else "",
            "clientId": claims.get("client_id") if isinstance(claims.get("client_id"), str) else "",
            "scopes": [s for s in scope.split(" ") if s] if isinstance(scope, str) else [],
        }
    identity = context.get("identity") or {}
    if identity.get("userArn") and identity.get("accountId"):
        return {"kind": "service", "arn": identity["userArn"], "accountId": identity["accountId"]}
    return None


def parse_new_order(body: str | None) -> dict[str, Any] | None:
    """The same rules as the API's request model, so a call that skips the model is still checked."""
    try:
        value = json.loads(body or "")
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) != {"item", "quantity"}:
        return None
    item, quantity = value["item"], value["quantity"]
    if not isinstance(item, str) or not item.strip() or len(item) > 100:
        return None
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100:
        return None
    return {"item": item.strip(), "quantity": quantity}


class DynamoStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def list(self, owner: str) -> list[Order]:
        result = self._client.query(
            TableName=self._table,
            KeyConditionExpression="#owner = :owner",
            ExpressionAttributeNames={"#owner": "owner"},
            ExpressionAttributeValues={":owner": {"S": owner}},
            Limit=PAGE_SIZE,
        )
        return [
            {
                "owner": i.get("owner", {}).get("S", ""),
                "orderId": i.get("orderId", {}).get("S", ""),
                "item": i.get("item", {}).get("S", ""),
                "quantity": int(i.get("quantity", {}).get("N", "0")),
                "createdAt": i.get("createdAt", {}).get("S", ""),
                "createdBy": i.get("createdBy", {}).get("S", ""),
            }
            for i in result.get("Items", [])
        ]

    def put(self, order: Order) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                "owner": {"S": order["owner"]},
                "orderId": {"S": order["orderId"]},
                "item": {"S": order["item"]},
                "quantity": {"N": str(order["quantity"])},
                "createdAt": {"S": order["createdAt"]},
                "createdBy": {"S": order["createdBy"]},
            },
            # A fresh UUID never collides; the condition turns a bug that reuses one into an error, not an overwrite.
            ConditionExpression="attribute_not_exists(orderId)",
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _describe(caller: Caller) -> dict[str, Any]:
    """What the caller is told about themselves: enough to see which identity the API saw."""
    if caller["kind"] == "user":
        return {"type": "user", "sub": caller["sub"], "username": caller["username"], "clientId": caller["clientId"], "scopes": caller["scopes"]}
    return {"type": "service", "arn": caller["arn"], "accountId": caller["accountId"]}


def create_handler(
    store: OrdersStore,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        caller = caller_from(event)
        # API Gateway never invokes this function without an authorized caller; if it ever
        # does (an authorizer removed by mistake), refuse rather than serve an anonymous call.
        if caller is None:
            return _json(401, {"message": "No verified caller identity on this request."})

        method = event.get("httpMethod")
        route = f"{method} {event.get('resource')}"
        is_service_route = route.endswith("/internal/orders/{owner}")
        # People routes are for tokens, service routes for SigV4; never the other way round.
        if is_service_route != (caller["kind"] == "service"):
            return _json(403, {"message": "This route is not for your kind of caller."})

        if caller["kind"] == "user":
            needed = READ_SCOPE if method == "GET" else WRITE_SCOPE
            if needed not in caller["scopes"]:
                return _json(403, {"message": f"The access token lacks the {needed} scope."})
            # A person only ever sees and writes their own orders: the key comes from the verified token.
            owner = caller["sub"]
        else:
            owner = (event.get("pathParameters") or {}).get("owner") or ""
            if not OWNER.match(owner):
                return _json(400, {"message": "The owner must be a user pool sub (a UUID)."})

        try:
            if route in ("GET /orders", "GET /internal/orders/{owner}"):
                return _json(200, {"caller": _describe(caller), "owner": owner, "orders": store.list(owner)})
            if route in ("POST /orders", "POST /internal/orders/{owner}"):
                new_order = parse_new_order(event.get("body"))
                if new_order is None:
                    return _json(400, {"message": 'Send {"item": "1-100 characters", "quantity": 1-100}.'})
                order = {
                    "owner": owner,
                    "orderId": new_id(),
                    **new_order,
                    "createdAt": _iso(now()),
                    "createdBy": f"user:{caller['sub']}" if caller["kind"] == "user" else caller["arn"],
                }
                store.put(order)
                return _json(201, {"caller": _describe(caller), "order": order})
            return _json(404, {"message": "No such route."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep internals out of the response.
            logger.error(json.dumps({"message": "orders call failed", "route": route, "error": str(error)}))
            return _json(500, {"message": "Orders are unavailable right now."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(DynamoStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE_NAME"]))
    return _handler(event, context)
