"""An App with cdk.json's context, feature flags included, so the tests check what `cdk deploy` deploys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def app_from_cdk_json(**context: Any) -> cdk.App:
    settings = json.loads(CDK_JSON.read_text(encoding="utf-8"))
    return cdk.App(context={**settings.get("context", {}), **context})
