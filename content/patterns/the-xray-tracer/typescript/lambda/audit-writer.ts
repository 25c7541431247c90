import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Order, orderFromMessage } from './order';
import { type Trace, tracer, traced, xray } from './tracing';

export type AuditEntry = Order & { messageId: string; receivedAt: string; traceRoot: string | null };
export type SaveAudit = (entry: AuditEntry) => Promise<void>;

/** "Root=1-abc-def;Parent=...;Sampled=1" -> "1-abc-def", the id X-Ray search understands. */
export function traceRootOf(header: string | undefined): string | null {
  const root = header?.split(';').find((part) => part.startsWith('Root='));
  return root ? root.slice('Root='.length) : null;
}

export function toAuditEntry(record: SQSRecord): AuditEntry {
  return {
    // The queue subscription uses raw delivery, so the body is the published order itself.
    ...orderFromMessage(record.body),
    messageId: record.messageId,
    receivedAt: new Date(Number(record.attributes.SentTimestamp)).toISOString(),
    traceRoot: traceRootOf(record.attributes.AWSTraceHeader),
  };
}

export function dynamoSaver(client: DynamoDBClient, tableName: string): SaveAudit {
  return async (entry) => {
    // Keyed by order id: a redelivered message rewrites the same item instead of adding a second.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          orderId: { S: entry.orderId },
          customerId: { S: entry.customerId },
          total: { N: String(entry.total) },
          currency: { S: entry.currency },
          messageId: { S: entry.messageId },
          receivedAt: { S: entry.receivedAt },
          ...(entry.traceRoot ? { traceRoot: { S: entry.traceRoot } } : {}),
        },
      }),
    );
  };
}

export function createHandler(save: SaveAudit, trace: Trace) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await trace.span('### audit order', async () => {
          const entry = toAuditEntry(record);
          trace.annotate('orderId', entry.orderId);
          await save(entry);
        });
      } catch (error) {
        // Only this message is retried; after three receives the queue moves it to its DLQ.
        console.error(JSON.stringify({ message: 'audit failed', messageId: record.messageId, error: String(error) }));
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const handler = traced(createHandler(dynamoSaver(dynamo, process.env.AUDIT_TABLE_NAME ?? ''), xray));
