import type { EventBridgeEvent } from 'aws-lambda';

/** The detail-types Lambda uses when a destination is an EventBridge bus; the rules match on them. */
export const SUCCESS_DETAIL_TYPE = 'Lambda Function Invocation Result - Success';
export const FAILURE_DETAIL_TYPE = 'Lambda Function Invocation Result - Failure';

/**
 * The invocation record Lambda sends to a destination. Only the fields the handlers read are typed.
 * `requestPayload` is the original SNS event; `responsePayload` is the return value or the error.
 */
export interface InvocationRecord {
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  requestPayload: { Records?: { Sns?: { MessageId?: string; Message?: string } }[] };
  responseContext: { statusCode: number; functionError?: string };
  responsePayload: unknown;
}

export type ResultEvent = EventBridgeEvent<string, InvocationRecord>;

export class UnexpectedRecord extends Error {
  override name = 'UnexpectedRecord';
}

function check(event: ResultEvent, detailType: string): InvocationRecord {
  if (event.source !== 'lambda' || event['detail-type'] !== detailType) {
    throw new UnexpectedRecord(`expected lambda / ${detailType}, got ${event.source} / ${event['detail-type']}`);
  }
  if (typeof event.detail?.requestContext?.requestId !== 'string') throw new UnexpectedRecord('no requestContext in detail');
  return event.detail;
}

function snsMessage(record: InvocationRecord) {
  const sns = record.requestPayload?.Records?.[0]?.Sns;
  return { snsMessageId: sns?.MessageId, originalMessage: sns?.Message };
}

/** One log line for a processed message: what came back and how many tries it took. */
export function summariseSuccess(event: ResultEvent) {
  const record = check(event, SUCCESS_DETAIL_TYPE);
  return {
    level: 'INFO',
    message: 'message processed',
    requestId: record.requestContext.requestId,
    attempts: record.requestContext.approximateInvokeCount,
    ...snsMessage(record),
    result: record.responsePayload,
  };
}

/** One log line for a message that could not be processed: why, after how many tries, and the input. */
export function summariseFailure(event: ResultEvent) {
  const record = check(event, FAILURE_DETAIL_TYPE);
  const error = (record.responsePayload ?? {}) as { errorType?: string; errorMessage?: string };
  return {
    level: 'WARN',
    message: 'message failed',
    requestId: record.requestContext.requestId,
    // RetriesExhausted when every attempt threw, EventAgeExceeded when the event waited too long.
    condition: record.requestContext.condition,
    attempts: record.requestContext.approximateInvokeCount,
    errorType: error.errorType,
    errorMessage: error.errorMessage,
    ...snsMessage(record),
  };
}

export function createHandler(summarise: (event: ResultEvent) => object, record: (line: object) => void) {
  return async (event: ResultEvent): Promise<void> => {
    record(summarise(event));
  };
}
