import type { SqsPipeRecord } from '../lambda/enrich-order';

/** A priority order as a producer sends it; the shipping address must never reach the bus. */
export const PRIORITY_ORDER = {
  orderId: 'ord-1001',
  orderType: 'priority',
  customerId: 'cust-42',
  total: 129.5,
  shippingAddress: { line1: '12 Analytical Row', city: 'London', postcode: 'N1 9GU' },
};

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:EventbridgePipesEnrichmentStack-OrdersA9B65338-Xyz';

/** An SQS record as a pipe reads it: the shape EventBridge documents for an SQS source, body still a string. */
export function sqsRecord(body: unknown, messageId = '059f36b4-87a3-44ab-83d2-661975830a7d'): SqsPipeRecord {
  return {
    messageId,
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1796472000000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1796472000012',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}
