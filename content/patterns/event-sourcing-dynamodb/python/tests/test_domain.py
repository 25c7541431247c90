import json
import random

import pytest

from domain import INITIAL_STATE, MAX_AMOUNT_CENTS, AccountState, CommandRejected, decide, evolve, replay, upcast
from tests.generators import random_command

OPEN = replay([{"type": "AccountOpened", "data": {"owner": "Ana"}}, {"type": "MoneyDeposited", "data": {"amount": 500}}])


def rejection(command: dict, state: AccountState) -> str:
    try:
        decide(command, state)
    except CommandRejected as rejected:
        return rejected.code
    return "accepted"


def test_opens_an_account_with_an_optional_first_deposit_as_two_events() -> None:
    assert decide({"type": "open", "owner": "  Ana "}, INITIAL_STATE) == [{"type": "AccountOpened", "data": {"owner": "Ana"}}]
    assert decide({"type": "open", "owner": "Ana", "initialDeposit": 250}, INITIAL_STATE) == [
        {"type": "AccountOpened", "data": {"owner": "Ana"}},
        {"type": "MoneyDeposited", "data": {"amount": 250}},
    ]


def test_refuses_a_withdrawal_larger_than_the_balance_and_allows_one_equal_to_it() -> None:
    assert rejection({"type": "withdraw", "amount": 501}, OPEN) == "InsufficientFunds"
    assert decide({"type": "withdraw", "amount": 500}, OPEN) == [{"type": "MoneyWithdrawn", "data": {"amount": 500}}]


def test_refuses_money_movements_on_an_account_that_was_never_opened_and_opening_twice() -> None:
    assert rejection({"type": "deposit", "amount": 1}, INITIAL_STATE) == "AccountNotFound"
    assert rejection({"type": "withdraw", "amount": 1}, INITIAL_STATE) == "AccountNotFound"
    assert rejection({"type": "open", "owner": "Bo"}, OPEN) == "AccountAlreadyOpen"


@pytest.mark.parametrize("amount", [0, -5, 1.5, MAX_AMOUNT_CENTS + 1, "10", True, float("nan")])
def test_accepts_only_whole_positive_cents_up_to_the_per_command_maximum(amount: object) -> None:
    assert rejection({"type": "deposit", "amount": amount}, OPEN) == "ValidationFailed"
    assert rejection({"type": "deposit", "amount": MAX_AMOUNT_CENTS}, OPEN) == "accepted"
    assert rejection({"type": "open", "owner": " "}, INITIAL_STATE) == "ValidationFailed"
    assert rejection({"type": "open", "owner": "x" * 101}, INITIAL_STATE) == "ValidationFailed"


def test_applies_deposits_and_withdrawals_to_the_balance_without_changing_the_owner() -> None:
    after = evolve(evolve(OPEN, {"type": "MoneyWithdrawn", "data": {"amount": 200}}), {"type": "MoneyDeposited", "data": {"amount": 7}})
    assert after == AccountState(opened=True, owner="Ana", balance=307)


def test_refuses_to_read_an_event_schema_version_it_has_no_upcaster_for() -> None:
    assert upcast("MoneyDeposited", 1, {"amount": 3}) == {"type": "MoneyDeposited", "data": {"amount": 3}}
    with pytest.raises(ValueError, match="No upcaster"):
        upcast("MoneyDeposited", 2, {"amount": 3})


def test_never_lets_a_generated_command_sequence_overdraw_and_a_snapshot_plus_its_tail_rebuilds_the_same_state() -> None:
    for seed in range(1, 26):
        rng = random.Random(seed)
        events: list[dict] = []
        state = INITIAL_STATE
        for _ in range(200):
            try:
                produced = decide(random_command(rng), state)
            except CommandRejected:
                produced = []
            events.extend(produced)
            state = replay(produced, state)
            assert state.balance >= 0, f"seed {seed}: balance went negative"
        full = replay(events)
        assert full == state
        for k in range(len(events) + 1):
            # The snapshot goes through JSON exactly as the Snapshots table stores it.
            snapshot = AccountState(**json.loads(json.dumps(replay(events[:k]).to_json())))
            assert replay(events[k:], snapshot) == full, f"seed {seed}, snapshot at {k}"
