import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  COLD_START_METRIC,
  FUNCTION_NAME_DIMENSION,
  LogKey,
  METRICS_NAMESPACE,
  OrderMetric,
  SERVICE_DIMENSION,
} from '../lambda/telemetry';

/** Every alarm threshold in one place, so the page, the tests and the stack agree. */
export const THRESHOLDS = {
  /** Percent of payment attempts declined in five minutes. */
  declineRatePercent: 20,
  /** Below this many attempts in five minutes a rate means little, so the alarm stays quiet. */
  declineRateMinAttempts: 10,
  /** Fewer placed orders than this in a 30-minute business-hours window is an outage, not a lull. */
  minOrdersPerWindow: 1,
  apiLatencyP99Ms: 1000,
} as const;

/** When a shop with steady daytime trade should never go 30 minutes without an order. UTC. */
export const BUSINESS_HOURS = { weekdaysThrough: 5, fromHourUtc: 9, toHourUtc: 17 } as const;

export type OrderMonitoringProps = {
  readonly serviceName: string;
  readonly api: HttpApi;
  readonly fn: IFunction;
  readonly functionLogs: ILogGroup;
  readonly topic: ITopic;
};

/**
 * Alarms, a dashboard and saved Logs Insights queries built on what the handler writes:
 * business metrics in embedded metric format, JSON log lines, and the services' own metrics.
 */
export class OrderMonitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OrderMonitoringProps) {
    super(scope, id);
    const { api, fn, topic } = props;
    const fiveMinutes = Duration.minutes(5);

    const business = (metricName: string, statistic: string, label: string, period = fiveMinutes) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName },
        statistic,
        period,
        label,
      });
    const placed = business(OrderMetric.Placed, Stats.SUM, 'Placed');
    const declined = business(OrderMetric.Declined, Stats.SUM, 'Declined');
    const rejected = business(OrderMetric.Rejected, Stats.SUM, 'Rejected (400)');
    const failed = business(OrderMetric.Failed, Stats.SUM, 'Failed (500)');
    const revenue = business(OrderMetric.Value, Stats.SUM, 'Order value');
    const averageOrder = business(OrderMetric.Value, Stats.AVERAGE, 'Average order');
    const coldStarts = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: COLD_START_METRIC,
      dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName, [FUNCTION_NAME_DIMENSION]: fn.functionName },
      statistic: Stats.SUM,
      period: fiveMinutes,
      label: 'Cold starts',
    });

    // Periods without attempts publish nothing; FILL turns them into zeros so the rate is defined.
    const declineRate = new MathExpression({
      expression: `IF(FILL(placed, 0) + FILL(declined, 0) >= ${THRESHOLDS.declineRateMinAttempts}, 100 * FILL(declined, 0) / (FILL(placed, 0) + FILL(declined, 0)), 0)`,
      usingMetrics: { placed, declined },
      period: fiveMinutes,
      label: 'Decline rate %',
    });
    // Zero orders only matter while customers are expected: outside the window the series reads 1.
    const placedInWindow = business(OrderMetric.Placed, Stats.SUM, 'Placed', Duration.minutes(30));
    const filledPlaced = new MathExpression({ expression: 'FILL(orders, 0)', usingMetrics: { orders: placedInWindow }, period: Duration.minutes(30) });
    const { weekdaysThrough, fromHourUtc, toHourUtc } = BUSINESS_HOURS;
    const placedDuringBusinessHours = new MathExpression({
      expression: `IF(DAY(filled) <= ${weekdaysThrough} AND HOUR(filled) >= ${fromHourUtc} AND HOUR(filled) < ${toHourUtc}, filled, ${THRESHOLDS.minOrdersPerWindow})`,
      usingMetrics: { filled: filledPlaced },
      period: Duration.minutes(30),
      label: 'Orders placed in business hours',
    });

    const apiRequests = api.metricCount({ period: fiveMinutes, statistic: Stats.SUM, label: 'Requests' });
    const api4xx = api.metricClientError({ period: fiveMinutes, statistic: Stats.SUM, label: '4xx' });
    const api5xx = api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM, label: '5xx' });
    const apiLatency = (p: string) => api.metricLatency({ period: fiveMinutes, statistic: p, label: `Latency ${p}` });
    const fnErrors = fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM, label: 'Errors' });
    const fnThrottles = fn.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM, label: 'Throttles' });
    const fnDuration = (p: string) => fn.metricDuration({ period: fiveMinutes, statistic: p, label: `Duration ${p}` });

    // --- Alarms: two on the business, three on the machinery. All notify the one alarm topic. ---
    const notify = new SnsAction(topic);
    const alarm = (alarmId: string, options: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, options);
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };
    alarm('PaymentDeclineRateAlarm', {
      metric: declineRate,
      threshold: THRESHOLDS.declineRatePercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A fifth or more of payment attempts were declined in two of the last three 5-minute periods. Suspect the payment provider or a fraud rule before customers: run the "declines by reason" saved query.',
    });
    alarm('NoOrdersAlarm', {
      metric: placedDuringBusinessHours,
      threshold: THRESHOLDS.minOrdersPerWindow,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Before the first order the metric does not exist yet; stay quiet until there is one.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `No order was placed in 30 minutes on a weekday between ${fromHourUtc}:00 and ${toHourUtc}:00 UTC. Check the API 5xx and rejected-order graphs, then the checkout front end.`,
    });
    alarm('FunctionErrorsAlarm', {
      metric: fnErrors,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The PlaceOrder function crashed or timed out. Run the "errors" saved query and follow xray_trace_id into X-Ray.',
    });
    alarm('ApiServerErrorsAlarm', {
      metric: api5xx,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The order API answered 5xx: an order could not be saved, or the function failed. Run the "errors" saved query.',
    });
    alarm('ApiLatencyP99Alarm', {
      metric: apiLatency('p99'),
      threshold: THRESHOLDS.apiLatencyP99Ms,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The slowest 1% of order requests took a second or more. Compare cold starts and the save order subsegment in X-Ray.',
    });

    // --- Saved Logs Insights queries, listed under the stack's name in the console. ---
    const prefix = Stack.of(this).stackName;
    const logGroups = [props.functionLogs];
    const query = (queryId: string, name: string, queryString: QueryString) =>
      new QueryDefinition(this, queryId, { queryDefinitionName: `${prefix}/${name}`, queryString, logGroups });
    query(
      'OneRequestQuery',
      'one request by correlation id',
      new QueryString({
        fields: ['@timestamp', 'level', 'message', LogKey.outcome, LogKey.orderId, LogKey.traceId],
        filterStatements: [`${LogKey.correlationId} = "paste-a-correlation-id"`],
        sort: '@timestamp asc',
      }),
    );
    query(
      'ErrorsQuery',
      'errors',
      new QueryString({
        fields: ['@timestamp', 'message', 'error.message', LogKey.correlationId, LogKey.traceId],
        filterStatements: ['level = "ERROR"'],
        sort: '@timestamp desc',
        limit: 50,
      }),
    );
    query(
      'DeclinesQuery',
      'declines by reason',
      new QueryString({
        filterStatements: [`${LogKey.outcome} = "declined"`],
        statsStatements: ['count(*) as declines by reason, bin(15m)'],
      }),
    );
    query(
      'ColdStartsQuery',
      'cold starts per hour',
      new QueryString({
        filterStatements: [`ispresent(${LogKey.outcome})`],
        statsStatements: [`count(*) as requests by ${LogKey.coldStart}, bin(1h)`],
      }),
    );

    // --- Dashboard: business first, then the machinery, then the logs. ---
    const graph = (title: string, left: IMetric[], options: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) =>
      new GraphWidget({ title, left, width: 8, height: 6, ...options });
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          `# Orders (${props.serviceName})`,
          `Top row: what customers did, from the handler's embedded-metric-format lines in \`${METRICS_NAMESPACE}\`. ` +
            'Middle row: API Gateway and Lambda. Bottom: the latest warnings and errors; paste a `correlation_id` into the ' +
            '"one request" saved query to see everything one request logged.',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }));
    this.dashboard.addWidgets(
      graph('Order outcomes per 5 minutes', [placed, declined, rejected, failed], { stacked: true }),
      graph('Order value per 5 minutes', [revenue], { right: [averageOrder] }),
      graph('Payment decline rate (%)', [declineRate], {
        leftAnnotations: [{ value: THRESHOLDS.declineRatePercent, label: 'alarm threshold' }],
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [apiRequests, api4xx, api5xx]),
      graph('API latency (ms)', ['p50', 'p90', 'p99'].map(apiLatency), {
        leftAnnotations: [{ value: THRESHOLDS.apiLatencyP99Ms, label: 'p99 alarm' }],
      }),
      graph('Function errors, throttles, cold starts', [fnErrors, fnThrottles, coldStarts], { right: [fnDuration('p99')] }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Latest warnings and errors',
        logGroupNames: [props.functionLogs.logGroupName],
        queryLines: [
          `fields @timestamp, level, message, ${LogKey.outcome}, ${LogKey.correlationId}, ${LogKey.traceId}`,
          // Powertools for TypeScript writes WARN, Powertools for Python WARNING: match both.
          'filter level in ["WARN", "WARNING", "ERROR"]',
          'sort @timestamp desc',
          'limit 25',
        ],
        width: 24,
        height: 6,
      }),
    );
  }
}
