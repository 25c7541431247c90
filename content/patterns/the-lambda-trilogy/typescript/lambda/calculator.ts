// The domain all three stacks share. It knows nothing about Lambda, API Gateway or
// Express, so each way of packaging it is only a thin adapter around these functions.

export const OPERATIONS = ['add', 'subtract', 'multiply'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an adapter turns into an HTTP response: a status code and a JSON body. */
export interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

/** Query-string values as every adapter sees them; repeated keys arrive as arrays. */
export type Query = Record<string, string | string[] | undefined> | null | undefined;

// Long enough for any double written out in full, short enough to refuse junk cheaply.
const MAX_OPERAND_LENGTH = 32;

export function isOperation(name: string): name is Operation {
  return (OPERATIONS as readonly string[]).includes(name);
}

export function calculate(operation: Operation, a: number, b: number): number {
  switch (operation) {
    case 'add':
      return a + b;
    case 'subtract':
      return a - b;
    case 'multiply':
      return a * b;
  }
}

/** A finite number, or undefined for anything else (empty, repeated, too long, NaN, Infinity). */
export function parseOperand(raw: string | string[] | undefined): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '' || text.length > MAX_OPERAND_LENGTH) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Validates the operands `a` and `b` from a query string and applies the operation. */
export function answer(operation: Operation, query: Query): Answer {
  const a = parseOperand(query?.a);
  const b = parseOperand(query?.b);
  if (a === undefined || b === undefined) {
    return {
      statusCode: 400,
      body: { message: `Send two numbers as query parameters, for example /${operation}?a=3&b=4.` },
    };
  }
  const result = calculate(operation, a, b);
  if (!Number.isFinite(result)) {
    return { statusCode: 422, body: { message: 'The result is too large to represent.' } };
  }
  return { statusCode: 200, body: { operation, a, b, result } };
}
