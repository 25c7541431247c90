"""Bundles a Python handler with its pinned PyPI dependencies on this machine, without Docker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_


@jsii.implements(ILocalBundling)
class PipLocalBundling:
    """pip installs wheels built for the Lambda platform (arm64, CPython 3.13), then copies the handler source."""

    def __init__(self, source: Path, requirements: list[str]) -> None:
        self._source = source
        self._requirements = requirements

    def try_bundle(self, output_dir: str, options: Any) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
                "--target", output_dir,
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
                "--only-binary=:all:",
                *self._requirements,
            ],
            check=True,
        )
        for file in sorted(self._source.glob("*.py")):
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def bundled_code(source: Path, requirements: list[str]) -> lambda_.Code:
    """Lambda code from `source` plus `requirements`, hashed by what is actually deployed."""
    return lambda_.Code.from_asset(
        str(source),
        exclude=["__pycache__", "*.pyc"],
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds or fails the synth.
            image=DockerImage.from_registry("unused"),
            local=PipLocalBundling(source, requirements),
        ),
    )
