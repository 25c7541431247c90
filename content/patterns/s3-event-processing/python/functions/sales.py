"""Row validation, tallying and the totals write shared by both processors."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote_plus
from typing import Any, TypedDict

Row = dict[str, Any]

ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
SKU = re.compile(r"[A-Z0-9-]{1,32}")
QUANTITY = re.compile(r"\d{1,4}")
PRICE = re.compile(r"(\d{1,5})(?:\.(\d{1,2}))?")
# Bounds that keep a 5 MiB file's revenue, in cents, well inside a safe integer in both languages.
MAX_QUANTITY = 1000


class Sale(TypedDict):
    orderId: str
    sku: str
    units: int
    cents: int


class Totals(TypedDict):
    rows: int
    rejected: int
    units: int
    revenueCents: int


def _text(row: Row, column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def parse_sale(row: Row) -> Sale | None:
    """A valid sale, with money in whole cents, or None for a row missing a column or out of range."""
    order_id, sku, quantity = _text(row, "orderId"), _text(row, "sku"), _text(row, "quantity")
    price = PRICE.fullmatch(_text(row, "unitPrice"))
    if not ORDER_ID.fullmatch(order_id) or not SKU.fullmatch(sku) or not QUANTITY.fullmatch(quantity) or not price:
        return None
    units = int(quantity)
    if units < 1 or units > MAX_QUANTITY:
        return None
    cents = int(price.group(1)) * 100 + int((price.group(2) or "").ljust(2, "0"))
    return {"orderId": order_id, "sku": sku, "units": units, "cents": cents}


def tally(rows: list[Row]) -> Totals:
    """Counts every row, adds up the valid ones and counts the rest as rejected."""
    totals: Totals = {"rows": 0, "rejected": 0, "units": 0, "revenueCents": 0}
    for row in rows:
        totals["rows"] += 1
        sale = parse_sale(row)
        if sale is None:
            totals["rejected"] += 1
            continue
        totals["units"] += sale["units"]
        totals["revenueCents"] += sale["units"] * sale["cents"]
    return totals


def parse_csv(text: str) -> list[Row]:
    """RFC 4180 CSV with a header row, as records keyed by the header, as the Step Functions CSV reader reads it."""
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r and r != [""]]
    if not records:
        return []
    columns = [name.strip() for name in records[0]]
    return [{name: (values[i] if i < len(values) else None) for i, name in enumerate(columns)} for values in records[1:]]


def object_key_of(event_key: str) -> str:
    """The object key S3 names in an event, as GetObject wants it.

    S3 URL-encodes keys in its event notifications (a space arrives as `+`); keys of letters, digits
    and `/._-` read the same either way.
    """
    return unquote_plus(event_key)


def upload_id_of(detail: dict[str, Any]) -> str:
    """One upload of one object: the sequencer changes with every write to a key, a redelivery repeats it."""
    return f"{detail['bucket']['name']}/{detail['object']['key']}@{detail['object']['sequencer']}"


def dynamo_add_totals(client: Any, table_name: str):
    def add_totals(upload_id: str, object_key: str, totals: Totals, complete: bool) -> None:
        # One UpdateItem: the whole effect of a file or a batch lands at once, or not at all.
        # ADD is not idempotent on its own; the idempotency layer in front of it is what stops a second run.
        names = {"#rows": "rows", **({"#status": "status"} if complete else {})}
        values = {
            ":rows": {"N": str(totals["rows"])},
            ":rejected": {"N": str(totals["rejected"])},
            ":units": {"N": str(totals["units"])},
            ":cents": {"N": str(totals["revenueCents"])},
            ":key": {"S": object_key},
            **({":complete": {"S": "COMPLETE"}} if complete else {}),
        }
        client.update_item(
            TableName=table_name,
            Key={"uploadId": {"S": upload_id}},
            UpdateExpression="ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key"
            + (", #status = :complete" if complete else ""),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    return add_totals
