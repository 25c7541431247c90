import type { RegionFit } from './content/regions';
import type { DeployFacts } from './proof/deploy-facts';

export type DeployGlance = {
  /** Monthly US dollars billed with no traffic; `openEnded` when some item has no fixed price. */
  idle: { usd: number; openEnded: boolean };
  quotas: number;
  regions?: { deploys: number; of: number };
  needs: { docker: boolean; apiGatewayLogsRole: boolean; alarms: number };
};

/** The few figures "Before you deploy" opens with, from the same facts as the full section. */
export function deployGlance(facts: DeployFacts, regions?: RegionFit): DeployGlance {
  const priced = facts.idle.filter((i) => !i.whileRunning);
  return {
    idle: { usd: priced.reduce((n, i) => n + (i.monthlyUsd ?? 0), 0), openEnded: priced.some((i) => i.monthlyUsd === undefined) },
    quotas: facts.quotas.length,
    regions: regions && { deploys: regions.regionCount - regions.gaps.length, of: regions.regionCount },
    needs: { docker: facts.needsDocker, apiGatewayLogsRole: facts.needsApiGatewayLogsRole, alarms: facts.alarms },
  };
}

/** Whole dollars from $10 up; cents below, where they still matter. */
export const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;
