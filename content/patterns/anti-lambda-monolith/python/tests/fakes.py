"""A stand-in for the boto3 DynamoDB client that records every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RecordingClient:
    def __init__(self, reply: Callable[[str, dict[str, Any]], Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._reply = reply or (lambda _name, _kwargs: {})

    def _record(self, name: str, kwargs: dict[str, Any]) -> Any:
        self.calls.append((name, kwargs))
        return self._reply(name, kwargs)

    def put_item(self, **kwargs: Any) -> Any:
        return self._record("put_item", kwargs)

    def get_item(self, **kwargs: Any) -> Any:
        return self._record("get_item", kwargs)

    def delete_item(self, **kwargs: Any) -> Any:
        return self._record("delete_item", kwargs)

    def transact_write_items(self, **kwargs: Any) -> Any:
        return self._record("transact_write_items", kwargs)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.calls]
