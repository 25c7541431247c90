"""Lambda proxy events shaped the way API Gateway sends them."""

from typing import Any, Union


def proxy_event(method: str, resource: str, path: str, query: Union[dict[str, Union[str, list[str]]], None] = None) -> dict[str, Any]:
    """A REST API (payload 1.0) Lambda proxy event.

    `resource` is the matched route template, `path` the real path; query values fill both
    the single- and multi-value maps, as they do in AWS.
    """
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in (query or {}).items():
        values = value if isinstance(value, list) else [value]
        multi[key] = values
        single[key] = values[-1] if values else ""
    has_query = bool(query)
    return {
        "httpMethod": method,
        "resource": resource,
        "path": path,
        "pathParameters": {"proxy": path.lstrip("/")} if resource == "/{proxy+}" else None,
        "queryStringParameters": single if has_query else None,
        "multiValueQueryStringParameters": multi if has_query else None,
        "headers": {"Accept": "application/json", "Host": "abc123.execute-api.eu-west-1.amazonaws.com"},
        "multiValueHeaders": {"Accept": ["application/json"], "Host": ["abc123.execute-api.eu-west-1.amazonaws.com"]},
        "body": None,
        "isBase64Encoded": False,
        "stageVariables": None,
        "requestContext": {
            "httpMethod": method,
            "path": f"/prod{path}",
            "resourcePath": resource,
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7"},
        },
    }
