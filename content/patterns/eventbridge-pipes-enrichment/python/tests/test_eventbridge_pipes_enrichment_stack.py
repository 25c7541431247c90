import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from eventbridge_pipes_enrichment.eventbridge_pipes_enrichment_stack import EventbridgePipesEnrichmentStack
from eventbridge_pipes_enrichment.order_bus import DETAIL_TYPE, EVENT_SOURCE
from eventbridge_pipes_enrichment.orders_queue import ALARM_AGE_SECONDS, MAX_RECEIVE_COUNT
from eventbridge_pipes_enrichment.priority_orders_pipe import PIPE_BATCH_SIZE, PIPE_FILTER, TARGET_INPUT_TEMPLATE
from tests.cdk_app import app_from_cdk_json

TLS_ONLY = Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


def flatten(value: Any) -> str:
    """Flattens an Fn::Join into one string, writing references as ${LogicalId} and attributes as ${LogicalId.Attr}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(flatten(p) for p in parts)
    raise ValueError(f"cannot flatten {value!r}")


@pytest.fixture(scope="module")
def stack() -> EventbridgePipesEnrichmentStack:
    return EventbridgePipesEnrichmentStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: EventbridgePipesEnrichmentStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "queue": logical_id(template, "Orders", "AWS::SQS::Queue"),
        "dlq": logical_id(template, "OrdersDlq", "AWS::SQS::Queue"),
        "table": logical_id(template, "Customers", "AWS::DynamoDB::GlobalTable"),
        "fn": logical_id(template, "EnrichOrder", "AWS::Lambda::Function"),
        "fn_role": logical_id(template, "EnrichOrderRole", "AWS::IAM::Role"),
        "bus": logical_id(template, "OrderEvents", "AWS::Events::EventBus"),
        "pipe_role": logical_id(template, "PipeRole", "AWS::IAM::Role"),
        "pipe_logs": logical_id(template, "PriorityOrdersPipeLogs", "AWS::Logs::LogGroup"),
        "tap_log": logical_id(template, "EnrichedOrderLog", "AWS::Logs::LogGroup"),
        "alarm_topic": logical_id(template, "AlarmTopic", "AWS::SNS::Topic"),
    }


def pipe(template: Template) -> dict[str, Any]:
    pipes = list(template.find_resources("AWS::Pipes::Pipe").values())
    assert len(pipes) == 1
    return pipes[0]["Properties"]


# The pipe


def test_reads_the_orders_queue_in_batches_of_ten_and_filters_bodies_with_this_exact_pattern(template: Template, ids: dict[str, str]) -> None:
    p = pipe(template)
    assert p["Source"] == {"Fn::GetAtt": [ids["queue"], "Arn"]}
    assert PIPE_BATCH_SIZE == 10
    assert p["SourceParameters"]["SqsQueueParameters"] == {"BatchSize": 10}
    filters = p["SourceParameters"]["FilterCriteria"]["Filters"]
    assert len(filters) == 1
    assert json.loads(filters[0]["Pattern"]) == PIPE_FILTER == {
        "body": {
            "orderType": ["priority"],
            "orderId": [{"exists": True}],
            "customerId": [{"prefix": "cust-"}],
            "total": [{"numeric": [">", 0]}],
        }
    }
    assert p["DesiredState"] == "RUNNING"


def test_enriches_with_the_enrich_order_function_passing_it_the_records_untransformed(template: Template, ids: dict[str, str]) -> None:
    p = pipe(template)
    assert p["Enrichment"] == {"Fn::GetAtt": [ids["fn"], "Arn"]}
    assert "EnrichmentParameters" not in p


def test_puts_each_enriched_order_on_the_order_events_bus_through_the_input_template_with_a_fixed_source_and_detail_type(
    template: Template, ids: dict[str, str]
) -> None:
    p = pipe(template)
    assert p["Target"] == {"Fn::GetAtt": [ids["bus"], "Arn"]}
    assert p["TargetParameters"] == {
        "EventBridgeEventBusParameters": {"Source": EVENT_SOURCE, "DetailType": DETAIL_TYPE},
        "InputTemplate": TARGET_INPUT_TEMPLATE,
    }
    assert EVENT_SOURCE == "orders.priority-pipe"
    assert DETAIL_TYPE == "PriorityOrderEnriched"


def test_logs_failed_steps_to_its_own_log_group_at_error_level_without_execution_data(template: Template, ids: dict[str, str]) -> None:
    p = pipe(template)
    assert p["LogConfiguration"] == {
        "Level": "ERROR",
        "CloudwatchLogsLogDestination": {"LogGroupArn": {"Fn::GetAtt": [ids["pipe_logs"], "Arn"]}},
    }
    assert "IncludeExecutionData" not in p["LogConfiguration"], "payloads carry customer names"
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_runs_under_a_role_that_can_only_read_and_delete_orders_invoke_enrich_order_put_on_order_events_and_write_its_log(
    template: Template, ids: dict[str, str]
) -> None:
    assert pipe(template)["RoleArn"] == {"Fn::GetAtt": [ids["pipe_role"], "Arn"]}
    role = template.find_resources("AWS::IAM::Role")[ids["pipe_role"]]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "pipes.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ]
    assert "ManagedPolicyArns" not in role
    assert [p["PolicyDocument"]["Statement"] for p in role["Policies"]] == [
        [
            {"Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["queue"], "Arn"]}},
            {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["fn"], "Arn"]}},
            {"Action": "events:PutEvents", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["bus"], "Arn"]}},
            {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["pipe_logs"], "Arn"]}},
        ]
    ]
    attached = [p for p in template.find_resources("AWS::IAM::Policy").values() if ids["pipe_role"] in json.dumps(p["Properties"]["Roles"])]
    assert attached == [], "no other policy may be attached to the pipe role"


# Source queue and enrichment


def test_moves_a_message_to_orders_dlq_after_five_receives_and_hides_it_six_times_the_enrichment_timeout(template: Template, ids: dict[str, str]) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    fn = template.find_resources("AWS::Lambda::Function")[ids["fn"]]["Properties"]
    assert MAX_RECEIVE_COUNT == 5
    assert queues[ids["queue"]]["Properties"]["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [ids["dlq"], "Arn"]}, "maxReceiveCount": 5}
    assert queues[ids["queue"]]["Properties"]["VisibilityTimeout"] == fn["Timeout"] * 6
    assert "RedrivePolicy" not in queues[ids["dlq"]]["Properties"]
    assert queues[ids["dlq"]]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_encrypts_both_queues_and_denies_non_tls_access_to_each(template: Template, ids: dict[str, str]) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    assert sorted(queues) == sorted([ids["queue"], ids["dlq"]])
    for queue_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, queue_id
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy", {"Queues": [{"Ref": queue_id}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}}
        )


def test_runs_the_enrichment_on_arm64_python_3_13_reading_the_table_name_from_its_environment(template: Template, ids: dict[str, str]) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    assert len(functions) == 1, "the enrichment is the only function"
    fn = functions[ids["fn"]]["Properties"]
    assert fn["Runtime"] == "python3.13"
    assert fn["Architectures"] == ["arm64"]
    assert fn["Timeout"] == 10
    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert fn["Environment"]["Variables"] == {"CUSTOMERS_TABLE_NAME": {"Ref": ids["table"]}}
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"}],
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_lets_the_enrichment_only_batch_read_the_customers_table_besides_its_logs_and_traces(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["fn_role"]]["Properties"]
    assert "ManagedPolicyArns" not in role
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": ids["fn_role"]}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = lambda s: s["Action"] if isinstance(s["Action"], list) else [s["Action"]]  # noqa: E731
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    assert dynamo == [{"Action": "dynamodb:BatchGetItem", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["table"], "Arn"]}}]
    assert sorted(a for s in statements for a in actions(s)) == [
        "dynamodb:BatchGetItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]


# The bus and its example consumer


def test_logs_every_event_the_pipe_puts_on_the_bus_through_a_rule_on_that_bus(template: Template, ids: dict[str, str]) -> None:
    rules = list(template.find_resources("AWS::Events::Rule").values())
    assert len(rules) == 1
    rule = rules[0]["Properties"]
    assert rule["EventBusName"] == {"Ref": ids["bus"]}
    assert rule["EventPattern"] == {"detail-type": [DETAIL_TYPE], "source": [EVENT_SOURCE]}
    assert len(rule["Targets"]) == 1
    # EventBridge takes the log group ARN without the ":*" suffix CloudFormation's Arn attribute carries.
    assert flatten(rule["Targets"][0]["Arn"]) == "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${" + ids["tap_log"] + "}"
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


def test_lets_only_eventbridge_write_to_the_example_log_and_nothing_else(template: Template, ids: dict[str, str]) -> None:
    policies = list(template.find_resources("AWS::Logs::ResourcePolicy").items())
    assert len(policies) == 1
    policy_id, policy = policies[0]
    doc = json.loads(flatten(policy["Properties"]["PolicyDocument"]))
    assert doc["Statement"] == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Resource": "${" + ids["tap_log"] + ".Arn}",
        }
    ]
    rule = list(template.find_resources("AWS::Events::Rule").values())[0]
    assert policy_id in rule.get("DependsOn", []), "the rule waits for the policy that lets it write"


# Alarms


def test_alarms_on_orders_dlq_old_orders_messages_enrich_order_errors_and_failed_pipe_executions_notifying_one_topic(
    template: Template, ids: dict[str, str]
) -> None:
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": ids["alarm_topic"]}]
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["EvaluationPeriods"] == 1
        assert alarm["TreatMissingData"] == "notBreaching"
        assert len(alarm["AlarmDescription"]) > 60

    def watched(p: dict[str, Any]) -> tuple[Any, ...]:
        dim = p["Dimensions"][0]
        target = dim["Value"].get("Ref") or dim["Value"]["Fn::GetAtt"][0]
        return (p["Namespace"], p["MetricName"], dim["Name"], target, p["Statistic"], p["Period"], p["Threshold"])

    assert sorted(watched(a) for a in alarms) == sorted(
        [
            ("AWS/EventBridge/Pipes", "ExecutionFailed", "PipeName", "PriorityOrdersPipe", "Sum", 300, 1),
            ("AWS/Lambda", "Errors", "FunctionName", ids["fn"], "Sum", 300, 1),
            ("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", ids["queue"], "Maximum", 60, ALARM_AGE_SECONDS),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", ids["dlq"], "Maximum", 60, 1),
        ]
    )


def test_keeps_the_alarm_topic_tls_only_and_subscribes_an_email_address_only_when_alarm_email_is_set(template: Template, ids: dict[str, str]) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy", {"Topics": [{"Ref": ids["alarm_topic"]}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}}
    )
    template.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email"}, 0)
    with_email = Template.from_stack(EventbridgePipesEnrichmentStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}, 1)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: EventbridgePipesEnrichmentStack) -> None:
    with_email = EventbridgePipesEnrichmentStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
