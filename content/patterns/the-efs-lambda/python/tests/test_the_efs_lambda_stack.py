import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_efs_lambda.the_efs_lambda_stack import APP_UID, MOUNT_PATH, TheEfsLambdaStack


@pytest.fixture(scope="module")
def stack() -> TheEfsLambdaStack:
    return TheEfsLambdaStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheEfsLambdaStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, props: dict[str, Any] | None = None) -> str:
    ids = list(template.find_resources(resource_type, {"Properties": props or {}}))
    assert len(ids) == 1, f"exactly one {resource_type}"
    return ids[0]


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def policy_statements(template: Template) -> list[dict[str, Any]]:
    return [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]


def file_system_props(template: Template) -> dict[str, Any]:
    [props] = [r["Properties"] for r in template.find_resources("AWS::EFS::FileSystem").values()]
    return props


def test_uses_isolated_subnets_only_no_internet_or_nat_gateway(template: Template) -> None:
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    template.resource_count_is("AWS::EC2::InternetGateway", 0)
    template.resource_count_is("AWS::EFS::MountTarget", 2)


def test_encrypts_the_file_system_at_rest_and_refuses_unencrypted_connections(template: Template) -> None:
    props = file_system_props(template)
    assert props["Encrypted"] is True
    assert props["ThroughputMode"] == "bursting"
    assert any(
        s["Effect"] == "Deny" and s["Action"] == "*" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for s in props["FileSystemPolicy"]["Statement"]
    )


def test_lets_only_the_function_role_mount_and_write_and_never_grants_root_access(template: Template) -> None:
    allows = [s for s in file_system_props(template)["FileSystemPolicy"]["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == 1
    role = logical_id(template, "AWS::IAM::Role", {"Description": Match.string_like_regexp("^Message wall")})
    assert allows[0]["Principal"] == {"AWS": {"Fn::GetAtt": [role, "Arn"]}}
    assert allows[0]["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    every_action = [a for s in policy_statements(template) for a in actions_of(s)]
    assert "elasticfilesystem:ClientRootAccess" not in every_action


def test_maps_every_caller_to_one_posix_user_inside_messages(template: Template) -> None:
    template.has_resource_properties(
        "AWS::EFS::AccessPoint",
        {
            "PosixUser": {"Uid": APP_UID, "Gid": APP_UID},
            "RootDirectory": {"Path": "/messages", "CreationInfo": {"OwnerUid": APP_UID, "OwnerGid": APP_UID, "Permissions": "750"}},
        },
    )


def test_mounts_the_access_point_at_mnt_msg_and_limits_client_mount_to_it(template: Template) -> None:
    access_point = logical_id(template, "AWS::EFS::AccessPoint")
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "message_wall.handler",
            "FileSystemConfigs": [{"LocalMountPath": MOUNT_PATH, "Arn": Match.object_like({"Fn::Join": Match.any_value()})}],
            "Environment": {"Variables": {"MESSAGE_DIR": MOUNT_PATH}},
        },
    )
    mount = next(s for s in policy_statements(template) if s["Action"] == "elasticfilesystem:ClientMount")
    assert re.search(f"elasticfilesystem:AccessPointArn.*{access_point}", json.dumps(mount.get("Condition")))


def test_opens_nfs_from_the_function_to_the_mount_targets_and_nothing_else(template: Template) -> None:
    fn_sg = logical_id(template, "AWS::EC2::SecurityGroup", {"GroupDescription": Match.string_like_regexp("^Message wall function")})
    fs_sg = logical_id(template, "AWS::EC2::SecurityGroup", {"GroupDescription": Match.string_like_regexp("^EFS mount targets")})
    ingress = [r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()]
    egress = [r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupEgress").values()]
    assert [
        (p["GroupId"]["Fn::GetAtt"][0], p["SourceSecurityGroupId"]["Fn::GetAtt"][0], p["FromPort"], p["ToPort"]) for p in ingress
    ] == [(fs_sg, fn_sg, 2049, 2049)]
    assert [(p["GroupId"]["Fn::GetAtt"][0], p["DestinationSecurityGroupId"]["Fn::GetAtt"][0], p["FromPort"]) for p in egress] == [
        (fn_sg, fs_sg, 2049)
    ]


def test_uses_no_aws_managed_policy_on_the_function_role(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role", {"Description": Match.string_like_regexp("^Message wall"), "ManagedPolicyArns": Match.absent()}
    )


def test_routes_get_post_and_delete_messages_through_a_throttled_stage(template: Template) -> None:
    for route_key in ("GET /messages", "POST /messages", "DELETE /messages"):
        template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": route_key})
    template.resource_count_is("AWS::ApiGatewayV2::Route", 3)
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage", {"DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 50}}
    )


def test_lets_anyone_read_and_post_but_only_iam_signed_requests_clear_the_wall(template: Template) -> None:
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values()}
    assert routes["DELETE /messages"].get("AuthorizationType", "NONE") == "AWS_IAM"
    assert routes["GET /messages"].get("AuthorizationType", "NONE") == "NONE"
    assert routes["POST /messages"].get("AuthorizationType", "NONE") == "NONE"


def test_sends_api_5xx_answers_and_function_errors_to_the_one_alarm_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert sorted(re.sub(r"[A-F0-9]{8}$", "", k) for k in alarms) == ["ApiServerErrorsAlarm", "MessageWallErrorsAlarm"]
    for alarm_id, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": topics[0]}], alarm_id
        assert (props["Statistic"], props["Period"], props["Threshold"]) == ("Sum", 300, 1), alarm_id
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/ApiGateway", "MetricName": "5xx"})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/Lambda", "MetricName": "Errors"})
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
            }
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheEfsLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheEfsLambdaStack) -> None:
    with_email = TheEfsLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
