"""A multinomial logistic-regression classifier for Iris flowers, in plain Python.

Only the standard library is used, so the container image needs nothing beyond the
AWS base image and the weights file written by training/train.py.
"""

import json
import math

# The order of the inputs everywhere: in the weights, in requests and in training.
FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")


def softmax(scores):
    """Turns raw class scores into probabilities that sum to 1."""
    # Subtracting the largest score keeps exp() from overflowing; the result is unchanged.
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


class IrisModel:
    """Standardises the four measurements, scores each class linearly, then applies softmax."""

    def __init__(self, classes, mean, scale, weights, bias, metadata=None):
        n_features = len(FEATURES)
        if len(mean) != n_features or len(scale) != n_features:
            raise ValueError("mean and scale need one value per feature")
        if any(s <= 0 for s in scale):
            raise ValueError("every scale must be positive")
        if len(weights) != len(classes) or len(bias) != len(classes):
            raise ValueError("weights and bias need one row per class")
        if any(len(row) != n_features for row in weights):
            raise ValueError("every weight row needs one value per feature")
        self.classes = list(classes)
        self.mean = list(mean)
        self.scale = list(scale)
        self.weights = [list(row) for row in weights]
        self.bias = list(bias)
        self.metadata = dict(metadata or {})

    @classmethod
    def from_dict(cls, data):
        if data.get("features") != list(FEATURES):
            raise ValueError(f"model was trained on {data.get('features')}, expected {list(FEATURES)}")
        return cls(
            data["classes"], data["mean"], data["scale"], data["weights"], data["bias"], data.get("metadata")
        )

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f))

    def to_dict(self):
        return {
            "features": list(FEATURES),
            "classes": self.classes,
            "mean": self.mean,
            "scale": self.scale,
            "weights": self.weights,
            "bias": self.bias,
            "metadata": self.metadata,
        }

    def standardise(self, values):
        return [(v - m) / s for v, m, s in zip(values, self.mean, self.scale)]

    def probabilities(self, values):
        """Class probabilities for one flower, given its four measurements in FEATURES order."""
        return self.probabilities_of_standardised(self.standardise(values))

    def probabilities_of_standardised(self, z):
        scores = [b + sum(w * x for w, x in zip(row, z)) for row, b in zip(self.weights, self.bias)]
        return softmax(scores)

    def predict(self, values):
        """The most likely species, its probability and every class's probability."""
        probs = self.probabilities(values)
        best = max(range(len(probs)), key=probs.__getitem__)
        return {
            "species": self.classes[best],
            "confidence": round(probs[best], 4),
            "probabilities": {c: round(p, 4) for c, p in zip(self.classes, probs)},
        }
