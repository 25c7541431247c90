/**
 * The log line the Caller writes on every state transition. The stack counts the lines that
 * contain OPENED_PHRASE with a metric filter, so an alarm fires whenever the circuit opens.
 */
export const OPENED_PHRASE = '-> OPEN';

export function stateChangeLine(from: string, to: string, circuitId: string | undefined): string {
  return JSON.stringify({ level: 'WARN', message: `circuit ${from} -> ${to}`, circuitId, from, to });
}
