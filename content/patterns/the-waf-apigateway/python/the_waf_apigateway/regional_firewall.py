"""A WAFv2 web ACL for one regional resource, with its association and its logging."""

from __future__ import annotations

import json
from typing import Any, Literal

from aws_cdk import ArnFormat, Names, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# The AWS managed rule groups the web ACL runs, in evaluation order after the rate rule.
MANAGED_RULE_GROUPS: tuple[str, ...] = (
    # Known bot and scanner addresses: cheap to check and removes the most noise.
    "AWSManagedRulesAmazonIpReputationList",
    # OWASP-style protections: XSS, oversized bodies, missing user agent, bad URIs, local file inclusion.
    "AWSManagedRulesCommonRuleSet",
    # Request patterns tied to known exploits, such as Log4j JNDI lookups and Host: localhost.
    "AWSManagedRulesKnownBadInputsRuleSet",
)

WindowSeconds = Literal[60, 120, 300, 600]


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        metric_name=metric_name, cloud_watch_metrics_enabled=True, sampled_requests_enabled=True
    )


class RegionalFirewall(Construct):
    """Guards any regional resource (a REST API stage, an ALB, an AppSync API...); it knows nothing about API Gateway."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        resource_arn: str,
        requests_per_ip: int,
        window_seconds: WindowSeconds,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)

        def managed_rule(name: str) -> dict[str, Any]:
            return {
                "name": name,
                "statement": wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(vendor_name="AWS", name=name)
                ),
                # "none" keeps the actions the rule group defines (block); "count" would only observe.
                "override_action": wafv2.CfnWebACL.OverrideActionProperty(none={}),
                "visibility_config": _visibility(name),
            }

        rate_limit: dict[str, Any] = {
            "name": "RateLimitPerIp",
            "statement": wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    aggregate_key_type="IP", limit=requests_per_ip, evaluation_window_sec=window_seconds
                )
            ),
            "action": wafv2.CfnWebACL.RuleActionProperty(
                block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                        response_code=429, custom_response_body_key="too-many-requests"
                    )
                )
            ),
            "visibility_config": _visibility("RateLimitPerIp"),
        }

        reputation, *other_groups = (managed_rule(name) for name in MANAGED_RULE_GROUPS)
        # The rate rule sits right after the reputation list, so a flood is cut off before
        # the larger rule groups spend capacity on it. Priority is the position in this list.
        rules = [
            wafv2.CfnWebACL.RuleProperty(priority=priority, **rule)
            for priority, rule in enumerate([reputation, rate_limit, *other_groups])
        ]

        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            description="Managed rule groups plus a per-IP rate limit in front of a regional resource.",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            custom_response_bodies={
                "too-many-requests": wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON",
                    content=json.dumps(
                        {"message": "Too many requests from your address; try again in a minute."}, separators=(",", ":")
                    ),
                )
            },
            visibility_config=_visibility(f"{construct_id}WebAcl"),
        )

        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=resource_arn, web_acl_arn=self.web_acl.attr_arn
        )

        # WAF only delivers to log groups whose name starts with "aws-waf-logs-".
        self.logs = logs.LogGroup(
            self,
            "WafLogs",
            log_group_name=f"aws-waf-logs-{Names.unique_resource_name(self, max_length=60, separator='-')}",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )

        wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            # WAF wants the bare log group ARN; the Arn attribute of a log group ends in ":*".
            log_destination_configs=[
                Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=self.logs.log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            # Keep the log to what needs attention: requests a rule blocked or counted.
            logging_filter={
                "DefaultBehavior": "DROP",
                "Filters": [
                    {
                        "Behavior": "KEEP",
                        "Requirement": "MEETS_ANY",
                        "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}, {"ActionCondition": {"Action": "COUNT"}}],
                    }
                ],
            },
            # Credentials in a header must never land in a log group.
            redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "authorization"})],
        )
