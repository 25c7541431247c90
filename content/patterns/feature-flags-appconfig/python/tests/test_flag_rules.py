import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from feature_flags_appconfig.feature_flags_appconfig_stack import FLAG_FILE, FeatureFlagsAppConfigStack
from feature_flags_appconfig.flag_rules import flag_document_problems
from tests.cdk_app import app_from_cdk_json

SHIPPED: dict[str, Any] = json.loads(FLAG_FILE.read_text())


def edited(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    document = copy.deepcopy(SHIPPED)
    change(document)
    return document


def test_meets_every_constraint_its_own_flag_definitions_declare() -> None:
    assert flag_document_problems(SHIPPED) == []


def test_caps_the_discount_and_the_rollout_and_keeps_markup_out_of_the_banner() -> None:
    flags = SHIPPED["flags"]
    assert flags["newPricing"]["attributes"]["discountPercent"]["constraints"] == {"type": "number", "minimum": 0, "maximum": 30, "required": True}
    assert flags["newPricing"]["attributes"]["rolloutPercent"]["constraints"] == {"type": "number", "minimum": 0, "maximum": 100, "required": True}
    assert flags["promoBanner"]["attributes"]["message"]["constraints"]["pattern"] == "^[^<>]{1,120}$"


def test_refuses_a_value_outside_its_constraint_a_missing_required_attribute_and_a_banner_with_markup() -> None:
    assert flag_document_problems(edited(lambda d: d["values"]["newPricing"].update(discountPercent=300))) == [
        "newPricing.discountPercent is 300, above its maximum of 30"
    ]
    assert flag_document_problems(edited(lambda d: d["values"]["freeShipping"].pop("thresholdCents"))) == ["freeShipping.thresholdCents is required"]
    assert flag_document_problems(edited(lambda d: d["values"]["promoBanner"].update(message="<script>alert(1)</script>"))) == [
        "promoBanner.message does not match ^[^<>]{1,120}$"
    ]
    assert flag_document_problems(edited(lambda d: d["values"]["newPricing"].update(rolloutPercent="all"))) == [
        "newPricing.rolloutPercent must be a number"
    ]


def test_refuses_flags_without_a_value_values_without_a_flag_and_keys_appconfig_would_not_accept() -> None:
    assert flag_document_problems(edited(lambda d: d["values"].pop("promoBanner"))) == ["promoBanner needs a value with enabled set to true or false"]
    assert flag_document_problems(edited(lambda d: d["values"].update(darkMode={"enabled": True}))) == ["darkMode has a value but no definition"]

    def upper_case_key(d: dict[str, Any]) -> None:
        d["flags"]["NewCheckout"] = {}
        d["values"]["NewCheckout"] = {"enabled": False}

    assert flag_document_problems(edited(upper_case_key)) == ["flag key NewCheckout must match ^[a-z][a-zA-Z\\d_-]{0,63}$"]
    assert flag_document_problems({"flags": {}, "values": {}}) == ['version must be "1"']


def test_stops_synth_on_a_flag_file_that_breaks_a_constraint(tmp_path: Path) -> None:
    bad = tmp_path / "flags.json"
    bad.write_text(json.dumps(edited(lambda d: d["values"]["newPricing"].update(discountPercent=300))))
    with pytest.raises(ValueError, match=r"newPricing\.discountPercent is 300, above its maximum of 30"):
        FeatureFlagsAppConfigStack(app_from_cdk_json(), "Bad-Flags", flag_file=bad)
