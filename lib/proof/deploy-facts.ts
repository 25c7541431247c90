// "Before you deploy" and "Clean up", derived from a pattern's templates: what it asks of the
// account's quotas, what it costs while idle, what `cdk destroy` leaves behind, and where it runs.
import type { Template } from '../content';
import { type IdleCost, idleCostOf } from './idle-costs';
import { pick, refsIn } from './refs';

type Stack = { name: string; template: Template };
type Props = Record<string, unknown>;

export type QuotaUse = { quota: string; used: number; defaultQuota: number; note?: string };
export type IdleItem = IdleCost & { stack: string; path: string; type: string };
export type Leftover = { stack: string; path: string; type: string; what: string };
export type DeployFacts = {
  quotas: QuotaUse[];
  idle: IdleItem[];
  leftovers: Leftover[];
  /** Destroy fails until these are emptied or unprotected by hand. */
  blockers: Leftover[];
  needsDocker: boolean;
  usesAssets: boolean;
  /** A REST API stage logs to CloudWatch, which API Gateway refuses until the account's logging role is set. */
  needsApiGatewayLogsRole: boolean;
  alarms: number;
  types: string[];
  stacks: string[];
};

/** Default per-region quotas a fresh account starts with, for the resources that run into them. */
const COUNTED: Record<string, [string, number]> = {
  'AWS::EC2::VPC': ['VPCs per Region', 5],
  'AWS::EC2::NatGateway': ['NAT gateways per Availability Zone', 5],
  'AWS::EC2::EIP': ['Elastic IP addresses per Region', 5],
  'AWS::EC2::InternetGateway': ['Internet gateways per Region', 5],
  'AWS::RDS::DBInstance': ['DB instances per Region', 40],
  'AWS::RDS::DBProxy': ['RDS proxies per Region', 20],
  'AWS::AmazonMQ::Broker': ['Amazon MQ brokers per Region', 50],
  'AWS::MediaLive::Channel': ['MediaLive channels per Region', 5],
  'AWS::MediaLive::Input': ['MediaLive push inputs per Region', 5],
  'AWS::WAFv2::WebACL': ['WAF web ACLs per Region', 100],
  'AWS::CloudFront::Distribution': ['CloudFront distributions per account', 200],
  'AWS::Events::EventBus': ['EventBridge event buses per Region', 100],
  'AWS::Kinesis::Stream': ['Kinesis shards per Region (on-demand streams start with 4)', 200],
};

const path = (stack: string, template: Template, id: string) => template.Resources[id]?.Metadata?.['aws:cdk:path'] ?? `${stack}/${id}`;

function quotas(stacks: Stack[]): QuotaUse[] {
  const counts = new Map<string, number>();
  let reserved = 0;
  let provisioned = 0;
  let provisionedMax = 0;
  let interfaceEndpoints = 0;
  for (const { template } of stacks) {
    for (const r of Object.values(template.Resources)) {
      const p = (r.Properties ?? {}) as Props;
      if (COUNTED[r.Type]) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
      if (r.Type === 'AWS::Lambda::Function' && typeof p.ReservedConcurrentExecutions === 'number') reserved += p.ReservedConcurrentExecutions;
      if (r.Type === 'AWS::Lambda::Alias' || r.Type === 'AWS::Lambda::Version') {
        const n = pick(p, 'ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions')[0];
        if (typeof n === 'number') provisioned += n;
      }
      if (r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' && p.ScalableDimension === 'lambda:function:ProvisionedConcurrency' && typeof p.MaxCapacity === 'number') {
        provisionedMax += p.MaxCapacity;
      }
      if (r.Type === 'AWS::EC2::VPCEndpoint' && p.VpcEndpointType === 'Interface') interfaceEndpoints++;
    }
  }
  const out: QuotaUse[] = [...counts].map(([type, used]) => ({ quota: COUNTED[type]![0], used, defaultQuota: COUNTED[type]![1] }));
  // Reserved and provisioned concurrency both come out of the Region's concurrency quota, of which
  // Lambda always keeps 100 unreserved; auto scaling may raise provisioned concurrency to its maximum.
  const warm = Math.max(provisioned, provisionedMax);
  if (reserved + warm > 0) {
    const parts = [
      ...(reserved > 0 ? [`${reserved} reserved`] : []),
      ...(warm > 0 ? [provisionedMax > provisioned ? `${provisioned} provisioned, scaling up to ${provisionedMax}` : `${provisioned} provisioned`] : []),
    ];
    out.unshift({
      quota: 'Lambda concurrent executions',
      used: reserved + warm,
      defaultQuota: 1000,
      note: `${parts.join(' and ')} by this stack; Lambda keeps 100 unreserved, so the account needs a quota of at least ${reserved + warm + 100}. New accounts can start far lower: check Service Quotas and ask for an increase before deploying`,
    });
  }
  if (interfaceEndpoints > 0) out.push({ quota: 'Interface VPC endpoints per VPC', used: interfaceEndpoints, defaultQuota: 50 });
  return out;
}

function leftovers(stacks: Stack[]): { leftovers: Leftover[]; blockers: Leftover[] } {
  const left: Leftover[] = [];
  const blockers: Leftover[] = [];
  for (const { name, template } of stacks) {
    const res = template.Resources;
    const autoDeleted = new Set(Object.values(res).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects').flatMap((r) => refsIn((r.Properties as Props)?.BucketName)));
    // A function writing to a log group of the stack leaves no log group of Lambda's own behind.
    const ownLogGroup = new Set(Object.entries(res).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && pick(r.Properties, 'LoggingConfig.LogGroup').length > 0).map(([id]) => id));
    for (const [id, r] of Object.entries(res)) {
      const p = (r.Properties ?? {}) as Props;
      const at = { stack: name, path: path(name, template, id), type: r.Type };
      const policy = (r as { DeletionPolicy?: string }).DeletionPolicy;
      if (policy === 'Retain' || policy === 'RetainExceptOnCreate') left.push({ ...at, what: 'kept by its deletion policy (Retain): delete it by hand' });
      else if (policy === 'Snapshot') left.push({ ...at, what: 'a final snapshot is kept and billed per GB-month until you delete it' });
      else if (r.Type === 'AWS::S3::Bucket' && !autoDeleted.has(id)) blockers.push({ ...at, what: 'deleted only when empty: empty it first, or `cdk destroy` fails on it' });
      if (r.Type === 'AWS::Lambda::Function' && !ownLogGroup.has(id)) {
        left.push({ ...at, what: 'its log group /aws/lambda/<function name> is created by Lambda on first use and stays' });
      }
      if (p.DeletionProtectionEnabled === true || p.DeletionProtection === true || p.DeletionProtection === 'ACTIVE') blockers.push({ ...at, what: 'has deletion protection: turn it off before destroying' });
      if (r.Type === 'AWS::SecretsManager::Secret') left.push({ ...at, what: 'scheduled for deletion with a recovery window (30 days by default); its name stays taken until then' });
      if (r.Type === 'AWS::KMS::Key') left.push({ ...at, what: 'scheduled for deletion after its pending window' });
      if (r.Type === 'AWS::ApiGateway::Stage' && pick(p, 'MethodSettings.*.LoggingLevel').some((l) => l && l !== 'OFF')) {
        left.push({ ...at, what: 'API Gateway writes execution logs to a log group it creates itself (API-Gateway-Execution-Logs_…), which stays' });
      }
    }
  }
  return { leftovers: left, blockers };
}

/**
 * REST API stages that write access or execution logs deploy only once the Region's API Gateway
 * account settings name a CloudWatch Logs role. With the current feature flags CDK no longer
 * creates that account-wide role, so a stack that does not set it itself depends on it being there.
 */
function needsApiGatewayLogsRole(stacks: Stack[]): boolean {
  const resources = stacks.flatMap((s) => Object.values(s.template.Resources));
  if (resources.some((r) => r.Type === 'AWS::ApiGateway::Account')) return false;
  return resources.some(
    (r) =>
      r.Type === 'AWS::ApiGateway::Stage' &&
      (pick(r.Properties, 'AccessLogSetting.DestinationArn').length > 0 || pick(r.Properties, 'MethodSettings.*.LoggingLevel').some((l) => l && l !== 'OFF')),
  );
}

export function deployFacts(stacks: Stack[]): DeployFacts {
  const idle: IdleItem[] = [];
  let alarms = 0;
  const types = new Set<string>();
  for (const { name, template } of stacks) {
    for (const [id, r] of Object.entries(template.Resources)) {
      types.add(r.Type);
      if (r.Type === 'AWS::CloudWatch::Alarm') alarms++;
      const cost = idleCostOf(r.Type, r.Properties, template);
      if (cost) idle.push({ ...cost, stack: name, path: path(name, template, id), type: r.Type });
    }
  }
  const text = JSON.stringify(stacks.map((s) => s.template));
  return {
    quotas: quotas(stacks),
    idle,
    ...leftovers(stacks),
    needsDocker: /container-assets-|aws:asset:dockerfile-path/.test(text),
    needsApiGatewayLogsRole: needsApiGatewayLogsRole(stacks),
    usesAssets: /cdk-[a-z0-9]+-(assets|container-assets)-/.test(text) || /aws:asset:path/.test(text),
    alarms,
    types: [...types].filter((t) => !t.startsWith('Custom::') && t !== 'AWS::CDK::Metadata').sort(),
    stacks: stacks.map((s) => s.name),
  };
}

/** Hourly-billed resources with neither a budget in their stack nor a written reason on the page. */
export function unguardedIdleCosts(stacks: Stack[], facts: DeployFacts, reasons: readonly { construct: string }[]): IdleItem[] {
  const budgeted = new Set(stacks.filter((s) => Object.values(s.template.Resources).some((r) => r.Type === 'AWS::Budgets::Budget')).map((s) => s.name));
  return facts.idle.filter(
    (i) => i.hourly && !budgeted.has(i.stack) && !reasons.some((r) => i.path.split('/').includes(r.construct)),
  );
}
