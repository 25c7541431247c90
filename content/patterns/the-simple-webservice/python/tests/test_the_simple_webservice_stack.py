import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_simple_webservice.the_simple_webservice_stack import TheSimpleWebserviceStack


@pytest.fixture(scope="module")
def stack() -> TheSimpleWebserviceStack:
    return TheSimpleWebserviceStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheSimpleWebserviceStack) -> Template:
    return Template.from_stack(stack)


def test_keys_the_hits_table_by_path_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "path", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_runs_the_hit_counter_on_python_3_13_arm64_with_tracing(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "hit_counter.handler",
            "TracingConfig": {"Mode": "Active"},
            "Environment": {"Variables": {"HITS_TABLE_NAME": {"Ref": Match.string_like_regexp("^Hits")}}},
        },
    )


def test_function_may_only_update_items_in_the_table(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
    table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    assert [(s["Action"], s["Resource"]) for s in dynamo] == [("dynamodb:UpdateItem", {"Fn::GetAtt": [table, "Arn"]})]


def test_function_role_has_no_managed_policy(template: Template) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_only_this_http_api_may_invoke_the_function(template: Template) -> None:
    permissions = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()]
    assert len(permissions) == 1
    api = next(iter(template.find_resources("AWS::ApiGatewayV2::Api")))
    assert permissions[0]["Principal"] == "apigateway.amazonaws.com"
    assert permissions[0]["SourceArn"]["Fn::Join"][1][-2:] == [{"Ref": api}, "/*/*"]


def test_throttles_and_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_alarms_on_5xx_and_function_errors_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"]) for a in alarms) == [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1),
        ("AWS/Lambda", "Errors", "Sum", 300, 1),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheSimpleWebserviceStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: TheSimpleWebserviceStack) -> None:
    with_email = TheSimpleWebserviceStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
