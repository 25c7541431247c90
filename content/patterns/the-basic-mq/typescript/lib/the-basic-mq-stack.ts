import { CfnOutput, CfnParameter, CfnRule, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnBroker } from 'aws-cdk-lib/aws-amazonmq';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { FlowLogDestination, FlowLogTrafficType, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import {
  ListenerCertificate,
  NetworkLoadBalancer,
  NetworkTargetGroup,
  Protocol,
  SslPolicy,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IpTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { BROKER_PORTS, type BrokerSettings } from './settings';

export const ADMIN_USER = 'mqadmin';

/** Default monthly limit of the cost budget in US dollars, by broker count; override with -c monthlyBudgetUsd=... */
export const DEFAULT_MONTHLY_BUDGET_USD = { single: 50, pair: 480 } as const;

export interface TheBasicMqStackProps extends StackProps {
  readonly settings: BrokerSettings;
}

export class TheBasicMqStack extends Stack {
  constructor(scope: Construct, id: string, props: TheBasicMqStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const ports = Object.entries(BROKER_PORTS);

    if (settings.placeholder) {
      // Synth works without a domain; a deploy against example.com would only hang on
      // certificate validation, so CloudFormation stops it before creating anything. The
      // rule tests a parameter rather than two literals, which linters flag as dead code.
      const zoneName = new CfnParameter(this, 'ZoneName', {
        type: 'String',
        default: settings.zoneName,
        description: 'Synth-only placeholder. Deploy with -c zoneName=... -c hostedZoneId=... instead of setting this.',
      });
      new CfnRule(this, 'RequireRealDomain', {
        assertions: [
          {
            assert: Fn.conditionNot(Fn.conditionEquals(zoneName.valueAsString, settings.zoneName)),
            assertDescription:
              'Deploy with -c zoneName=<your public zone> -c hostedZoneId=<its id>; the example.com defaults are for synth only.',
          },
        ],
      });
    }

    // Nothing here needs the internet: the broker and the load balancer both sit in
    // isolated subnets, and clients reach them from inside the VPC (or a peered network).
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    vpc.addFlowLog('RejectedTraffic', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }),
      ),
    });

    const group = (groupId: string, description: string) =>
      new SecurityGroup(this, groupId, { vpc, description, allowAllOutbound: false });
    const clientSg = group('ClientSg', 'Broker clients: attach to anything that should reach the broker endpoint');
    const nlbSg = group('NlbSg', 'Load balancer: TLS from broker clients, re-encrypted to the broker');
    const brokerSg = group('BrokerSg', 'ActiveMQ broker: accepts the load balancer only');
    for (const [name, port] of ports) {
      nlbSg.connections.allowFrom(clientSg, Port.tcp(port), `${name} from broker clients`);
      brokerSg.connections.allowFrom(nlbSg, Port.tcp(port), `${name} from the load balancer`);
    }

    const brokerAdmin = new Secret(this, 'BrokerAdmin', {
      description: 'Amazon MQ admin user for the ActiveMQ broker and its web console.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: ADMIN_USER }),
        generateStringKey: 'password',
        // ActiveMQ passwords may not contain commas, colons or equals signs.
        excludePunctuation: true,
        passwordLength: 32,
      },
    });

    // Amazon MQ writes broker logs itself; this lets it do so only for this account's brokers.
    const logsPolicy = new ResourcePolicy(this, 'BrokerLogsPolicy', {
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal('mq.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`arn:${this.partition}:logs:${this.region}:${this.account}:log-group:/aws/amazonmq/broker/*`],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      ],
    });

    const isolatedSubnets = vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds;
    const broker = new CfnBroker(this, 'Broker', {
      brokerName: `${this.stackName}-broker`,
      engineType: 'ACTIVEMQ',
      engineVersion: '5.18',
      autoMinorVersionUpgrade: true,
      hostInstanceType: settings.instanceType,
      deploymentMode: settings.deploymentMode,
      // One subnet per broker instance: a single instance must be given exactly one.
      subnetIds: isolatedSubnets.slice(0, settings.brokerCount),
      securityGroups: [brokerSg.securityGroupId],
      publiclyAccessible: false,
      authenticationStrategy: 'SIMPLE',
      users: [
        {
          username: ADMIN_USER,
          // A dynamic reference: CloudFormation reads the secret at deploy time, so the
          // password never appears in the template.
          password: brokerAdmin.secretValueFromJson('password').unsafeUnwrap(),
          consoleAccess: true,
        },
      ],
      encryptionOptions: { useAwsOwnedKey: true },
      logs: { general: true, audit: true },
      maintenanceWindowStartTime: { dayOfWeek: 'SUNDAY', timeOfDay: '03:00', timeZone: 'UTC' },
    });
    broker.node.addDependency(logsPolicy);

    const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: settings.hostedZoneId,
      zoneName: settings.zoneName,
    });
    const certificate = new Certificate(this, 'Certificate', {
      domainName: settings.domainName,
      validation: CertificateValidation.fromDns(zone),
    });

    const nlb = new NetworkLoadBalancer(this, 'Nlb', {
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      internetFacing: false,
      securityGroups: [nlbSg],
      // The broker lives in one AZ (or two, active/standby); every load balancer node must reach it.
      crossZoneEnabled: true,
    });

    // The broker's private IPs are only known after it exists, and CloudFormation hands
    // them back as a list: pick each one by index rather than splitting a string.
    const brokerIps = Array.from({ length: settings.brokerCount }, (_, i) => Fn.select(i, broker.attrIpAddresses));
    let openWireTargets: NetworkTargetGroup | undefined;
    for (const [name, port] of ports) {
      const targets = new NetworkTargetGroup(this, `${name}Targets`, {
        vpc,
        port,
        // Re-encrypt to the broker, whose own listeners only speak TLS.
        protocol: Protocol.TLS,
        targetType: TargetType.IP,
        targets: brokerIps.map((ip) => new IpTarget(ip, port)),
        // In active/standby only the active broker accepts connections; fast checks
        // move traffic to the new active broker soon after a failover.
        healthCheck: {
          protocol: Protocol.TCP,
          interval: Duration.seconds(10),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 2,
        },
        deregistrationDelay: Duration.seconds(30),
      });
      if (port === BROKER_PORTS.OpenWire) openWireTargets = targets;
      nlb.addListener(`${name}Listener`, {
        port,
        protocol: Protocol.TLS,
        certificates: [ListenerCertificate.fromCertificateManager(certificate)],
        sslPolicy: SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [targets],
      });
    }

    new ARecord(this, 'BrokerRecord', {
      zone,
      recordName: settings.domainName,
      target: RecordTarget.fromAlias(new LoadBalancerTarget(nlb)),
      comment: 'Stable name for the Amazon MQ broker, whatever its own endpoints are.',
    });

    // Operations: one topic for the alarm and the cost budget.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'The Basic MQ alarms' });
    const alarmEmail = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (alarmEmail) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }

    // Clients only ever see the name; when no broker answers behind it, every port is down.
    // OpenWire stands for all four: the target groups check the same broker instances.
    new Alarm(this, 'BrokerUnreachableAlarm', {
      metric: openWireTargets!.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'No broker instance has passed the load balancer health check for five minutes, so clients of the stable name cannot connect. Check the broker state in the Amazon MQ console and its general log.',
    }).addAlarmAction(new SnsAction(alarmTopic));

    // The broker and the load balancer bill every hour whether or not a message moves. This
    // budget notifies the alarm topic when the month's Amazon MQ and load balancer charges pass the limit.
    const defaultBudget = settings.brokerCount > 1 ? DEFAULT_MONTHLY_BUDGET_USD.pair : DEFAULT_MONTHLY_BUDGET_USD.single;
    const monthlyBudgetUsd = Number(this.node.tryGetContext('monthlyBudgetUsd') ?? defaultBudget);
    if (!Number.isFinite(monthlyBudgetUsd) || monthlyBudgetUsd <= 0) {
      throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${String(this.node.tryGetContext('monthlyBudgetUsd'))}`);
    }
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const notifyAt = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'SNS', address: alarmTopic.topicArn }],
    });
    const budget = new CfnBudget(this, 'MonthlyCostBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyBudgetUsd, unit: 'USD' },
        costFilters: { Service: ['Amazon MQ', 'Amazon Elastic Load Balancing'] },
      },
      notificationsWithSubscribers: [notifyAt('ACTUAL'), notifyAt('FORECASTED')],
    });
    // Budgets checks that it may publish before it accepts the subscriber.
    budget.node.addDependency(alarmTopic);

    new CfnOutput(this, 'Endpoint', { value: settings.domainName, description: 'Connect to this name over TLS.' });
    new CfnOutput(this, 'ConsoleUrl', { value: `https://${settings.domainName}:${BROKER_PORTS.Console}/` });
    new CfnOutput(this, 'BrokerId', { value: broker.ref });
    new CfnOutput(this, 'LoadBalancerArn', { value: nlb.loadBalancerArn });
    new CfnOutput(this, 'AdminSecretArn', { value: brokerAdmin.secretArn });
    new CfnOutput(this, 'ClientSecurityGroupId', { value: clientSg.securityGroupId });
    new CfnOutput(this, 'VpcId', { value: vpc.vpcId });
    new CfnOutput(this, 'SubnetIds', { value: Fn.join(',', isolatedSubnets) });

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'The alarm and the cost budget notify this topic.' });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and the notifications carry only alarm names and states.',
    });
    Validations.of(brokerAdmin).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Amazon MQ has no rotation integration; a new password must also be applied to the broker user, so this demo rotates it by updating the stack.',
    });
    Validations.of(nlb).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'The broker publishes general and audit logs to CloudWatch; NLB access logs would add an S3 bucket only to record TLS handshakes.',
    });
  }
}
