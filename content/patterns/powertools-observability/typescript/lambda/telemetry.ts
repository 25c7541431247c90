/**
 * Every name the order handler emits and the dashboard, alarms and saved queries read, in one
 * module. The handler and the stack both import it, so a renamed metric or log key changes
 * both sides at once instead of leaving an alarm watching a metric nobody publishes.
 * Plain constants only: importing this from the stack pulls no Powertools code into the synth.
 */

/** CloudWatch namespace of the business metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'ServerlessCdkPatterns/Orders';

/**
 * Default POWERTOOLS_SERVICE_NAME: the `service` dimension of every metric and the `service` key
 * of every log line. Override it with `-c serviceName=...` when a second copy of the stack shares
 * an account and Region, or both copies would add up in the same metrics.
 */
export const DEFAULT_SERVICE_NAME = 'orders';

/** The dimension Powertools adds to every metric, holding the service name. */
export const SERVICE_DIMENSION = 'service';

/** One business metric per outcome of an order attempt, plus the value of placed orders. */
export const OrderMetric = {
  /** An order was stored: count 1. */
  Placed: 'OrdersPlaced',
  /** The placed order's total in whole currency units (cents / 100). */
  Value: 'OrderValue',
  /** The payment stand-in declined the order: count 1. */
  Declined: 'PaymentDeclined',
  /** The request failed validation and was answered 400: count 1. */
  Rejected: 'OrdersRejected',
  /** The order could not be saved and the caller got a 500: count 1. */
  Failed: 'OrdersFailed',
} as const;

/** Powertools' own cold-start metric, with the dimensions service and function_name. */
export const COLD_START_METRIC = 'ColdStart';
export const FUNCTION_NAME_DIMENSION = 'function_name';

/** Header a caller may send to choose the correlation id; it is echoed on every response. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Log keys the saved queries and the dashboard's log widget filter on. */
export const LogKey = {
  correlationId: 'correlation_id',
  apiRequestId: 'api_request_id',
  outcome: 'outcome',
  orderId: 'order_id',
  coldStart: 'cold_start',
  traceId: 'xray_trace_id',
} as const;

/** The value of the `outcome` log key, the `outcome` trace annotation and the metric it drives. */
export type Outcome = 'placed' | 'declined' | 'rejected' | 'failed';
