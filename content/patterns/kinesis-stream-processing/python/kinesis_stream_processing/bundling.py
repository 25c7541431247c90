"""Bundles the handlers with Powertools' batch utility by running pip on this machine: no Docker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling

# Powertools and what it imports on top of the Lambda runtime. Installed with --no-deps,
# so these pins are the whole bundle and a redeploy a year from now gets the same code.
POWERTOOLS_PACKAGES = (
    "aws-lambda-powertools==3.37.0",
    "jmespath==1.1.0",
    "typing-extensions==4.16.0",
)


@jsii.implements(ILocalBundling)
class PipInstallWithSource:
    """Installs the pinned pure-Python wheels for python3.13, then copies the handler source next to them."""

    def __init__(self, source: Path, packages: tuple[str, ...]) -> None:
        self._source = source
        self._packages = packages

    def try_bundle(self, output_dir: str, *_options: object, **_kwargs: object) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--no-deps",
                "--disable-pip-version-check",
                "--target", output_dir,
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
                "--only-binary=:all:",
                *self._packages,
            ],
            check=True,
        )
        # pip writes console scripts (jmespath's jp.py) into bin/ with this machine's interpreter in
        # their first line (and their hashes into RECORD); Lambda never runs them, and they would make
        # the asset hash differ per machine.
        shutil.rmtree(Path(output_dir) / "bin", ignore_errors=True)
        for record in Path(output_dir).glob("*.dist-info/RECORD"):
            lines = record.read_text().splitlines(keepends=True)
            record.write_text("".join(line for line in lines if not line.startswith("../../bin/")))
        for file in sorted(self._source.glob("*.py")):
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def powertools_bundling(source: Path) -> BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return BundlingOptions(image=DockerImage.from_registry("unused"), local=PipInstallWithSource(source, POWERTOOLS_PACKAGES))
