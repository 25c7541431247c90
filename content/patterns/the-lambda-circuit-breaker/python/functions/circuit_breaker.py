"""A small circuit breaker whose state lives outside the function.

Every concurrent execution environment sees the same circuit. It knows nothing about AWS:
the store is injected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, Optional, Protocol, TypeVar

CircuitState = Literal["CLOSED", "OPEN", "HALF_OPEN"]
T = TypeVar("T")


@dataclass(frozen=True)
class BreakerOptions:
    # Consecutive failures, while CLOSED, that open the circuit.
    failure_threshold: int
    # Consecutive successful trial calls, while HALF_OPEN, that close it again.
    success_threshold: int
    # How long the circuit stays OPEN before a trial call is allowed.
    timeout_ms: int
    # How long one trial call holds the HALF_OPEN circuit; other callers fail fast meanwhile.
    trial_lease_ms: int


@dataclass(frozen=True)
class BreakerRecord:
    state: CircuitState = "CLOSED"
    failure_count: int = 0
    success_count: int = 0
    # OPEN: no calls before this time (epoch ms).
    open_until: int = 0
    # HALF_OPEN: a trial call is in flight until this time (epoch ms).
    trial_until: int = 0
    # Incremented on every write; the store only accepts a write made from the latest version.
    version: int = 0


INITIAL_RECORD = BreakerRecord()


class StateStore(Protocol):
    """Shared state, for example one DynamoDB item."""

    def load(self) -> Optional[BreakerRecord]: ...

    def save(self, next_record: BreakerRecord, expected_version: int) -> bool:
        """Writes `next_record` only if the stored version is still `expected_version`; False when someone else wrote first."""
        ...


@dataclass(frozen=True)
class Admission:
    allowed: bool
    next: Optional[BreakerRecord] = None
    retry_after_ms: int = 0


def admit(record: BreakerRecord, now: int, options: BreakerOptions) -> Admission:
    """Before a call: may it go ahead, and must the state change first?"""
    if record.state == "OPEN":
        if now < record.open_until:
            return Admission(allowed=False, retry_after_ms=record.open_until - now)
        return Admission(allowed=True, next=replace(record, state="HALF_OPEN", success_count=0, trial_until=now + options.trial_lease_ms))
    if record.state == "HALF_OPEN":
        if now < record.trial_until:
            return Admission(allowed=False, retry_after_ms=record.trial_until - now)
        # The previous trial finished (or its caller died); this call takes the next turn.
        return Admission(allowed=True, next=replace(record, trial_until=now + options.trial_lease_ms))
    return Admission(allowed=True)


def on_success(record: BreakerRecord, _now: int, options: BreakerOptions) -> Optional[BreakerRecord]:
    """After a successful call. None means there is nothing to write."""
    if record.state == "CLOSED":
        # Only a streak of failures needs resetting; a healthy circuit costs no write.
        return replace(record, failure_count=0) if record.failure_count > 0 else None
    if record.state == "HALF_OPEN":
        success_count = record.success_count + 1
        if success_count >= options.success_threshold:
            return replace(INITIAL_RECORD, version=record.version)
        return replace(record, success_count=success_count, trial_until=0)
    # OPEN: another caller opened the circuit meanwhile; one late success does not overrule it.
    return None


def on_failure(record: BreakerRecord, now: int, options: BreakerOptions) -> Optional[BreakerRecord]:
    """After a failed call. None means there is nothing to write."""
    opened = replace(INITIAL_RECORD, state="OPEN", open_until=now + options.timeout_ms, version=record.version)
    if record.state == "CLOSED":
        failure_count = record.failure_count + 1
        return opened if failure_count >= options.failure_threshold else replace(record, failure_count=failure_count)
    if record.state == "HALF_OPEN":
        # The trial failed: the dependency is still unwell, so wait a full timeout again.
        return opened
    return None


class CircuitOpenError(Exception):
    def __init__(self, state: CircuitState, retry_after_ms: int) -> None:
        super().__init__(f"The circuit is {state}; retry in {math.ceil(retry_after_ms / 1000)} s.")
        self.state = state
        self.retry_after_ms = retry_after_ms


# Optimistic writes are retried this often before the breaker gives up on a transition.
MAX_WRITE_ATTEMPTS = 3

Rule = Callable[[BreakerRecord, int, BreakerOptions], Optional[BreakerRecord]]


class CircuitBreaker:
    def __init__(
        self,
        store: StateStore,
        options: BreakerOptions,
        clock: Callable[[], int],
        on_state_change: Optional[Callable[[CircuitState, CircuitState], None]] = None,
        on_store_error: Optional[Callable[[Exception], None]] = None,
    ) -> None:
        """`on_store_error`: the store failed; the breaker carries on as if CLOSED rather than block every call."""
        if options.failure_threshold < 1 or options.success_threshold < 1:
            raise ValueError("Thresholds must be at least 1.")
        if options.timeout_ms <= 0 or options.trial_lease_ms <= 0:
            raise ValueError("Timeouts must be positive.")
        self._store = store
        self._options = options
        self._clock = clock
        self._on_state_change = on_state_change
        self._on_store_error = on_store_error
        self._last_state: CircuitState = "CLOSED"

    @property
    def state(self) -> CircuitState:
        """The state this instance last read or wrote."""
        return self._last_state

    def fire(self, request: Callable[[], T]) -> T:
        """Runs `request` if the circuit allows it, records the outcome, and returns or re-raises its result."""
        self._enter()
        try:
            result = request()
        except Exception:
            self._transition(on_failure)
            raise
        self._transition(on_success)
        return result

    def _enter(self) -> None:
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            current = self._load()
            if current is None:
                return  # store unavailable: fail open
            admission = admit(current, self._clock(), self._options)
            if not admission.allowed:
                raise CircuitOpenError(current.state, admission.retry_after_ms)
            if admission.next is None:
                return
            # Claiming the trial must win a conditional write, so only one caller gets it.
            if self._save(current, admission.next):
                return
        # Every attempt lost a race for the trial call: someone else is testing the dependency.
        raise CircuitOpenError("HALF_OPEN", self._options.trial_lease_ms)

    def _transition(self, rule: Rule) -> None:
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            current = self._load()
            if current is None:
                return
            next_record = rule(current, self._clock(), self._options)
            if next_record is None or self._save(current, next_record):
                return

    def _load(self) -> Optional[BreakerRecord]:
        try:
            record = self._store.load() or INITIAL_RECORD
        except Exception as error:  # noqa: BLE001 - any store failure means failing open
            if self._on_store_error:
                self._on_store_error(error)
            return None
        self._last_state = record.state
        return record

    def _save(self, current: BreakerRecord, next_record: BreakerRecord) -> bool:
        try:
            saved = self._store.save(replace(next_record, version=current.version + 1), current.version)
        except Exception as error:  # noqa: BLE001
            if self._on_store_error:
                self._on_store_error(error)
            # Treat as written: retrying a failing store would only add latency to every call.
            return True
        if saved:
            self._last_state = next_record.state
            if next_record.state != current.state and self._on_state_change:
                self._on_state_change(current.state, next_record.state)
        return saved
