"""Tracing through Powertools for AWS Lambda (Python) Tracer, behind a small interface.

The handler talks to `Trace`, so unit tests can record what it would tell X-Ray.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Trace(Protocol):
    def annotate(self, key: str, value: str | int | float | bool) -> None:
        """An indexed key on the handler's subsegment: X-Ray can search traces by it."""

    def span(self, name: str, work: Callable[[], T]) -> T:
        """Runs a step in its own named subsegment, so it gets its own bar on the trace timeline."""


class PowertoolsTrace:
    """`Trace` on a Powertools Tracer (which switches itself off outside Lambda)."""

    def __init__(self, tracer: Any) -> None:
        self._tracer = tracer

    def annotate(self, key: str, value: str | int | float | bool) -> None:
        self._tracer.put_annotation(key=key, value=value)

    def span(self, name: str, work: Callable[[], T]) -> T:
        # The subsegment records an exception raised inside it before passing it on.
        with self._tracer.provider.in_subsegment(name):
            return work()
