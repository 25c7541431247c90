"""The Extractor's logic: one Fargate task per new CSV object, while a task slot is free.

The ECS client is wired in extractor.py, so tests can import this module without AWS.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from pipeline_events import TASK_STARTED_BY

logger = logging.getLogger()
logger.setLevel(logging.INFO)


@dataclass(frozen=True)
class CsvObject:
    """One CSV object that S3 reported as created."""

    bucket: str
    key: str
    # Orders events for the same key; differs for every write, so it identifies this upload.
    sequencer: str


@dataclass(frozen=True)
class ExtractorConfig:
    cluster_arn: str
    task_definition_arn: str
    task_family: str
    container_name: str
    subnet_ids: list[str]
    security_group_id: str
    event_bus_name: str
    max_running_tasks: int
    max_events_per_second: int


@dataclass(frozen=True)
class ExtractorDeps:
    """The two ECS calls the handler makes, so tests can stand in for the client."""

    running_tasks: Callable[[], int]
    run_task: Callable[[dict[str, Any]], str]


def decode_key(raw: str) -> str:
    """S3 URL-encodes keys in notifications and writes spaces as "+"."""
    return unquote_plus(raw)


def csv_objects_in(message_body: str) -> list[CsvObject]:
    message = json.loads(message_body)
    # S3 sends a test message when the notification is first configured; it names no object.
    if message.get("Event") == "s3:TestEvent":
        return []
    objects = [
        CsvObject(bucket=r["s3"]["bucket"]["name"], key=decode_key(r["s3"]["object"]["key"]), sequencer=r["s3"]["object"]["sequencer"])
        for r in message.get("Records") or []
        if str(r.get("eventName", "")).startswith("ObjectCreated:")
    ]
    return [o for o in objects if o.key.lower().endswith(".csv")]


def client_token(o: CsvObject) -> str:
    """RunTask's idempotency token (at most 64 characters).

    SQS may deliver the same notification twice; the same token makes ECS return the first task
    instead of starting a second one.
    """
    return hashlib.sha256(f"{o.bucket}/{o.key}@{o.sequencer}".encode()).hexdigest()


def run_task_request(o: CsvObject, config: ExtractorConfig) -> dict[str, Any]:
    """The keyword arguments of ecs.run_task for one file."""
    return {
        "cluster": config.cluster_arn,
        "taskDefinition": config.task_definition_arn,
        "launchType": "FARGATE",
        "count": 1,
        "clientToken": client_token(o),
        "startedBy": TASK_STARTED_BY,
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": list(config.subnet_ids),
                "securityGroups": [config.security_group_id],
                # Public subnets without a NAT gateway: the public address is how the task reaches ECR and EventBridge.
                "assignPublicIp": "ENABLED",
            }
        },
        "overrides": {
            "containerOverrides": [
                {
                    "name": config.container_name,
                    "environment": [
                        {"name": "SOURCE_BUCKET", "value": o.bucket},
                        {"name": "SOURCE_KEY", "value": o.key},
                        {"name": "EVENT_BUS_NAME", "value": config.event_bus_name},
                        {"name": "MAX_EVENTS_PER_SECOND", "value": str(config.max_events_per_second)},
                    ],
                }
            ]
        },
    }


def read_config(env: Mapping[str, str]) -> ExtractorConfig:
    def required(name: str) -> str:
        value = env.get(name)
        if not value:
            raise ValueError(f"{name} is not set")
        return value

    return ExtractorConfig(
        cluster_arn=required("CLUSTER_ARN"),
        task_definition_arn=required("TASK_DEFINITION_ARN"),
        task_family=required("TASK_FAMILY"),
        container_name=required("CONTAINER_NAME"),
        subnet_ids=required("SUBNET_IDS").split(","),
        security_group_id=required("SECURITY_GROUP_ID"),
        event_bus_name=required("EVENT_BUS_NAME"),
        max_running_tasks=int(required("MAX_RUNNING_TASKS")),
        max_events_per_second=int(required("MAX_EVENTS_PER_SECOND")),
    )


class TaskSlotsBusy(Exception):
    """Not an error as such: the file is fine and will be retried when a slot frees up."""


def _log(level: int, message: str, **extra: Any) -> None:
    logger.log(level, json.dumps({"message": message, **extra}))


def create_handler(deps: ExtractorDeps, config: ExtractorConfig) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        batch_item_failures: list[dict[str, str]] = []
        for record in event["Records"]:
            try:
                for o in csv_objects_in(record["body"]):
                    # The throttle on Fargate: leave the message on the queue while every task slot is taken.
                    running = deps.running_tasks()
                    if running >= config.max_running_tasks:
                        raise TaskSlotsBusy(f"{running} of {config.max_running_tasks} extract tasks are running")
                    task_arn = deps.run_task(run_task_request(o, config))
                    _log(logging.INFO, "extract task started", bucket=o.bucket, key=o.key, taskArn=task_arn)
            except TaskSlotsBusy as busy:
                _log(logging.WARNING, "every extract task slot is busy; the file waits in the queue", messageId=record["messageId"], reason=str(busy))
                batch_item_failures.append({"itemIdentifier": record["messageId"]})
            except Exception as error:  # noqa: BLE001 - any failure puts only this message back on the queue
                _log(logging.ERROR, "could not start the extract task", messageId=record["messageId"], error=repr(error))
                batch_item_failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": batch_item_failures}

    return handle
