"""Where tokens come from and who they must be meant for, read from cdk context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlparse

from constructs import Node


@dataclass(frozen=True)
class IdpSettings:
    issuer: str
    audience: str
    jwks_uri: str


# Placeholders that synthesize and deploy, but verify nothing until replaced: example.com serves
# no key set, so every bearer token is answered with a 500 and the alarms fire. Pass your own with
# `-c jwtIssuer=... -c jwtAudience=... -c jwksUri=...`.
PLACEHOLDER_IDP = IdpSettings(
    issuer="https://idp.example.com/",
    audience="https://api.example.com",
    jwks_uri="https://idp.example.com/.well-known/jwks.json",
)


def _text(node: Node, key: str, fallback: str) -> str:
    value = node.try_get_context(key)
    if value is None:
        return fallback
    if not isinstance(value, str) or not value or value.strip() != value:
        raise ValueError(f"Context value {key} must be a non-empty string without surrounding spaces, got {json.dumps(value)}")
    return value


def idp_settings(node: Node) -> IdpSettings:
    """Reads jwtIssuer, jwtAudience and jwksUri, refusing a key set that is not fetched over HTTPS."""
    settings = IdpSettings(
        issuer=_text(node, "jwtIssuer", PLACEHOLDER_IDP.issuer),
        audience=_text(node, "jwtAudience", PLACEHOLDER_IDP.audience),
        jwks_uri=_text(node, "jwksUri", PLACEHOLDER_IDP.jwks_uri),
    )
    # Keys fetched over plain HTTP could be swapped in transit, and then any token would verify.
    url = urlparse(settings.jwks_uri)
    if url.scheme != "https" or not url.netloc:
        raise ValueError(f"Context value jwksUri must be an https:// URL, got {settings.jwks_uri}")
    return settings
