"""Counts a bucket listing one page at a time: the logic both the anti-pattern and the fix share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

# S3 returns at most 1,000 keys per ListObjectsV2 call; one invocation handles exactly one such page.
PAGE_SIZE = 1000


class Page(TypedDict, total=False):
    objects: int
    bytes: int
    next: str | None


ListPage = Callable[[str, "str | None"], Page]


def s3_list_page(client: Any, bucket: str) -> ListPage:
    def list_page(prefix: str, cursor: str | None) -> Page:
        request: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": PAGE_SIZE}
        if cursor is not None:
            request["ContinuationToken"] = cursor
        page = client.list_objects_v2(**request)
        contents = page.get("Contents", [])
        # A truncated page without a token would loop on the first page forever; treat it as the end.
        return {
            "objects": len(contents),
            "bytes": sum(o.get("Size", 0) for o in contents),
            "next": page.get("NextContinuationToken") if page.get("IsTruncated") else None,
        }

    return list_page


def parse_state(value: Any) -> dict[str, Any]:
    """Checks the state a caller handed in: the prefix must be a string S3 accepts, the totals numbers."""
    value = value if isinstance(value, dict) else {}
    prefix = value.get("prefix")
    if not isinstance(prefix, str) or len(prefix) > 1024:
        raise ValueError('An inventory needs a "prefix" string of at most 1,024 characters ("" walks the whole bucket).')
    cursor = value.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise ValueError('"cursor" must be a string when present.')
    totals = value.get("totals") or {"objects": 0, "bytes": 0, "pages": 0}
    for key in ("objects", "bytes", "pages"):
        number = totals.get(key) if isinstance(totals, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise ValueError(f'"totals.{key}" must be a whole number of at least 0.')
    state: dict[str, Any] = {"prefix": prefix}
    if cursor is not None:
        state["cursor"] = cursor
    state["totals"] = {"objects": totals["objects"], "bytes": totals["bytes"], "pages": totals["pages"]}
    return state


def count_page(list_page: ListPage, state: dict[str, Any]) -> dict[str, Any]:
    """Counts one page and returns the state after it; the cursor is absent once the listing has ended."""
    page = list_page(state["prefix"], state.get("cursor"))
    totals = state["totals"]
    after: dict[str, Any] = {"prefix": state["prefix"]}
    if page.get("next") is not None:
        after["cursor"] = page["next"]
    after["totals"] = {
        "objects": totals["objects"] + page.get("objects", 0),
        "bytes": totals["bytes"] + page.get("bytes", 0),
        "pages": totals["pages"] + 1,
    }
    return after
