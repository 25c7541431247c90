import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, IntegrationPattern, JsonPath, LogLevel, StateMachine, StateMachineType, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { AthenaGetQueryResults, AthenaStartQueryExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { acknowledgeObjectWildcards, REPORT_SQL, type ReportData } from './report-data';

/** Athena's default limit for one DML query: the longest the workflow waits for it. */
export const QUERY_TIMEOUT = Duration.minutes(30);
/** The whole run: the query, reading its rows, and headroom. */
export const WORKFLOW_TIMEOUT = Duration.minutes(40);

/**
 * The fix: Step Functions starts the query with the `.sync` integration and does the waiting
 * itself, then reads the rows. No function runs while the query does.
 */
export function reportWorkflow(scope: Construct, reports: ReportData): StateMachine {
  const stack = Stack.of(scope);

  const runQuery = new AthenaStartQueryExecution(scope, 'RunReportQuery', {
    comment: 'Starts the report and lets Step Functions wait for it to end (.sync).',
    queryString: REPORT_SQL,
    workGroup: reports.workGroupName,
    queryExecutionContext: { databaseName: reports.databaseName },
    integrationPattern: IntegrationPattern.RUN_JOB,
    taskTimeout: Timeout.duration(QUERY_TIMEOUT),
    resultSelector: {
      queryExecutionId: JsonPath.stringAt('$.QueryExecution.QueryExecutionId'),
      dataScannedInBytes: JsonPath.numberAt('$.QueryExecution.Statistics.DataScannedInBytes'),
    },
  });
  // No retry on purpose: a query that failed (bad SQL, the scan cutoff) fails again and scans again.

  const readRows = new AthenaGetQueryResults(scope, 'ReadReportRows', {
    comment: 'Reads the first 100 rows; the first row holds the column names.',
    queryExecutionId: JsonPath.stringAt('$.queryExecutionId'),
    maxResults: 100,
    resultSelector: { rows: JsonPath.objectAt('$.ResultSet.Rows') },
    resultPath: '$.report',
  });
  // Reading results is side-effect free, so any failure can simply be tried again.
  readRows.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });

  const logs = new LogGroup(scope, 'ReportWorkflowLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

  // The role is written out here and handed over read-only: the Athena task classes would
  // otherwise add their generic policy (S3 reads on every bucket, Glue create and delete).
  const role = new Role(scope, 'ReportWorkflowRole', {
    assumedBy: new ServicePrincipal('states.amazonaws.com'),
    description: 'ReportWorkflow: run the report query, read its rows, log and trace.',
  });
  reports.grantRunReport(role);
  role.addToPolicy(
    new PolicyStatement({
      // The .sync integration stops the query when the execution is stopped.
      actions: ['athena:StopQueryExecution'],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: reports.workGroupName })],
    }),
  );
  role.addToPolicy(
    new PolicyStatement({
      // Log delivery to CloudWatch Logs and X-Ray writes accept no narrower resource.
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ],
      resources: ['*'],
    }),
  );

  const workflow = new StateMachine(scope, 'ReportWorkflow', {
    // Standard: Express workflows cannot wait on a .sync integration.
    stateMachineType: StateMachineType.STANDARD,
    definitionBody: DefinitionBody.fromChainable(runQuery.next(readRows)),
    comment: 'Runs the revenue report in Athena and returns its rows; Step Functions does the waiting.',
    timeout: WORKFLOW_TIMEOUT,
    role: role.withoutPolicyUpdates(),
    tracingEnabled: true,
    // Events without data: report rows are business data and need not be copied into logs.
    logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
  });
  // The read-only view hides the role's policy from CDK's ordering; the workflow must not be
  // created before it may deliver logs.
  workflow.node.addDependency(role);

  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Log delivery to CloudWatch Logs and X-Ray writes accept no narrower resource; every other grant names its resource.',
  });
  acknowledgeObjectWildcards(role, reports);
  return workflow;
}
