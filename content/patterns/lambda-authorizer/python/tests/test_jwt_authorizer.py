import base64
import json
import logging
import time
from typing import Any, Iterator, Optional

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bearer_token import BEARER_TOKEN_PATTERN, bearer_token
from jwt_authorizer import (
    JWKS_TIMEOUT_SECONDS,
    JwtSettings,
    Unauthorized,
    authorize,
    remote_key_set,
    settings_from_environment,
    stage_wide_resource,
)
from tests.jwks_server import JwksServer

METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/GET/me"
KID = "test-key-1"
SIGNING = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def server() -> Iterator[JwksServer]:
    running = JwksServer().start()
    yield running
    running.stop()


@pytest.fixture
def jwks(server: JwksServer) -> JwksServer:
    public = json.loads(RSAAlgorithm.to_jwk(SIGNING.public_key()))
    server.reset([{**public, "kid": KID, "alg": "RS256", "use": "sig"}])
    return server


@pytest.fixture
def settings(server: JwksServer) -> JwtSettings:
    return JwtSettings(issuer="https://idp.test/", audience="https://api.test", jwks_uri=server.uri)


def now() -> int:
    return int(time.time())


def claims(**extra: Any) -> dict[str, Any]:
    base = {"iss": "https://idp.test/", "aud": "https://api.test", "sub": "user-123", "scope": "orders:read profile", "iat": now(), "exp": now() + 600}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: rsa.RSAPrivateKey = SIGNING, kid: Optional[str] = KID) -> str:
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def call(header: Any, settings: JwtSettings, keys: Any = None) -> dict[str, Any]:
    return authorize({"authorizationToken": header, "methodArn": METHOD_ARN}, settings, keys or remote_key_set(settings.jwks_uri, timeout=0.5))


def denied(header: Any, settings: JwtSettings, keys: Any = None) -> None:
    with pytest.raises(Unauthorized) as caught:
        call(header, settings, keys)
    assert str(caught.value) == "Unauthorized"


def test_allows_a_valid_token_for_every_method_of_the_stage_with_the_subject_and_scopes_in_the_context(jwks: JwksServer, settings: JwtSettings) -> None:
    result = call(f"Bearer {sign(claims())}", settings)
    assert result == {
        "principalId": "user-123",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/*"}],
        },
        "context": {"sub": "user-123", "scope": "orders:read profile"},
    }


def test_scopes_the_cached_allow_to_this_api_and_stage_only() -> None:
    assert (
        stage_wide_resource("arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/orders/42/items")
        == "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*"
    )
    with pytest.raises(ValueError):
        stage_wide_resource("*")


def test_reads_okta_style_scp_lists_as_space_separated_scopes(jwks: JwksServer, settings: JwtSettings) -> None:
    result = call(f"Bearer {sign(claims(scope=None, scp=['a', 'b']))}", settings)
    assert result["context"]["scope"] == "a b"


def test_denies_an_expired_token(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(iat=now() - 7200, exp=now() - 3600))}", settings)
    denied(f"Bearer {sign(claims(exp=now() - 60))}", settings)
    # Thirty seconds of clock tolerance, and not more.
    assert call(f"Bearer {sign(claims(exp=now() - 10))}", settings)["principalId"] == "user-123"


def test_denies_a_token_from_another_issuer(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(iss='https://evil.test/'))}", settings)


def test_denies_a_token_meant_for_another_audience(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(aud='https://other-api.test'))}", settings)


def test_denies_a_token_without_a_subject(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(sub=None))}", settings)
    denied(f"Bearer {sign(claims(sub=''))}", settings)


def test_denies_a_token_signed_by_another_key_under_the_same_kid(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(), OTHER)}", settings)


def test_denies_a_token_without_a_kid_in_its_header(jwks: JwksServer, settings: JwtSettings) -> None:
    denied(f"Bearer {sign(claims(), kid=None)}", settings)
    assert jwks.requests == 0


def test_denies_a_token_whose_payload_was_changed_after_signing(jwks: JwksServer, settings: JwtSettings) -> None:
    header, _, signature = sign(claims()).split(".")
    denied(f"Bearer {header}.{b64(claims(sub='admin'))}.{signature}", settings)


def test_denies_alg_none_and_an_hs256_token_keyed_with_the_public_key(jwks: JwksServer, settings: JwtSettings) -> None:
    unsigned = f"{b64({'alg': 'none', 'kid': KID})}.{b64(claims())}."
    denied(f"Bearer {unsigned}", settings)
    denied(f"Bearer {unsigned}c2ln", settings)
    # The classic confusion attack: the public key, which anyone can fetch, used as an HMAC secret.
    # PyJWT refuses to sign with a PEM as an HMAC key, so the token is put together by hand.
    import hashlib
    import hmac

    pem = SIGNING.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64({'alg': 'HS256', 'kid': KID, 'typ': 'JWT'})}.{b64(claims())}"
    mac = base64.urlsafe_b64encode(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    denied(f"Bearer {signing_input}.{mac}", settings)
    # The algorithm is refused before any key is looked up.
    assert jwks.requests == 0


def test_denies_an_unknown_kid_after_at_most_one_refetch_of_the_key_set(jwks: JwksServer, settings: JwtSettings) -> None:
    keys = remote_key_set(settings.jwks_uri, timeout=0.5)
    denied(f"Bearer {sign(claims(), OTHER, 'unknown-kid')}", settings, keys)
    assert jwks.requests == 1
    # Within the cooldown a flood of unknown kids cannot make the authorizer hammer the identity provider.
    denied(f"Bearer {sign(claims(), OTHER, 'another-kid')}", settings, keys)
    assert jwks.requests == 1


def test_denies_a_missing_or_malformed_authorization_header_without_fetching_the_key_set(jwks: JwksServer, settings: JwtSettings) -> None:
    token = sign(claims())
    for header in ["", token, f"bearer {token}", f"Basic {token}", f"Bearer  {token}", f"Bearer {token} extra", "Bearer a.b", f"Bearer {token}\n", None]:
        denied(header, settings)
    assert jwks.requests == 0


def test_applies_the_same_bearer_pattern_api_gateway_validates() -> None:
    assert bearer_token("Bearer aaa.bbb.ccc") == "aaa.bbb.ccc"
    assert bearer_token("Bearer aaa.bbb.") is None
    assert BEARER_TOKEN_PATTERN == r"^Bearer [-0-9A-Za-z_]+\.[-0-9A-Za-z_]+\.[-0-9A-Za-z_]+$"


def test_keeps_the_key_set_in_the_execution_environment_between_invocations(jwks: JwksServer, settings: JwtSettings) -> None:
    keys = remote_key_set(settings.jwks_uri, timeout=0.5)
    for i in range(3):
        call(f"Bearer {sign(claims(sub=f'user-{i}'))}", settings, keys)
    assert jwks.requests == 1


def test_fails_with_an_error_not_unauthorized_and_never_an_allow_when_the_key_set_times_out(jwks: JwksServer, settings: JwtSettings) -> None:
    jwks.delay_seconds = JWKS_TIMEOUT_SECONDS + 1.0
    started = time.monotonic()
    # The key set the handler itself uses: the real two-second timeout.
    with pytest.raises(jwt.PyJWKClientConnectionError):
        call(f"Bearer {sign(claims())}", settings, remote_key_set(settings.jwks_uri))
    waited = time.monotonic() - started
    assert JWKS_TIMEOUT_SECONDS == 2.0
    assert 1.9 <= waited < JWKS_TIMEOUT_SECONDS + 0.9, f"gave up after {waited:.2f} s"


def test_picks_up_a_rotated_signing_key_when_a_new_kid_appears_after_the_cooldown(jwks: JwksServer, settings: JwtSettings) -> None:
    keys = remote_key_set(settings.jwks_uri, timeout=0.5, cooldown=0)
    call(f"Bearer {sign(claims())}", settings, keys)
    jwks.keys = [{**json.loads(RSAAlgorithm.to_jwk(OTHER.public_key())), "kid": "rotated", "alg": "RS256", "use": "sig"}]
    assert call(f"Bearer {sign(claims(), OTHER, 'rotated')}", settings, keys)["principalId"] == "user-123"
    assert jwks.requests == 2


def test_logs_why_a_token_was_refused_without_logging_the_token(
    jwks: JwksServer, settings: JwtSettings, caplog: pytest.LogCaptureFixture
) -> None:
    token = sign(claims(aud="https://other-api.test"))
    with caplog.at_level(logging.INFO, logger="jwt_authorizer"):
        denied(f"Bearer {token}", settings)
    [record] = [r for r in caplog.records if r.name == "jwt_authorizer"]
    assert record.getMessage() == "token rejected"
    assert record.reason == "InvalidAudienceError"  # type: ignore[attr-defined]
    logged = json.dumps({**record.__dict__}, default=str)
    for part in token.split("."):
        assert part not in logged


def test_fails_with_an_error_not_unauthorized_and_never_an_allow_when_the_key_set_answers_an_http_error(jwks: JwksServer, settings: JwtSettings) -> None:
    jwks.status = 503
    with pytest.raises(Exception) as caught:
        call(f"Bearer {sign(claims())}", settings)
    assert not isinstance(caught.value, Unauthorized)


def test_refuses_to_start_without_issuer_audience_and_key_set_settings() -> None:
    with pytest.raises(RuntimeError, match="JWKS_URI"):
        settings_from_environment({"JWT_ISSUER": "https://idp.test/", "JWT_AUDIENCE": "x"})
    assert settings_from_environment({"JWT_ISSUER": "i", "JWT_AUDIENCE": "a", "JWKS_URI": "https://k"}) == JwtSettings("i", "a", "https://k")
