"""The bill-splitting logic of site/src/app/split.ts, run by Node through the probe."""

from collections.abc import Iterator

import pytest

from tests.site import Site


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    probe = Site()
    yield probe
    probe.close()


# routeFor


def test_knows_the_two_pages_and_ignores_case_and_trailing_slashes(site: Site) -> None:
    paths = ["/", "", "/about", "/ABOUT/"]
    assert site.call_all([{"fn": "routeFor", "path": p} for p in paths]) == ["splitter", "splitter", "about", "about"]


def test_sends_every_other_path_to_the_not_found_view(site: Site) -> None:
    assert site.call_all([{"fn": "routeFor", "path": p} for p in ("/about/team", "/index.html")]) == ["not-found", "not-found"]


# parseAmount


def test_reads_dollars_and_cents_as_whole_cents(site: Site) -> None:
    texts = ["84.50", " 84.5 ", "84", "1,084.05", "0.1"]
    assert site.call_all([{"fn": "parseAmount", "text": t} for t in texts]) == [8450, 8450, 8400, 108405, 10]


def test_rejects_zero_negatives_three_decimals_bad_grouping_and_amounts_over_the_limit(site: Site) -> None:
    limit = site.call("maxAmountCents")
    assert limit % 100 == 0
    rejected = ["", "0", "0.00", "-5", "1.005", "1,08", "abc", "12e3", str(limit // 100 + 1)]
    answers = site.call_all([{"fn": "parseAmount", "text": t} for t in rejected])
    assert dict(zip(rejected, answers)) == dict.fromkeys(rejected)
    assert site.call("parseAmount", text=str(limit // 100)) == limit


# parsePeople


def test_accepts_whole_numbers_from_1_to_50(site: Site) -> None:
    assert site.call_all([{"fn": "parsePeople", "text": t} for t in ("1", " 50 ")]) == [1, 50]
    rejected = ["0", "51", "2.5", "-1", "", "two"]
    answers = site.call_all([{"fn": "parsePeople", "text": t} for t in rejected])
    assert dict(zip(rejected, answers)) == dict.fromkeys(rejected)


# splitBill


def test_adds_a_rounded_tip_and_hands_the_odd_cents_to_the_first_people(site: Site) -> None:
    assert site.call("splitBill", amountCents=8450, tipPercent=15, people=3) == {
        "tipCents": 1268,
        "totalCents": 9718,
        "shares": [3240, 3239, 3239],
    }


def test_always_adds_the_shares_back_up_to_the_total_never_more_than_a_cent_apart(site: Site) -> None:
    cases = [(1, 0, 50), (9999, 10, 7), (100_000, 20, 3), (12_345, 15, 11)]
    splits = site.call_all([{"fn": "splitBill", "amountCents": a, "tipPercent": t, "people": p} for a, t, p in cases])
    for (_, _, people), split in zip(cases, splits):
        shares = split["shares"]
        assert len(shares) == people
        assert sum(shares) == split["totalCents"]
        assert max(shares) - min(shares) <= 1


def test_splits_evenly_when_it_can(site: Site) -> None:
    assert site.call("splitBill", amountCents=10000, tipPercent=20, people=4)["shares"] == [3000, 3000, 3000, 3000]


# formatCents


def test_formats_us_dollars_with_grouping_and_two_decimals(site: Site) -> None:
    assert site.call_all([{"fn": "formatCents", "cents": c} for c in (108405, 5)]) == ["$1,084.05", "$0.05"]
