"""Bundles a Python handler with its pinned PyPI packages by running pip on this machine: no Docker."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

# Wheels for the Lambda platform: CPython 3.13 on arm64 (Amazon Linux 2023, glibc 2.34).
PLATFORM_ARGS = (
    "--platform", "manylinux2014_aarch64",
    "--platform", "manylinux_2_28_aarch64",
    "--implementation", "cp",
    "--python-version", "3.13",
    "--only-binary=:all:",
)


@jsii.implements(ILocalBundling)
class PipInstallWithSource:
    """Installs the pinned packages (with --no-deps, so the pins are the whole bundle), then copies the handler files."""

    def __init__(self, files: tuple[Path, ...], packages: tuple[str, ...]) -> None:
        self._files = files
        self._packages = packages

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--no-compile", "--no-deps", "--target", output_dir, *PLATFORM_ARGS, *self._packages,
            ],
            check=True,
        )
        for file in self._files:
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def bundled_code(files: tuple[Path, ...], packages: tuple[str, ...]) -> lambda_.Code:
    """Lambda code from `files` plus `packages`.

    The asset hash is taken from the handler files, the pins and the platform, so it is the same on
    every synth, changes whenever any of them changes, and lets CDK skip pip when nothing did.
    """
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    digest.update("\n".join((*packages, *PLATFORM_ARGS)).encode())
    return lambda_.Code.from_asset(
        str(files[0].parent),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=digest.hexdigest(),
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds or fails the synth.
            image=DockerImage.from_registry("unused"),
            local=PipInstallWithSource(files, packages),
        ),
    )
