"""The build step of the anti-pattern, as a team without care for the package writes it.

`pip install -r requirements-dev.txt -t package/`, copy the source in, zip the folder: the AWS SDK
the runtime already has, the test tools, everything. It runs as CDK local bundling (pip on this
machine, no Docker) so the demo needs no separate script.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling

# What the function folder's requirements files typically pin: boto3 "to control the SDK version"
# (with everything it pulls in) and, from requirements-dev.txt, the test runner. Installed with
# --no-deps, so these exact pins are the whole package and its hash is the same on every synth.
SHIPPED_PACKAGES = (
    "boto3==1.44.18",
    "botocore==1.44.18",
    "s3transfer==0.19.3",
    "jmespath==1.1.0",
    "python-dateutil==2.9.0.post0",
    "six==1.17.0",
    "urllib3==2.8.0",
    "pytest==9.2.0",
    "iniconfig==2.3.1",
    "packaging==26.4",
    "pluggy==1.7.0",
    "Pygments==2.21.0",
)


@jsii.implements(ILocalBundling)
class ZipTheFolder:
    """Installs every pinned package for python3.13 on arm64, then copies the handler source next to them."""

    def __init__(self, source: Path) -> None:
        self._source = source

    def try_bundle(self, output_dir: str, *_options: object, **_kwargs: object) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--no-deps",
                "--target", output_dir,
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.13",
                "--only-binary=:all:",
                *SHIPPED_PACKAGES,
            ],
            check=True,
        )
        for file in sorted(self._source.glob("*.py")):
            shutil.copy2(file, Path(output_dir) / file.name)
        return True


def zip_the_folder(source: Path) -> BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return BundlingOptions(image=DockerImage.from_registry("unused"), local=ZipTheFolder(source))
