import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_site import SiteBuild, build_site, inject_assets

# inject_assets


def test_replaces_the_marker_with_absolute_links_to_the_hashed_files() -> None:
    html = inject_assets("<head><!-- assets --></head>", script="assets/main-AB12CD34.js", style="assets/main-EF56GH78.css")
    assert html == (
        '<head><link rel="stylesheet" href="/assets/main-EF56GH78.css">\n'
        '    <script type="module" src="/assets/main-AB12CD34.js"></script></head>'
    )


def test_refuses_a_template_without_the_marker_rather_than_shipping_a_page_with_no_script() -> None:
    with pytest.raises(ValueError, match="marker"):
        inject_assets("<head></head>", script="assets/main.js")


# build_site


@pytest.fixture(scope="module")
def out_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="angular-site-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(out_dir: Path) -> SiteBuild:
    return build_site(out_dir=out_dir)


@pytest.fixture(scope="module")
def js(site: SiteBuild, out_dir: Path) -> str:
    return (out_dir / site.script).read_text(encoding="utf-8")


def test_writes_index_html_plus_one_hashed_script_and_one_hashed_stylesheet(site: SiteBuild, out_dir: Path) -> None:
    assert re.fullmatch(r"assets/main-[A-Z0-9]{8}\.js", site.script)
    assert re.fullmatch(r"assets/main-[A-Z0-9]{8}\.css", site.style or "")
    assert site.files == sorted([site.style, site.script, "index.html"])
    for file in site.files:
        assert (out_dir / file).exists(), f"{file} is missing"


def test_points_index_html_at_the_files_it_built_and_keeps_the_app_root_element(site: SiteBuild, out_dir: Path) -> None:
    html = (out_dir / "index.html").read_text(encoding="utf-8")
    assert f'src="/{site.script}"' in html
    assert f'href="/{site.style}"' in html
    assert "<app-root></app-root>" in html
    assert "<!-- assets -->" not in html


def test_bundles_angular_in_production_mode_with_the_component_templates_still_as_source_for_the_jit_compiler(js: str) -> None:
    assert "ngDevMode" not in js, "ngDevMode was not replaced, so development checks ship"
    assert "app-splitter" in js
    assert "Split the bill" in js
    # One self-contained file: a static import would be a second request the CSP and cache rules never planned for.
    assert not re.search(r"(^|[;}])\s*import\s*(\{|\*|\"|')", js, re.MULTILINE)


def test_ships_the_compiler_that_builds_functions_from_strings_which_is_why_the_csp_allows_unsafe_eval(js: str) -> None:
    assert "new Function" in js


def test_gives_the_same_content_the_same_names_so_unchanged_files_keep_their_cache(site: SiteBuild, out_dir: Path) -> None:
    again = build_site(out_dir=out_dir)
    assert (again.script, again.style) == (site.script, site.style)
