"""The pipe's target: a bus of its own, and one example consumer, a rule that logs every enriched order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import Acknowledgment, ArnFormat, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

# What the pipe stamps on every event it puts on the bus; consumers' rules match on these.
EVENT_SOURCE = "orders.priority-pipe"
DETAIL_TYPE = "PriorityOrderEnriched"


@jsii.implements(events.IRuleTarget)
class _LogGroupArnTarget:
    """A rule target given by ARN alone: the log group's resource policy is written by the stack."""

    def __init__(self, arn: str) -> None:
        self._arn = arn

    def bind(self, _rule: Any, _id: Any = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self._arn)


@dataclass
class OrderBus:
    bus: events.EventBus
    log: logs.LogGroup


def add_order_bus(scope: Construct) -> OrderBus:
    bus = events.EventBus(scope, "OrderEvents", description="Enriched priority orders, put by the PriorityOrdersPipe.")

    # The example consumer. Events carry customer names, so the log keeps them a week only.
    log = logs.LogGroup(scope, "EnrichedOrderLog", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
    # EventBridge writes to CloudWatch Logs under the log group's resource policy, not a role.
    # Written here rather than by the CloudWatchLogGroup target, which deploys a custom-resource
    # function to do the same thing.
    added = log.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.ALLOW,
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log.log_group_arn],
        )
    )
    rule = events.Rule(
        scope,
        "EnrichedOrdersToLog",
        event_bus=bus,
        description="Example consumer: writes every enriched priority order to the EnrichedOrderLog log group.",
        event_pattern=events.EventPattern(source=[EVENT_SOURCE], detail_type=[DETAIL_TYPE]),
        targets=[
            _LogGroupArnTarget(
                # EventBridge wants the log group ARN without the trailing ":*" of log_group_arn.
                Stack.of(scope).format_arn(
                    service="logs",
                    resource="log-group",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    resource_name=log.log_group_name,
                )
            )
        ],
    )
    if added.policy_dependable is not None:
        rule.node.add_dependency(added.policy_dependable)

    Validations.of(rule).acknowledge(
        Acknowledgment(
            id="Serverless-EventBusDLQ",
            reason="The rule only copies events into a log for inspection; EventBridge retries delivery for 24 hours and a lost copy loses no order.",
        )
    )
    return OrderBus(bus=bus, log=log)
