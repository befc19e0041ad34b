"""The site ``kg build`` writes, opened in a real headless Chromium: the issue's checks on real data.

``tests/test_views_render.py`` checks the viewer on hand-made pages; here the pages are
the ones a build of the seed documents writes (and of a hostile document made in the
test), opened through ``file://`` URLs with every request off the machine refused.
Screenshots of the index, the 枫桥经验 page and the 红河州 page are saved in
``tests/artifacts/`` (ignored by git) for a person to look at.
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kg.pipeline import build
from kg.stores.networkx import read_networkx
from kg.views.links import find_node, page_path
from tests.test_views_render import ARTIFACTS, IMG, SCRIPT, Tab, off_machine, tab  # noqa: F401 (tab: a fixture)


@pytest.fixture(scope="module")
def seed_site(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-site")
    build([seeds_dir], out)
    return out


def site_page(graph_dir: Path, kind: str, name: str) -> Path:
    graph = read_networkx(graph_dir)
    return graph_dir / "site" / page_path(graph, find_node(graph, kind, name))


def test_views_browser_seed_pages_stay_on_the_machine_and_log_no_error(seed_site: Path, tab: Tab) -> None:
    pages = [seed_site / "site" / "index.html", seed_site / "site" / "overview.html", seed_site / "site" / "agencies.html",
             site_page(seed_site, "mechanism", "枫桥经验"), site_page(seed_site, "place", "红河州"),
             site_page(seed_site, "document", "001_2c99edcca57b6fa5.txt")]
    for path in pages:
        tab.open(path)
        hrefs = tab.js("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for href in hrefs:
            target = Path(unquote(urlsplit(href).path))
            assert urlsplit(href).scheme == "file" and target.is_file(), (path.name, href)
    assert tab.requests and off_machine(tab.requests) == []
    assert tab.errors == []


def test_views_browser_search_finds_dadangwei_on_the_overview_and_focuses_it(seed_site: Path, tab: Tab) -> None:
    page = tab.open(seed_site / "site" / "overview.html")
    page.fill("#kg-search-input", "大党委")
    page.press("#kg-search-input", "Enter")
    page.locator("#kg-details").get_by_role("heading", name="大党委", exact=True).wait_for()
    selected = tab.js("kgView.network.getSelectedNodes()")
    assert len(selected) == 1 and tab.js("id => kgView.nodes.get(id).label", selected[0]) == "大党委"
    assert tab.errors == []


def test_views_browser_kind_filter_hides_and_shows_the_places_of_a_real_page(seed_site: Path, tab: Tab) -> None:
    page = tab.open(site_page(seed_site, "place", "红河州"))
    places = "kgView.nodes.get({filter: n => n.kind === 'Place'})"
    assert tab.js(f"{places}.length") > 1
    page.click("input[data-kind='Place']")
    assert tab.js(f"{places}.every(n => n.hidden === true)")
    assert tab.js("kgView.nodes.get({filter: n => n.kind === 'Mechanism'}).every(n => !n.hidden)")
    page.click("input[data-kind='Place']")
    assert tab.js(f"{places}.every(n => n.hidden === false)")


def test_views_browser_clicking_an_adoption_shows_the_sentence_of_the_seed_document(seed_site: Path, tab: Tab) -> None:
    page = tab.open(site_page(seed_site, "mechanism", "枫桥经验"))
    edge = tab.js("""() => kgView.data.edges.find(e => e.kind === 'ADOPTED'
                       && kgView.nodes.get(e.to).label === '海上枫桥').id""")
    tab.click_at(tab.edge_point(edge), "id => kgView.network.getSelectedEdges()[0] === id", edge)
    panel = page.text_content("#kg-details")
    assert "海上枫桥" in panel and "舟山" in panel
    link = tab.js("document.querySelector('#kg-details a.open').href")
    assert Path(unquote(urlsplit(link).path)).is_file()
    with (seed_site / "export" / "adoptions.csv").open(encoding="utf-8", newline="") as fh:
        sentences = {row["sentence"] for row in csv.DictReader(fh) if "海上枫桥" in row["sentence"]}
    assert sentences and any(sentence in panel for sentence in sentences)  # the evidence, as exported
    assert tab.errors == []


def test_views_browser_hostile_document_shows_its_strings_and_runs_nothing(tmp_path: Path, tab: Tab) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(
        f"标题：关于{SCRIPT}推行“{IMG}”工作的答复\n发布机构：{IMG}民政局\n发布日期：2022-08-31\n"
        f"银川市全面推行“{IMG}工作法”。\n由{SCRIPT}民政局牵头，全市推行“三社联动”。\n"
        f"印发《{SCRIPT}实施方案》。\n", encoding="utf-8")
    build([docs], tmp_path / "out")
    document = site_page(tmp_path / "out", "document", "hostile.txt")
    for path in (tmp_path / "out" / "site" / "index.html", document, site_page(tmp_path / "out", "mechanism", "三社联动")):
        page = tab.open(path)
        page.wait_for_timeout(300)
        assert tab.js("() => window.__pwned") is None, path.name
        assert page.locator("img[src=x]").count() == 0
    page = tab.open(document)
    body = page.text_content("body")
    assert f"{SCRIPT}实施方案" in body and IMG in body  # shown as characters
    assert tab.errors == [] and off_machine(tab.requests) == []


def test_views_browser_screenshots_of_the_seed_site(seed_site: Path, tab: Tab) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {"seed-index": seed_site / "site" / "index.html",
             "seed-mechanism-fengqiao": site_page(seed_site, "mechanism", "枫桥经验"),
             "seed-place-honghe": site_page(seed_site, "place", "红河州")}
    for name, path in shots.items():
        page = tab.open(path)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000
