"""Puts model/ and training/ on the import path, as the Lambda image and the training script see them."""

import os
import sys

CDK_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MODEL_DIR = os.path.join(CDK_DIR, "model")
TRAINING_DIR = os.path.join(CDK_DIR, "training")
for folder in (MODEL_DIR, TRAINING_DIR):
    if folder not in sys.path:
        sys.path.insert(0, folder)
