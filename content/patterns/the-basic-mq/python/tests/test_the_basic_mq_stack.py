import json
import re
from typing import Any, Union

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_basic_mq.settings import BROKER_PORTS, resolve_settings
from the_basic_mq.the_basic_mq_stack import ADMIN_USER, DEFAULT_MONTHLY_BUDGET_USD, TheBasicMqStack

PORTS = sorted(BROKER_PORTS.values())


def synth(context: dict[str, Any], app_context: dict[str, Any] | None = None) -> tuple[TheBasicMqStack, Template]:
    stack = TheBasicMqStack(app_from_cdk_json(**(app_context or {})), "Under-Test", settings=resolve_settings(context))
    return stack, Template.from_stack(stack)


Condition = Union[str, dict[str, Any]]


def evaluate(condition: Condition, parameters: dict[str, str]) -> Union[str, bool]:
    """Evaluates a rule assertion the way CloudFormation does, with the given parameter values."""
    if isinstance(condition, str):
        return condition
    if "Ref" in condition:
        return parameters[condition["Ref"]]
    if "Fn::Not" in condition:
        return not evaluate(condition["Fn::Not"][0], parameters)
    a, b = condition["Fn::Equals"]
    return evaluate(a, parameters) == evaluate(b, parameters)


@pytest.fixture(scope="module")
def default() -> tuple[TheBasicMqStack, Template]:
    return synth({})


@pytest.fixture(scope="module")
def template(default: tuple[TheBasicMqStack, Template]) -> Template:
    return default[1]


@pytest.fixture(scope="module")
def pair() -> Template:
    return synth({"zoneName": "example.org", "hostedZoneId": "Z123ABC", "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ"})[1]


def group_id(template: Template, prefix: str) -> str:
    ids = list(
        template.find_resources("AWS::EC2::SecurityGroup", {"Properties": {"GroupDescription": Match.string_like_regexp(f"^{prefix}")}})
    )
    assert len(ids) == 1, prefix
    return ids[0]


def ingress_rules(template: Template) -> list[tuple[str, str, int]]:
    """(group, peer, port) for every ingress rule, sorted."""
    return sorted(
        (p["GroupId"]["Fn::GetAtt"][0], p["SourceSecurityGroupId"]["Fn::GetAtt"][0], p["FromPort"])
        for p in (r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values())
    )


def test_runs_a_private_single_instance_activemq_broker_in_one_isolated_subnet(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AmazonMQ::Broker",
        {
            "EngineType": "ACTIVEMQ",
            "DeploymentMode": "SINGLE_INSTANCE",
            "HostInstanceType": "mq.t3.micro",
            "PubliclyAccessible": False,
            "SubnetIds": [{"Ref": Match.string_like_regexp("^VpcIsolatedSubnet1")}],
            "Logs": {"General": True, "Audit": True},
        },
    )
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    template.resource_count_is("AWS::EC2::InternetGateway", 0)


def test_takes_the_admin_password_from_secrets_manager_at_deploy_time_never_as_a_literal(template: Template) -> None:
    [broker] = template.find_resources("AWS::AmazonMQ::Broker").values()
    [user] = broker["Properties"]["Users"]
    assert user["Username"] == ADMIN_USER
    assert user["ConsoleAccess"] is True
    assert re.search(r"\{\{resolve:secretsmanager:.*BrokerAdmin.*:SecretString:password::\}\}", json.dumps(user["Password"]))
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "GenerateSecretString": Match.object_like(
                {"SecretStringTemplate": json.dumps({"username": ADMIN_USER}, separators=(",", ":")), "ExcludePunctuation": True}
            )
        },
    )


def test_puts_an_internal_cross_zone_nlb_with_its_own_security_group_in_front(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Type": "network",
            "Scheme": "internal",
            "SecurityGroups": [{"Fn::GetAtt": [group_id(template, "Load balancer"), "GroupId"]}],
            "LoadBalancerAttributes": Match.array_with([{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]),
        },
    )


def test_terminates_tls_with_the_acm_certificate_on_every_broker_port(template: Template) -> None:
    listeners = [r["Properties"] for r in template.find_resources("AWS::ElasticLoadBalancingV2::Listener").values()]
    assert sorted(l["Port"] for l in listeners) == PORTS
    for listener in listeners:
        assert listener["Protocol"] == "TLS"
        assert listener["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
        assert len(listener["Certificates"]) == 1
        assert listener["Certificates"][0]["CertificateArn"]["Ref"].startswith("Certificate")
    template.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "mq.example.com",
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [{"DomainName": "mq.example.com", "HostedZoneId": "Z0000000000000000EXMP"}],
        },
    )


def test_re_encrypts_to_the_broker_private_ip_read_from_the_broker_by_index(template: Template) -> None:
    groups = [r["Properties"] for r in template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup").values()]
    assert sorted(g["Port"] for g in groups) == PORTS
    for group in groups:
        assert group["Protocol"] == "TLS"
        assert group["TargetType"] == "ip"
        assert group["Targets"] == [{"Id": {"Fn::Select": [0, {"Fn::GetAtt": ["Broker", "IpAddresses"]}]}, "Port": group["Port"]}]


def test_lets_clients_reach_only_the_nlb_and_only_the_nlb_reach_the_broker(template: Template) -> None:
    client = group_id(template, "Broker clients")
    nlb = group_id(template, "Load balancer")
    broker = group_id(template, "ActiveMQ broker")
    expected = sorted([(nlb, client, port) for port in PORTS] + [(broker, nlb, port) for port in PORTS])
    assert ingress_rules(template) == expected
    template.has_resource_properties("AWS::AmazonMQ::Broker", {"SecurityGroups": [{"Fn::GetAtt": [broker, "GroupId"]}]})


def test_points_the_stable_name_at_the_load_balancer(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Route53::RecordSet",
        {
            "Name": "mq.example.com.",
            "Type": "A",
            "AliasTarget": {
                "DNSName": Match.any_value(),
                "HostedZoneId": {"Fn::GetAtt": [Match.string_like_regexp("^Nlb"), "CanonicalHostedZoneID"]},
            },
        },
    )


def test_lets_amazon_mq_write_logs_for_this_account_only(template: Template) -> None:
    [policy] = template.find_resources("AWS::Logs::ResourcePolicy").values()
    document = json.dumps(policy["Properties"]["PolicyDocument"])
    assert "mq.amazonaws.com" in document
    assert "aws:SourceAccount" in document
    assert "log-group:/aws/amazonmq/broker/*" in document


def test_refuses_to_deploy_against_the_placeholder_zone(template: Template) -> None:
    data = template.to_json()
    rule = data.get("Rules", {}).get("RequireRealDomain")
    assert rule, "the guard rule exists"
    defaults = {"ZoneName": data["Parameters"]["ZoneName"]["Default"]}
    assert defaults["ZoneName"] == "example.com"
    # A deploy with the synthesized defaults fails the assertion, so CloudFormation creates nothing.
    assert evaluate(rule["Assertions"][0]["Assert"], defaults) is False
    assert evaluate(rule["Assertions"][0]["Assert"], {"ZoneName": "example.org"}) is True
    assert re.search(r"-c zoneName=.*-c hostedZoneId=", rule["Assertions"][0]["AssertDescription"])


def test_alarms_on_the_one_alarm_topic_when_no_broker_passes_the_health_check_for_five_minutes(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 1
    alarm = alarms[0]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/NetworkELB", "HealthyHostCount", "Minimum")
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert alarm["EvaluationPeriods"] * alarm["Period"] == 300
    target_group = next(d for d in alarm["Dimensions"] if d["Name"] == "TargetGroup")
    open_wire = next(
        k for k, g in template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup").items() if g["Properties"]["Port"] == BROKER_PORTS["OpenWire"]
    )
    assert target_group["Value"] == {"Fn::GetAtt": [open_wire, "TargetGroupFullName"]}
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
            }
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_tells_the_alarm_topic_when_the_months_amazon_mq_and_load_balancer_charges_pass_the_budget(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": DEFAULT_MONTHLY_BUDGET_USD["single"], "Unit": "USD"},
                "CostFilters": {"Service": ["Amazon MQ", "Amazon Elastic Load Balancing"]},
            },
            "NotificationsWithSubscribers": Match.array_with(
                [
                    {
                        "Notification": Match.object_like({"NotificationType": "ACTUAL", "Threshold": 100}),
                        "Subscribers": [{"SubscriptionType": "SNS", "Address": {"Ref": Match.string_like_regexp("^AlarmTopic")}}],
                    }
                ]
            ),
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "budgets.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                            }
                        )
                    ]
                )
            }
        },
    )
    custom = synth({}, {"monthlyBudgetUsd": "30", "alarmEmail": "ops@example.com"})[1]
    custom.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 30, "Unit": "USD"}})})
    custom.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    with pytest.raises(ValueError, match="positive number"):
        synth({}, {"monthlyBudgetUsd": "-5"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(
    default: tuple[TheBasicMqStack, Template],
) -> None:
    with_email = TheBasicMqStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email", settings=resolve_settings({}))
    for scope in (default[0], with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []


def test_spreads_the_pair_over_two_subnets_and_targets_both_broker_ips(pair: Template) -> None:
    pair.has_resource_properties(
        "AWS::AmazonMQ::Broker",
        {
            "DeploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
            "HostInstanceType": "mq.m5.large",
            "SubnetIds": [{"Ref": Match.string_like_regexp("^VpcIsolatedSubnet1")}, {"Ref": Match.string_like_regexp("^VpcIsolatedSubnet2")}],
        },
    )
    for group in pair.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup").values():
        props = group["Properties"]
        assert [t["Id"]["Fn::Select"][0] for t in props["Targets"]] == [0, 1]
        # Only the active broker listens, so TCP checks every ten seconds find it within about twenty.
        assert [
            props["HealthCheckProtocol"],
            props["HealthCheckIntervalSeconds"],
            props["HealthyThresholdCount"],
            props["UnhealthyThresholdCount"],
        ] == ["TCP", 10, 2, 2]


def test_names_the_record_in_the_real_zone_and_drops_the_placeholder_guard(pair: Template) -> None:
    pair.has_resource_properties("AWS::Route53::RecordSet", {"Name": "mq.example.org.", "HostedZoneId": "Z123ABC"})
    data = pair.to_json()
    assert "RequireRealDomain" not in data.get("Rules", {})
    assert "ZoneName" not in data.get("Parameters", {})


def test_budgets_for_two_broker_instances(pair: Template) -> None:
    pair.has_resource_properties(
        "AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": DEFAULT_MONTHLY_BUDGET_USD["pair"], "Unit": "USD"}})}
    )
