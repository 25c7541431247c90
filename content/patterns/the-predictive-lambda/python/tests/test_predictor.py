"""The real handler (model/app.py) and training script (training/train.py), run in-process.

model/app.py is the container's `app` module; it is loaded here under another name so it cannot be
confused with the CDK app.py next to it.
"""

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "model"
TRAINING_DIR = ROOT / "training"


def load(name: str, path: Path) -> ModuleType:
    for folder in (str(MODEL_DIR), str(TRAINING_DIR)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def predictor() -> ModuleType:
    return load("predictor_app", MODEL_DIR / "app.py")


@pytest.fixture(scope="module")
def train() -> ModuleType:
    return load("iris_train", TRAINING_DIR / "train.py")


class CountingModel:
    """Stands in for the real model and records its calls, to show whether the model ran."""

    metadata = {"test_accuracy": 0.5}

    def __init__(self) -> None:
        self.calls: list[list[float]] = []

    def predict(self, values: list[float]) -> dict[str, Any]:
        self.calls.append(values)
        return {"species": "stub", "confidence": 1.0, "probabilities": {"stub": 1.0}}


def invoke(predictor: ModuleType, body: Any, model: Any = None) -> tuple[int, Any]:
    """Sends the body to the handler as API Gateway would (payload 2.0)."""
    text = body if isinstance(body, str) else json.dumps(body)
    event = {"version": "2.0", "routeKey": "POST /predict", "body": text, "isBase64Encoded": False}
    result = predictor.handle(event, model) if model is not None else predictor.handler(event, None)
    return result["statusCode"], json.loads(result["body"])


SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def test_classifies_a_typical_flower_of_each_species_with_its_probabilities(predictor: ModuleType) -> None:
    answers = [
        invoke(predictor, flower)
        for flower in (
            SETOSA,
            {"sepal_length": 6.4, "sepal_width": 3.2, "petal_length": 4.5, "petal_width": 1.5},
            {"sepal_length": 6.3, "sepal_width": 3.3, "petal_length": 6.0, "petal_width": 2.5},
        )
    ]
    assert [(status, body["species"]) for status, body in answers] == [(200, "setosa"), (200, "versicolor"), (200, "virginica")]
    for _status, body in answers:
        probabilities = list(body["probabilities"].values())
        assert body["confidence"] == max(probabilities)
        assert math.isclose(sum(probabilities), 1, abs_tol=0.001)
        assert body["model"]["test_accuracy"] >= 0.9


def test_hands_the_model_the_measurements_in_feature_order_whatever_order_the_json_uses(predictor: ModuleType) -> None:
    model = CountingModel()
    status, _body = invoke(predictor, {"petal_width": 4, "sepal_width": 2, "petal_length": 3, "sepal_length": 1}, model)
    assert status == 200
    assert model.calls == [[1, 2, 3, 4]]


def test_refuses_anything_but_the_four_plausible_measurements_with_a_400_naming_each_problem_before_the_model_runs(
    predictor: ModuleType,
) -> None:
    bad: list[Any] = [
        "",
        "not json",
        "[5.1, 3.5, 1.4, 0.2]",
        {"sepal_length": 5.1},
        {**SETOSA, "petal_length": "1.4"},
        {**SETOSA, "petal_length": True},
        {**SETOSA, "petal_length": 0},
        {**SETOSA, "petal_length": 51},
        json.dumps(SETOSA).replace("1.4", "NaN"),
        json.dumps(SETOSA).replace("1.4", "Infinity"),
        {**SETOSA, "colour": "purple"},
        {**SETOSA, "padding": "x" * 2000},
    ]
    model = CountingModel()
    answers = [invoke(predictor, body, model) for body in bad]
    assert model.calls == [], "the model must not run on bad input"
    assert [status for status, _ in answers] == [400] * len(bad)
    assert len(answers[3][1]["problems"]) == 3, "each missing field is named"
    assert "unknown field 'colour'" in answers[10][1]["problems"]
    assert answers[3][1]["example"] == SETOSA


def test_reproduces_the_committed_weights_and_generalises_to_the_held_out_flowers(train: ModuleType) -> None:
    x, y, classes = train.load_dataset()
    assert (len(x), classes) == (150, ["setosa", "versicolor", "virginica"])
    _train_x, _train_y, test_x, test_y = train.split(x, y)
    assert [test_y.count(k) for k in range(3)] == [10, 10, 10]

    model = train.train()
    assert model.metadata["test_accuracy"] >= 0.9
    assert model.metadata["train_accuracy"] >= 0.9
    # Catches a model.json edited by hand or left stale after changing train.py.
    committed = json.loads((MODEL_DIR / "model.json").read_text())
    fresh = train.rounded(model)
    assert fresh["classes"] == committed["classes"]
    assert fresh["metadata"] == committed["metadata"]
    for key in ("mean", "scale", "bias"):
        assert fresh[key] == pytest.approx(committed[key], abs=1e-6), key
    for row_fresh, row_committed in zip(fresh["weights"], committed["weights"]):
        assert row_fresh == pytest.approx(row_committed, abs=1e-6)
