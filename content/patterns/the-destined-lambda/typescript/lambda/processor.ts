import type { SNSEvent } from 'aws-lambda';

/** Shared with the API's request model, so both sides agree on what a message is. */
export const MAX_MESSAGE_LENGTH = 256;

/** Any message containing this word fails on purpose, so the failure path can be tried. */
export const FAIL_WORD = 'fail';

export class InvalidMessage extends Error {
  override name = 'InvalidMessage';
}

export class RequestedFailure extends Error {
  override name = 'RequestedFailure';
}

/** What a successful invocation returns; Lambda forwards it to the bus as `responsePayload`. */
export interface ProcessedMessage {
  snsMessageId: string;
  message: string;
  words: number;
  characters: number;
}

/** The body the API published, read back out of the SNS notification. */
export function readMessage(body: string): string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidMessage('the SNS message is not JSON');
  }
  const message = (value as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || message.trim() === '' || message.length > MAX_MESSAGE_LENGTH) {
    throw new InvalidMessage(`message must be a non-empty string of at most ${MAX_MESSAGE_LENGTH} characters`);
  }
  return message;
}

export function processMessage(snsMessageId: string, body: string): ProcessedMessage {
  const message = readMessage(body);
  const words = message.trim().split(/\s+/);
  if (words.some((word) => word.toLowerCase().replace(/[^a-z]/g, '') === FAIL_WORD)) {
    throw new RequestedFailure(`the message asked to fail: "${message}"`);
  }
  return { snsMessageId, message, words: words.length, characters: message.length };
}

/**
 * SNS invokes the function asynchronously with one record per call. Whatever this returns
 * becomes an on-success record, and whatever it throws (after the retries) an on-failure record.
 */
export async function handler(event: SNSEvent): Promise<ProcessedMessage> {
  if (event.Records.length !== 1) throw new InvalidMessage(`expected one SNS record, got ${event.Records.length}`);
  const { MessageId, Message } = event.Records[0].Sns;
  return processMessage(MessageId, Message);
}
