"""The one IPv4 range that may push RTMP to the MediaLive input."""

import re

# The widest range this pattern accepts as an RTMP sender; anything wider is most of the internet.
WIDEST_PREFIX = 8

_CIDR = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})")


def parse_ingest_cidr(value: str) -> str:
    """Checks the CIDR and returns it in network form (203.0.113.77/24 becomes 203.0.113.0/24).

    Raises with a readable message instead of letting CloudFormation fail half-way through a deploy.
    """
    match = _CIDR.fullmatch(value.strip())
    if not match:
        raise ValueError(f'ingestCidr "{value}" is not an IPv4 CIDR such as 203.0.113.7/32')
    octets = [int(o) for o in match.groups()[:4]]
    prefix = int(match.group(5))
    if any(o > 255 for o in octets) or prefix > 32:
        raise ValueError(f'ingestCidr "{value}" is out of range')
    if prefix < WIDEST_PREFIX:
        raise ValueError(f'ingestCidr "{value}" is wider than /{WIDEST_PREFIX}; allow only the address your encoder sends from')
    address = 0
    for octet in octets:
        address = address * 256 + octet
    size = 2 ** (32 - prefix)
    network = address // size * size
    return ".".join(str(network >> shift & 255) for shift in (24, 16, 8, 0)) + f"/{prefix}"
