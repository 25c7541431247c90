import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type SaveOrder, type StoredOrder, createHandler } from '../lambda/place-order';
import type { Trace } from '../lambda/tracing';

// Powertools counts a cold start only for on-demand environments; Lambda sets this variable.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.AWS_REGION ??= 'us-east-1';
delete process.env.POWERTOOLS_DEV;

export const context = {
  functionName: 'PlaceOrderFn',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:PlaceOrderFn',
  awsRequestId: 'lambda-request-1',
} as unknown as Context;

export function request(body: unknown, headers: Record<string, string> = {}, requestId = 'api-request-1'): APIGatewayProxyEventV2 {
  return {
    rawPath: '/orders',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId, http: { method: 'POST', path: '/orders' } },
  } as unknown as APIGatewayProxyEventV2;
}

export const validOrder = {
  customerId: 'customer-42',
  paymentToken: 'tok_visa',
  items: [
    { sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 },
    { sku: 'PEN-7', quantity: 1, unitPriceCents: 1250 },
  ],
};

export type RecordedTrace = Trace & { annotations: Record<string, unknown>; spans: string[] };

export function recordingTrace(): RecordedTrace {
  const annotations: Record<string, unknown> = {};
  const spans: string[] = [];
  return {
    annotations,
    spans,
    annotate: (key, value) => {
      annotations[key] = value;
    },
    span: async (name, work) => {
      spans.push(name);
      return work();
    },
  };
}

export type Setup = {
  serviceName?: string;
  namespace?: string;
  logLevel?: 'DEBUG' | 'INFO';
  sampleRate?: number;
  save?: SaveOrder;
};

/** A handler with fresh Powertools instances (so each test sees its own cold start) and a fake table. */
export function setUp({ serviceName = 'orders', namespace = 'Test/Orders', logLevel = 'INFO', sampleRate = 0, save }: Setup = {}) {
  const saved: StoredOrder[] = [];
  const trace = recordingTrace();
  const logger = new Logger({ serviceName, logLevel, sampleRateValue: sampleRate });
  const metrics = new Metrics({ namespace, serviceName });
  const handler = createHandler(
    {
      save: save ?? (async (order) => void saved.push(order)),
      newOrderId: () => 'order-1',
      now: () => new Date('2026-12-05T10:00:00Z'),
    },
    { logger, metrics, trace },
  );
  return { handler, saved, trace };
}
