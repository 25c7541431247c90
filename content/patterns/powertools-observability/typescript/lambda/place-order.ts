import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type OrderItem, authorizePayment, parseOrder, totalCents } from './order';
import { CORRELATION_HEADER, LogKey, OrderMetric, type Outcome } from './telemetry';
import { type Trace, powertoolsTrace, tracedHandler } from './tracing';

export type StoredOrder = {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  totalCents: number;
  correlationId: string;
  createdAt: string;
};

/** The one DynamoDB call the handler makes, so tests can stand in for the table. */
export type SaveOrder = (order: StoredOrder) => Promise<void>;

export type Telemetry = { logger: Logger; metrics: Metrics; trace: Trace };

const CALLER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The caller's x-correlation-id when it is a sane value, otherwise API Gateway's request id.
 * A caller-chosen id lets a client, a support ticket and these logs share one key; an odd or
 * oversized header is ignored rather than written into every log line.
 */
export function correlationIdOf(event: APIGatewayProxyEventV2): string {
  const sent = event.headers?.[CORRELATION_HEADER];
  return sent && CALLER_ID.test(sent) ? sent : event.requestContext.requestId;
}

export function dynamoSaver(client: DynamoDBClient, tableName: string): SaveOrder {
  return async (order) => {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          orderId: { S: order.orderId },
          customerId: { S: order.customerId },
          totalCents: { N: String(order.totalCents) },
          items: {
            L: order.items.map((item) => ({
              M: { sku: { S: item.sku }, quantity: { N: String(item.quantity) }, unitPriceCents: { N: String(item.unitPriceCents) } },
            })),
          },
          status: { S: 'PLACED' },
          correlationId: { S: order.correlationId },
          createdAt: { S: order.createdAt },
        },
        // A fresh UUID never collides in practice; the condition makes sure one never overwrites an order.
        ConditionExpression: 'attribute_not_exists(orderId)',
      }),
    );
  };
}

type Deps = { save: SaveOrder; newOrderId?: () => string; now?: () => Date };

/**
 * POST /orders: validate, authorize payment, store. Every request ends in exactly one outcome,
 * and each outcome leaves one log line, one business metric and one trace annotation.
 */
export function createHandler({ save, newOrderId = randomUUID, now = () => new Date() }: Deps, { logger, metrics, trace }: Telemetry) {
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    // Re-roll debug sampling for this invocation (the constructor only rolled it for the first).
    logger.refreshSampleRateCalculation();
    logger.addContext(context);
    metrics.captureColdStartMetric(context.functionName);
    const correlationId = correlationIdOf(event);
    logger.appendKeys({ [LogKey.correlationId]: correlationId, [LogKey.apiRequestId]: event.requestContext.requestId });
    // Metadata rides in the EMF line as a plain field: searchable in Logs Insights, never a
    // dimension, so a unique id per request does not become a new metric (and a new bill) each time.
    metrics.addMetadata(LogKey.correlationId, correlationId);
    trace.annotate(LogKey.correlationId, correlationId);

    const finish = (outcome: Outcome, statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => {
      trace.annotate(LogKey.outcome, outcome);
      return {
        statusCode,
        headers: { 'content-type': 'application/json', [CORRELATION_HEADER]: correlationId },
        body: JSON.stringify(body),
      };
    };

    try {
      const parsed = parseOrder(event.body, event.isBase64Encoded);
      if ('errors' in parsed) {
        metrics.addMetric(OrderMetric.Rejected, MetricUnit.Count, 1);
        logger.warn('order rejected', { [LogKey.outcome]: 'rejected', errors: parsed.errors });
        return finish('rejected', 400, { message: 'The order is not valid.', errors: parsed.errors });
      }
      const { order } = parsed;
      const total = totalCents(order.items);
      // Only sampled invocations (POWERTOOLS_LOGGER_SAMPLE_RATE) or LOG_LEVEL=DEBUG write this line.
      logger.debug('order received', { item_count: order.items.length, total_cents: total, skus: order.items.map((i) => i.sku) });

      const payment = await trace.span('### authorize payment', async () => authorizePayment(order.paymentToken));
      if (!payment.approved) {
        metrics.addMetric(OrderMetric.Declined, MetricUnit.Count, 1);
        logger.warn('payment declined', { [LogKey.outcome]: 'declined', reason: payment.reason, total_cents: total });
        return finish('declined', 402, { message: 'The payment was declined.', reason: payment.reason });
      }

      const orderId = newOrderId();
      try {
        await trace.span('### save order', () =>
          save({ orderId, customerId: order.customerId, items: order.items, totalCents: total, correlationId, createdAt: now().toISOString() }),
        );
      } catch (error) {
        metrics.addMetric(OrderMetric.Failed, MetricUnit.Count, 1);
        // The cause goes to the log for operators; the caller gets no table names or SDK messages.
        logger.error('order could not be saved', { [LogKey.outcome]: 'failed', error: error as Error });
        return finish('failed', 500, { message: 'The order could not be placed right now; please try again.' });
      }

      metrics.addMetric(OrderMetric.Placed, MetricUnit.Count, 1);
      metrics.addMetric(OrderMetric.Value, MetricUnit.NoUnit, total / 100);
      metrics.addMetadata(LogKey.orderId, orderId);
      trace.annotate(LogKey.orderId, orderId);
      logger.info('order placed', { [LogKey.outcome]: 'placed', [LogKey.orderId]: orderId, total_cents: total, item_count: order.items.length });
      return finish('placed', 201, { orderId, status: 'PLACED', totalCents: total });
    } finally {
      // One EMF line per invocation; then drop this request's keys so the next one starts clean.
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

// Created once per execution environment. Service name, namespace, log level and debug sample
// rate all come from the environment variables the stack sets.
const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
// Every DynamoDB call becomes its own subsegment, with the table name and any throttling.
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));

export const handler = tracedHandler(
  tracer,
  createHandler({ save: dynamoSaver(dynamodb, process.env.ORDERS_TABLE_NAME ?? '') }, { logger, metrics, trace: powertoolsTrace(tracer) }),
);
