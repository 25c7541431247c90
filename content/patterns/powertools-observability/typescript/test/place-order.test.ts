import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoSaver } from '../lambda/place-order';
import { context, request, setUp, validOrder } from './handler-setup';
import { captureOutput, emfLines, logLines } from './stdout';

describe('place order handler', () => {
  test('emits OrdersPlaced and OrderValue as embedded metric format in the namespace with the service dimension', async () => {
    const { handler, saved } = setUp({ namespace: 'Test/Orders', serviceName: 'orders' });
    let status: number | undefined;
    const lines = await captureOutput(async () => {
      status = (await handler(request(validOrder, { 'x-correlation-id': 'checkout-123' }), context)).statusCode;
    });
    assert.equal(status, 201);
    assert.equal(saved.length, 1);
    const business = emfLines(lines).find((l) => l.OrdersPlaced !== undefined);
    assert.ok(business, 'an EMF line with OrdersPlaced');
    const [directive] = business._aws.CloudWatchMetrics;
    assert.equal(typeof business._aws.Timestamp, 'number');
    assert.equal(directive.Namespace, 'Test/Orders');
    assert.deepEqual(directive.Dimensions, [['service']]);
    assert.deepEqual(directive.Metrics, [
      { Name: 'OrdersPlaced', Unit: 'Count' },
      { Name: 'OrderValue', Unit: 'None' },
    ]);
    // The values sit at the top level of the same line, next to the dimension value.
    assert.equal(business.service, 'orders');
    assert.equal(business.OrdersPlaced, 1);
    assert.equal(business.OrderValue, 37.5);
    // Ids travel as metadata: searchable in the log line, never a dimension.
    assert.equal(business.correlation_id, 'checkout-123');
    assert.equal(business.order_id, 'order-1');
  });

  test('writes a JSON log line with the correlation id, the request ids, the trace id and the cold start flag', async () => {
    const { handler } = setUp();
    // Lambda sets this for every invocation; Powertools copies its root into xray_trace_id.
    process.env._X_AMZN_TRACE_ID = 'Root=1-6750a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
    const first = logLines(await captureOutput(() => handler(request(validOrder, { 'x-correlation-id': 'checkout-123' }), context)));
    delete process.env._X_AMZN_TRACE_ID;
    const second = logLines(await captureOutput(() => handler(request(validOrder, {}, 'api-request-2'), context)));
    const placed = first.find((l) => l.message === 'order placed');
    assert.ok(placed);
    assert.equal(placed.level, 'INFO');
    assert.equal(placed.service, 'orders');
    assert.equal(placed.correlation_id, 'checkout-123');
    assert.equal(placed.api_request_id, 'api-request-1');
    assert.equal(placed.function_request_id, 'lambda-request-1');
    assert.equal(placed.function_name, 'PlaceOrderFn');
    assert.equal(placed.cold_start, true);
    assert.equal(placed.outcome, 'placed');
    assert.equal(placed.order_id, 'order-1');
    assert.equal(placed.total_cents, 3750);
    assert.equal(placed.xray_trace_id, '1-6750a1b2-0123456789abcdef01234567');
    const again = second.find((l) => l.message === 'order placed');
    assert.ok(again);
    assert.equal(again.cold_start, false);
    // Without a header the API Gateway request id is the correlation id; nothing carries over.
    assert.equal(again.correlation_id, 'api-request-2');
  });

  test('takes the correlation id from x-correlation-id, echoes it, and ignores a malformed one', async () => {
    const { handler } = setUp();
    await captureOutput(async () => {
      const chosen = await handler(request(validOrder, { 'x-correlation-id': 'checkout-123' }), context);
      assert.equal(chosen.headers?.['x-correlation-id'], 'checkout-123');
      const odd = await handler(request(validOrder, { 'x-correlation-id': 'bad id with spaces' }, 'api-request-9'), context);
      assert.equal(odd.headers?.['x-correlation-id'], 'api-request-9');
      const long = await handler(request(validOrder, { 'x-correlation-id': 'x'.repeat(65) }, 'api-request-10'), context);
      assert.equal(long.headers?.['x-correlation-id'], 'api-request-10');
    });
  });

  test('declines a payment with 402, counts PaymentDeclined and stores nothing', async () => {
    const { handler, saved, trace } = setUp();
    let body: Record<string, unknown> = {};
    let status: number | undefined;
    const lines = await captureOutput(async () => {
      const response = await handler(request({ ...validOrder, paymentToken: 'tok_declined' }), context);
      status = response.statusCode;
      body = JSON.parse(String(response.body));
    });
    assert.equal(status, 402);
    assert.equal(body.reason, 'card_declined');
    assert.equal(saved.length, 0);
    const emf = emfLines(lines).find((l) => l.PaymentDeclined !== undefined);
    assert.ok(emf);
    assert.equal(emf.PaymentDeclined, 1);
    assert.equal(emf.OrdersPlaced, undefined);
    const warn = logLines(lines).find((l) => l.message === 'payment declined');
    assert.equal(warn?.level, 'WARN');
    assert.equal(warn?.reason, 'card_declined');
    assert.equal(trace.annotations.outcome, 'declined');
  });

  test('rejects an invalid order with 400 listing every problem, counts OrdersRejected and stores nothing', async () => {
    const { handler, saved } = setUp();
    let body: { errors?: string[] } = {};
    let status: number | undefined;
    const lines = await captureOutput(async () => {
      const response = await handler(request({ customerId: '', items: [{ sku: 'A', quantity: 0, unitPriceCents: 1.5 }] }), context);
      status = response.statusCode;
      body = JSON.parse(String(response.body));
    });
    assert.equal(status, 400);
    assert.equal(body.errors?.length, 4);
    assert.equal(saved.length, 0);
    assert.equal(emfLines(lines).find((l) => l.OrdersRejected !== undefined)?.OrdersRejected, 1);
  });

  test('answers 500 without leaking the cause, logs it at ERROR and counts OrdersFailed', async () => {
    const { handler } = setUp({
      save: async () => {
        throw new Error('ProvisionedThroughputExceededException: table secret-orders-table');
      },
    });
    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const lines = await captureOutput(async () => {
      response = await handler(request(validOrder, { 'x-correlation-id': 'checkout-500' }), context);
    });
    assert.equal(response?.statusCode, 500);
    assert.doesNotMatch(String(response?.body), /secret-orders-table|Provisioned/);
    const error = logLines(lines).find((l) => l.level === 'ERROR');
    assert.equal(error?.message, 'order could not be saved');
    assert.equal(error?.correlation_id, 'checkout-500');
    assert.match(String((error?.error as { message?: string })?.message), /secret-orders-table/);
    assert.equal(emfLines(lines).find((l) => l.OrdersFailed !== undefined)?.OrdersFailed, 1);
  });

  test('emits the ColdStart metric once per execution environment, with the function name', async () => {
    const { handler } = setUp();
    const first = emfLines(await captureOutput(() => handler(request(validOrder), context)));
    const second = emfLines(await captureOutput(() => handler(request(validOrder), context)));
    const coldStart = first.find((l) => l.ColdStart !== undefined);
    assert.ok(coldStart);
    assert.equal(coldStart.ColdStart, 1);
    assert.equal(coldStart.function_name, 'PlaceOrderFn');
    assert.deepEqual(coldStart._aws.CloudWatchMetrics[0].Dimensions.map((d) => [...d].sort()), [['function_name', 'service']]);
    assert.equal(second.find((l) => l.ColdStart !== undefined), undefined);
  });

  test('writes DEBUG detail only when the log level or the sample rate lets it through', async () => {
    const debugLines = async (options: Parameters<typeof setUp>[0]) => {
      // Two calls: the constructor rolls the sampling for the first, the second re-rolls it.
      const lines = await captureOutput(async () => {
        const { handler } = setUp(options);
        await handler(request(validOrder), context);
        await handler(request(validOrder), context);
      });
      return logLines(lines).filter((l) => l.message === 'order received');
    };
    assert.equal((await debugLines({ logLevel: 'INFO', sampleRate: 0 })).length, 0);
    assert.equal((await debugLines({ logLevel: 'INFO', sampleRate: 1 })).length, 2);
    assert.equal((await debugLines({ logLevel: 'DEBUG', sampleRate: 0 })).length, 2);
  });

  test('annotates the trace with correlation id, outcome and order id, and spans payment and save', async () => {
    const { handler, trace } = setUp();
    await captureOutput(() => handler(request(validOrder, { 'x-correlation-id': 'checkout-123' }), context));
    assert.deepEqual(trace.annotations, { correlation_id: 'checkout-123', order_id: 'order-1', outcome: 'placed' });
    assert.deepEqual(trace.spans, ['### authorize payment', '### save order']);
  });
});

describe('dynamoSaver', () => {
  test('puts the order with a condition that never overwrites an existing one', async () => {
    const sent: PutItemCommand['input'][] = [];
    const client = { send: async (command: PutItemCommand) => void sent.push(command.input) } as unknown as DynamoDBClient;
    await dynamoSaver(client, 'Orders')({
      orderId: 'order-1',
      customerId: 'customer-42',
      items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
      totalCents: 2500,
      correlationId: 'checkout-123',
      createdAt: '2026-12-05T10:00:00.000Z',
    });
    assert.equal(sent.length, 1);
    assert.equal(sent[0].TableName, 'Orders');
    assert.equal(sent[0].ConditionExpression, 'attribute_not_exists(orderId)');
    assert.deepEqual(sent[0].Item?.totalCents, { N: '2500' });
    assert.deepEqual(sent[0].Item?.items, { L: [{ M: { sku: { S: 'BOOK-1' }, quantity: { N: '2' }, unitPriceCents: { N: '1250' } } }] });
    assert.deepEqual(sent[0].Item?.status, { S: 'PLACED' });
  });
});
