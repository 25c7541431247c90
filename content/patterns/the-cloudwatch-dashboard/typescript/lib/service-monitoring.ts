import { Duration } from 'aws-cdk-lib';
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
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Every alarm threshold in one place, so the page, the tests and the stack agree. */
export const THRESHOLDS = {
  apiServerErrorPercent: 1,
  apiClientErrorPercent: 10,
  apiLatencyP99Ms: 1000,
  functionErrorPercent: 1,
  /** 80% of the function's 5-second timeout: a warning before calls start timing out. */
  functionDurationP99Ms: 4000,
  /** Any throttle at all is worth a look in a stack this small. */
  throttledCalls: 1,
  systemErrors: 1,
} as const;

/** One-minute periods; an alarm fires when 3 of the last 5 minutes breach. */
export const EVALUATION = { period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

export type ServiceMonitoringProps = {
  readonly api: HttpApi;
  readonly fn: IFunction;
  /** The function's timeout, used to label the duration alarm. */
  readonly fnTimeout: Duration;
  readonly table: TableV2;
  readonly topic: ITopic;
  readonly accessLogs: ILogGroup;
  readonly functionLogs: ILogGroup;
};

/**
 * errors / requests as a percentage, and 0 (not "no data") for a minute without requests.
 * `name` keeps the ids inside the expression unique when two rates share one graph.
 */
function percentOf(name: string, errors: IMetric, requests: IMetric, label: string): MathExpression {
  return new MathExpression({
    expression: `IF(${name}Total > 0, 100 * ${name}Errors / ${name}Total, 0)`,
    usingMetrics: { [`${name}Errors`]: errors, [`${name}Total`]: requests },
    period: EVALUATION.period,
    label,
  });
}

/** Alarms on the metrics API Gateway, Lambda and DynamoDB publish anyway, and a dashboard that shows them. */
export class ServiceMonitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const { api, fn, table, topic } = props;
    const period = EVALUATION.period;

    // --- Metrics: raw series first, then the rates built from them. ---

    const requests = api.metricCount({ period, statistic: Stats.SUM, label: 'Requests' });
    const api4xx = api.metricClientError({ period, statistic: Stats.SUM, label: '4xx' });
    const api5xx = api.metricServerError({ period, statistic: Stats.SUM, label: '5xx' });
    const api4xxRate = percentOf('api4xx', api4xx, requests, '4xx %');
    const api5xxRate = percentOf('api5xx', api5xx, requests, '5xx %');
    const apiLatency = (p: string) => api.metricLatency({ period, statistic: p, label: `Latency ${p}` });
    const integrationLatency = (p: string) => api.metricIntegrationLatency({ period, statistic: p, label: `Integration ${p}` });

    const invocations = fn.metricInvocations({ period, statistic: Stats.SUM, label: 'Invocations' });
    const fnErrors = fn.metricErrors({ period, statistic: Stats.SUM, label: 'Errors' });
    const fnErrorRate = percentOf('fn', fnErrors, invocations, 'Error %');
    const fnThrottles = fn.metricThrottles({ period, statistic: Stats.SUM, label: 'Throttles' });
    const fnDuration = (p: string) => fn.metricDuration({ period, statistic: p, label: `Duration ${p}` });
    const fnConcurrency = fn.metric('ConcurrentExecutions', { period, statistic: Stats.MAXIMUM, label: 'Concurrent executions' });

    const writeUnits = table.metricConsumedWriteCapacityUnits({ period, statistic: Stats.SUM, label: 'Consumed WCU' });
    const updateLatency = (statistic: string) =>
      table.metricSuccessfulRequestLatency({
        period,
        statistic,
        label: `UpdateItem ${statistic.toLowerCase()}`,
        dimensionsMap: { TableName: table.tableName, Operation: Operation.UPDATE_ITEM },
      });
    const tableThrottles = table.metricThrottledRequestsForOperation(Operation.UPDATE_ITEM, { period, label: 'Throttled UpdateItem' });
    const tableSystemErrors = table.metricSystemErrorsForOperations({ operations: [Operation.UPDATE_ITEM], period, label: 'System errors' });
    const tableUserErrors = table.metricUserErrors({ period, statistic: Stats.SUM, label: 'User errors (whole account)' });

    // --- Alarms: each notifies the topic when it fires and again when it recovers. ---

    const alarmScope = new Construct(this, 'Alarms');
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(alarmScope, alarmId, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: EVALUATION.evaluationPeriods,
        datapointsToAlarm: EVALUATION.datapointsToAlarm,
        // No traffic is not a failure; a quiet demo should stay green.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new SnsAction(topic));
      created.addOkAction(new SnsAction(topic));
      this.alarms.push(created);
      return created;
    };

    alarm('ApiServerErrors', api5xxRate, THRESHOLDS.apiServerErrorPercent, '1% or more of API requests ended in a 5xx.');
    alarm('ApiClientErrors', api4xxRate, THRESHOLDS.apiClientErrorPercent, '10% or more of API requests were rejected with a 4xx.');
    alarm('ApiLatencyP99', apiLatency('p99'), THRESHOLDS.apiLatencyP99Ms, 'The slowest 1% of API requests took a second or longer.');
    alarm('FunctionErrors', fnErrorRate, THRESHOLDS.functionErrorPercent, '1% or more of hit counter invocations failed.');
    alarm('FunctionThrottles', fnThrottles, THRESHOLDS.throttledCalls, 'Lambda refused hit counter invocations for lack of concurrency.');
    alarm(
      'FunctionDurationP99',
      fnDuration('p99'),
      THRESHOLDS.functionDurationP99Ms,
      `The slowest 1% of hit counter invocations came within 20% of the ${props.fnTimeout.toSeconds()}-second timeout.`,
    );
    alarm('TableThrottles', tableThrottles, THRESHOLDS.throttledCalls, 'DynamoDB throttled UpdateItem calls on the hits table.');
    alarm('TableSystemErrors', tableSystemErrors, THRESHOLDS.systemErrors, 'DynamoDB answered UpdateItem calls with a 500.');

    // --- Dashboard: one row per layer, read from the caller's side inwards. ---

    type Mark = { value: number; label: string };
    const line = (title: string, left: IMetric[], marks: Mark[] = [], width = 6) =>
      new GraphWidget({ title, left, width, height: 6, leftAnnotations: marks });
    const mark = (value: number, what = 'alarm'): Mark[] => [{ value, label: `${what} threshold` }];

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          '# Hit counter service',
          'Requests flow left to right: **HTTP API**, then the **HitCounter** function, then the **Hits** table.',
          'Horizontal lines mark alarm thresholds; every alarm notifies the alarm topic when it fires and when it clears.',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }));
    this.dashboard.addWidgets(
      line('API requests', [requests]),
      line('API error rates (%)', [api4xxRate, api5xxRate], [
        ...mark(THRESHOLDS.apiClientErrorPercent, '4xx alarm'),
        ...mark(THRESHOLDS.apiServerErrorPercent, '5xx alarm'),
      ]),
      line('API latency (ms)', ['p50', 'p90', 'p99'].map(apiLatency), mark(THRESHOLDS.apiLatencyP99Ms, 'p99 alarm')),
      line('Integration latency (ms)', ['p50', 'p90', 'p99'].map(integrationLatency)),
    );
    this.dashboard.addWidgets(
      line('Function invocations', [invocations]),
      line('Function errors', [fnErrors, fnErrorRate], mark(THRESHOLDS.functionErrorPercent, 'error % alarm')),
      line('Function duration (ms)', ['p50', 'p90', 'p99'].map(fnDuration), mark(THRESHOLDS.functionDurationP99Ms, 'p99 alarm')),
      line('Throttles and concurrency', [fnThrottles, fnConcurrency], mark(THRESHOLDS.throttledCalls, 'throttle alarm')),
    );
    this.dashboard.addWidgets(
      line('Table write capacity consumed', [writeUnits], [], 8),
      line('UpdateItem latency (ms)', [updateLatency(Stats.AVERAGE), updateLatency(Stats.MAXIMUM)], [], 8),
      line('Table throttles and errors', [tableThrottles, tableSystemErrors, tableUserErrors], mark(THRESHOLDS.throttledCalls), 8),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Latest function errors',
        logGroupNames: [props.functionLogs.logGroupName],
        queryLines: ['filter level = "ERROR"', 'fields @timestamp, @requestId, message', 'sort @timestamp desc', 'limit 25'],
        width: 12,
        height: 6,
      }),
      new LogQueryWidget({
        title: 'Slowest requests (access log)',
        logGroupNames: [props.accessLogs.logGroupName],
        queryLines: ['fields @timestamp, method, path, status, latencyMs', 'sort latencyMs desc', 'limit 20'],
        width: 12,
        height: 6,
      }),
    );
  }
}
