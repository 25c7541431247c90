import type { SNSEvent } from 'aws-lambda';
import { HIGH_VALUE_THRESHOLD, type Order, orderFromMessage, REPORTING_CURRENCY } from './order';
import { type Trace, traced, xray } from './tracing';

export type Decision = 'watch' | 'review' | 'hold';
export type Screening = { orderId: string; decision: Decision; reasons: string[] };

/** Very large orders score two, large ones one, a foreign currency one more: 0 watch, 1 review, 2+ hold. */
export function screen(order: Order): Screening {
  let score = 0;
  const reasons: string[] = [];
  if (order.total >= 10 * HIGH_VALUE_THRESHOLD) {
    score += 2;
    reasons.push(`total is at least ${10 * HIGH_VALUE_THRESHOLD}`);
  } else if (order.total >= 5 * HIGH_VALUE_THRESHOLD) {
    score += 1;
    reasons.push(`total is at least ${5 * HIGH_VALUE_THRESHOLD}`);
  }
  if (order.currency !== REPORTING_CURRENCY) {
    score += 1;
    reasons.push(`paid in ${order.currency}, not ${REPORTING_CURRENCY}`);
  }
  const decision: Decision = score === 0 ? 'watch' : score === 1 ? 'review' : 'hold';
  return { orderId: order.orderId, decision, reasons };
}

export function createHandler(trace: Trace) {
  return async (event: SNSEvent): Promise<Screening[]> => {
    const results: Screening[] = [];
    for (const record of event.Records) {
      const order = orderFromMessage(record.Sns.Message);
      // The SNS filter policy should only send high-value orders; check rather than trust.
      if (order.total < HIGH_VALUE_THRESHOLD) {
        console.warn(JSON.stringify({ message: 'below threshold, filter policy bypassed?', orderId: order.orderId }));
        continue;
      }
      const result = screen(order);
      trace.annotate('orderId', order.orderId);
      trace.annotate('decision', result.decision);
      if (result.decision !== 'watch') console.warn(JSON.stringify({ message: 'order needs attention', ...result }));
      results.push(result);
    }
    return results;
  };
}

export const handler = traced(createHandler(xray));
