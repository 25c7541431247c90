"""Lambda handler: POST /predict with four Iris measurements, get the species back.

The model is loaded once per execution environment, during init, so warm requests
only pay for a few dozen multiplications.
"""

import base64
import json
import logging
import math
import os

from iris_model import FEATURES, IrisModel

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Measurements are centimetres; anything outside this range is a typo, not a flower.
MIN_CM = 0.0
MAX_CM = 50.0
# A request body is four numbers; refuse anything much larger before parsing it.
MAX_BODY_BYTES = 1024

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.json")


def response(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def read_body(event):
    """The request body as text, decoded if API Gateway base64-encoded it."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return body


def parse_measurements(body):
    """Returns (values in FEATURES order, None) or (None, list of problems)."""
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        return None, [f"the body must be at most {MAX_BODY_BYTES} bytes"]
    try:
        data = json.loads(body)
    except ValueError:
        return None, ["the body must be a JSON object"]
    if not isinstance(data, dict):
        return None, ["the body must be a JSON object"]

    problems = [f"unknown field '{name}'" for name in sorted(set(data) - set(FEATURES))]
    values = []
    for name in FEATURES:
        value = data.get(name)
        # bool is a subclass of int in Python; true is not a length.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(f"'{name}' must be a number of centimetres")
        elif not MIN_CM < value <= MAX_CM:
            problems.append(f"'{name}' must be greater than {MIN_CM:g} and at most {MAX_CM:g}")
        else:
            values.append(float(value))
    return (None, problems) if problems else (values, None)


def handle(event, model):
    """Everything the handler does, with the model passed in so tests can supply their own."""
    try:
        body = read_body(event)
    except (ValueError, UnicodeDecodeError):
        return response(400, {"message": "The body could not be decoded."})

    values, problems = parse_measurements(body)
    if problems:
        return response(400, {"message": "Send the four measurements in centimetres.", "problems": problems,
                              "example": dict(zip(FEATURES, (5.1, 3.5, 1.4, 0.2)))})

    prediction = model.predict(values)
    logger.info("prediction", extra={"species": prediction["species"], "confidence": prediction["confidence"]})
    return response(200, {**prediction, "model": {"test_accuracy": model.metadata.get("test_accuracy")}})


MODEL = IrisModel.load(MODEL_PATH)


def handler(event, context):
    return handle(event, MODEL)
