import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type Order, parseOrder } from './order';
import { type Trace, tracer, traced, xray } from './tracing';

/** The one SNS call the handler makes; returns the message id. */
export type PublishOrder = (order: Order) => Promise<string>;

export function snsPublisher(client: SNSClient, topicArn: string): PublishOrder {
  return async (order) => {
    const result = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(order),
        // Subscription filter policies match message attributes, not the body.
        MessageAttributes: {
          total: { DataType: 'Number', StringValue: String(order.total) },
          currency: { DataType: 'String', StringValue: order.currency },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SNS returned no message id');
    return result.MessageId;
  };
}

export function createHandler(publish: PublishOrder, trace: Trace) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const parsed = parseOrder(event.body);
    if ('errors' in parsed) {
      trace.annotate('accepted', false);
      return json(400, { errors: parsed.errors });
    }
    const { order } = parsed;
    trace.annotate('orderId', order.orderId);
    trace.annotate('currency', order.currency);
    try {
      const messageId = await trace.span('### publish order', () => publish(order));
      trace.annotate('accepted', true);
      // The trace id lets a caller (or support) open this exact request in X-Ray.
      return json(202, { orderId: order.orderId, messageId, traceId: trace.traceId() ?? null });
    } catch (error) {
      console.error(JSON.stringify({ message: 'publish failed', orderId: order.orderId, error: String(error) }));
      return json(500, { message: 'The order could not be accepted right now.' });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

// Wrapping the client makes every SNS call its own subsegment, linked to the topic's segment.
const sns = tracer.captureAWSv3Client(new SNSClient({}));
export const handler = traced(createHandler(snsPublisher(sns, process.env.TOPIC_ARN ?? ''), xray));
