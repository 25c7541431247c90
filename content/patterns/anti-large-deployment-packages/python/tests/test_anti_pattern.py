"""The facts the AntiPattern-LargeDeploymentPackage rule relies on, checked on both stacks.

The rule (TypeScript, in cdk-nag-serverless-anti-patterns) reads a function's `aws:asset:path`
metadata and measures the staged asset in the cloud assembly: it flags more than 10 MiB unzipped.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_large_deployment_packages.anti_large_deployment_packages_stack import LeanPackageStack
from anti_large_deployment_packages.before_stack import LargePackageStack
from tests.cdk_app import app_from_cdk_json

MIB = 1024 * 1024
RULE_THRESHOLD = 10 * MIB


def bytes_under(path: Path) -> int:
    return sum((Path(root) / f).stat().st_size for root, _dirs, files in os.walk(path) for f in files)


def synthesized(stack_class: type[Stack], stack_id: str) -> tuple[Stack, Path]:
    app = app_from_cdk_json(**{"aws:cdk:enable-asset-metadata": True})
    stack = stack_class(app, stack_id)
    functions = Template.from_stack(stack).find_resources("AWS::Lambda::Function")
    assert len(functions) == 1
    metadata = next(iter(functions.values()))["Metadata"]
    assert metadata["aws:asset:property"] == "Code"
    return stack, Path(app.outdir) / metadata["aws:asset:path"]


@pytest.fixture(scope="module")
def large() -> tuple[Stack, Path]:
    return synthesized(LargePackageStack, "LargePackageStack")


@pytest.fixture(scope="module")
def lean() -> tuple[Stack, Path]:
    return synthesized(LeanPackageStack, "LeanPackageStack")


def test_before_package_is_over_the_rule_threshold_with_a_second_aws_sdk_and_the_test_runner(large: tuple[Stack, Path]) -> None:
    package = large[1]
    size = bytes_under(package)
    assert size > RULE_THRESHOLD and size > 25 * MIB, f"{size / MIB:.1f} MiB"
    for shipped in ("boto3", "botocore", "pytest", "_pytest", "pygments"):
        assert (package / shipped).is_dir(), shipped
    assert (package / "get_product.py").is_file()


def test_after_package_is_under_the_rule_threshold(lean: tuple[Stack, Path]) -> None:
    assert bytes_under(lean[1]) < 10 * 1024
    assert not (lean[1] / "botocore").exists()


def test_before_package_works_as_deployed_with_boto3_from_its_own_folder(large: tuple[Stack, Path]) -> None:
    package = large[1]
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import botocore, get_product; "
        "print(botocore.__file__); print(get_product.create_handler(lambda _id: None)({'pathParameters': {'productId': 'bad id!'}})['statusCode'])"
    )
    run = subprocess.run([sys.executable, "-I", "-c", script, str(package)], capture_output=True, text=True, check=True)
    botocore_file, status = run.stdout.split()
    assert botocore_file.startswith(str(package))
    assert status == "400"


def test_before_stack_passes_aws_solutions_and_serverless_so_the_package_is_the_only_thing_wrong(large: tuple[Stack, Path]) -> None:
    for pack in (AwsSolutionsChecks(), ServerlessChecks()):
        assert [v.rule_name for v in pack.validate_scope(large[0]).violations] == [], type(pack).__name__
