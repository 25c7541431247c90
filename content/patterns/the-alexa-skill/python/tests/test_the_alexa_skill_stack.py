import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_alexa_skill.the_alexa_skill_stack import ALEXA_PRINCIPAL, CREATION_STATEMENT_ID, TheAlexaSkillStack


@pytest.fixture(scope="module")
def stack() -> TheAlexaSkillStack:
    return TheAlexaSkillStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheAlexaSkillStack) -> Template:
    return Template.from_stack(stack)


def id_of(template: Template, type_: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(type_) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {type_} starting with {prefix}"
    return ids[0]


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def sdk_call(template: Template, prefix: str, phase: str) -> dict[str, Any]:
    resource = template.find_resources("Custom::AWS")[id_of(template, "Custom::AWS", prefix)]
    parts = resource["Properties"][phase]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else f"<{p['Fn::GetAtt'][0]}>" for p in parts))


def test_creates_the_skill_from_the_packaged_manifest_with_the_handler_as_its_endpoint(template: Template) -> None:
    template.resource_count_is("Alexa::ASK::Skill", 1)
    handler = id_of(template, "AWS::Lambda::Function", "SkillHandler")
    template.has_resource_properties(
        "Alexa::ASK::Skill",
        {
            "VendorId": {"Ref": "VendorId"},
            "SkillPackage": {
                "S3Bucket": Match.any_value(),
                "S3Key": Match.string_like_regexp(r"^[0-9a-f]{64}\.zip$"),
                "S3BucketRole": {"Fn::GetAtt": [Match.string_like_regexp("^SkillPackageReader"), "Arn"]},
                "Overrides": {"Manifest": {"apis": {"custom": {"endpoint": {"uri": {"Fn::GetAtt": [handler, "Arn"]}}}}}},
            },
        },
    )


def test_reads_the_login_with_amazon_credentials_from_secrets_manager_at_deploy_time_never_from_the_template(template: Template) -> None:
    skill = next(iter(template.find_resources("Alexa::ASK::Skill").values()))
    assert skill["Properties"]["AuthenticationConfiguration"] == {
        "ClientId": "{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:clientId::}}",
        "ClientSecret": "{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:clientSecret::}}",
        "RefreshToken": "{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:refreshToken::}}",
    }
    custom = Template.from_stack(TheAlexaSkillStack(app_from_cdk_json(lwaSecretName="team/alexa"), "Custom"))
    custom.has_resource_properties(
        "Alexa::ASK::Skill",
        {"AuthenticationConfiguration": Match.object_like({"RefreshToken": "{{resolve:secretsmanager:team/alexa:SecretString:refreshToken::}}"})},
    )


def test_requires_the_vendor_id_as_a_deploy_time_parameter(template: Template) -> None:
    template.has_parameter("VendorId", {"Type": "String", "AllowedPattern": "^[A-Z0-9]+$", "Default": Match.absent()})


def test_leaves_exactly_one_lasting_alexa_permission_scoped_to_this_skill_id(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::Permission", 1)
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": ALEXA_PRINCIPAL,
            "EventSourceToken": {"Ref": "Skill"},
            "FunctionName": {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Function", "SkillHandler"), "Arn"]},
        },
    )


def test_opens_the_handler_to_alexa_only_around_skill_creation_then_removes_that_statement(template: Template) -> None:
    opened = sdk_call(template, "OpenForSkillCreation", "Create")
    assert opened["action"] == "addPermission"
    assert opened["parameters"] == {
        "FunctionName": f"<{id_of(template, 'AWS::Lambda::Function', 'SkillHandler')}>",
        "StatementId": CREATION_STATEMENT_ID,
        "Action": "lambda:InvokeFunction",
        "Principal": ALEXA_PRINCIPAL,
    }
    assert "EventSourceToken" not in opened["parameters"]
    for prefix, phase in (("CloseAfterSkillCreation", "Create"), ("OpenForSkillCreation", "Delete")):
        close = sdk_call(template, prefix, phase)
        assert close["action"] == "removePermission"
        assert close["parameters"]["StatementId"] == CREATION_STATEMENT_ID
        assert close["ignoreErrorCodesMatching"] == "ResourceNotFoundException"


def test_orders_the_swap_open_then_skill_then_the_scoped_permission_then_close(template: Template) -> None:
    resources = template.to_json()["Resources"]
    open_id = id_of(template, "Custom::AWS", "OpenForSkillCreation")
    permission_id = id_of(template, "AWS::Lambda::Permission", "SkillHandlerAlexaSkillInvoke")
    assert open_id in resources["Skill"]["DependsOn"], "the skill waits for the temporary statement"
    close_depends_on = resources[id_of(template, "Custom::AWS", "CloseAfterSkillCreation")]["DependsOn"]
    assert "Skill" in close_depends_on and permission_id in close_depends_on, "closing waits for the skill and its permission"


def test_lets_the_custom_resource_touch_only_the_handler_permissions(template: Template) -> None:
    statements = statements_of(template, "PermissionSwapRole")
    assert sorted(a for s in statements for a in actions_of(s)) == [
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ]
    lambda_statement = next(s for s in statements if "lambda:AddPermission" in actions_of(s))
    assert lambda_statement["Resource"] == {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Function", "SkillHandler"), "Arn"]}


def test_lets_alexa_read_the_one_skill_package_object_and_nothing_else(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": {"Statement": [Match.object_like({"Principal": {"Service": ALEXA_PRINCIPAL}})]}},
    )
    statements = statements_of(template, "SkillPackageReader")
    assert len(statements) == 1
    assert statements[0]["Action"] == "s3:GetObject"
    assert re.fullmatch(r"/[0-9a-f]{64}\.zip", statements[0]["Resource"]["Fn::Join"][1][-1])


def test_lets_the_handler_only_get_and_update_items_in_its_table_plus_logs_and_traces(template: Template) -> None:
    statements = statements_of(template, "SkillHandlerRole")
    assert sorted(a for s in statements for a in actions_of(s)) == [
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "cup_counter.handler",
            "TracingConfig": {"Mode": "Active"},
            "Environment": {"Variables": {"TALLIES_TABLE_NAME": {"Ref": id_of(template, "AWS::DynamoDB::GlobalTable", "Tallies")}}},
        },
    )
    assert template.find_resources("AWS::IAM::Role", {"Properties": {"ManagedPolicyArns": Match.any_value()}}) == {}


def test_keys_tallies_by_user_and_day_with_expiry_through_ttl(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_alarms_on_the_one_alarm_topic_when_the_handler_crashes_or_times_out(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic", "AlarmTopic")
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 1
    alarm = alarms[0]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": id_of(template, "AWS::Lambda::Function", "SkillHandler")}}]
    assert [alarm["Statistic"], alarm["Period"], alarm["Threshold"], alarm["ComparisonOperator"]] == [
        "Sum",
        300,
        1,
        "GreaterThanOrEqualToThreshold",
    ]


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_given() -> None:
    mailed = Template.from_stack(TheAlexaSkillStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    mailed.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheAlexaSkillStack) -> None:
    with_email = TheAlexaSkillStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
