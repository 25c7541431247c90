"""Bundles the handlers with Powertools by running pip on this machine: no Docker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

# Powertools and the one package it needs beyond the Lambda runtime (which already has boto3,
# botocore and jmespath). Installed with --no-deps, so these pins are the whole bundle.
POWERTOOLS_PACKAGES = ("aws-lambda-powertools==3.37.0", "typing-extensions==4.16.0")


@jsii.implements(ILocalBundling)
class PipInstallWithHandlers:
    """pip installs wheels for python3.13 on arm64 into the asset, then copies the handler modules next to them."""

    def __init__(self, source: Path, packages: tuple[str, ...]) -> None:
        self._source = source
        self._packages = packages

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--no-deps",
                "--target", output_dir,
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
                "--only-binary=:all:",
                *self._packages,
            ],
            check=True,
        )
        for file in sorted(self._source.glob("*.py")):
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def handlers_with_powertools(source: Path) -> lambda_.Code:
    """One asset for both processors, hashed by its content, so a new pin changes it and two synths agree."""
    return lambda_.Code.from_asset(
        str(source),
        exclude=["__pycache__", "*.pyc"],
        asset_hash_type=AssetHashType.OUTPUT,
        # The image is never pulled: local bundling always succeeds or fails the synth.
        bundling=BundlingOptions(image=DockerImage.from_registry("unused"), local=PipInstallWithHandlers(source, POWERTOOLS_PACKAGES)),
    )
