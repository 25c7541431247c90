import json
import re
from pathlib import Path

import pytest
from aws_cdk import App
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_predictive_lambda.the_predictive_lambda_stack import MODEL_DIR, ThePredictiveLambdaStack


@pytest.fixture(scope="module")
def app() -> App:
    return app_from_cdk_json()


@pytest.fixture(scope="module")
def stack(app: App) -> ThePredictiveLambdaStack:
    return ThePredictiveLambdaStack(app, "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ThePredictiveLambdaStack) -> Template:
    return Template.from_stack(stack)


def test_deploys_the_predictor_as_an_arm64_container_image_not_a_zip(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::Function", 1)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "PackageType": "Image",
            "Architectures": ["arm64"],
            "Code": {"ImageUri": Match.any_value()},
            "Runtime": Match.absent(),
            "Handler": Match.absent(),
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


def test_builds_the_image_from_the_local_dockerfile_for_linux_arm64(app: App, stack: ThePredictiveLambdaStack, template: Template) -> None:
    assembly = app.synth()
    manifest = json.loads((Path(assembly.directory) / f"{stack.artifact_id}.assets.json").read_text())
    images = list(manifest.get("dockerImages", {}).values())
    assert len(images) == 1
    assert images[0]["source"]["platform"] == "linux/arm64"
    # Synth only stages the build context; these are the files Docker will see at deploy time.
    staged = sorted(p.name for p in (Path(assembly.directory) / images[0]["source"]["directory"]).iterdir())
    assert staged == [".dockerignore", "Dockerfile", "app.py", "iris_model.py", "model.json"]
    # The Dockerfile uses AWS's Python base image and installs nothing.
    dockerfile = (MODEL_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM public\.ecr\.aws/lambda/python:3\.1[23]$", dockerfile, re.M)
    assert not re.search(r"^RUN\b", dockerfile, re.M)
    assert 'CMD ["app.handler"]' in dockerfile


def test_exposes_only_post_predict_on_the_http_api_wired_to_the_predictor(template: Template) -> None:
    template.resource_count_is("AWS::ApiGatewayV2::Route", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "POST /predict"})
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::GetAtt": [Match.string_like_regexp("^Predictor"), "Arn"]},
            "PayloadFormatVersion": "2.0",
        },
    )


def test_throttles_and_access_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 10},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_gives_the_function_a_role_limited_to_its_own_logs_and_x_ray(template: Template) -> None:
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    log_group_id = next(i for i in template.find_resources("AWS::Logs::LogGroup") if i.startswith("PredictorLogs"))
    logs = next(s for s in statements if "logs:PutLogEvents" in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert logs["Resource"] == {"Fn::GetAtt": [log_group_id, "Arn"]}


def test_alarms_on_the_one_alarm_topic_when_the_predictor_fails(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    assert topics[0].startswith("AlarmTopic")
    template.resource_count_is("AWS::SNS::Subscription", 0)
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 1
    alarm = alarms[0]["Properties"]
    fn = next(iter(template.find_resources("AWS::Lambda::Function")))
    assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    assert [alarm[k] for k in ("Namespace", "MetricName", "Statistic", "Period", "Threshold", "ComparisonOperator")] == [
        "AWS/Lambda",
        "Errors",
        "Sum",
        300,
        1,
        "GreaterThanOrEqualToThreshold",
    ]
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": fn}}]


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_given() -> None:
    mailed = Template.from_stack(ThePredictiveLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
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


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: ThePredictiveLambdaStack) -> None:
    with_email = ThePredictiveLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
