import { Period } from 'aws-cdk-lib/aws-apigateway';

/** One tier of the API product: a usage plan, its limits, and one demo key. */
export type Tier = {
  /** Construct id prefix: `${id}Plan`, `${id}DemoKey`. */
  id: 'Free' | 'Pro';
  description: string;
  /** Steady requests per second and burst, per key, across the whole API. */
  rateLimit: number;
  burstLimit: number;
  /** Requests per key per period. */
  quota: { limit: number; period: Period };
  /** Tighter limit on the expensive history route, per key. */
  historyRateLimit: number;
  historyBurstLimit: number;
};

export const TIERS: readonly Tier[] = [
  {
    id: 'Free',
    description: 'Free tier: 5 requests a second, 1,000 a day, history at 1 a second.',
    rateLimit: 5,
    burstLimit: 10,
    quota: { limit: 1_000, period: Period.DAY },
    historyRateLimit: 1,
    historyBurstLimit: 2,
  },
  {
    id: 'Pro',
    description: 'Pro tier: 50 requests a second, 100,000 a month, history at 10 a second.',
    rateLimit: 50,
    burstLimit: 100,
    quota: { limit: 100_000, period: Period.MONTH },
    historyRateLimit: 10,
    historyBurstLimit: 20,
  },
];

/** Stage-wide backstop for all keys together; each key's plan limits it further. */
export const STAGE_RATE_LIMIT = 100;
export const STAGE_BURST_LIMIT = 200;

/** The method path usage plans and stages use for the expensive route. */
export const HISTORY_METHOD_PATH = '/forecasts/{city}/history';
