import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeObjectWildcards, REPORT_SQL, ReportData } from './report-data';

/** How long the function sleeps between two status calls. */
export const POLL_EVERY = Duration.seconds(2);

/**
 * THE ANTI-PATTERN, kept for reading and for the rule pack's tests; `cdk deploy` never deploys it
 * unless you pass `-c antiPattern=before`. A function starts the report's Athena query and then
 * polls it every two seconds, for up to fifteen minutes, while its caller waits for the rows.
 * Everything else (data, table, workgroup, least-privilege grants) is the same as in the fix.
 */
export class PollingReportStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const reports = new ReportData(this, 'Reports');

    const logGroup = new LogGroup(this, 'ReportRunnerLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'ReportRunnerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ReportRunner: run the report query and wait for it, write its own logs and traces.',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }));
    // Start, status and results of the same query: the pair of grants the rule pack looks for.
    reports.grantRunReport(role);

    const runner = new NodejsFunction(this, 'ReportRunner', {
      role,
      description: 'Starts the revenue report in Athena and polls it until it ends (the anti-pattern).',
      entry: path.join(__dirname, '..', 'lambda', 'run-report.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // "Long enough for any report": the maximum Lambda allows, still half of Athena's default query timeout.
      timeout: Duration.minutes(15),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: {
        REPORT_SQL,
        WORK_GROUP: reports.workGroupName,
        DATABASE: reports.databaseName,
        POLL_EVERY_MS: String(POLL_EVERY.toMilliseconds()),
      },
      bundling: { minify: true, sourceMap: true },
    });

    new CfnOutput(this, 'ReportRunnerName', { value: runner.functionName });
    new CfnOutput(this, 'OrdersBucketName', { value: reports.orders.bucketName });

    Validations.of(runner).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The caller invokes the function synchronously and waits for the rows; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource.',
    });
    acknowledgeObjectWildcards(role, reports);
  }
}
