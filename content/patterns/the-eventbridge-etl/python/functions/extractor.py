"""Lambda entry point of the Extractor: wires the ECS client into extract_request.py."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from extract_request import ExtractorConfig, ExtractorDeps, create_handler, read_config


def ecs_deps(client: Any, config: ExtractorConfig) -> ExtractorDeps:
    def running_tasks() -> int:
        # desiredStatus RUNNING also counts tasks that are still provisioning or pulling the image.
        result = client.list_tasks(cluster=config.cluster_arn, family=config.task_family, desiredStatus="RUNNING")
        return len(result.get("taskArns") or [])

    def run_task(request: dict[str, Any]) -> str:
        result = client.run_task(**request)
        tasks = result.get("tasks") or []
        task_arn = tasks[0].get("taskArn") if tasks else None
        if not task_arn:
            raise RuntimeError(f"RunTask started nothing: {json.dumps(result.get('failures') or [])}")
        return task_arn

    return ExtractorDeps(running_tasks=running_tasks, run_task=run_task)


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        config = read_config(os.environ)
        _handler = create_handler(ecs_deps(boto3.client("ecs"), config), config)
    return _handler(event, context)
