"""THE ANTI-PATTERN, never deployed by default.

The same product lookup as LeanPackageStack, but the function's code is the functions folder zipped
with every package pip installed from the requirements files: a second copy of the AWS SDK the
runtime already has, and the test runner with its dependencies.
"""

from pathlib import Path

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from anti_large_deployment_packages.product_api import acknowledge_python_runtime, get_product_options, products_api, products_table
from anti_large_deployment_packages.zip_the_folder import zip_the_folder

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


class LargePackageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        products = products_table(self)
        get_product = lambda_.Function(
            self,
            "GetProduct",
            **get_product_options(self, products),
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="get_product.handler",
            # "It works on my machine, ship the folder": about 30 MiB unzipped for a 65-line handler.
            code=lambda_.Code.from_asset(str(FUNCTIONS), bundling=zip_the_folder(FUNCTIONS)),
        )
        acknowledge_python_runtime(get_product)
        api = products_api(self, get_product)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET /products/{productId} under this URL.")
        CfnOutput(self, "TableName", value=products.table_name)
