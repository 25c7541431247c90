/**
 * What the three stacks share, read once from context. Stacks in different Regions cannot pass
 * references to each other without CDK's cross-Region machinery (custom resources writing SSM
 * parameters), so everything both Regions need is a fixed value the reader chooses up front.
 */

/** Route 53 publishes health-check metrics only here, so the health check's alarm must live here. */
export const ROUTE53_METRICS_REGION = 'us-east-1';

/** Placeholders that synthesize; deploy with your own hosted zone and a name inside it. */
export const DEFAULTS = {
  primaryRegion: 'us-east-1',
  secondaryRegion: 'us-west-2',
  domainName: 'api.example.com',
  hostedZoneName: 'example.com',
  hostedZoneId: 'Z0EXAMPLE0000000000',
  // Fixed, so the standby Region can address its replica without a cross-Region reference.
  tableName: 'multi-region-active-passive-items',
} as const;

export type Settings = {
  primaryRegion: string;
  secondaryRegion: string;
  /** The one name clients call; it resolves to whichever Region Route 53 considers in charge. */
  domainName: string;
  hostedZoneName: string;
  hostedZoneId: string;
  tableName: string;
};

type Context = { tryGetContext(key: string): unknown };

function read(node: Context, key: keyof Settings): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return DEFAULTS[key];
  if (typeof value !== 'string') throw new Error(`Context value ${key} must be a string, got ${typeof value}.`);
  return value.trim();
}

/** DNS names compare without case or the trailing dot Route 53 prints. */
const dnsName = (name: string) => name.toLowerCase().replace(/\.$/, '');

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Reads and checks the context; each mistake caught here would otherwise surface mid-deploy. */
export function readSettings(node: Context): Settings {
  const settings: Settings = {
    primaryRegion: read(node, 'primaryRegion'),
    secondaryRegion: read(node, 'secondaryRegion'),
    domainName: dnsName(read(node, 'domainName')),
    hostedZoneName: dnsName(read(node, 'hostedZoneName')),
    hostedZoneId: read(node, 'hostedZoneId'),
    tableName: read(node, 'tableName'),
  };
  for (const key of ['primaryRegion', 'secondaryRegion'] as const) {
    if (!REGION.test(settings[key])) throw new Error(`Context value ${key} must be a Region code such as us-west-2, got "${settings[key]}".`);
  }
  if (settings.primaryRegion === settings.secondaryRegion) {
    throw new Error('primaryRegion and secondaryRegion are the same Region; failover needs two.');
  }
  if (settings.primaryRegion !== ROUTE53_METRICS_REGION) {
    throw new Error(
      `primaryRegion must be ${ROUTE53_METRICS_REGION}: the primary stack owns the Route 53 health check and the alarm on it, ` +
        `and Route 53 publishes health-check metrics only in ${ROUTE53_METRICS_REGION}, so an alarm anywhere else would never fire.`,
    );
  }
  if (settings.domainName !== settings.hostedZoneName && !settings.domainName.endsWith(`.${settings.hostedZoneName}`)) {
    throw new Error(`domainName ${settings.domainName} is not inside the hosted zone ${settings.hostedZoneName}.`);
  }
  if (!/^Z[0-9A-Z]{1,31}$/.test(settings.hostedZoneId)) {
    throw new Error(`Context value hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got "${settings.hostedZoneId}".`);
  }
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(settings.tableName)) {
    throw new Error(`Context value tableName must be 3 to 255 letters, digits, _ . or -, got "${settings.tableName}".`);
  }
  return settings;
}
