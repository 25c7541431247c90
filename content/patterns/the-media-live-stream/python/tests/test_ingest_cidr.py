import pytest

from the_media_live_stream.ingest_cidr import parse_ingest_cidr


def test_keeps_a_single_address_as_it_is() -> None:
    assert parse_ingest_cidr("203.0.113.7/32") == "203.0.113.7/32"
    assert parse_ingest_cidr(" 198.51.100.20/32 ") == "198.51.100.20/32"
    assert parse_ingest_cidr("198.51.100.20/32\n") == "198.51.100.20/32"


def test_clears_host_bits_so_the_rule_says_what_it_really_allows() -> None:
    assert parse_ingest_cidr("203.0.113.77/24") == "203.0.113.0/24"
    assert parse_ingest_cidr("10.20.30.40/8") == "10.0.0.0/8"
    assert parse_ingest_cidr("255.255.255.255/31") == "255.255.255.254/31"


def test_refuses_the_whole_internet_and_anything_wider_than_8() -> None:
    for value in ("0.0.0.0/0", "10.0.0.0/7"):
        with pytest.raises(ValueError, match="wider than /8"):
            parse_ingest_cidr(value)


@pytest.mark.parametrize("value", ["203.0.113.7", "203.0.113.256/32", "203.0.113.7/33", "2001:db8::/32", "my-laptop/32", ""])
def test_refuses_text_that_is_not_an_ipv4_cidr(value: str) -> None:
    with pytest.raises(ValueError, match="ingestCidr"):
        parse_ingest_cidr(value)
