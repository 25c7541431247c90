import base64
import json
import unittest

import pathsetup  # noqa: F401  (import path for app and iris_model)
import app


def http_event(body, base64_encoded=False):
    """An HTTP API (payload 2.0) event for POST /predict, as API Gateway sends it."""
    text = body if isinstance(body, str) else json.dumps(body)
    if base64_encoded:
        text = base64.b64encode(text.encode()).decode()
    return {
        "version": "2.0",
        "routeKey": "POST /predict",
        "rawPath": "/predict",
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": "POST", "path": "/predict"}},
        "body": text,
        "isBase64Encoded": base64_encoded,
    }


SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


class RecordingModel:
    """Stands in for the real model and remembers what it was asked."""

    metadata = {"test_accuracy": 0.5}

    def __init__(self):
        self.calls = []

    def predict(self, values):
        self.calls.append(values)
        return {"species": "stub", "confidence": 1.0, "probabilities": {"stub": 1.0}}


class HandlerTest(unittest.TestCase):
    def call(self, event):
        result = app.handler(event, None)
        return result["statusCode"], json.loads(result["body"])

    def test_predicts_with_the_model_loaded_at_init(self):
        status, body = self.call(http_event(SETOSA))
        self.assertEqual(status, 200)
        self.assertEqual(body["species"], "setosa")
        self.assertGreater(body["confidence"], 0.9)
        self.assertEqual(body["model"]["test_accuracy"], app.MODEL.metadata["test_accuracy"])

    def test_answers_json(self):
        result = app.handler(http_event(SETOSA), None)
        self.assertEqual(result["headers"]["content-type"], "application/json")

    def test_reads_base64_bodies(self):
        status, body = self.call(http_event(SETOSA, base64_encoded=True))
        self.assertEqual((status, body["species"]), (200, "setosa"))

    def test_passes_measurements_in_feature_order_whatever_the_json_order(self):
        model = RecordingModel()
        shuffled = {"petal_width": 4, "sepal_width": 2, "petal_length": 3, "sepal_length": 1}
        result = app.handle(http_event(shuffled), model)
        self.assertEqual(result["statusCode"], 200)
        self.assertEqual(model.calls, [[1.0, 2.0, 3.0, 4.0]])


class ValidationTest(unittest.TestCase):
    def rejected(self, body):
        model = RecordingModel()
        result = app.handle(http_event(body), model)
        self.assertEqual(result["statusCode"], 400, body)
        self.assertEqual(model.calls, [], "the model must not run on bad input")
        return json.loads(result["body"])

    def test_refuses_bodies_that_are_not_a_json_object(self):
        for body in ("", "not json", "[1, 2, 3, 4]", "null"):
            with self.subTest(body=body):
                self.rejected(body)

    def test_names_every_missing_field(self):
        body = self.rejected({"sepal_length": 5.1})
        self.assertEqual(len(body["problems"]), 3)
        self.assertIn("example", body)

    def test_refuses_values_that_are_not_plausible_lengths(self):
        for value in ("5.1", True, None, -1, 0, 51, [5.1]):
            with self.subTest(value=value):
                self.rejected({**SETOSA, "petal_length": value})

    def test_refuses_nan_and_infinity(self):
        for literal in ("NaN", "Infinity"):
            with self.subTest(literal=literal):
                text = json.dumps(SETOSA).replace("1.4", literal)
                self.rejected(text)

    def test_refuses_unknown_fields(self):
        body = self.rejected({**SETOSA, "colour": "purple"})
        self.assertIn("unknown field 'colour'", body["problems"])

    def test_refuses_oversized_bodies_before_parsing(self):
        self.rejected(json.dumps({**SETOSA, "padding": "x" * 2000}))

    def test_refuses_undecodable_base64(self):
        model = RecordingModel()
        event = http_event(SETOSA)
        event.update(body="%%%not-base64", isBase64Encoded=True)
        self.assertEqual(app.handle(event, model)["statusCode"], 400)


if __name__ == "__main__":
    unittest.main()
