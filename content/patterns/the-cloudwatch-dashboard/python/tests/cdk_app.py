"""Builds an App carrying cdk.json's context (feature flags included), so tests see what `cdk deploy` would deploy."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def app_from_cdk_json(**context: Any) -> cdk.App:
    flags = json.loads(CDK_JSON.read_text()).get("context", {})
    return cdk.App(context={**flags, **context})
