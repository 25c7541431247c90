import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_scheduled_lambda.the_scheduled_lambda_stack import TheScheduledLambdaStack


@pytest.fixture(scope="module")
def stack() -> TheScheduledLambdaStack:
    return TheScheduledLambdaStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheScheduledLambdaStack) -> Template:
    return Template.from_stack(stack)


def only(template: Template, resource_type: str) -> dict[str, Any]:
    found = list(template.find_resources(resource_type).values())
    assert len(found) == 1, f"expected exactly one {resource_type}"
    return found[0]["Properties"]


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "table": logical_id(template, "Heartbeats", "AWS::DynamoDB::GlobalTable"),
        "queue": logical_id(template, "MissedRuns", "AWS::SQS::Queue"),
        "fn": logical_id(template, "Heartbeat", "AWS::Lambda::Function"),
        "fn_role": logical_id(template, "HeartbeatRole", "AWS::IAM::Role"),
        "scheduler_role": logical_id(template, "SchedulerRole", "AWS::IAM::Role"),
    }


def statements_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


# the schedule


def test_uses_eventbridge_scheduler_not_a_legacy_scheduled_rule(template: Template) -> None:
    template.resource_count_is("AWS::Scheduler::Schedule", 1)
    template.resource_count_is("AWS::Events::Rule", 0)
    template.resource_count_is("AWS::Lambda::Permission", 0)


def test_runs_every_five_minutes_within_a_two_minute_flexible_window(template: Template) -> None:
    schedule = only(template, "AWS::Scheduler::Schedule")
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 2}
    assert schedule["State"] == "ENABLED"


def test_invokes_the_heartbeat_function_with_its_own_role_three_retries_within_five_minutes_then_the_dlq(
    template: Template, ids: dict[str, str]
) -> None:
    target = only(template, "AWS::Scheduler::Schedule")["Target"]
    assert target["Arn"] == {"Fn::GetAtt": [ids["fn"], "Arn"]}
    assert target["RoleArn"] == {"Fn::GetAtt": [ids["scheduler_role"], "Arn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 300}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [ids["queue"], "Arn"]}}


def test_passes_the_scheduled_time_and_execution_details_the_handler_keys_its_writes_on(template: Template) -> None:
    target = only(template, "AWS::Scheduler::Schedule")["Target"]
    assert json.loads(target["Input"]) == {
        "scheduledTime": "<aws.scheduler.scheduled-time>",
        "executionId": "<aws.scheduler.execution-id>",
        "attemptNumber": "<aws.scheduler.attempt-number>",
        "scheduleArn": "<aws.scheduler.schedule-arn>",
    }


def test_lets_scheduler_assume_its_role_only_for_this_accounts_default_schedule_group(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["scheduler_role"]]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert re.search(r':schedule-group/default"', json.dumps(statement["Condition"]["StringEquals"]["aws:SourceArn"]))


def test_allows_the_scheduler_role_to_invoke_only_the_heartbeat_function_and_send_only_to_the_dlq(
    template: Template, ids: dict[str, str]
) -> None:
    assert statements_of(template, ids["scheduler_role"]) == [
        {
            "Action": "lambda:InvokeFunction",
            "Effect": "Allow",
            "Resource": [{"Fn::GetAtt": [ids["fn"], "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [ids["fn"], "Arn"]}, ":*"]]}],
        },
        {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["queue"], "Arn"]}},
    ]


# the function


def test_retries_a_failed_run_twice_within_five_minutes_then_records_it_in_missed_runs(template: Template, ids: dict[str, str]) -> None:
    assert only(template, "AWS::Lambda::EventInvokeConfig") == {
        "FunctionName": {"Ref": ids["fn"]},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 300,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [ids["queue"], "Arn"]}}},
    }


def test_runs_on_python_3_13_arm64_traced_json_logged_with_the_table_name(template: Template, ids: dict[str, str]) -> None:
    fn = only(template, "AWS::Lambda::Function")
    assert fn["Runtime"] == "python3.13"
    assert fn["Handler"] == "heartbeat.handler"
    assert fn["Architectures"] == ["arm64"]
    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert fn["LoggingConfig"]["LogFormat"] == "JSON"
    assert fn["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": ids["table"]}}


def test_may_only_put_and_update_items_in_the_table_and_never_delete_read_or_scan(template: Template, ids: dict[str, str]) -> None:
    def actions(s: dict[str, Any]) -> list[str]:
        return [s["Action"]] if isinstance(s["Action"], str) else s["Action"]

    dynamo = [s for s in statements_of(template, ids["fn_role"]) if any(a.startswith("dynamodb:") for a in actions(s))]
    assert dynamo == [
        {"Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["table"], "Arn"]}}
    ]
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


# storage and alerting


def test_keys_the_table_by_pk_and_sk_expires_heartbeats_through_ttl_and_keeps_point_in_time_recovery(template: Template) -> None:
    table = only(template, "AWS::DynamoDB::GlobalTable")
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["Replicas"][0]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_keeps_missed_runs_encrypted_for_14_days(template: Template) -> None:
    queue = only(template, "AWS::SQS::Queue")
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600


def alarm_named(template: Template, prefix: str) -> dict[str, Any]:
    return template.find_resources("AWS::CloudWatch::Alarm")[logical_id(template, prefix, "AWS::CloudWatch::Alarm")]["Properties"]


def test_alarms_as_soon_as_one_missed_run_is_waiting_in_the_queue(template: Template, ids: dict[str, str]) -> None:
    alarm = alarm_named(template, "MissedRunsAlarm")
    assert (alarm["Namespace"], alarm["Statistic"], alarm["Period"], alarm["MetricName"]) == (
        "AWS/SQS",
        "Maximum",
        60,
        "ApproximateNumberOfMessagesVisible",
    )
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [ids["queue"], "QueueName"]}}]
    assert (alarm["Threshold"], alarm["ComparisonOperator"], alarm["TreatMissingData"]) == (1, "GreaterThanOrEqualToThreshold", "notBreaching")


def test_alarms_on_any_failed_run_and_on_15_minutes_without_a_single_invocation(template: Template, ids: dict[str, str]) -> None:
    def settings(a: dict[str, Any]) -> list[Any]:
        return [a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"], a["TreatMissingData"]]

    errors = alarm_named(template, "HeartbeatErrorsAlarm")
    assert settings(errors) == ["Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold", "notBreaching"]
    silent = alarm_named(template, "HeartbeatSilentAlarm")
    # No data at all is the failure this alarm exists for, so missing data must breach.
    assert settings(silent) == ["Invocations", "Sum", 900, 1, "LessThanThreshold", "breaching"]
    for alarm in (errors, silent):
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": ids["fn"]}}]
    # Three runs are due in any 15 minutes, so one late run does not raise it.
    assert silent["Period"] >= 3 * 300


def test_sends_every_alarm_to_one_alarm_topic_emailed_only_when_alarm_email_is_set(template: Template) -> None:
    topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 3
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheScheduledLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheScheduledLambdaStack) -> None:
    with_email = TheScheduledLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
