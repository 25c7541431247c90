import { CfnOutput, CfnRule, Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnBroker } from 'aws-cdk-lib/aws-amazonmq';
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
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { LoadBalancerTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BROKER_PORTS, type BrokerSettings } from './settings';

export const ADMIN_USER = 'mqadmin';

export interface TheBasicMqStackProps extends StackProps {
  readonly settings: BrokerSettings;
}

export class TheBasicMqStack extends Stack {
  constructor(scope: Construct, id: string, props: TheBasicMqStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const ports = Object.entries(BROKER_PORTS);

    if (settings.placeholder) {
      // Synth works without a domain; a deploy against example.com would only hang
      // on certificate validation, so CloudFormation stops it before creating anything.
      new CfnRule(this, 'RequireRealDomain', {
        assertions: [
          {
            assert: Fn.conditionEquals('placeholder-domain', 'real-domain'),
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

    new CfnOutput(this, 'Endpoint', { value: settings.domainName, description: 'Connect to this name over TLS.' });
    new CfnOutput(this, 'ConsoleUrl', { value: `https://${settings.domainName}:${BROKER_PORTS.Console}/` });
    new CfnOutput(this, 'BrokerId', { value: broker.ref });
    new CfnOutput(this, 'LoadBalancerArn', { value: nlb.loadBalancerArn });
    new CfnOutput(this, 'AdminSecretArn', { value: brokerAdmin.secretArn });
    new CfnOutput(this, 'ClientSecurityGroupId', { value: clientSg.securityGroupId });
    new CfnOutput(this, 'VpcId', { value: vpc.vpcId });
    new CfnOutput(this, 'SubnetIds', { value: Fn.join(',', isolatedSubnets) });

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
