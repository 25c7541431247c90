"""JSON error bodies for the API that tell a caller what to do and carry no internals."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw

JSON_TYPE = {"Content-Type": "'application/json'"}


def _body(message: str) -> dict[str, str]:
    """A JSON body with the request id a caller can quote; API Gateway fills in $context at request time."""
    return {"application/json": f'{{"message":"{message}","requestId":"$context.requestId"}}'}


def add_json_gateway_responses(api: apigw.RestApi) -> None:
    """Replaces API Gateway's default error bodies: no authorizer error text, no function names, no stack traces."""
    api.add_gateway_response(
        "UnauthorizedResponse",
        type=apigw.ResponseType.UNAUTHORIZED,
        status_code="401",
        # RFC 6750: a protected resource answers a missing or bad token with this challenge.
        response_headers={**JSON_TYPE, "WWW-Authenticate": "'Bearer error=\"invalid_token\"'"},
        templates=_body("Unauthorized: send a valid, unexpired bearer token in the Authorization header"),
    )
    api.add_gateway_response(
        "AccessDeniedResponse",
        type=apigw.ResponseType.ACCESS_DENIED,
        status_code="403",
        response_headers=JSON_TYPE,
        templates=_body("Forbidden: this token does not allow that request"),
    )
    # The authorizer could not decide (key set unreachable, timeout, crash): a retry may succeed.
    for construct_id, response_type in (
        ("AuthorizerFailureResponse", apigw.ResponseType.AUTHORIZER_FAILURE),
        ("AuthorizerConfigurationErrorResponse", apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR),
    ):
        api.add_gateway_response(
            construct_id,
            type=response_type,
            status_code="500",
            response_headers=JSON_TYPE,
            templates=_body("Authorization is temporarily unavailable; retry later"),
        )
    api.add_gateway_response(
        "Default4xxResponse",
        type=apigw.ResponseType.DEFAULT_4_XX,
        response_headers=JSON_TYPE,
        # messageString is API Gateway's own text for the error (e.g. Missing Authentication Token), already quoted.
        templates={"application/json": '{"message":$context.error.messageString,"requestId":"$context.requestId"}'},
    )
    api.add_gateway_response(
        "Default5xxResponse",
        type=apigw.ResponseType.DEFAULT_5_XX,
        response_headers=JSON_TYPE,
        templates=_body("Internal server error"),
    )
