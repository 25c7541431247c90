"""Builds the Python function's asset without Docker: pip installs pinned wheels for the
Lambda platform on this machine, then the handler modules are copied in beside them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling

# Powertools and what it imports beyond the runtime's own boto3. Installed with --no-deps,
# so this list is the whole bundle, and the same pins as requirements-dev.txt are tested.
POWERTOOLS_PACKAGES = (
    "aws-lambda-powertools==3.37.0",
    "jmespath==1.1.0",
    "typing-extensions==4.16.0",
)


@jsii.implements(ILocalBundling)
class LocalPipBundling:
    """Wheels for python3.13 on arm64 (the function's runtime), whatever this machine runs."""

    def __init__(self, source: Path, packages: tuple[str, ...]) -> None:
        self._source = source
        self._packages = packages

    def try_bundle(self, output_dir: str, *_args: object, **_kwargs: object) -> bool:
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
            "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
            "--only-binary=:all:", "--target", output_dir, *self._packages,
        ]
        subprocess.run(command, check=True)
        # pip writes console scripts (jmespath's jp.py) into bin/ with this machine's interpreter in
        # their first line (and their hashes into RECORD); Lambda never runs them, and they would make
        # the asset hash differ per machine.
        shutil.rmtree(Path(output_dir) / "bin", ignore_errors=True)
        for record in Path(output_dir).glob("*.dist-info/RECORD"):
            lines = record.read_text().splitlines(keepends=True)
            record.write_text("".join(line for line in lines if not line.startswith("../../bin/")))
        for module in sorted(self._source.glob("*.py")):
            shutil.copy2(module, Path(output_dir) / module.name)
        return True


def powertools_bundling(source: Path) -> BundlingOptions:
    # Local bundling either succeeds or raises, so this image is never pulled.
    return BundlingOptions(image=DockerImage.from_registry("local-bundling-only"), local=LocalPipBundling(source, POWERTOOLS_PACKAGES))
