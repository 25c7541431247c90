"""The event contract of the pipeline, shared by the stack (rule patterns) and the handlers.

The extract task keeps its own copy of the names (task/extract.ts); a test checks they agree.
"""

from __future__ import annotations

from typing import TypedDict

# Every source starts with this, which is how the observer rule sees the whole pipeline.
SOURCE_PREFIX = "etl."
EXTRACT_SOURCE = "etl.extract"
TRANSFORM_SOURCE = "etl.transform"

# RunTask's startedBy on every extract task; the rule that reports failed tasks matches on it.
TASK_STARTED_BY = "etl-extractor"

ROW_EXTRACTED = "RowExtracted"
FILE_EXTRACTED = "FileExtracted"
ROW_TRANSFORMED = "RowTransformed"
ROW_REJECTED = "RowRejected"


class RowOrigin(TypedDict):
    """Where a row came from; carried on every row event so any step can be traced to its file."""

    bucket: str
    key: str
    row: int


class RowExtractedDetail(RowOrigin):
    fields: dict[str, str]


class Order(TypedDict):
    orderId: str
    customer: str
    amountCents: int
    currency: str
    orderDate: str


class RowTransformedDetail(RowOrigin):
    order: Order


class RowRejectedDetail(RowOrigin):
    errors: list[str]
