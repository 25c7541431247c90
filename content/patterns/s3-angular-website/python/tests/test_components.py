"""The Angular components and the Navigation service, compiled by the JIT compiler and run by Node through the probe."""

from collections.abc import Iterator

import pytest

from tests.site import Site

COMPONENTS = {"AppComponent": "app-root", "SplitterComponent": "app-splitter", "AboutComponent": "app-about"}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    probe = Site()
    yield probe
    probe.close()


# components compiled by the JIT compiler


def test_every_component_compiles_and_has_the_selector_index_html_and_the_templates_use(site: Site) -> None:
    # Reading the component metadata makes Angular compile each template, so a template error fails here.
    mirrors = site.call_all([{"fn": "component", "name": name} for name in COMPONENTS])
    assert [m["selector"] for m in mirrors] == list(COMPONENTS.values())


def test_every_component_is_standalone(site: Site) -> None:
    mirrors = site.call_all([{"fn": "component", "name": name} for name in COMPONENTS])
    assert {name: m["isStandalone"] for name, m in zip(COMPONENTS, mirrors)} == dict.fromkeys(COMPONENTS, True)


# SplitterComponent state


def test_derives_the_split_from_its_signals_and_follows_every_change(site: Site) -> None:
    states = site.call(
        "splitter",
        steps=[{"set": "amountText", "value": "100"}, {"set": "peopleText", "value": "4"}, {"setTip": "20"}],
    )
    assert states[0]["split"]["shares"] == [3240, 3239, 3239]
    assert states[-1]["split"] == {"tipCents": 2000, "totalCents": 12000, "shares": [3000, 3000, 3000, 3000]}


def test_shows_no_split_for_unusable_input_and_ignores_tips_that_are_not_offered(site: Site) -> None:
    states = site.call("splitter", steps=[{"setTip": "99"}, {"set": "peopleText", "value": "0"}])
    assert states[1]["tipPercent"] == 15
    assert states[1]["split"] is not None
    assert states[2]["split"] is None


# Navigation


def test_starts_on_the_route_of_the_address_the_browser_asked_for(site: Site) -> None:
    starts = site.call_all([{"fn": "navigation", "path": p, "steps": []} for p in ("/About/", "/missing")])
    assert [s[0]["route"] for s in starts] == ["about", "not-found"]


def test_pushes_history_entries_and_follows_back_and_forward(site: Site) -> None:
    states = site.call("navigation", path="/", steps=[{"navigate": "/about"}, {"popstate": "/"}])
    assert states[1]["pushes"] == ["/about"]
    assert states[1]["route"] == "about"
    assert states[2]["route"] == "splitter"
    assert states[2]["pushes"] == ["/about"], "going back must not push another entry"


def test_removes_its_popstate_listener_when_the_injector_is_destroyed(site: Site) -> None:
    states = site.call("navigation", path="/", steps=[{"destroy": True}])
    assert [s["listeners"] for s in states] == [1, 0]
