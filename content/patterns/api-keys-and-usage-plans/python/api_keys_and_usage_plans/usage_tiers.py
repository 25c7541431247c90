"""The tiers of the API product: one usage plan, its limits and one demo key each."""

from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigw


@dataclass(frozen=True)
class Tier:
    # Construct id prefix: f"{id}Plan", f"{id}DemoKey".
    id: str
    description: str
    # Steady requests per second and burst, per key, across the whole API.
    rate_limit: int
    burst_limit: int
    # Requests per key per period.
    quota_limit: int
    quota_period: apigw.Period
    # Tighter limit on the expensive history route, per key.
    history_rate_limit: int
    history_burst_limit: int


TIERS = (
    Tier(
        id="Free",
        description="Free tier: 5 requests a second, 1,000 a day, history at 1 a second.",
        rate_limit=5,
        burst_limit=10,
        quota_limit=1_000,
        quota_period=apigw.Period.DAY,
        history_rate_limit=1,
        history_burst_limit=2,
    ),
    Tier(
        id="Pro",
        description="Pro tier: 50 requests a second, 100,000 a month, history at 10 a second.",
        rate_limit=50,
        burst_limit=100,
        quota_limit=100_000,
        quota_period=apigw.Period.MONTH,
        history_rate_limit=10,
        history_burst_limit=20,
    ),
)

# Stage-wide backstop for all keys together; each key's plan limits it further.
STAGE_RATE_LIMIT = 100
STAGE_BURST_LIMIT = 200

# The method path usage plans and stages use for the expensive route.
HISTORY_METHOD_PATH = "/forecasts/{city}/history"
