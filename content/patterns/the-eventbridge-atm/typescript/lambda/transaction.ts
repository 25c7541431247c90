/**
 * The ATM transaction event, shared by the producer, the consumers and the stack
 * (which builds the API request model and the rule patterns from these values).
 */
export const EVENT_SOURCE = 'custom.atm';
export const DETAIL_TYPE = 'ATM transaction';

export const TRANSACTION_ID_PATTERN = '^[A-Za-z0-9-]{1,64}$';
/** A two-letter region, a dash, then the site: `NY-MAN-0042`. Rules match on the region prefix. */
export const LOCATION_PATTERN = '^[A-Z]{2}-[A-Z0-9-]{1,32}$';
/** Open-ended on purpose: a new outcome such as `timed_out` must still reach the declined consumer. */
export const RESULT_PATTERN = '^[a-z][a-z_]{0,31}$';
export const ACTIONS = ['withdrawal', 'deposit', 'balance'] as const;
export const MAX_AMOUNT = 10_000;
/** PutEvents takes at most ten entries per call, so the API accepts at most ten per request. */
export const MAX_TRANSACTIONS = 10;

export type Action = (typeof ACTIONS)[number];

export interface Transaction {
  transactionId: string;
  action: Action;
  location: string;
  amount: number;
  result: string;
}

/** Input that can never become a valid transaction, however often it is retried. */
export class InvalidTransaction extends Error {
  // Lambda reports this as the errorType in failure records.
  override name = 'InvalidTransaction';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, pattern: string, field: string): string {
  if (typeof value !== 'string' || !new RegExp(pattern).test(value)) {
    throw new InvalidTransaction(`${field} must match ${pattern}`);
  }
  return value;
}

/** Checks one transaction against the same rules as the API's request model. */
export function parseTransaction(value: unknown): Transaction {
  if (!isObject(value)) throw new InvalidTransaction('a transaction must be a JSON object');
  const { transactionId, action, location, amount, result, ...rest } = value;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new InvalidTransaction(`unexpected field(s): ${extra.join(', ')}`);
  if (!ACTIONS.includes(action as Action)) throw new InvalidTransaction(`action must be one of ${ACTIONS.join(', ')}`);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > MAX_AMOUNT) {
    throw new InvalidTransaction(`amount must be a number from 0 to ${MAX_AMOUNT}`);
  }
  return {
    transactionId: text(transactionId, TRANSACTION_ID_PATTERN, 'transactionId'),
    action: action as Action,
    location: text(location, LOCATION_PATTERN, 'location'),
    amount,
    result: text(result, RESULT_PATTERN, 'result'),
  };
}
