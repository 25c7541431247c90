/**
 * The bank account as pure functions: decide(command, state) -> events, evolve(state, event) -> state.
 * Nothing here touches AWS, so every business rule is tested without a table.
 * Amounts are whole cents: integers add up exactly, floats do not.
 */

export const EVENT_SCHEMA_VERSION = 1;
export const MAX_AMOUNT_CENTS = 100_000_000; // one million per command
export const MAX_OWNER_LENGTH = 100;

export type AccountEvent =
  | { type: 'AccountOpened'; data: { owner: string } }
  | { type: 'MoneyDeposited'; data: { amount: number } }
  | { type: 'MoneyWithdrawn'; data: { amount: number } };

export type AccountCommand =
  | { type: 'open'; owner: string; initialDeposit?: number }
  | { type: 'deposit'; amount: number }
  | { type: 'withdraw'; amount: number };

export interface AccountState {
  opened: boolean;
  owner: string | null;
  balance: number;
}

export const initialState: AccountState = { opened: false, owner: null, balance: 0 };

export type RejectionCode = 'ValidationFailed' | 'AccountNotFound' | 'AccountAlreadyOpen' | 'InsufficientFunds';

/** A command the rules refuse; the handler maps the code to an HTTP status. */
export class CommandRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRejected';
  }
}

function validAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_AMOUNT_CENTS) {
    throw new CommandRejected('ValidationFailed', `${field} must be a whole number of cents from 1 to ${MAX_AMOUNT_CENTS}.`);
  }
  return value;
}

/** The business rules: which events a command produces against the current state, or why it is refused. */
export function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'open': {
      const owner = typeof command.owner === 'string' ? command.owner.trim() : '';
      if (owner.length < 1 || owner.length > MAX_OWNER_LENGTH) {
        throw new CommandRejected('ValidationFailed', `owner must be 1 to ${MAX_OWNER_LENGTH} characters.`);
      }
      const initial = command.initialDeposit === undefined ? 0 : validAmount(command.initialDeposit, 'initialDeposit');
      if (state.opened) throw new CommandRejected('AccountAlreadyOpen', 'This account is already open.');
      const events: AccountEvent[] = [{ type: 'AccountOpened', data: { owner } }];
      if (initial > 0) events.push({ type: 'MoneyDeposited', data: { amount: initial } });
      return events;
    }
    case 'deposit': {
      const amount = validAmount(command.amount, 'amount');
      if (!state.opened) throw new CommandRejected('AccountNotFound', 'Open the account first.');
      return [{ type: 'MoneyDeposited', data: { amount } }];
    }
    case 'withdraw': {
      const amount = validAmount(command.amount, 'amount');
      if (!state.opened) throw new CommandRejected('AccountNotFound', 'Open the account first.');
      // The one invariant of this account: no overdraft.
      if (amount > state.balance) {
        throw new CommandRejected('InsufficientFunds', `The balance is ${state.balance} cents; ${amount} cannot be withdrawn.`);
      }
      return [{ type: 'MoneyWithdrawn', data: { amount } }];
    }
    default:
      throw new CommandRejected('ValidationFailed', 'Unknown command.');
  }
}

/** Applies one recorded fact. It never refuses: an event already happened. */
export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return { opened: true, owner: event.data.owner, balance: 0 };
    case 'MoneyDeposited':
      return { ...state, balance: state.balance + event.data.amount };
    case 'MoneyWithdrawn':
      return { ...state, balance: state.balance - event.data.amount };
    default:
      return state;
  }
}

export function replay(events: readonly AccountEvent[], from: AccountState = initialState): AccountState {
  return events.reduce(evolve, from);
}

/**
 * Turns a stored event of any schema version into the current shape (upcasting).
 * Version 1 is the only one so far; a future version 2 adds a branch here instead of rewriting history.
 */
export function upcast(type: string, schemaVersion: number, data: unknown): AccountEvent {
  if (schemaVersion !== EVENT_SCHEMA_VERSION) {
    throw new Error(`No upcaster for ${type} schema version ${schemaVersion}.`);
  }
  return { type, data } as AccountEvent;
}
