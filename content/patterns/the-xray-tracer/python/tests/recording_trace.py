"""Records what a handler would tell X-Ray: which spans it opened and what it annotated inside them."""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

T = TypeVar("T")


class RecordingTrace:
    def __init__(self, trace_id: str = "1-6740a1b2-0123456789abcdef01234567") -> None:
        self.spans: list[str] = []
        self.annotations: list[tuple[Optional[str], str, Any]] = []
        self._open: Optional[str] = None
        self._trace_id = trace_id

    def annotate(self, key: str, value: Any) -> None:
        self.annotations.append((self._open, key, value))

    def span(self, name: str, work: Callable[[], T]) -> T:
        self.spans.append(name)
        outer, self._open = self._open, name
        try:
            return work()
        finally:
            self._open = outer

    def trace_id(self) -> Optional[str]:
        return self._trace_id

    def annotated(self, key: str) -> list[Any]:
        return [value for _span, k, value in self.annotations if k == key]
