// What a resource costs while nobody uses it: us-east-1 on-demand list prices (checked
// December 2026), rounded. A page shows these as rough monthly figures, never as a quote.
import type { Template } from '../content';

const HOURS = 730;
type Props = Record<string, unknown>;
export type IdleCost = {
  /** US dollars a month, rounded; undefined when it depends on settings the template leaves open. */
  monthlyUsd?: number;
  basis: string;
  /** Billed by the hour whatever the traffic: the stack needs a stop, a budget or a written reason. */
  hourly: boolean;
  /** Billed only while started (a MediaLive channel): nothing while the stack sits idle. */
  whileRunning?: boolean;
};

const RDS_CLASS_HOURLY: Record<string, number> = { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065, 'db.t3.micro': 0.017, 'db.t3.small': 0.034 };
const RDS_CLASS_VCPUS: Record<string, number> = { 'db.t4g.micro': 2, 'db.t4g.small': 2, 'db.t4g.medium': 2, 'db.t3.micro': 2, 'db.t3.small': 2 };
const MQ_HOURLY: Record<string, number> = { 'mq.t3.micro': 0.0208, 'mq.m5.large': 0.288 };
const month = (hourly: number) => Math.round(hourly * HOURS * 100) / 100;

type Rule = (p: Props, template: Template) => IdleCost | undefined;

const RULES: Record<string, Rule> = {
  'AWS::RDS::DBInstance': (p) => {
    const cls = String(p.DBInstanceClass ?? '');
    const storage = Number(p.AllocatedStorage ?? 20) * 0.115;
    const hourly = RDS_CLASS_HOURLY[cls];
    const multi = p.MultiAZ === true ? 2 : 1;
    return { monthlyUsd: hourly ? Math.round((month(hourly) * multi + storage) * 100) / 100 : undefined, basis: `${cls || 'instance'} by the hour${multi > 1 ? ' in two AZs' : ''} plus ${p.AllocatedStorage ?? 20} GB of storage`, hourly: true };
  },
  'AWS::RDS::DBProxy': (_p, template) => {
    const cls = Object.values(template.Resources).map((r) => (r.Type === 'AWS::RDS::DBInstance' ? String((r.Properties as Props)?.DBInstanceClass) : '')).find((c) => c);
    const vcpus = Math.max(2, RDS_CLASS_VCPUS[cls ?? ''] ?? 2);
    return { monthlyUsd: month(0.015 * vcpus), basis: `$0.015 per vCPU-hour of the database (${vcpus} vCPUs, the minimum charge)`, hourly: true };
  },
  'AWS::EC2::NatGateway': () => ({ monthlyUsd: month(0.045), basis: '$0.045 an hour, plus $0.045 per GB processed', hourly: true }),
  'AWS::EC2::EIP': () => ({ monthlyUsd: month(0.005), basis: '$0.005 an hour for a public IPv4 address', hourly: true }),
  'AWS::EC2::VPCEndpoint': (p) => {
    if (p.VpcEndpointType !== 'Interface') return undefined;
    const azs = Array.isArray(p.SubnetIds) ? p.SubnetIds.length : 2;
    return { monthlyUsd: month(0.01 * azs), basis: `$0.01 an hour in each of ${azs} subnets`, hourly: true };
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': () => ({ monthlyUsd: month(0.0225), basis: '$0.0225 an hour plus capacity units', hourly: true }),
  'AWS::AmazonMQ::Broker': (p) => {
    const hourly = MQ_HOURLY[String(p.HostInstanceType)];
    const brokers = String(p.DeploymentMode).includes('MULTI_AZ') ? 2 : 1;
    return { monthlyUsd: hourly ? month(hourly * brokers) : undefined, basis: `${String(p.HostInstanceType)} by the hour${brokers > 1 ? ', two brokers' : ''}, plus storage`, hourly: true };
  },
  'AWS::WAFv2::WebACL': (p) => {
    const rules = Array.isArray(p.Rules) ? p.Rules.length : 0;
    return { monthlyUsd: 5 + rules, basis: `$5 a month for the web ACL and $1 for each of its ${rules} rules, plus $0.60 per million requests`, hourly: true };
  },
  'AWS::ECS::Service': (p) => (Number(p.DesiredCount ?? 1) > 0 ? { basis: `${String(p.DesiredCount ?? 1)} task(s) running around the clock`, hourly: true } : undefined),
  'AWS::Kinesis::Stream': (p) =>
    (p.StreamModeDetails as Props | undefined)?.StreamMode === 'ON_DEMAND'
      ? { monthlyUsd: month(0.04), basis: '$0.04 an hour per on-demand stream, plus data', hourly: true }
      : { monthlyUsd: month(0.015 * Number(p.ShardCount ?? 1)), basis: `${String(p.ShardCount ?? 1)} shard(s) at $0.015 an hour`, hourly: true },
  'AWS::ApiGateway::Stage': (p) => (p.CacheClusterEnabled === true ? { monthlyUsd: month(0.02), basis: 'a 0.5 GB cache at $0.02 an hour (larger sizes cost more)', hourly: true } : undefined),
  'AWS::Synthetics::Canary': () => ({ basis: '$0.0012 per canary run, as often as its schedule says', hourly: true }),
  'AWS::Lambda::Alias': (p) => {
    const n = Number((p.ProvisionedConcurrencyConfig as Props | undefined)?.ProvisionedConcurrentExecutions ?? 0);
    return n > 0 ? { basis: `${n} provisioned environment(s) kept warm, billed per GB-second whether used or not`, hourly: true } : undefined;
  },
  'AWS::MediaLive::Channel': () => ({ basis: 'billed by the hour only while the channel runs; it is created stopped', hourly: false, whileRunning: true }),
  'AWS::KMS::Key': () => ({ monthlyUsd: 1, basis: '$1 a month per customer managed key', hourly: false }),
  'AWS::SecretsManager::Secret': () => ({ monthlyUsd: 0.4, basis: '$0.40 a month per secret', hourly: false }),
  'AWS::CloudWatch::Alarm': () => ({ monthlyUsd: 0.1, basis: '$0.10 a month per standard alarm (the first 10 in an account are free)', hourly: false }),
  'AWS::CloudWatch::Dashboard': () => ({ monthlyUsd: 3, basis: '$3 a month per dashboard beyond the account\'s first three', hourly: false }),
  'AWS::Route53::HostedZone': () => ({ monthlyUsd: 0.5, basis: '$0.50 a month per hosted zone', hourly: false }),
  'AWS::Route53::HealthCheck': () => ({ monthlyUsd: 0.5, basis: '$0.50 a month per health check of an AWS endpoint', hourly: false }),
  'AWS::DynamoDB::Table': (p) => (p.BillingMode === 'PAY_PER_REQUEST' ? undefined : { basis: 'provisioned read and write capacity by the hour', hourly: false }),
};

/** The standing cost of one resource, or undefined when it costs nothing while idle. */
export function idleCostOf(type: string, properties: unknown, template: Template): IdleCost | undefined {
  const rule = RULES[type];
  return rule ? rule((properties ?? {}) as Props, template) : undefined;
}
