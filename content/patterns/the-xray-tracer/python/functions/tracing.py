"""Tracing through Powertools for AWS Lambda (Python) Tracer, behind a small interface.

The handlers talk to `Trace`, so unit tests can record what they would tell X-Ray. In Lambda,
`powertools_trace()` builds one Tracer per execution environment: POWERTOOLS_SERVICE_NAME (set by
the stack) names the service, and creating it patches boto3 and the standard library's HTTP
client, so every AWS and HTTPS call becomes its own subsegment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Optional, Protocol, TypeVar

T = TypeVar("T")
Handler = Callable[[Any, Any], Any]


class Trace(Protocol):
    def annotate(self, key: str, value: str | int | float | bool) -> None:
        """Indexed key/value on the current subsegment: searchable with X-Ray filter expressions."""

    def span(self, name: str, work: Callable[[], T]) -> T:
        """Runs a piece of work in its own named subsegment, so it gets its own bar on the timeline."""

    def trace_id(self) -> Optional[str]:
        """The root id of the current trace, to hand back to callers and store with data."""


def trace_root_of(header: Optional[str]) -> Optional[str]:
    """"Root=1-abc-def;Parent=...;Sampled=1" -> "1-abc-def", the id X-Ray search understands."""
    for part in (header or "").split(";"):
        if part.startswith("Root="):
            return part[len("Root=") :]
    return None


class PowertoolsTrace:
    """`Trace` on top of a Powertools Tracer."""

    def __init__(self, tracer: Any) -> None:
        self._tracer = tracer

    def annotate(self, key: str, value: str | int | float | bool) -> None:
        self._tracer.put_annotation(key=key, value=value)

    def span(self, name: str, work: Callable[[], T]) -> T:
        # The subsegment records an exception raised inside it before passing it on.
        with self._tracer.provider.in_subsegment(name):
            return work()

    def trace_id(self) -> Optional[str]:
        # Lambda sets this for every invocation; it is the header of the trace this one belongs to.
        return trace_root_of(os.environ.get("_X_AMZN_TRACE_ID"))

    def handler(self, handle: Handler) -> Handler:
        """Runs the handler inside a "## <handler>" subsegment.

        Lambda's own segment is read-only to function code, so annotations need a subsegment of
        ours to land on; this one also records cold starts, the service name, and the response or
        error as metadata.
        """
        return self._tracer.capture_lambda_handler(handle)


_trace: Optional[PowertoolsTrace] = None


def powertools_trace() -> PowertoolsTrace:
    """One Tracer per execution environment; create it before any boto3 client, so the client is patched."""
    global _trace
    if _trace is None:
        from aws_lambda_powertools import Tracer

        _trace = PowertoolsTrace(Tracer())
    return _trace
