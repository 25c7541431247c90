/** Amazon MQ for ActiveMQ deployment modes this pattern supports. */
export type DeploymentMode = 'SINGLE_INSTANCE' | 'ACTIVE_STANDBY_MULTI_AZ';

export type BrokerSettings = {
  /** Public hosted zone that holds the record and the certificate's validation record. */
  zoneName: string;
  hostedZoneId: string;
  /** The stable name clients use, e.g. mq.example.com. */
  domainName: string;
  deploymentMode: DeploymentMode;
  instanceType: string;
  /** How many broker IPs the load balancer targets: one per broker instance. */
  brokerCount: number;
  /** True while the example.com defaults are in place; deploying then makes no sense. */
  placeholder: boolean;
};

export const PLACEHOLDER_ZONE = { zoneName: 'example.com', hostedZoneId: 'Z0000000000000000EXMP' };

/** The TLS ports the load balancer exposes, each forwarded to the same port on the broker. */
export const BROKER_PORTS = { Console: 8162, OpenWire: 61617, Amqp: 5671, Stomp: 61614 } as const;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isDomainName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

/**
 * Turns optional CDK context into complete broker settings. Without any context the
 * stack still synthesizes, against a placeholder zone that a deploy will refuse.
 */
export function resolveSettings(context: Record<string, unknown>): BrokerSettings {
  const text = (key: string) => {
    const value = context[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context "${key}" must be a string`);
    return value.trim().toLowerCase().replace(/\.$/, '');
  };

  const zoneName = text('zoneName');
  const hostedZoneId = context.hostedZoneId === undefined ? undefined : String(context.hostedZoneId).trim();
  if ((zoneName === undefined) !== (hostedZoneId === undefined)) {
    throw new Error('Pass zoneName and hostedZoneId together, or neither');
  }
  const zone = zoneName && hostedZoneId ? { zoneName, hostedZoneId } : PLACEHOLDER_ZONE;
  if (!isDomainName(zone.zoneName)) throw new Error(`"${zone.zoneName}" is not a valid zone name`);
  if (!/^Z[A-Z0-9]{1,31}$/.test(zone.hostedZoneId)) throw new Error(`"${zone.hostedZoneId}" is not a hosted zone id`);

  const recordName = text('recordName') ?? 'mq';
  if (!LABEL.test(recordName)) throw new Error(`"${recordName}" must be a single DNS label such as "mq"`);

  const mode = text('deploymentMode')?.toUpperCase() ?? 'SINGLE_INSTANCE';
  if (mode !== 'SINGLE_INSTANCE' && mode !== 'ACTIVE_STANDBY_MULTI_AZ') {
    throw new Error('deploymentMode must be SINGLE_INSTANCE or ACTIVE_STANDBY_MULTI_AZ');
  }
  const activeStandby = mode === 'ACTIVE_STANDBY_MULTI_AZ';

  return {
    ...zone,
    domainName: `${recordName}.${zone.zoneName}`,
    deploymentMode: mode,
    // mq.t3.micro is the cheapest ActiveMQ broker but runs single-instance only.
    instanceType: activeStandby ? 'mq.m5.large' : 'mq.t3.micro',
    brokerCount: activeStandby ? 2 : 1,
    placeholder: zone === PLACEHOLDER_ZONE,
  };
}
