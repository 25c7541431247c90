"""Lambda TOKEN authorizer: verifies an RS256 JWT against the identity provider's JWKS.

Returns an Allow policy for the whole stage, or raises Unauthorized (API Gateway answers 401).
It never returns a Deny. When the key set cannot be fetched it raises another error, which
API Gateway turns into a 500: not the caller's fault, and not cached.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Mapping, NoReturn, Optional

import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import InvalidTokenError, PyJWKClientConnectionError, PyJWKClientError

from bearer_token import bearer_token

# The only signature algorithm accepted. Pinning it is what stops `none` and HS256-with-the-public-key tricks.
ALGORITHMS = ["RS256"]
# Allowed clock difference between the identity provider and Lambda when checking exp and nbf.
CLOCK_TOLERANCE_SECONDS = 30
# How long one fetch of the key set may take before the request fails instead of hanging.
JWKS_TIMEOUT_SECONDS = 2.0
# How long a fetched key set is trusted before it is fetched again.
JWKS_CACHE_SECONDS = 600
# After a fetch, an unknown kid waits this long before it may trigger another one.
JWKS_COOLDOWN_SECONDS = 30

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


class Unauthorized(Exception):
    """API Gateway turns exactly this error message into a 401 (the UNAUTHORIZED gateway response)."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


@dataclass(frozen=True)
class JwtSettings:
    issuer: str
    audience: str
    jwks_uri: str


def _reject(reason: str) -> NoReturn:
    logger.info("token rejected", extra={"reason": reason})
    raise Unauthorized()


def remote_key_set(
    jwks_uri: str, timeout: float = JWKS_TIMEOUT_SECONDS, cooldown: float = JWKS_COOLDOWN_SECONDS
) -> PyJWKClient:
    """A key set fetched over HTTPS on first use, then cached in this execution environment."""
    return PyJWKClient(
        jwks_uri,
        cache_jwk_set=True,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=timeout,
        cooldown_duration=cooldown,
    )


def stage_wide_resource(method_arn: str) -> str:
    """The policy's resource: every method and path of the stage that asked.

    API Gateway caches the policy by token and reuses it for every method of the API, so it must
    be true for all of them; naming only the method in methodArn would make a cached Allow deny
    the next route called.
    """
    # arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{verb}/{path...}
    parts = method_arn.split("/")
    if len(parts) < 2 or not parts[0].startswith("arn:aws") or not parts[1]:
        raise ValueError("methodArn is not an execute-api method ARN")
    return f"{parts[0]}/{parts[1]}/*"


def _scopes_of(claims: Mapping[str, Any]) -> str:
    """Space-separated scopes: `scope` (Auth0, Cognito) or `scp` as a string (Entra ID) or a list (Okta)."""
    raw = claims.get("scope", claims.get("scp"))
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        return " ".join(s for s in raw if isinstance(s, str))
    return ""


def _signing_key(token: str, keys: PyJWKClient) -> PyJWK:
    try:
        header = jwt.get_unverified_header(token)
    except InvalidTokenError:
        _reject("malformed header")
    # Checked before any key lookup, so a forged header cannot make the function fetch anything.
    if header.get("alg") not in ALGORITHMS:
        _reject("alg not allowed")
    kid = header.get("kid")
    # Every identity provider names its signing key; a token without a kid is not one of theirs.
    if not isinstance(kid, str) or not kid:
        _reject("no kid in the header")
    # Fetches (or reuses) the key set; if it cannot be had, that error propagates as a 500.
    keys.get_signing_keys()
    try:
        return keys.get_signing_key(kid)
    except PyJWKClientConnectionError:
        raise
    except PyJWKClientError:
        _reject("no key with that kid")


def authorize(event: Mapping[str, Any], settings: JwtSettings, keys: PyJWKClient) -> dict[str, Any]:
    """Verifies the bearer token and returns an Allow policy, or raises Unauthorized; never returns a Deny."""
    token = bearer_token(event.get("authorizationToken"))
    if token is None:
        _reject("not a bearer JWT")
    key = _signing_key(token, keys)
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=ALGORITHMS,
            issuer=settings.issuer,
            audience=settings.audience,
            leeway=CLOCK_TOLERANCE_SECONDS,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except InvalidTokenError as err:
        # The exception name says which check failed (InvalidAudienceError, ...): enough to debug, never the token.
        _reject(type(err).__name__)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        _reject("empty sub")
    return {
        "principalId": subject,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": stage_wide_resource(event["methodArn"])}
            ],
        },
        # Only strings, numbers and booleans survive into the integration's requestContext.authorizer.
        "context": {"sub": subject, "scope": _scopes_of(claims)},
    }


def settings_from_environment(env: Mapping[str, str]) -> JwtSettings:
    """Reads the identity provider settings the stack put in the environment."""
    issuer, audience, jwks_uri = env.get("JWT_ISSUER"), env.get("JWT_AUDIENCE"), env.get("JWKS_URI")
    if not issuer or not audience or not jwks_uri:
        raise RuntimeError("JWT_ISSUER, JWT_AUDIENCE and JWKS_URI must be set")
    return JwtSettings(issuer=issuer, audience=audience, jwks_uri=jwks_uri)


# Created on the first invocation and kept for the life of the execution environment,
# so warm invocations verify against cached keys without a network call.
_environment: Optional[tuple[JwtSettings, PyJWKClient]] = None


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    global _environment
    if _environment is None:
        settings = settings_from_environment(os.environ)
        _environment = (settings, remote_key_set(settings.jwks_uri))
    settings, keys = _environment
    try:
        return authorize(event, settings, keys)
    except Unauthorized:
        raise
    except Exception as err:
        # The key set could not be fetched or read: not the caller's fault. Let it fail as a 500.
        logger.error("authorizer failure", extra={"error": str(err)})
        raise
