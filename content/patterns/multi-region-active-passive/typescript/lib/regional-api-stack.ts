import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, DomainName, HttpApi, HttpMethod, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, Failover, HealthCheck, HealthCheckType, HostedZone, type IAliasRecordTarget, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { Operations } from './operations';
import type { Settings } from './settings';

/** Which half of the failover pair a Region is. The construct ids carry it, so consoles and diagrams tell them apart. */
export type RegionRole = 'Primary' | 'Secondary';

export type RegionalApiStackProps = StackProps & { settings: Settings; role: RegionRole };

/** How often Route 53 probes the primary, and how many misses in a row make it fail over. */
export const HEALTH_CHECK_INTERVAL = Duration.seconds(30);
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;

/**
 * Route 53 (and CDK) require failover alias records to evaluate their target's health: the record
 * then also inherits what Route 53 knows of the API Gateway endpoint behind the custom domain.
 */
function evaluatingTargetHealth(target: IAliasRecordTarget): IAliasRecordTarget {
  return { bind: (record, zone) => ({ ...target.bind(record, zone), evaluateTargetHealth: true }) };
}

/**
 * One Region's copy of the service: an HTTP API on the shared custom domain, a function that uses
 * the table replica in its own Region, and the Route 53 failover record that points at it. The
 * primary also owns the health check that decides when the secondary takes over.
 */
export class RegionalApiStack extends Stack {
  constructor(scope: Construct, id: string, props: RegionalApiStackProps) {
    super(scope, id, props);
    const { settings, role } = props;
    const isPrimary = role === 'Primary';

    // The replica in this stack's Region, found by its fixed name: the ARN is built for this Region.
    const items = TableV2.fromTableName(this, 'Items', settings.tableName);

    const serviceLogs = new LogGroup(this, 'ServiceLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the AWS managed basic-execution policy, whose log permissions
    // reach every log group in the account.
    const serviceRole = new Role(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${role} Region service: write its own logs, read and write items in this Region's replica.`,
    });
    serviceLogs.grantWrite(serviceRole);

    const service = new NodejsFunction(this, `${role}Service`, {
      role: serviceRole,
      entry: path.join(__dirname, '..', 'lambda', 'service.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      // Route 53 probes /health about every two seconds; START/END/REPORT lines for each probe
      // would be most of the log bill. Warnings and errors from the platform still come through.
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup: serviceLogs,
      environment: { TABLE_NAME: settings.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    // Least privilege: one read and one write action, on this Region's replica only.
    items.grant(service, 'dynamodb:GetItem', 'dynamodb:PutItem');

    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: settings.hostedZoneId,
      zoneName: settings.hostedZoneName,
    });
    // Each Region needs its own certificate for the same name: ACM certificates are regional. Both
    // ask for the same validation record, which CloudFormation writes into the hosted zone.
    const certificate = new Certificate(this, 'Certificate', {
      domainName: settings.domainName,
      validation: CertificateValidation.fromDns(zone),
    });
    const domain = new DomainName(this, 'ServiceDomain', {
      domainName: settings.domainName,
      certificate,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });

    const integration = new HttpLambdaIntegration('ServiceIntegration', service);
    const api = new HttpApi(this, `${role}Api`, {
      description: `Items service, ${role.toLowerCase()} Region.`,
      defaultDomainMapping: { domainName: domain },
    });
    api.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration });
    api.addRoutes({ path: '/items/{id}', methods: [HttpMethod.GET, HttpMethod.PUT], integration });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        domain: '$context.domainName',
        route: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    // A public endpoint that writes: cap it, so a flood cannot run up the bill in either Region.
    stage.defaultRouteSettings = { throttlingBurstLimit: 25, throttlingRateLimit: 50 };

    const operations = new Operations(this, `Multi-Region active-passive ${role.toLowerCase()} Region alarms`);
    operations.alarm('ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The ${role.toLowerCase()} Region's API answered 5xx. Search ServiceLogs for "request failed" or "health probe failed" and the access log for the failing routes.`,
    });
    operations.alarm('ServiceErrorsAlarm', {
      metric: service.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The ${role} Region's function failed (timeout, crash or bad deploy). Check ServiceLogs and roll back a bad deploy.`,
    });

    let healthCheck: HealthCheck | undefined;
    if (isPrimary) {
      // Probe the API's own execute-api name, not the shared domain: the shared name follows the
      // failover record, so once it pointed at the standby the check would report the standby's health.
      healthCheck = new HealthCheck(this, 'HealthCheck', {
        type: HealthCheckType.HTTPS,
        fqdn: `${api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
        port: 443,
        resourcePath: '/health',
        enableSNI: true,
        requestInterval: HEALTH_CHECK_INTERVAL,
        failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
      });
      // Route 53 publishes HealthCheckStatus only in us-east-1 (settings.ts refuses any other
      // primary Region). It is 1 while healthy, 0 once the checkers agree the primary is down.
      operations.alarm('HealthCheckFailingAlarm', {
        metric: new Metric({
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensionsMap: { HealthCheckId: healthCheck.healthCheckId },
          statistic: Stats.MINIMUM,
          period: Duration.minutes(1),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        // A health check that stops reporting is as worrying as one that fails.
        treatMissingData: TreatMissingData.BREACHING,
        alarmDescription: `Route 53 considers the primary Region unhealthy: ${settings.domainName} now answers from ${settings.secondaryRegion}. Check the primary's /health, ServiceLogs and the AWS Health Dashboard; it fails back by itself once the primary passes ${HEALTH_CHECK_FAILURE_THRESHOLD} checks in a row.`,
      });
      new CfnOutput(this, 'HealthCheckId', { value: healthCheck.healthCheckId });
    }

    new ARecord(this, `${role}Record`, {
      zone,
      recordName: settings.domainName,
      target: RecordTarget.fromAlias(evaluatingTargetHealth(new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId))),
      failover: isPrimary ? Failover.PRIMARY : Failover.SECONDARY,
      setIdentifier: `${role.toLowerCase()}-${this.region}`,
      // Only the primary carries a health check: Route 53 then answers with the secondary whenever
      // the primary is unhealthy, without needing a verdict on the secondary.
      healthCheck,
    });

    new CfnOutput(this, 'AlarmTopicArn', { value: operations.topic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: `This Region's API, bypassing DNS failover.` });
    new CfnOutput(this, 'ServiceUrl', { value: `https://${settings.domainName}`, description: 'The failover name clients call.' });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint, throttled at the stage; add a JWT or IAM authorizer on /items before real use. /health must stay open for the Route 53 checkers.',
    });
    Validations.of(service).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: 'Route 53 probes /health around 1.3 million times a month and Lambda would trace nearly every probe, about $6 a month of X-Ray for an idle service.',
      },
    );
  }
}
