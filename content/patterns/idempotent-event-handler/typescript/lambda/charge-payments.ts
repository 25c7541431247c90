import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  IDEMPOTENCY_KEY_ATTRIBUTE,
  IDEMPOTENCY_KEY_PATH,
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_TTL_ATTRIBUTE,
  IDEMPOTENCY_WINDOW_SECONDS,
  PAYLOAD_VALIDATION_PATH,
} from './idempotency-settings';
import { InvalidPaymentRequest, parsePaymentRequest, type PaymentRequest } from './payment-request';

/** What charging a payment produced; stored in the idempotency record and handed back to every repeat. */
export interface Charge {
  paymentId: string;
  chargeId: string;
  customerId: string;
  amount: number;
  currency: string;
  chargedAt: string;
}

/** The side effect that must happen once per paymentId. */
export type ChargePayment = (payment: PaymentRequest) => Promise<Charge>;

/**
 * Stand-in for a payment provider: every call is a new charge, recorded as its own item
 * under the payment. It deliberately does no deduplication of its own, so the Payments
 * table shows exactly what the idempotency layer let through.
 */
export function recordCharge(client: DynamoDBClient, tableName: string, newChargeId: () => string = randomUUID): ChargePayment {
  return async (payment) => {
    const charge: Charge = { ...payment, chargeId: newChargeId(), chargedAt: new Date().toISOString() };
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          paymentId: { S: charge.paymentId },
          chargeId: { S: charge.chargeId },
          customerId: { S: charge.customerId },
          amount: { N: String(charge.amount) },
          currency: { S: charge.currency },
          chargedAt: { S: charge.chargedAt },
        },
      }),
    );
    return charge;
  };
}

/** The DynamoDB persistence layer exactly as the function uses it, on the table the stack builds. */
export function idempotencyStore(client: DynamoDBClient, tableName: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: IDEMPOTENCY_KEY_ATTRIBUTE,
    expiryAttr: IDEMPOTENCY_TTL_ATTRIBUTE,
  });
}

export interface ChargeHandlerOptions {
  persistenceStore: BasePersistenceLayer;
  charge: ChargePayment;
}

type Outcome = Charge & { replayed?: boolean };

/**
 * Builds the SQS batch handler. Each record's payment goes through a Powertools idempotent
 * function keyed on paymentId: the first delivery charges and stores the charge, every later
 * delivery inside the window gets the stored charge back without charging again.
 */
export function createChargeHandler({ persistenceStore, charge }: ChargeHandlerOptions) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
    payloadValidationJmesPath: PAYLOAD_VALIDATION_PATH,
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    // A payment without an id must fail, never run unprotected.
    throwOnNoIdempotencyKey: true,
    // Runs only when a stored result is returned: marks it, so the logs tell a repeat from a charge.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const chargeOnce = makeIdempotent(charge, { persistenceStore, config, keyPrefix: IDEMPOTENCY_KEY_PREFIX });

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // The in-progress lock then expires when this invocation would time out, not an hour later.
    config.registerLambdaContext(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const payment = parsePaymentRequest(record.body);
        const outcome = (await chargeOnce(payment)) as Outcome;
        log('INFO', outcome.replayed ? 'payment already charged; returned the stored charge' : 'payment charged', record, {
          paymentId: outcome.paymentId,
          chargeId: outcome.chargeId,
        });
      } catch (error) {
        log('ERROR', describe(error), record, { error: String(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** Every failure is retried by SQS; the log line says whether waiting can help. */
function describe(error: unknown): string {
  if (error instanceof InvalidPaymentRequest) return 'rejected malformed payment request';
  if (error instanceof IdempotencyValidationError) return 'paymentId already used for a different charge; refused';
  if (error instanceof IdempotencyAlreadyInProgressError) return 'payment is being charged by another invocation; will retry';
  return 'charging the payment failed; will retry';
}

function log(level: 'INFO' | 'ERROR', message: string, record: SQSRecord, fields: Record<string, unknown>) {
  const line = JSON.stringify({
    level,
    message,
    sqsMessageId: record.messageId,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
    ...fields,
  });
  if (level === 'ERROR') console.error(line);
  else console.info(line);
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

let live: ReturnType<typeof createChargeHandler> | undefined;

/** Built on the first invocation and reused: one client and one persistence layer per environment. */
export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  if (!live) {
    const client = new DynamoDBClient({});
    live = createChargeHandler({
      persistenceStore: idempotencyStore(client, requireEnv('IDEMPOTENCY_TABLE_NAME')),
      charge: recordCharge(client, requireEnv('PAYMENTS_TABLE_NAME')),
    });
  }
  return live(event, context);
};
