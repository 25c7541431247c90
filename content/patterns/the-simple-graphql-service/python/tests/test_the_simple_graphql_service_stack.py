import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_simple_graphql_service.the_simple_graphql_service_stack import CUSTOMER_TABLE_ACTIONS, TheSimpleGraphqlServiceStack

SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"


@pytest.fixture(scope="module")
def stack() -> TheSimpleGraphqlServiceStack:
    return TheSimpleGraphqlServiceStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheSimpleGraphqlServiceStack) -> Template:
    return Template.from_stack(stack)


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def statements(template: Template) -> list[dict[str, Any]]:
    """Every IAM statement in the template, from inline role policies and policy resources alike."""
    from_policies = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    from_roles = [
        s
        for r in template.find_resources("AWS::IAM::Role").values()
        for p in r["Properties"].get("Policies", [])
        for s in p["PolicyDocument"]["Statement"]
    ]
    return from_policies + from_roles


def logical_id(template: Template, type_: str) -> str:
    ids = list(template.find_resources(type_))
    assert len(ids) == 1, f"expected exactly one {type_}"
    return ids[0]


def test_protects_the_api_with_an_expiring_api_key_tracing_error_logging_and_a_depth_limit(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AppSync::GraphQLApi",
        {
            "AuthenticationType": "API_KEY",
            "XrayEnabled": True,
            "QueryDepthLimit": 5,
            "LogConfig": {
                "FieldLogLevel": "ERROR",
                "ExcludeVerboseContent": False,
                "CloudWatchLogsRoleArn": {"Fn::GetAtt": [Match.string_like_regexp("^ApiLogsRole"), "Arn"]},
            },
        },
    )
    # The key's expiry is chosen at deploy time, so the template holds no date and a deploy renews the key.
    keys = list(template.find_resources("AWS::AppSync::ApiKey").values())
    assert len(keys) == 1
    assert keys[0]["Properties"]["Expires"] == {"Ref": "ApiKeyExpires"}
    template.has_parameter("ApiKeyExpires", {"Type": "Number", "Default": Match.absent()})
    assert not re.search(r'"Expires":\d', json.dumps(template.to_json(), separators=(",", ":")))


def test_deploys_a_schema_that_types_e_mails_as_awsemail_and_requires_every_input_field(template: Template) -> None:
    deployed: str = next(iter(template.find_resources("AWS::AppSync::GraphQLSchema").values()))["Properties"]["Definition"]
    assert deployed == SCHEMA.read_text()
    found = re.search(r"input AddCustomerInput \{([^}]*)\}", deployed)
    assert found is not None
    assert re.split(r"\s*\n\s*", found.group(1).strip()) == ["name: String!", "email: AWSEmail!"]
    assert "recordPurchase(id: ID!, amount: Float!)" in deployed


def test_keeps_api_logs_in_the_log_group_appsync_writes_to_for_one_month(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": {"Fn::Join": ["", ["/aws/appsync/apis/", {"Fn::GetAtt": [Match.string_like_regexp("^Api"), "ApiId"]}]]},
            "RetentionInDays": 30,
        },
    )
    # No LogRetention helper function: the only function is the loyalty calculator.
    template.resource_count_is("AWS::Lambda::Function", 1)


def test_resolves_queries_and_mutations_on_the_table_with_appsync_js_resolvers(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AppSync::DataSource",
        {
            "Name": "CustomersSource",
            "Type": "AMAZON_DYNAMODB",
            "DynamoDBConfig": Match.object_like({"TableName": {"Ref": Match.string_like_regexp("^Customers")}}),
        },
    )
    for field in ("Query.getCustomer", "Query.listCustomers", "Mutation.addCustomer", "Mutation.recordPurchase", "Mutation.removeCustomer"):
        type_name, field_name = field.split(".")
        template.has_resource_properties(
            "AWS::AppSync::Resolver",
            {
                "TypeName": type_name,
                "FieldName": field_name,
                "DataSourceName": "CustomersSource",
                "Kind": "UNIT",
                "Runtime": {"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"},
                "MaxBatchSize": Match.absent(),
            },
        )


def test_resolves_customer_loyalty_through_the_lambda_data_source_in_batches_of_25(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AppSync::DataSource",
        {
            "Name": "LoyaltySource",
            "Type": "AWS_LAMBDA",
            "LambdaConfig": {"LambdaFunctionArn": {"Fn::GetAtt": [Match.string_like_regexp("^LoyaltyCalculator"), "Arn"]}},
        },
    )
    template.has_resource_properties(
        "AWS::AppSync::Resolver",
        {
            "TypeName": "Customer",
            "FieldName": "loyalty",
            "DataSourceName": "LoyaltySource",
            "MaxBatchSize": 25,
            "Runtime": {"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "loyalty_calculator.handler",
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


def test_grants_the_table_only_the_five_item_actions_the_resolvers_use_on_the_table_itself(template: Template) -> None:
    dynamo = [s for s in statements(template) if any(a.startswith("dynamodb:") for a in actions_of(s))]
    assert len(dynamo) == 1
    assert sorted(actions_of(dynamo[0])) == sorted(CUSTOMER_TABLE_ACTIONS)
    assert dynamo[0]["Resource"] == {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable"), "Arn"]}


def test_lets_appsync_invoke_the_unqualified_loyalty_function_and_nothing_else(template: Template) -> None:
    invoke = [s for s in statements(template) if any(a.startswith("lambda:") for a in actions_of(s))]
    assert len(invoke) == 1
    assert invoke[0]["Action"] == "lambda:InvokeFunction"
    assert invoke[0]["Resource"] == {"Fn::GetAtt": [logical_id(template, "AWS::Lambda::Function"), "Arn"]}


def test_uses_no_aws_managed_policies(template: Template) -> None:
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_alarms_on_the_one_alarm_topic_when_a_loyalty_batch_fails_or_appsync_answers_5xx(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    assert topics[0].startswith("AlarmTopic")
    template.resource_count_is("AWS::SNS::Subscription", 0)
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    by_metric = {f"{a['Namespace']} {a['MetricName']}": a for a in alarms}
    assert sorted(by_metric) == ["AWS/AppSync 5XXError", "AWS/Lambda Errors"]
    fn = next(i for i in template.find_resources("AWS::Lambda::Function") if i.startswith("LoyaltyCalculator"))
    assert by_metric["AWS/Lambda Errors"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": fn}}]
    api = next(iter(template.find_resources("AWS::AppSync::GraphQLApi")))
    assert by_metric["AWS/AppSync 5XXError"]["Dimensions"] == [{"Name": "GraphQLAPIId", "Value": {"Fn::GetAtt": [api, "ApiId"]}}]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
        assert [alarm["Statistic"], alarm["Period"], alarm["Threshold"], alarm["ComparisonOperator"]] == [
            "Sum",
            300,
            1,
            "GreaterThanOrEqualToThreshold",
        ]


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_given() -> None:
    mailed = Template.from_stack(TheSimpleGraphqlServiceStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
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


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheSimpleGraphqlServiceStack) -> None:
    with_email = TheSimpleGraphqlServiceStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
