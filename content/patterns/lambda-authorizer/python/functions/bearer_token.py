"""What an Authorization header must look like, shared by API Gateway and the authorizer.

The word Bearer, one space, then a compact JWS: three base64url parts, the signature not empty.
API Gateway applies it as the authorizer's validation expression and answers 401 without invoking
the function; the function applies it again, so it never trusts that the gateway did. An unsigned
``alg: none`` token already fails it.
"""

from __future__ import annotations

import re
from typing import Optional

BEARER_TOKEN_PATTERN = r"^Bearer [-0-9A-Za-z_]+\.[-0-9A-Za-z_]+\.[-0-9A-Za-z_]+$"

_BEARER = re.compile(BEARER_TOKEN_PATTERN)


def bearer_token(header: object) -> Optional[str]:
    """The JWT inside a well-formed header, or None for anything else."""
    # fullmatch: Python's $ also matches before a trailing newline, which the header must not carry.
    if not isinstance(header, str) or not _BEARER.fullmatch(header):
        return None
    return header[len("Bearer ") :]
