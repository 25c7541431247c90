import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * The order event the API accepts. The stack builds its request model from these
 * patterns too, so API Gateway and the consumers agree on what a valid event is.
 */
export const ORDER_ID_PATTERN = '^[A-Za-z0-9-]{1,64}$';
export const STATUS_PATTERN = '^[a-z][a-z_]{0,31}$';

export interface OrderEvent {
  orderId: string;
  status: string;
  total: number;
}

/** What the consumer does with one valid event; injected so tests can observe or fail it. */
export type ProcessOrder = (order: OrderEvent, messageId: string) => Promise<void>;

/** A record that can never succeed, however often it is retried. */
export class InvalidOrderEvent extends Error {}

/** The parts of the SNS notification envelope the consumers rely on. */
export interface Notification {
  messageId: string;
  message: string;
  statusAttribute: string | undefined;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidOrderEvent(`${what} is not JSON`);
  }
}

/**
 * Subscriptions deliver without raw message delivery, so each SQS body is the SNS
 * envelope: the API request body sits in `Message` as a string and the routing
 * attribute in `MessageAttributes.status.Value`.
 */
export function parseNotification(body: string): Notification {
  const envelope = parseJson(body, 'SQS body');
  if (!isObject(envelope) || envelope.Type !== 'Notification' || typeof envelope.Message !== 'string') {
    throw new InvalidOrderEvent('SQS body is not an SNS notification');
  }
  const attributes = isObject(envelope.MessageAttributes) ? envelope.MessageAttributes : {};
  const status = isObject(attributes.status) ? attributes.status.Value : undefined;
  return {
    messageId: typeof envelope.MessageId === 'string' ? envelope.MessageId : '',
    message: envelope.Message,
    statusAttribute: typeof status === 'string' ? status : undefined,
  };
}

/** Checks the published message against the same rules as the API's request model. */
export function parseOrderEvent(message: string): OrderEvent {
  const value = parseJson(message, 'message');
  if (!isObject(value)) throw new InvalidOrderEvent('message is not a JSON object');
  const { orderId, status, total } = value;
  if (typeof orderId !== 'string' || !new RegExp(ORDER_ID_PATTERN).test(orderId)) {
    throw new InvalidOrderEvent('orderId is missing or malformed');
  }
  if (typeof status !== 'string' || !new RegExp(STATUS_PATTERN).test(status)) {
    throw new InvalidOrderEvent('status is missing or malformed');
  }
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) {
    throw new InvalidOrderEvent('total must be a number of zero or more');
  }
  return { orderId, status, total };
}

export interface ConsumerOptions {
  /** Names the consumer in its logs. */
  name: string;
  /** The statuses this consumer's subscription filter should let through. */
  accepts: (status: string) => boolean;
  process: ProcessOrder;
}

/**
 * Builds an SQS batch handler that reports each failed record on its own, so one bad
 * message is retried (and finally dead-lettered) without redelivering its neighbours.
 */
export function createConsumer({ name, accepts, process }: ConsumerOptions) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await handleRecord(record, accepts, process);
      } catch (error) {
        const permanent = error instanceof InvalidOrderEvent;
        console.error(
          JSON.stringify({
            level: 'ERROR',
            consumer: name,
            message: permanent ? 'rejected order event' : 'order event processing failed',
            sqsMessageId: record.messageId,
            receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
            error: String(error),
          }),
        );
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

async function handleRecord(record: SQSRecord, accepts: ConsumerOptions['accepts'], process: ProcessOrder) {
  const notification = parseNotification(record.body);
  const order = parseOrderEvent(notification.message);
  // The API copies the attribute from the body; a mismatch means something else published.
  if (notification.statusAttribute !== order.status) {
    throw new InvalidOrderEvent('status attribute does not match the message body');
  }
  // Guards against a wrong or missing filter policy sending this consumer foreign events.
  if (!accepts(order.status)) {
    throw new InvalidOrderEvent(`status "${order.status}" is not routed to this consumer`);
  }
  await process(order, notification.messageId);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
