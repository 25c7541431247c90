import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_rds_proxy.the_rds_proxy_stack import PYMYSQL, TheRdsProxyStack


@pytest.fixture(scope="module")
def stack() -> TheRdsProxyStack:
    return TheRdsProxyStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheRdsProxyStack) -> Template:
    return Template.from_stack(stack)


def group_id(template: Template, prefix: str) -> str:
    """Logical id of the security group whose description starts with the given text."""
    ids = list(template.find_resources("AWS::EC2::SecurityGroup", {"Properties": {"GroupDescription": Match.string_like_regexp(f"^{prefix}")}}))
    assert len(ids) == 1, f"one security group described as {prefix}"
    return ids[0]


def rules(template: Template, resource_type: str, group_logical_id: str) -> list[dict[str, Any]]:
    return [
        r["Properties"] for r in template.find_resources(resource_type).values() if r["Properties"]["GroupId"]["Fn::GetAtt"][0] == group_logical_id
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_builds_a_vpc_with_isolated_subnets_only_no_internet_or_nat_gateway(template: Template) -> None:
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    template.resource_count_is("AWS::EC2::InternetGateway", 0)
    template.resource_count_is("AWS::EC2::Subnet", 2)
    template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".secretsmanager"]]},
            "PrivateDnsEnabled": True,
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                            "Resource": {"Ref": Match.string_like_regexp("^DatabaseSecret")},
                        }
                    )
                ]
            },
        },
    )


def test_runs_a_small_private_encrypted_mysql_8_4_instance_with_a_generated_secret(template: Template) -> None:
    template.has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "Engine": "mysql",
            "EngineVersion": Match.string_like_regexp(r"^8\.4\."),
            "DBInstanceClass": "db.t4g.micro",
            "PubliclyAccessible": False,
            "StorageEncrypted": True,
            "MasterUsername": Match.object_like({"Fn::Join": Match.any_value()}),
        },
    )
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": Match.object_like({"SecretStringTemplate": '{"username":"admin"}', "GenerateStringKey": "password"})},
    )


def test_pins_the_exact_mysql_minor_with_automatic_minor_upgrades_off_so_a_redeploy_never_asks_rds_to_go_back(template: Template) -> None:
    # With auto upgrades on, RDS would move the instance past the template's version and the
    # next deploy would request a downgrade, which RDS refuses.
    [instance] = template.find_resources("AWS::RDS::DBInstance").values()
    assert re.fullmatch(r"8\.4\.\d+", instance["Properties"]["EngineVersion"])
    assert instance["Properties"]["AutoMinorVersionUpgrade"] is False


def test_puts_rds_proxy_in_front_with_iam_authentication_and_tls_required(template: Template) -> None:
    template.has_resource_properties(
        "AWS::RDS::DBProxy",
        {
            "EngineFamily": "MYSQL",
            "RequireTLS": True,
            "DBProxyName": "under-test-guestbook",
            "Auth": [{"AuthScheme": "SECRETS", "IAMAuth": "REQUIRED", "SecretArn": {"Ref": Match.string_like_regexp("^DatabaseSecret")}}],
        },
    )
    template.has_resource_properties(
        "AWS::RDS::DBProxyTargetGroup",
        {
            "DBInstanceIdentifiers": [{"Ref": Match.string_like_regexp("^Database")}],
            "ConnectionPoolConfigurationInfo": {"MaxConnectionsPercent": 75, "MaxIdleConnectionsPercent": 25, "ConnectionBorrowTimeout": 5},
        },
    )


def test_opens_exactly_the_hops_function_to_proxy_to_mysql_plus_proxy_to_secrets_manager(template: Template) -> None:
    fn = group_id(template, "Guestbook function")
    proxy = group_id(template, "RDS Proxy")
    db = group_id(template, "MySQL instance")
    endpoint = group_id(template, "Secrets Manager endpoint")

    def source(p: dict[str, Any]) -> str:
        return p["SourceSecurityGroupId"]["Fn::GetAtt"][0]

    def destination(p: dict[str, Any]) -> str:
        return p["DestinationSecurityGroupId"]["Fn::GetAtt"][0]

    ingress, egress = "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"
    assert rules(template, ingress, fn) == []
    assert [(source(p), p["FromPort"]) for p in rules(template, ingress, proxy)] == [(fn, 3306)]
    assert [source(p) for p in rules(template, ingress, db)] == [proxy]
    assert [(source(p), p["FromPort"]) for p in rules(template, ingress, endpoint)] == [(proxy, 443)]

    assert [(destination(p), p["FromPort"]) for p in rules(template, egress, fn)] == [(proxy, 3306)]
    assert sorted(destination(p) for p in rules(template, egress, proxy)) == sorted([db, endpoint])
    # No group allows all outbound traffic.
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        assert not any(r.get("CidrIp") == "0.0.0.0/0" for r in group["Properties"].get("SecurityGroupEgress", [])), group["Properties"]["GroupDescription"]


def test_lets_the_function_connect_to_this_proxy_as_the_admin_user_and_never_read_the_secret(template: Template) -> None:
    statements = statements_of(template, "GuestbookRole")
    connect = [s for s in statements if "rds-db:connect" in actions(s)]
    assert len(connect) == 1
    arn = json.dumps(connect[0]["Resource"], separators=(",", ":"))
    assert re.search(r"Proxy[A-Z0-9]{8}", arn)
    assert re.search(r'/admin"', arn)
    assert not any(a.startswith("secretsmanager:") for s in statements for a in actions(s))


def test_gives_the_proxy_read_access_to_the_one_secret_only(template: Template) -> None:
    assert sorted(a for s in statements_of(template, "ProxyIAMRole") for a in actions(s)) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
    ]


def test_runs_the_function_inside_the_vpc_with_its_own_security_group_and_no_managed_policies(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "handler.handler",
            "VpcConfig": {"SecurityGroupIds": [{"Fn::GetAtt": [group_id(template, "Guestbook function"), "GroupId"]}], "SubnetIds": Match.any_value()},
            "Environment": {
                "Variables": {
                    "PROXY_ENDPOINT": {"Fn::GetAtt": [Match.string_like_regexp("^Proxy"), "Endpoint"]},
                    "DB_USER": "admin",
                    "DB_NAME": "guestbook",
                }
            },
        },
    )
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def guestbook_asset(stack: TheRdsProxyStack) -> tuple[str, Path]:
    """The asset hash of the Guestbook code and the bundled folder it was made from."""
    assembly = stack.node.root.synth()  # type: ignore[attr-defined]
    template = assembly.get_stack_artifact(stack.artifact_id).template
    [function] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") == "handler.handler"
    ]
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    return asset_hash, Path(assembly.directory) / f"asset.{asset_hash}"


def test_bundles_pinned_pymysql_with_the_handler_and_the_same_asset_hash_on_every_synth(stack: TheRdsProxyStack) -> None:
    first_hash, folder = guestbook_asset(stack)
    assert {p.name for p in folder.glob("*.py")} == {"connection.py", "guestbook.py", "handler.py"}
    version = PYMYSQL.split("==")[1]
    assert (folder / "pymysql" / "connections.py").is_file()
    assert (folder / f"pymysql-{version}.dist-info").is_dir()
    assert not list(folder.rglob("*.pyc")), "no bytecode compiled on this machine"
    second_hash, _ = guestbook_asset(TheRdsProxyStack(app_from_cdk_json(), "Under-Test"))
    assert second_hash == first_hash


def test_routes_get_and_post_entries_to_the_function_through_a_throttled_stage(template: Template) -> None:
    for route_key in ("GET /entries", "POST /entries"):
        template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": route_key})
    template.resource_count_is("AWS::ApiGatewayV2::Route", 2)
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_sends_every_alarm_to_the_one_alarm_topic_which_accepts_only_tls(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert sorted(re.sub(r"[A-F0-9]{8}$", "", k) for k in alarms) == ["ApiServerErrorsAlarm", "GuestbookErrorsAlarm"]
    for alarm_id, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": topics[0]}], alarm_id
        assert props["Threshold"] == 1, alarm_id
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", alarm_id
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/ApiGateway", "MetricName": "5xx", "Statistic": "Sum", "Period": 300})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 300})
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
            }
        },
    )


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_set(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheRdsProxyStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_tells_the_alarm_topic_when_this_months_rds_and_vpc_charges_pass_the_budget(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": 60, "Unit": "USD"},
                "CostFilters": {"Service": ["Amazon Relational Database Service", "Amazon Virtual Private Cloud"]},
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
    # Budgets may publish to the topic, from this account only.
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
    custom = Template.from_stack(TheRdsProxyStack(app_from_cdk_json(monthlyBudgetUsd="25"), "Custom-Budget"))
    custom.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 25, "Unit": "USD"}})})
    with pytest.raises(ValueError, match="positive number"):
        TheRdsProxyStack(app_from_cdk_json(monthlyBudgetUsd="lots"), "Bad-Budget")


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheRdsProxyStack) -> None:
    with_email = TheRdsProxyStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
