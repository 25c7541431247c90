"""Bundles the handler with Powertools by running pip on this machine: no Docker."""

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling

# Powertools (Logger, Metrics, Tracer) and what its Tracer needs on top of the Lambda runtime,
# which already has boto3, botocore and jmespath. Installed with --no-deps, so these pins are
# the whole bundle and a redeploy next year installs the same bytes.
POWERTOOLS_PACKAGES = (
    "aws-lambda-powertools==3.37.0",
    "aws-xray-sdk==2.15.0",
    "wrapt==2.5.2",
    "typing-extensions==4.16.0",
)


@jsii.implements(ILocalBundling)
class PipInstallWithSource:
    """Installs the pinned wheels built for python3.13 on arm64, then copies the handler modules next to them."""

    def __init__(self, source: Path, packages: tuple[str, ...]) -> None:
        self._source = source
        self._packages = packages

    def try_bundle(self, output_dir: str, *_options: object, **_kwargs: object) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--no-deps", "--disable-pip-version-check",
                "--target", output_dir,
                # Wheels for the function's platform, not this machine's: the same bundle on any build host.
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
                "--only-binary=:all:",
                *self._packages,
            ],
            check=True,
        )
        for file in sorted(self._source.glob("*.py")):
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def powertools_bundling(source: Path) -> BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return BundlingOptions(image=DockerImage.from_registry("unused"), local=PipInstallWithSource(source, POWERTOOLS_PACKAGES))
