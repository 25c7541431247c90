import re
from collections.abc import Iterator

import pytest

from tests.site import Site

EMPTY = {"items": [], "nextId": 1}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    probe = Site()
    yield probe
    probe.close()


# routeFor


def test_knows_the_two_pages_and_ignores_case_and_trailing_slashes(site: Site) -> None:
    paths = ["/", "", "/about", "/About/"]
    assert site.call_all([{"fn": "routeFor", "path": p} for p in paths]) == ["checklist", "checklist", "about", "about"]


def test_sends_every_other_path_to_the_not_found_view(site: Site) -> None:
    assert site.call_all([{"fn": "routeFor", "path": p} for p in ("/about/team", "/index.html")]) == ["not-found", "not-found"]


# checklistReducer


def test_adds_a_cleaned_up_item_with_the_next_id(site: Site) -> None:
    result = site.call("reduce", state=EMPTY, action={"type": "add", "text": "  Write   the docs "})
    assert result["state"] == {"items": [{"id": 1, "text": "Write the docs", "done": False}], "nextId": 2}


def test_keeps_the_same_state_object_for_blank_too_long_or_duplicate_text(site: Site) -> None:
    one = site.call("reduce", state=EMPTY, action={"type": "add", "text": "Ship it"})["state"]
    results = site.call_all(
        [{"fn": "reduce", "state": one, "action": {"type": "add", "text": text}} for text in ("   ", "x" * 81, "ship IT")]
    )
    assert [r["same"] for r in results] == [True, True, True]


def test_toggles_and_removes_only_the_item_with_the_given_id(site: Site) -> None:
    initial = site.call("initialChecklist")
    toggled = site.call("reduce", state=initial, action={"type": "toggle", "id": 2})["state"]
    assert [i["done"] for i in toggled["items"]] == [True, True, False]
    removed = site.call("reduce", state=toggled, action={"type": "remove", "id": 1})["state"]
    assert [i["id"] for i in removed["items"]] == [2, 3]
    assert removed["nextId"] == initial["nextId"]


def test_clears_done_items_and_never_reuses_an_id_afterwards(site: Site) -> None:
    cleared = site.call("reduce", action={"type": "clear-done"})["state"]
    assert [i["id"] for i in cleared["items"]] == [2, 3]
    added = site.call("reduce", state=cleared, action={"type": "add", "text": "Check the headers"})["state"]
    assert added["items"][-1]["id"] == 4


def test_does_not_change_the_state_it_was_given(site: Site) -> None:
    results = site.call_all(
        [{"fn": "reduce", "action": {"type": "toggle", "id": 1}}, {"fn": "reduce", "action": {"type": "add", "text": "New"}}]
    )
    assert [r["givenUnchanged"] for r in results] == [True, True]
    assert [r["same"] for r in results] == [False, False]


# cleanItemText and progressLabel


def test_accepts_up_to_80_characters_after_trimming(site: Site) -> None:
    assert site.call_all([{"fn": "cleanItemText", "text": f" {'a' * 80} "}, {"fn": "cleanItemText", "text": "a" * 81}]) == ["a" * 80, None]


def test_describes_empty_partial_and_finished_lists(site: Site) -> None:
    initial = site.call("initialChecklist")
    labels = site.call_all(
        [
            {"fn": "progressLabel", "items": []},
            {"fn": "progressLabel", "items": initial["items"]},
            {"fn": "progressLabel", "items": [{"id": 1, "text": "a", "done": True}]},
        ]
    )
    assert labels == ["Nothing on the list yet.", "1 of 3 done.", "All 1 done."]


# App rendered on the server


def test_shows_the_checklist_with_its_progress_at_root(site: Site) -> None:
    html = site.call("render", path="/")
    assert "Launch checklist" in html
    assert "1 of 3 done." in html
    assert 'href="/about"' in html


def test_shows_the_about_view_at_about_and_marks_its_link_as_current(site: Site) -> None:
    html = site.call("render", path="/about")
    assert "About this site" in html
    assert re.search(r'aria-current="page" href="/about"|href="/about" aria-current="page"', html)
    assert "Launch checklist" not in html


def test_shows_the_not_found_view_escaping_the_path_for_anything_else(site: Site) -> None:
    html = site.call("render", path="/<script>")
    assert "Not found" in html
    assert "&lt;script&gt;" in html
