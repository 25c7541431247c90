"""Trains the Iris classifier served by the function and writes model/model.json.

Run from the app folder:  python3 training/train.py

Data: training/iris.csv is Fisher's Iris data set (1936) as distributed by the UCI
Machine Learning Repository: 150 flowers, 50 of each of three species, four
measurements in centimetres each.

Method: multinomial logistic regression with a small L2 penalty, fitted by full-batch
gradient descent on standardised features. Everything is deterministic (no random
initialisation, no shuffling), so running the script again reproduces the same
weights, which the tests check.
"""

import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "model"))

from iris_model import FEATURES, IrisModel  # noqa: E402  (path set just above)

DATA_PATH = os.path.join(HERE, "iris.csv")
MODEL_PATH = os.path.join(HERE, "..", "model", "model.json")

EPOCHS = 1500
LEARNING_RATE = 0.5
L2_PENALTY = 0.001
# Every fifth flower of each species is held out, so the test set stays balanced.
HOLD_OUT_EVERY = 5


def load_dataset(path=DATA_PATH):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    classes = sorted({r["species"] for r in rows})
    x = [[float(r[name]) for name in FEATURES] for r in rows]
    y = [classes.index(r["species"]) for r in rows]
    return x, y, classes


def split(x, y, every=HOLD_OUT_EVERY):
    """Returns (train_x, train_y, test_x, test_y), holding out every n-th row of each class."""
    seen = {}
    train_x, train_y, test_x, test_y = [], [], [], []
    for features, label in zip(x, y):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] % every == 0:
            test_x.append(features)
            test_y.append(label)
        else:
            train_x.append(features)
            train_y.append(label)
    return train_x, train_y, test_x, test_y


def column_stats(x):
    n = len(x)
    mean = [sum(row[j] for row in x) / n for j in range(len(FEATURES))]
    scale = [math.sqrt(sum((row[j] - mean[j]) ** 2 for row in x) / n) for j in range(len(FEATURES))]
    return mean, scale


def fit(x, y, classes, epochs=EPOCHS, learning_rate=LEARNING_RATE, l2=L2_PENALTY):
    """Fits weights on standardised features; returns a ready IrisModel."""
    mean, scale = column_stats(x)
    n_classes, n_features, n = len(classes), len(FEATURES), len(x)
    model = IrisModel(classes, mean, scale, [[0.0] * n_features for _ in classes], [0.0] * n_classes)
    z = [model.standardise(row) for row in x]

    for _ in range(epochs):
        grad_w = [[0.0] * n_features for _ in range(n_classes)]
        grad_b = [0.0] * n_classes
        for features, label in zip(z, y):
            probs = model.probabilities_of_standardised(features)
            for k in range(n_classes):
                # Cross-entropy gradient: predicted probability minus the one-hot target.
                error = probs[k] - (1.0 if k == label else 0.0)
                grad_b[k] += error
                for j in range(n_features):
                    grad_w[k][j] += error * features[j]
        for k in range(n_classes):
            model.bias[k] -= learning_rate * grad_b[k] / n
            for j in range(n_features):
                model.weights[k][j] -= learning_rate * (grad_w[k][j] / n + l2 * model.weights[k][j])
    return model


def accuracy(model, x, y):
    hits = sum(1 for features, label in zip(x, y) if model.predict(features)["species"] == model.classes[label])
    return hits / len(x)


def train(path=DATA_PATH):
    """Loads, splits, fits and evaluates; returns the model with its metrics recorded."""
    x, y, classes = load_dataset(path)
    train_x, train_y, test_x, test_y = split(x, y)
    model = fit(train_x, train_y, classes)
    model.metadata = {
        "algorithm": "multinomial logistic regression, full-batch gradient descent",
        "dataset": "Iris (Fisher 1936, UCI copy), training/iris.csv",
        "train_rows": len(train_x),
        "test_rows": len(test_x),
        "train_accuracy": round(accuracy(model, train_x, train_y), 4),
        "test_accuracy": round(accuracy(model, test_x, test_y), 4),
        "epochs": EPOCHS,
    }
    return model


def rounded(model, digits=8):
    """The model as JSON-ready data, rounded so the file is small and stable across platforms."""
    data = model.to_dict()
    for key in ("mean", "scale", "bias"):
        data[key] = [round(v, digits) for v in data[key]]
    data["weights"] = [[round(v, digits) for v in row] for row in data["weights"]]
    return data


def main():
    model = train()
    with open(MODEL_PATH, "w", encoding="utf-8") as f:
        json.dump(rounded(model), f, indent=2)
        f.write("\n")
    print(json.dumps(model.metadata, indent=2))


if __name__ == "__main__":
    main()
