"""The three stacks of the trilogy, one after the other so they read side by side.

What they share is built in calculator_parts.py; what differs is only in this file.
"""

from aws_cdk import Acknowledgment, CfnOutput, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from constructs import Construct

from functions.calculator.operations import OPERATIONS

from .calculator_parts import (
    REQUIRED_OPERANDS,
    acknowledge_demo_api_findings,
    calculator_api_props,
    calculator_function,
    operands_validator,
    server_error_alarm,
)

FUNCTION_IDS = {"add": "AddFunction", "subtract": "SubtractFunction", "multiply": "MultiplyFunction"}

API_URL_DESCRIPTION = "Append add, subtract or multiply and ?a=&b=."


class TheSinglePurposeFunctionStack(Stack):
    """One route, one function, one role: API Gateway does all the routing."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        api = apigw.RestApi(
            self,
            "SinglePurposeApi",
            **calculator_api_props(self, "SinglePurposeApi", "Calculator with one Lambda function per route."),
        )
        validator = operands_validator(api)

        for operation in OPERATIONS:
            fn = calculator_function(self, FUNCTION_IDS[operation], f"calculator.{operation}.handler", f"Single-purpose: {operation} only.")
            api.root.add_resource(operation).add_method(
                "GET", apigw.LambdaIntegration(fn), request_validator=validator, request_parameters=REQUIRED_OPERANDS
            )
        acknowledge_demo_api_findings(api)
        server_error_alarm(self, api)

        CfnOutput(self, "ApiUrl", value=api.url, description=API_URL_DESCRIPTION)


class TheFatLambdaStack(Stack):
    """API Gateway still knows every route, but all of them land on one function that dispatches."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        fat_lambda = calculator_function(
            self, "FatLambda", "calculator.fat_lambda.handler", "Fat Lambda: every calculator route, dispatched in code."
        )
        Validations.of(fat_lambda).acknowledge(
            Acknowledgment(
                id="AntiPattern-LambdaMonolith",
                reason="The Fat Lambda is one of the three shapes this page compares on purpose; the anti-lambda-monolith page explains when one dispatching function stops paying off.",
            )
        )

        api = apigw.RestApi(
            self,
            "FatLambdaApi",
            **calculator_api_props(self, "FatLambdaApi", "Calculator whose routes all invoke one dispatching function."),
        )
        validator = operands_validator(api)
        integration = apigw.LambdaIntegration(fat_lambda)
        for operation in OPERATIONS:
            api.root.add_resource(operation).add_method(
                "GET", integration, request_validator=validator, request_parameters=REQUIRED_OPERANDS
            )
        acknowledge_demo_api_findings(api)
        server_error_alarm(self, api)

        CfnOutput(self, "ApiUrl", value=api.url, description=API_URL_DESCRIPTION)


class TheLambdaLithStack(Stack):
    """API Gateway forwards everything; a web app with its own router inside the function does the routing."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        lambda_lith = calculator_function(
            self, "LambdaLith", "calculator.lambda_lith.handler", "Lambda-lith: one Python web app serving every route."
        )

        # proxy=True gives ANY / and ANY /{proxy+}; API Gateway never learns the real routes.
        api = apigw.LambdaRestApi(
            self,
            "LambdaLithApi",
            handler=lambda_lith,
            proxy=True,
            **calculator_api_props(self, "LambdaLithApi", "Calculator served by one web app behind a greedy proxy route."),
        )
        acknowledge_demo_api_findings(api)
        server_error_alarm(self, api)
        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="A greedy proxy route has no per-route parameters to validate; the app in the function validates operands and answers 400.",
            )
        )

        CfnOutput(self, "ApiUrl", value=api.url, description=API_URL_DESCRIPTION)
