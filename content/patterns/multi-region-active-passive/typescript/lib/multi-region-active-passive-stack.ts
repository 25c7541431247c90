import type { App } from 'aws-cdk-lib';
import { PrimaryStack } from './primary-stack';
import { RegionalApiStack } from './regional-api-stack';
import { readSettings } from './settings';

export type ActivePassiveStacks = { data: PrimaryStack; primary: RegionalApiStack; secondary: RegionalApiStack };

/**
 * The three stacks of the pattern, as `cdk deploy --all` deploys them. The data stack goes first:
 * both API stacks use its replicas by name, and CloudFormation cannot wait across Regions by itself.
 */
export function addActivePassiveStacks(app: App): ActivePassiveStacks {
  const settings = readSettings(app.node);
  const data = new PrimaryStack(app, 'PrimaryStack', {
    env: { region: settings.primaryRegion },
    description: 'Multi-Region active-passive (data): a DynamoDB global table with a replica in the standby Region.',
    settings,
  });
  const primary = new RegionalApiStack(app, 'ApiPrimaryStack', {
    env: { region: settings.primaryRegion },
    description: 'Multi-Region active-passive (primary Region): the API on the shared domain, its health check and the PRIMARY failover record.',
    settings,
    role: 'Primary',
  });
  const secondary = new RegionalApiStack(app, 'ApiSecondaryStack', {
    env: { region: settings.secondaryRegion },
    description: 'Multi-Region active-passive (standby Region): the API on the shared domain and the SECONDARY failover record.',
    settings,
    role: 'Secondary',
  });
  primary.addStackDependency(data, 'uses the table replica in its Region by name');
  secondary.addStackDependency(data, 'uses the table replica in its Region by name');
  // Both certificates are validated through the same DNS record in the one hosted zone: creating
  // them one after the other means the second finds the record in place instead of racing for it.
  secondary.addStackDependency(primary, 'validates its certificate through the record the primary created');
  return { data, primary, secondary };
}
