"""The bank account as pure functions: decide(command, state) -> events, evolve(state, event) -> state.

Nothing here touches AWS, so every business rule is tested without a table.
Amounts are whole cents: integers add up exactly, floats do not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

EVENT_SCHEMA_VERSION = 1
MAX_AMOUNT_CENTS = 100_000_000  # one million per command
MAX_OWNER_LENGTH = 100

# An event is {"type": "AccountOpened" | "MoneyDeposited" | "MoneyWithdrawn", "data": {...}}.
Event = dict[str, Any]
# A command is {"type": "open" | "deposit" | "withdraw", ...fields}.
Command = dict[str, Any]


@dataclass(frozen=True)
class AccountState:
    opened: bool = False
    owner: str | None = None
    balance: int = 0

    def to_json(self) -> dict[str, Any]:
        # Same key order as the TypeScript app, so both write identical snapshots.
        return {"opened": self.opened, "owner": self.owner, "balance": self.balance}


INITIAL_STATE = AccountState()


class CommandRejected(Exception):
    """A command the rules refuse; the handler maps the code to an HTTP status."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _valid_amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > MAX_AMOUNT_CENTS:
        raise CommandRejected("ValidationFailed", f"{field} must be a whole number of cents from 1 to {MAX_AMOUNT_CENTS}.")
    return value


def decide(command: Command, state: AccountState) -> list[Event]:
    """The business rules: which events a command produces against the current state, or why it is refused."""
    kind = command.get("type")
    if kind == "open":
        raw_owner = command.get("owner")
        owner = raw_owner.strip() if isinstance(raw_owner, str) else ""
        if not 1 <= len(owner) <= MAX_OWNER_LENGTH:
            raise CommandRejected("ValidationFailed", f"owner must be 1 to {MAX_OWNER_LENGTH} characters.")
        initial = 0 if command.get("initialDeposit") is None else _valid_amount(command.get("initialDeposit"), "initialDeposit")
        if state.opened:
            raise CommandRejected("AccountAlreadyOpen", "This account is already open.")
        events: list[Event] = [{"type": "AccountOpened", "data": {"owner": owner}}]
        if initial > 0:
            events.append({"type": "MoneyDeposited", "data": {"amount": initial}})
        return events
    if kind == "deposit":
        amount = _valid_amount(command.get("amount"), "amount")
        if not state.opened:
            raise CommandRejected("AccountNotFound", "Open the account first.")
        return [{"type": "MoneyDeposited", "data": {"amount": amount}}]
    if kind == "withdraw":
        amount = _valid_amount(command.get("amount"), "amount")
        if not state.opened:
            raise CommandRejected("AccountNotFound", "Open the account first.")
        # The one invariant of this account: no overdraft.
        if amount > state.balance:
            raise CommandRejected("InsufficientFunds", f"The balance is {state.balance} cents; {amount} cannot be withdrawn.")
        return [{"type": "MoneyWithdrawn", "data": {"amount": amount}}]
    raise CommandRejected("ValidationFailed", "Unknown command.")


def evolve(state: AccountState, event: Event) -> AccountState:
    """Applies one recorded fact. It never refuses: an event already happened."""
    kind = event["type"]
    if kind == "AccountOpened":
        return AccountState(opened=True, owner=event["data"]["owner"], balance=0)
    if kind == "MoneyDeposited":
        return replace(state, balance=state.balance + event["data"]["amount"])
    if kind == "MoneyWithdrawn":
        return replace(state, balance=state.balance - event["data"]["amount"])
    return state


def replay(events: list[Event], start: AccountState = INITIAL_STATE) -> AccountState:
    state = start
    for event in events:
        state = evolve(state, event)
    return state


def upcast(kind: str, schema_version: int, data: Any) -> Event:
    """Turns a stored event of any schema version into the current shape (upcasting).

    Version 1 is the only one so far; a future version 2 adds a branch here instead of rewriting history.
    """
    if schema_version != EVENT_SCHEMA_VERSION:
        raise ValueError(f"No upcaster for {kind} schema version {schema_version}.")
    return {"type": kind, "data": data}
