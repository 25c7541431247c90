"""Events shaped like the ones API Gateway (REST, Lambda proxy) delivers to the function,
with the parts each kind of authorization fills in."""

from __future__ import annotations

from typing import Any

USER_SUB = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
OTHER_SUB = "0f8fad5b-d9cb-469f-a165-70867728950e"
SERVICE_ARN = "arn:aws:sts::123456789012:assumed-role/ApiAuthorizationCognitoIamStack-OrdersServiceRole4E2FF91C-AbCdEf123456/orders-service"


def access_token_claims(scope: str, **overrides: str) -> dict[str, str]:
    return {
        "sub": USER_SUB,
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "version": "2",
        "client_id": "5mq7example0client0id0a1b2c",
        "origin_jti": "b6f43a3e-0e1c-4c3f-9b55-7b8e9f1d2c3a",
        "event_id": "3c1b2a49-5a43-4a6b-8e3f-4a5b6c7d8e9f",
        "token_use": "access",
        "scope": scope,
        "auth_time": "1796463000",
        "exp": "Sat Dec 05 17:30:00 UTC 2026",
        "iat": "Sat Dec 05 16:30:00 UTC 2026",
        "jti": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
        "username": USER_SUB,
        **overrides,
    }


def api_event(
    method: str,
    resource: str,
    *,
    owner: str | None = None,
    body: str | None = None,
    claims: dict[str, str] | None = None,
    service: bool = False,
) -> dict[str, Any]:
    path = "/orders" if resource == "/orders" else f"/internal/orders/{owner or ''}"
    headers = {
        "Accept": "*/*",
        "Host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "awscurl/0.36" if service else "curl/8.7.1",
    }
    if claims:
        headers["Authorization"] = "eyJraWQiOi...redacted"
    if service:
        headers["Authorization"] = (
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261205/us-east-1/execute-api/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0123abcd"
        )
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None if resource == "/orders" else {"owner": owner or ""},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": "Dq3x0gYxIAMEbcQ=",
            "requestTime": "05/Dec/2026:16:31:02 +0000",
            "path": f"/v1{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "v1",
            "domainPrefix": "a1b2c3d4e5",
            "requestTimeEpoch": 1796463062000,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": "123456789012" if service else None,
                "cognitoIdentityId": None,
                "caller": "AROAEXAMPLEROLEID:orders-service" if service else None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": "ASIAEXAMPLEKEY" if service else None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": SERVICE_ARN if service else None,
                "userAgent": "awscurl/0.36" if service else "curl/8.7.1",
                "user": "AROAEXAMPLEROLEID:orders-service" if service else None,
                "apiKey": None,
                "apiKeyId": None,
                "clientCert": None,
            },
            "domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "apiId": "a1b2c3d4e5",
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": body,
        "isBase64Encoded": False,
    }
