"""An App with cdk.json's context, feature flags included, so the tests check what `cdk deploy` deploys."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk


def app_from_cdk_json(**context: Any) -> cdk.App:
    cdk_json = json.loads((Path(__file__).resolve().parent.parent / "cdk.json").read_text())
    return cdk.App(context={**cdk_json.get("context", {}), **context})
