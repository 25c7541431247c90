import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Callable, Optional

import pytest

from circuit_breaker import (
    INITIAL_RECORD,
    Admission,
    BreakerOptions,
    BreakerRecord,
    CircuitBreaker,
    CircuitOpenError,
    admit,
    on_failure,
    on_success,
)

OPTIONS = BreakerOptions(failure_threshold=3, success_threshold=2, timeout_ms=15_000, trial_lease_ms=3_000)
T = 1_000_000


def rec(**changes: Any) -> BreakerRecord:
    return replace(INITIAL_RECORD, version=7, **changes)


class MemoryStore:
    """One shared item, with the same version check as the DynamoDB store.

    `meet_at_load=n` makes two threads wait for each other at their n-th load, so both read
    the same version before either writes: the race the conditional write has to settle.
    """

    def __init__(self, meet_at_load: Optional[int] = None) -> None:
        self.record: Optional[BreakerRecord] = None
        self.writes = 0
        self.fail_loads = False
        self.fail_saves = False
        self._lock = threading.Lock()
        self._meet_at_load = meet_at_load
        self._barrier = threading.Barrier(2, timeout=5)
        self._loads: dict[int, int] = {}

    def load(self) -> Optional[BreakerRecord]:
        if self.fail_loads:
            raise RuntimeError("ProvisionedThroughputExceededException")
        me = threading.get_ident()
        self._loads[me] = self._loads.get(me, 0) + 1
        with self._lock:
            record = self.record
        if self._meet_at_load == self._loads[me]:
            self._barrier.wait()
        return record

    def save(self, next_record: BreakerRecord, expected_version: int) -> bool:
        if self.fail_saves:
            raise RuntimeError("ProvisionedThroughputExceededException")
        with self._lock:
            if (self.record.version if self.record else 0) != expected_version:
                return False
            self.record = next_record
            self.writes += 1
            return True


class Setup:
    def __init__(self, store: Optional[MemoryStore] = None) -> None:
        self.store = store or MemoryStore()
        self.now = T
        self.changes: list[str] = []
        self.store_errors: list[Exception] = []
        self.breaker = self.another()

    def another(self) -> CircuitBreaker:
        return CircuitBreaker(
            self.store,
            OPTIONS,
            lambda: self.now,
            on_state_change=lambda a, b: self.changes.append(f"{a}->{b}"),
            on_store_error=self.store_errors.append,
        )

    def advance(self, ms: int) -> None:
        self.now += ms


def ok() -> str:
    return "fine"


def boom() -> str:
    raise RuntimeError("downstream 500")


def fail_times(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        with pytest.raises(RuntimeError, match="downstream 500"):
            breaker.fire(boom)


def both(first: Callable[[], Any], second: Callable[[], Any]) -> list[tuple[bool, Any]]:
    """Runs two calls at the same time, like two execution environments, and returns (succeeded, value or error)."""

    def settle(fn: Callable[[], Any]) -> tuple[bool, Any]:
        try:
            return True, fn()
        except Exception as error:  # noqa: BLE001
            return False, error

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(settle, [first, second]))


# admit


def test_lets_every_call_through_a_closed_circuit_without_a_write() -> None:
    assert admit(rec(), T, OPTIONS) == Admission(allowed=True)


def test_refuses_calls_while_the_circuit_is_open_and_says_for_how_long() -> None:
    assert admit(rec(state="OPEN", open_until=T + 4_000), T, OPTIONS) == Admission(allowed=False, retry_after_ms=4_000)


def test_turns_an_expired_open_circuit_half_open_and_reserves_the_trial_call() -> None:
    assert admit(rec(state="OPEN", open_until=T), T, OPTIONS) == Admission(
        allowed=True, next=rec(state="HALF_OPEN", open_until=T, success_count=0, trial_until=T + 3_000)
    )


def test_refuses_a_second_caller_while_a_trial_call_holds_the_half_open_circuit() -> None:
    assert admit(rec(state="HALF_OPEN", trial_until=T + 500), T, OPTIONS) == Admission(allowed=False, retry_after_ms=500)


def test_hands_the_next_trial_to_a_new_caller_once_the_lease_has_run_out() -> None:
    admission = admit(rec(state="HALF_OPEN", success_count=1, trial_until=T - 1), T, OPTIONS)
    assert admission == Admission(allowed=True, next=rec(state="HALF_OPEN", success_count=1, trial_until=T + 3_000))


# on_success


def test_writes_nothing_for_a_healthy_closed_circuit() -> None:
    assert on_success(rec(), T, OPTIONS) is None


def test_resets_a_streak_of_failures() -> None:
    assert on_success(rec(failure_count=2), T, OPTIONS) == rec(failure_count=0)


def test_counts_a_good_trial_and_frees_the_lease_for_the_next_one() -> None:
    assert on_success(rec(state="HALF_OPEN", trial_until=T + 3_000), T, OPTIONS) == rec(state="HALF_OPEN", success_count=1, trial_until=0)


def test_closes_the_circuit_after_enough_good_trials() -> None:
    assert on_success(rec(state="HALF_OPEN", success_count=1, trial_until=T), T, OPTIONS) == rec()


def test_does_not_let_a_late_success_overrule_a_circuit_someone_else_opened() -> None:
    assert on_success(rec(state="OPEN", open_until=T + 1), T, OPTIONS) is None


# on_failure


def test_counts_failures_below_the_threshold() -> None:
    assert on_failure(rec(failure_count=1), T, OPTIONS) == rec(failure_count=2)


def test_opens_the_circuit_for_the_timeout_at_the_threshold() -> None:
    assert on_failure(rec(failure_count=2), T, OPTIONS) == rec(state="OPEN", open_until=T + 15_000)


def test_reopens_the_circuit_when_a_trial_fails_forgetting_earlier_good_trials() -> None:
    assert on_failure(rec(state="HALF_OPEN", success_count=1, trial_until=T + 3_000), T, OPTIONS) == rec(state="OPEN", open_until=T + 15_000)


def test_leaves_an_open_circuit_alone() -> None:
    assert on_failure(rec(state="OPEN", open_until=T + 5), T, OPTIONS) is None


# CircuitBreaker


def test_passes_results_and_errors_of_the_wrapped_call_through() -> None:
    s = Setup()
    assert s.breaker.fire(ok) == "fine"
    with pytest.raises(RuntimeError, match="downstream 500"):
        s.breaker.fire(boom)


def test_writes_nothing_while_a_closed_circuit_keeps_succeeding() -> None:
    s = Setup()
    for _ in range(5):
        s.breaker.fire(ok)
    assert s.store.writes == 0


def test_only_opens_on_consecutive_failures() -> None:
    s = Setup()
    fail_times(s.breaker, 2)
    s.breaker.fire(ok)
    fail_times(s.breaker, 2)
    assert s.breaker.state == "CLOSED"


def test_goes_closed_open_half_open_closed_never_calling_while_open() -> None:
    s = Setup()
    fail_times(s.breaker, 3)
    assert s.breaker.state == "OPEN"

    calls = 0

    def counted() -> str:
        nonlocal calls
        calls += 1
        return "fine"

    with pytest.raises(CircuitOpenError) as refused:
        s.breaker.fire(counted)
    assert refused.value.retry_after_ms == 15_000
    assert calls == 0

    s.advance(15_000)
    assert s.breaker.fire(counted) == "fine"
    assert s.breaker.state == "HALF_OPEN"
    assert s.breaker.fire(counted) == "fine"
    assert s.breaker.state == "CLOSED"
    assert calls == 2
    assert s.changes == ["CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"]


def test_reopens_for_a_full_timeout_when_the_trial_call_fails() -> None:
    s = Setup()
    fail_times(s.breaker, 3)
    s.advance(15_000)
    with pytest.raises(RuntimeError, match="downstream 500"):
        s.breaker.fire(boom)
    assert s.breaker.state == "OPEN"
    s.advance(14_999)
    with pytest.raises(CircuitOpenError):
        s.breaker.fire(ok)


def test_shares_one_circuit_between_execution_environments() -> None:
    s = Setup()
    second = s.another()
    fail_times(s.breaker, 3)
    with pytest.raises(CircuitOpenError):
        second.fire(ok)


def test_lets_exactly_one_of_two_simultaneous_callers_make_the_trial_call() -> None:
    s = Setup()
    fail_times(s.breaker, 3)
    s.advance(15_000)
    # From here on, both callers read the expired OPEN circuit before either claims the trial.
    s.store._loads.clear()
    s.store._meet_at_load = 1
    calls = 0

    def slow_trial() -> str:
        nonlocal calls
        calls += 1
        time.sleep(0.005)
        return "fine"

    results = both(lambda: s.breaker.fire(slow_trial), lambda: s.another().fire(slow_trial))
    assert calls == 1
    assert [succeeded for succeeded, _ in results].count(True) == 1
    assert any(not succeeded and isinstance(error, CircuitOpenError) for succeeded, error in results)


def test_opens_once_not_twice_when_two_environments_fail_at_the_same_moment() -> None:
    s = Setup()
    fail_times(s.breaker, 2)
    # Both read the failure count of 2 after their calls fail (load 1 is on the way in, load 2 on the way out).
    s.store._loads.clear()
    s.store._meet_at_load = 2
    both(lambda: s.breaker.fire(boom), lambda: s.another().fire(boom))
    assert s.store.record is not None and s.store.record.state == "OPEN"
    assert s.changes == ["CLOSED->OPEN"]


def test_fails_open_still_calling_the_dependency_when_the_state_cannot_be_read() -> None:
    s = Setup()
    s.store.fail_loads = True
    assert s.breaker.fire(ok) == "fine"
    assert len(s.store_errors) == 2


def test_still_returns_the_result_when_the_state_cannot_be_written() -> None:
    s = Setup()
    fail_times(s.breaker, 1)
    s.store.fail_saves = True
    assert s.breaker.fire(ok) == "fine"
    assert len(s.store_errors) == 1


def test_refuses_the_call_if_it_keeps_losing_the_race_for_the_trial() -> None:
    store = MemoryStore()
    store.record = rec(state="OPEN", open_until=T - 1)
    store.save = lambda _next, _expected: False  # type: ignore[method-assign]
    with pytest.raises(CircuitOpenError):
        Setup(store).breaker.fire(ok)


def test_rejects_nonsensical_settings() -> None:
    with pytest.raises(ValueError, match="Thresholds"):
        CircuitBreaker(MemoryStore(), replace(OPTIONS, failure_threshold=0), lambda: T)
    with pytest.raises(ValueError, match="Timeouts"):
        CircuitBreaker(MemoryStore(), replace(OPTIONS, timeout_ms=0), lambda: T)
