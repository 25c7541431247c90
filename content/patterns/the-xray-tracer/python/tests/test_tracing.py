from contextlib import contextmanager
from typing import Any, Iterator

import pytest

from tracing import PowertoolsTrace


class StandInTracer:
    """The three parts of a Powertools Tracer the adapter uses, recorded instead of sent to X-Ray."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.provider = self

    def put_annotation(self, key: str, value: Any) -> None:
        self.calls.append(("annotation", (key, value)))

    @contextmanager
    def in_subsegment(self, name: str) -> Iterator[None]:
        self.calls.append(("open", name))
        try:
            yield
        finally:
            self.calls.append(("close", name))

    def capture_lambda_handler(self, handle: Any) -> Any:
        self.calls.append(("handler", handle.__name__))
        return handle


def test_passes_results_and_errors_through_unchanged_and_closes_every_span() -> None:
    tracer = StandInTracer()
    trace = PowertoolsTrace(tracer)
    assert trace.span("### step", lambda: "done") == "done"
    with pytest.raises(RuntimeError, match="boom"):
        trace.span("### failing step", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    trace.annotate("orderId", "o-1")
    assert tracer.calls == [
        ("open", "### step"),
        ("close", "### step"),
        ("open", "### failing step"),
        ("close", "### failing step"),
        ("annotation", ("orderId", "o-1")),
    ]


def test_reads_the_trace_id_lambda_sets_for_the_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    trace = PowertoolsTrace(StandInTracer())
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
    assert trace.trace_id() is None
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-6740a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1")
    assert trace.trace_id() == "1-6740a1b2-0123456789abcdef01234567"


def test_wraps_the_handler_with_powertools_capture_lambda_handler() -> None:
    tracer = StandInTracer()

    def handle(event: Any, _context: Any) -> Any:
        return event

    assert PowertoolsTrace(tracer).handler(handle)({"a": 1}, None) == {"a": 1}
    assert tracer.calls == [("handler", "handle")]
