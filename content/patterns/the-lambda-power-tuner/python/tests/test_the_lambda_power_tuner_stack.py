import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_lambda_power_tuner.the_lambda_power_tuner_stack import DEFAULT_POWER_VALUES, TheLambdaPowerTunerStack


@pytest.fixture(scope="module")
def stack() -> TheLambdaPowerTunerStack:
    return TheLambdaPowerTunerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheLambdaPowerTunerStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def sieve_id(template: Template) -> str:
    return next(i for i in template.find_resources("AWS::Lambda::Function") if i.startswith("PrimeSieve"))


def test_installs_the_public_lambda_power_tuning_app_at_a_pinned_version(template: Template) -> None:
    template.resource_count_is("AWS::Serverless::Application", 1)
    template.has_resource_properties(
        "AWS::Serverless::Application",
        {
            "Location": {
                "ApplicationId": "arn:aws:serverlessrepo:us-east-1:451282441545:applications/aws-lambda-power-tuning",
                "SemanticVersion": "4.4.0",
            }
        },
    )
    # SAR applications only deploy through the SAM transform.
    assert template.to_json()["Transform"] == "AWS::Serverless-2016-10-31"


def test_scopes_the_tuners_iam_policies_to_the_sample_function_its_versions_and_aliases(template: Template, sieve_id: str) -> None:
    app = next(iter(template.find_resources("AWS::Serverless::Application").values()))
    assert app["Properties"]["Parameters"]["lambdaResource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [sieve_id, "Arn"]}, "*"]]}


def test_passes_default_memory_sizes_that_include_the_one_vcpu_point_and_sane_limits(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Serverless::Application",
        {
            "Parameters": Match.object_like(
                {"PowerValues": "128,256,512,1024,1769,3008", "totalExecutionTimeout": "180", "logGroupRetentionInDays": "30"}
            )
        },
    )
    assert 1769 in DEFAULT_POWER_VALUES
    assert all(128 <= mb <= 10_240 for mb in DEFAULT_POWER_VALUES)


def test_outputs_the_state_machine_arn_from_the_nested_application_and_the_function_to_tune(template: Template, sieve_id: str) -> None:
    template.has_output("StateMachineArn", {"Value": {"Fn::GetAtt": ["PowerTuner", "Outputs.StateMachineARN"]}})
    template.has_output("PrimeSieveArn", {"Value": {"Fn::GetAtt": [sieve_id, "Arn"]}})


def test_deploys_a_cpu_bound_target_on_python_3_13_arm64_with_room_to_run_at_128_mb(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "prime_sieve.handler",
            "MemorySize": 256,
            "Timeout": 30,
            "TracingConfig": {"Mode": "Active"},
            # The tuner parses the plain-text REPORT line; JSON reports trip its parser on warm starts.
            "LoggingConfig": Match.object_like({"LogFormat": "Text"}),
        },
    )


def test_gives_the_target_a_role_limited_to_its_own_logs_and_xray(template: Template) -> None:
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})
    actions: list[str] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if not any(r["Ref"].startswith("PrimeSieveRole") for r in policy["Properties"]["Roles"]):
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            action = statement["Action"]
            actions.extend([action] if isinstance(action, str) else action)
    assert sorted(actions) == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_alarms_the_one_alarm_topic_when_the_sample_function_fails_during_a_run(template: Template, sieve_id: str) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert len(alarms) == 1
    assert alarms[0]["MetricName"] == "Errors"
    assert alarms[0]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": sieve_id}}]
    assert alarms[0]["AlarmActions"] == [{"Ref": topics[0]}]
    assert alarms[0]["Threshold"] == 1
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheLambdaPowerTunerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_awssolutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheLambdaPowerTunerStack) -> None:
    with_email = TheLambdaPowerTunerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
