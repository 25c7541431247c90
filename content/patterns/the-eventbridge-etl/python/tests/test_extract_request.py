import json
from typing import Any

import pytest

from extract_request import (
    CsvObject,
    ExtractorConfig,
    ExtractorDeps,
    client_token,
    create_handler,
    csv_objects_in,
    decode_key,
    read_config,
    run_task_request,
)

CONFIG = ExtractorConfig(
    cluster_arn="arn:aws:ecs:us-east-1:111122223333:cluster/etl",
    task_definition_arn="arn:aws:ecs:us-east-1:111122223333:task-definition/extract:3",
    task_family="extract",
    container_name="Extract",
    subnet_ids=["subnet-a", "subnet-b"],
    security_group_id="sg-1",
    event_bus_name="etl-bus",
    max_running_tasks=2,
    max_events_per_second=20,
)


def s3_message(key: str, event_name: str = "ObjectCreated:Put", sequencer: str = "0A1B") -> str:
    return json.dumps({"Records": [{"eventName": event_name, "s3": {"bucket": {"name": "landing"}, "object": {"key": key, "sequencer": sequencer}}}]})


def sqs_event(*bodies: str) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{i + 1}", "body": body} for i, body in enumerate(bodies)]}


def key_of(request: dict[str, Any]) -> str:
    return request["overrides"]["containerOverrides"][0]["environment"][1]["value"]


def test_decodes_keys_the_way_s3_encodes_them() -> None:
    assert decode_key("daily+exports/orders%2B2026.csv") == "daily exports/orders+2026.csv"


def test_finds_created_csv_objects_and_skips_everything_else() -> None:
    assert csv_objects_in(s3_message("in/Orders.CSV")) == [CsvObject(bucket="landing", key="in/Orders.CSV", sequencer="0A1B")]
    assert csv_objects_in(s3_message("in/readme.txt")) == []
    assert csv_objects_in(s3_message("in/orders.csv", "ObjectRemoved:Delete")) == []
    assert csv_objects_in(json.dumps({"Event": "s3:TestEvent", "Bucket": "landing"})) == []


def test_starts_one_fargate_task_in_the_public_subnets_with_the_file_and_limits_as_overrides() -> None:
    request = run_task_request(CsvObject(bucket="landing", key="in/orders.csv", sequencer="0A1B"), CONFIG)
    assert request["cluster"] == CONFIG.cluster_arn
    assert request["taskDefinition"] == CONFIG.task_definition_arn
    assert request["launchType"] == "FARGATE"
    assert request["count"] == 1
    assert request["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": ["subnet-a", "subnet-b"],
        "securityGroups": ["sg-1"],
        "assignPublicIp": "ENABLED",
    }
    assert request["overrides"]["containerOverrides"] == [
        {
            "name": "Extract",
            "environment": [
                {"name": "SOURCE_BUCKET", "value": "landing"},
                {"name": "SOURCE_KEY", "value": "in/orders.csv"},
                {"name": "EVENT_BUS_NAME", "value": "etl-bus"},
                {"name": "MAX_EVENTS_PER_SECOND", "value": "20"},
            ],
        }
    ]


def test_derives_an_idempotency_token_that_fits_run_task_and_changes_with_every_upload() -> None:
    first = client_token(CsvObject(bucket="landing", key="orders.csv", sequencer="01"))
    assert len(first) == 64
    assert first == client_token(CsvObject(bucket="landing", key="orders.csv", sequencer="01"))
    assert first != client_token(CsvObject(bucket="landing", key="orders.csv", sequencer="02"))


def test_starts_a_task_for_each_new_csv_while_slots_are_free() -> None:
    started: list[dict[str, Any]] = []

    def run_task(request: dict[str, Any]) -> str:
        started.append(request)
        return "arn:aws:ecs:task/1"

    result = create_handler(ExtractorDeps(running_tasks=lambda: 1, run_task=run_task), CONFIG)(sqs_event(s3_message("a.csv")))
    assert result["batchItemFailures"] == []
    assert len(started) == 1
    assert key_of(started[0]) == "a.csv"


def test_leaves_the_file_on_the_queue_without_calling_run_task_while_every_slot_is_busy() -> None:
    run_task_calls: list[dict[str, Any]] = []

    def run_task(request: dict[str, Any]) -> str:
        run_task_calls.append(request)
        return "arn"

    result = create_handler(ExtractorDeps(running_tasks=lambda: 2, run_task=run_task), CONFIG)(sqs_event(s3_message("a.csv")))
    assert run_task_calls == []
    assert result["batchItemFailures"] == [{"itemIdentifier": "m1"}]


def test_reports_only_the_message_whose_task_could_not_be_started() -> None:
    def run_task(request: dict[str, Any]) -> str:
        if key_of(request) == "bad.csv":
            raise RuntimeError('RunTask started nothing: [{"reason":"RESOURCE:ENI"}]')
        return "arn"

    handler = create_handler(ExtractorDeps(running_tasks=lambda: 0, run_task=run_task), CONFIG)
    result = handler(sqs_event(s3_message("good.csv"), s3_message("bad.csv"), "not json"))
    assert result["batchItemFailures"] == [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]


def test_acknowledges_the_test_message_s3_sends_when_the_notification_is_created() -> None:
    calls: list[int] = []

    def running_tasks() -> int:
        calls.append(1)
        return 0

    handler = create_handler(ExtractorDeps(running_tasks=running_tasks, run_task=lambda _request: "arn"), CONFIG)
    result = handler(sqs_event(json.dumps({"Event": "s3:TestEvent"})))
    assert result["batchItemFailures"] == []
    assert calls == []


def test_reads_the_limits_and_the_comma_separated_subnets() -> None:
    parsed = read_config(
        {
            "CLUSTER_ARN": "c",
            "TASK_DEFINITION_ARN": "t",
            "TASK_FAMILY": "f",
            "CONTAINER_NAME": "Extract",
            "SUBNET_IDS": "subnet-a,subnet-b",
            "SECURITY_GROUP_ID": "sg",
            "EVENT_BUS_NAME": "bus",
            "MAX_RUNNING_TASKS": "2",
            "MAX_EVENTS_PER_SECOND": "20",
        }
    )
    assert parsed.subnet_ids == ["subnet-a", "subnet-b"]
    assert parsed.max_running_tasks == 2
    with pytest.raises(ValueError, match="CLUSTER_ARN"):
        read_config({})


class FakeEcs:
    def __init__(self, running: list[str], run_result: dict[str, Any]) -> None:
        self.running = running
        self.run_result = run_result
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def list_tasks(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("list_tasks", kwargs))
        return {"taskArns": self.running}

    def run_task(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("run_task", kwargs))
        return self.run_result


def test_counts_running_tasks_of_this_family_and_fails_when_run_task_starts_nothing() -> None:
    from extractor import ecs_deps

    started = FakeEcs(["t1"], {"tasks": [{"taskArn": "arn:task/1"}]})
    deps = ecs_deps(started, CONFIG)
    assert deps.running_tasks() == 1
    assert deps.run_task({"cluster": "c"}) == "arn:task/1"
    assert started.calls == [
        ("list_tasks", {"cluster": CONFIG.cluster_arn, "family": "extract", "desiredStatus": "RUNNING"}),
        ("run_task", {"cluster": "c"}),
    ]
    refused = ecs_deps(FakeEcs([], {"tasks": [], "failures": [{"reason": "RESOURCE:ENI"}]}), CONFIG)
    with pytest.raises(RuntimeError, match="RESOURCE:ENI"):
        refused.run_task({})
