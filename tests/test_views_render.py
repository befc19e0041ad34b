"""The HTML views in a real headless Chromium: offline, safe, usable, and fast on big graphs.

Pages are hand-made :class:`~kg.views.model.Page` records (hostile strings included),
rendered by :mod:`kg.views.render`, written under ``tmp_path`` as a small site with
``assets/`` beside it, and opened through ``file://`` URLs in Debian's Chromium driven by
Playwright (the ``browser`` fixture of ``conftest.py``). Every test counts the requests a
page makes and the errors it logs. The pages forbid ``eval`` in their
Content-Security-Policy, so the tests wait on selectors (``html[data-kg-ready]``), never
on ``wait_for_function``.

Screenshots of sample pages are written to ``tests/artifacts/`` (ignored by git), to be
looked at by a person.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from kg.errors import ViewError
from kg.views.model import Edge, Node, Page, Table
from kg.views.render import (
    ASSETS,
    NotebookView,
    relative_url,
    render_notebook,
    render_page,
    write_assets,
)

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from bench_views import synthetic_page

ARTIFACTS = Path(__file__).parent / "artifacts"
IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "</script><script>window.__pwned=2</script>"
COMMENT = "<!--<script>window.__pwned=3</script>-->"
EVIDENCE = "银川市兴庆区全面推行“大党委”工作机制，推动资源、服务、管理向社区下沉。"
PLACES = ("银川市", "兴庆区", "金凤区", "西夏区", "红河州", "蒙自市", "邓州市", "浦东新区")
STATUSES = ("implemented", "piloting", "planned", "proposed")
NAV = (("首页 Home", "index.html"), ("机制 Mechanism", "mechanism/m1.html"), ("地方 Place", "place/p0.html"))


# ---------------------------------------------------------------- sample site

def mechanism_page() -> Page:
    """大党委 and the places that adopted it, each adoption with its evidence and document."""
    nodes = [Node(id="m1", label="大党委", kind="Mechanism", url="mechanism/m1.html", size=8,
                  title="基层党建机制", details=(("local forms 地方叫法", "大工委、联合党委"),)),
             Node(id="m2", label="网格化管理", kind="Mechanism", url="mechanism/m1.html", size=3),
             Node(id="d1", label="关于政协第十二届五次会议第123号提案的答复", kind="Document", url="document/d1.html"),
             Node(id="a1", label="银川市民政局", kind="Agency", url="index.html")]
    edges = [Edge(src="d1", dst="a1", kind="ISSUED_BY")]
    for i, place in enumerate(PLACES):
        nodes.append(Node(id=f"p{i}", label=place, kind="Place", url=f"place/p{i % 2}.html", group="宁夏回族自治区",
                          details=(("code 代码", f"6401{i:02d}"),)))
        edges.append(Edge(src=f"p{i}", dst="m1" if i != 3 else "m2", kind="ADOPTED", status=STATUSES[i % 4],
                          label=str(2017 + i), url="document/d1.html",
                          details=(("evidence 证据", EVIDENCE.replace("兴庆区", place)), ("document 文件", "答复"))))
    rows = tuple(((place, f"place/p{i % 2}.html"), STATUSES[i % 4], EVIDENCE.replace("兴庆区", place) * 2,
                  ("答复", "document/d1.html")) for i, place in enumerate(PLACES))
    return Page(path="mechanism/m1.html", title="大党委", nav=NAV,
                summary=(("local forms 地方叫法", "大工委、联合党委"), ("places 地方", str(len(PLACES))),
                         ("thesaurus 词表", ("govkg 机制词表", "index.html"))),
                nodes=tuple(nodes), edges=tuple(edges), note="Click a place to see its adoption; 点击连线查看证据。",
                tables=(Table(title="adoptions 采用", columns=("place 地方", "status 状态", "evidence 证据", "document 文件"),
                              rows=rows),))


def place_page() -> Page:
    """银川市 with one node of every kind, so the legend shows every colour and shape."""
    kinds = ("Mechanism", "Place", "Province", "Agency", "Document", "Policy", "Program", "Proposal", "Observation")
    labels = ("大党委", "兴庆区", "宁夏回族自治区", "银川市民政局", "银川市民政局关于…的复函", "《银川市社区治理条例》",
              "“三社联动”示范项目", "关于加强基层治理的提案", "社区覆盖率 98%")
    nodes = [Node(id="p0", label="银川市", kind="Place", size=6, url="place/p0.html")]
    edges = []
    for i, (kind, label) in enumerate(zip(kinds, labels)):
        nodes.append(Node(id=f"n{i}", label=label, kind=kind, title=f"{kind} of 银川市"))
        edges.append(Edge(src="p0", dst=f"n{i}", kind="ADOPTED" if kind == "Mechanism" else "RELATED",
                          status="implemented" if kind == "Mechanism" else None))
    return Page(path="place/p0.html", title="银川市", nav=NAV, summary=(("code 代码", "640100"), ("level 级别", "city 地级市")),
                nodes=tuple(nodes), edges=tuple(edges))


def small_pages() -> list[Page]:
    index = Page(path="index.html", title="govkg 基层治理知识图谱", nav=NAV,
                 summary=(("documents 文件", "1"), ("mechanisms 机制", "2")),
                 tables=(Table(title="places 地方", columns=("place 地方", "code 代码"),
                               rows=tuple(((p, f"place/p{i % 2}.html"), f"6401{i:02d}") for i, p in enumerate(PLACES * 2))),
                         Table(title="external 外部", columns=("link",), rows=((("中国政府网", "https://www.gov.cn/"),),))))
    document = Page(path="document/d1.html", title="关于政协第十二届五次会议第123号提案的答复", nav=NAV,
                    summary=(("issuer 发文机关", ("银川市民政局", "index.html")), ("date 日期", "2021-08-29")),
                    tables=(Table(title="facts 事实", columns=("fact", "evidence 证据"), rows=((("大党委", "mechanism/m1.html"), EVIDENCE),)),))
    other = Page(path="place/p1.html", title="兴庆区", nav=NAV)
    return [index, mechanism_page(), place_page(), document, other]


def hostile_page() -> Page:
    """Every string a document could put into a page, made hostile; links that must not be links."""
    bad_urls = ("javascript:alert(1)", " JaVaScRiPt:window.__pwned=4", "java\tscript:window.__pwned=5",
                "data:text/html,<script>window.__pwned=6</script>", "//evil.example/x.html", "/etc/passwd",
                "vbscript:msgbox", "\\\\evil.example\\x")
    nodes = [Node(id="m", label=IMG, kind="Mechanism", title=SCRIPT, url=bad_urls[0], details=((IMG, SCRIPT),)),
             Node(id="a", label=SCRIPT, kind="Agency", title=COMMENT, url=bad_urls[1]),
             Node(id="x", label=COMMENT, kind=IMG, title=IMG, url=bad_urls[2]),
             Node(id=IMG, label="大党委", kind="Mechanism", title="the id itself is hostile")]
    edges = [Edge(src="a", dst="m", kind=IMG, label=SCRIPT, title=IMG, status="implemented",
                  details=(("evidence 证据", IMG + SCRIPT),), url=bad_urls[3]),
             Edge(src=IMG, dst="m", kind="ADOPTED", status=SCRIPT, url=bad_urls[4])]
    rows = tuple(((IMG, url), (SCRIPT, url)) for url in bad_urls)
    return Page(path="hostile.html", title=IMG + SCRIPT, nav=((IMG, bad_urls[0]), (SCRIPT, "index.html")),
                summary=((IMG, SCRIPT), (SCRIPT, (IMG, bad_urls[5])), (COMMENT, (COMMENT, bad_urls[6]))),
                nodes=tuple(nodes), edges=tuple(edges), note=COMMENT + IMG,
                tables=(Table(title=IMG, columns=(SCRIPT, COMMENT), rows=rows),))


def write(folder: Path, page: Page, *, assets: str | None = None) -> Path:
    depth = page.path.count("/")
    path = folder / page.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(page, assets=assets or "../" * depth + "assets"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site: index, a mechanism, two places and a document, with ``assets/``; a hostile page inline."""
    folder = tmp_path_factory.mktemp("site")
    write_assets(folder)
    for page in small_pages():
        write(folder, page)
    write(folder, hostile_page(), assets="inline")
    write(folder, synthetic_page(2000, path="big.html"))
    return folder


# ---------------------------------------------------------------- a browser tab that counts

class Tab:
    """One Playwright page with the requests it made and the errors it logged."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []

    def open(self, path: Path, *, timeout: float = 60_000) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-kg-ready]", state="attached", timeout=timeout)
        return self.page

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def click_at(self, point: tuple[float, float], check: str, arg: Any) -> None:
        """Click ``point`` until ``check(arg)`` holds (vis-network drops a tap held > 250 ms on a busy machine)."""
        for _ in range(3):
            self.page.mouse.click(*point)
            for _ in range(20):
                if self.js(check, arg):
                    return
                self.page.wait_for_timeout(100)
        raise AssertionError(f"clicking {point} never made {check} true")

    def node_point(self, node_id: str) -> tuple[float, float]:
        return tuple(self.js("""id => { const n = kgView.network, p = n.canvasToDOM(n.getPositions([id])[id]);
            const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
            return [r.x + p.x, r.y + p.y]; }""", node_id))

    def edge_point(self, edge_id: str, at: float = 0.35) -> tuple[float, float]:
        return tuple(self.js("""([id, at]) => { const n = kgView.network, e = n.body.edges[id];
            const p = n.canvasToDOM(e.edgeType.getPoint(at));
            const r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
            return [r.x + p.x, r.y + p.y]; }""", [edge_id, at]))


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    opened = Tab(page)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda msg: opened.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(f"pageerror: {error}"))
    context.route(re.compile(r"^(?!file:|data:|blob:)"), lambda route: route.abort())  # nothing may leave
    yield opened
    context.close()


def off_machine(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).scheme not in ("file", "data", "blob")]


# ---------------------------------------------------------------- offline, no errors

@pytest.mark.parametrize("name", ["index.html", "mechanism/m1.html", "place/p0.html", "document/d1.html",
                                  "place/p1.html", "hostile.html"])
def test_views_render_pages_make_no_request_off_the_machine_and_log_no_error(site: Path, tab: Tab, name: str) -> None:
    tab.open(site / name)
    tab.page.wait_for_timeout(300)
    assert tab.requests and off_machine(tab.requests) == []
    assert tab.errors == []
    if name in ("mechanism/m1.html", "place/p0.html"):  # the scripts came from assets/ beside the site
        assert {u.rsplit("/", 1)[1] for u in tab.requests} >= set(ASSETS)


def test_views_render_inline_page_loads_nothing_but_itself(site: Path, tab: Tab) -> None:
    tab.open(site / "hostile.html")
    assert tab.requests == [(site / "hostile.html").as_uri()]
    assert tab.js("typeof vis") == "object" and tab.errors == []


# ---------------------------------------------------------------- search, filter, panel, highlight

def test_views_render_search_finds_大党委_and_focuses_it(site: Path, tab: Tab) -> None:
    page = tab.open(site / "mechanism/m1.html")
    page.fill("#kg-search-input", "大党委")
    page.press("#kg-search-input", "Enter")
    page.locator("#kg-details").get_by_role("heading", name="大党委", exact=True).wait_for()
    assert tab.js("kgView.network.getSelectedNodes()") == ["m1"]
    page.wait_for_timeout(700)  # the focus animation
    gap = tab.js("""() => { const n = kgView.network, v = n.getViewPosition(), p = n.getPositions(['m1']).m1;
                            return Math.hypot(v.x - p.x, v.y - p.y); }""")
    assert gap < 1
    assert page.get_attribute("#kg-details a.open", "href") == "../mechanism/m1.html"
    page.fill("#kg-search-input", "没有这个名字")
    page.press("#kg-search-input", "Enter")
    assert "No match" in page.text_content("#kg-status")
    assert tab.errors == []


def test_views_render_search_by_part_of_a_name_cycles_through_matches(site: Path, tab: Tab) -> None:
    tab.open(site / "mechanism/m1.html")
    found = [tab.js("kgView.search('区')") for _ in range(4)]
    assert found[:3] == ["p1", "p2", "p3"] and found[3] == "p7"  # 兴庆区 金凤区 西夏区 … 浦东新区
    assert tab.js("kgView.search('州')") == "p4"


def test_views_render_kind_filter_hides_and_shows_nodes(site: Path, tab: Tab) -> None:
    page = tab.open(site / "mechanism/m1.html")
    places = "kgView.nodes.get({filter: n => n.kind === 'Place'})"
    before = tab.js("kgView.savePng()")
    page.click("input[data-kind='Place']")
    assert tab.js(f"{places}.every(n => n.hidden === true)")
    assert tab.js("kgView.nodes.get({filter: n => n.kind !== 'Place'}).every(n => !n.hidden)")
    assert tab.js("Object.values(kgView.network.body.nodes).filter(n => n.options.hidden).length") == len(PLACES)
    assert tab.js("kgView.savePng()") != before  # the drawing changed
    page.click("input[data-kind='Place']")
    assert tab.js(f"{places}.every(n => n.hidden === false)")
    page.click("input[data-status='planned']")
    assert tab.js("kgView.edges.get({filter: e => e.hidden}).map(e => e.status)") == ["planned", "planned"]
    assert tab.errors == []


def test_views_render_search_shows_a_node_whose_kind_is_filtered_out(site: Path, tab: Tab) -> None:
    page = tab.open(site / "mechanism/m1.html")
    page.click("input[data-kind='Place']")
    assert tab.js("kgView.search('银川市')") == "p0"
    assert tab.js("kgView.nodes.get('p0').hidden") is False and page.is_checked("input[data-kind='Place']")


def test_views_render_clicking_an_adoption_shows_its_evidence_and_source(site: Path, tab: Tab) -> None:
    page = tab.open(site / "mechanism/m1.html")
    edge = tab.js("kgView.data.edges.find(e => e.from === 'p1').id")
    tab.click_at(tab.edge_point(edge), "id => kgView.network.getSelectedEdges()[0] === id", edge)
    panel = page.text_content("#kg-details")
    assert EVIDENCE in panel and "兴庆区 → 大党委" in panel and "piloting 试点" in panel
    link = page.locator("#kg-details a.open")
    assert link.text_content() == "Source document 来源文件 →"
    assert link.get_attribute("href") == "../document/d1.html"
    assert Path(unquote(urlsplit(tab.js("document.querySelector('#kg-details a.open').href")).path)).is_file()
    assert tab.errors == []


def test_views_render_clicking_a_node_dims_all_but_its_neighbours(site: Path, tab: Tab) -> None:
    tab.open(site / "mechanism/m1.html")
    tab.click_at(tab.node_point("m2"), "id => kgView.network.getSelectedNodes()[0] === id", "m2")
    colours = tab.js("Object.fromEntries(kgView.nodes.get().map(n => [n.id, n.color.background]))")
    assert colours["m2"] == "#D55E00" and colours["p3"] == "#0072B2"  # 西夏区 adopted 网格化管理
    assert {colours[k] for k in ("m1", "p0", "d1", "a1")} == {"#e9ecef"}
    assert "Connected 相连 (1)" in tab.page.text_content("#kg-details")
    tab.page.keyboard.press("Escape")
    assert tab.js("kgView.nodes.get('m1').color.background") == "#D55E00"
    assert tab.js("kgView.network.getSelectedNodes()") == []


def test_views_render_physics_stops_once_the_graph_settles(site: Path, tab: Tab) -> None:
    tab.open(site / "mechanism/m1.html")
    assert tab.js("kgView.data.physics") is True
    assert tab.js("kgView.network.physics.physicsEnabled") is False
    first = tab.js("kgView.network.getPositions()")
    tab.page.wait_for_timeout(500)
    assert tab.js("kgView.network.getPositions()") == first


def test_views_render_png_button_saves_a_png_of_the_view(site: Path, tab: Tab) -> None:
    page = tab.open(site / "mechanism/m1.html")
    with page.expect_download() as download:
        page.click("#kg-png")
    assert download.value.suggested_filename == "mechanism-m1.png"
    url = page.get_attribute("#kg-png-link", "href")
    assert url.startswith("data:image/png;base64,")
    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    assert tab.errors == []


# ---------------------------------------------------------------- links

def test_views_render_every_link_of_every_page_leads_to_a_file(site: Path, tab: Tab) -> None:
    checked = 0
    for name in ("index.html", "mechanism/m1.html", "place/p0.html", "document/d1.html", "place/p1.html"):
        tab.open(site / name)
        hrefs = tab.js("""() => [...document.querySelectorAll('a[href]')].map(a => a.href).concat(
            typeof kgView === 'undefined' ? [] : kgView.data.nodes.concat(kgView.data.edges)
              .filter(d => d.url).map(d => new URL(d.url, location.href).href))""")
        for href in hrefs:
            parts = urlsplit(href)
            assert parts.scheme in ("file", "https"), href
            if parts.scheme == "file":
                assert Path(unquote(parts.path)).is_file(), f"{name}: {href}"
                checked += 1
    assert checked > 40


@pytest.mark.parametrize(("url", "page_path", "expected"), [
    ("mechanism/m1.html", "index.html", "mechanism/m1.html"),
    ("mechanism/m1.html", "place/p1.html", "../mechanism/m1.html"),
    ("index.html#places", "a/b/c.html", "../../index.html#places"),
    ("#top", "place/p1.html", "#top"),
    ("http://www.gov.cn/x", "place/p1.html", "http://www.gov.cn/x"),
    ("javascript:alert(1)", "index.html", None),
    ("  javascript:alert(1)", "index.html", None),
    ("java\nscript:alert(1)", "index.html", None),
    ("\x01javascript:alert(1)", "index.html", None),
    ("data:text/html,x", "index.html", None),
    ("https:evil.example", "index.html", None),
    ("//evil.example", "index.html", None),
    ("/etc/passwd", "index.html", None),
    ("\\\\evil\\x", "index.html", None),
    ("", "index.html", None),
    (None, "index.html", None),
])
def test_views_render_relative_url_keeps_only_site_and_web_links(url: str | None, page_path: str,
                                                                 expected: str | None) -> None:
    assert relative_url(url, page_path) == expected


# ---------------------------------------------------------------- safety

def test_views_render_hostile_strings_are_escaped_in_the_html() -> None:
    html = render_page(hostile_page(), assets="assets")  # vis-network's own code is not the page's text
    for marker in (IMG, SCRIPT, COMMENT, "javascript:", "vbscript:", "data:text/html", "//evil.example"):
        assert marker.lower() not in html.lower(), marker
    assert html.count("<script") == 3  # the data (JSON), vis-network, the viewer
    assert "\\u003cimg src=x onerror=window.__pwned=1\\u003e" in html  # in the JSON, escaped


def test_views_render_hostile_strings_show_as_text_and_run_nothing(site: Path, tab: Tab) -> None:
    page = tab.open(site / "hostile.html")
    assert tab.js("window.__pwned") is None
    assert page.text_content("h1") == IMG + SCRIPT
    assert tab.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert tab.js("document.scripts.length") == 3
    assert page.text_content("dl.summary").count(IMG) == 2
    assert page.text_content("table").count(SCRIPT) == 9
    assert page.text_content("p.note") == COMMENT + IMG
    hrefs = tab.js("[...document.querySelectorAll('[href]')].map(a => a.getAttribute('href'))")
    assert hrefs == [] or all(h in ("index.html",) for h in hrefs), hrefs  # no hostile url became a link
    # the tooltip of the hostile node: text, no elements
    page.mouse.move(*tab.node_point("m"))
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert IMG in tip.text_content() and SCRIPT in tip.text_content()
    assert tab.js("[...document.querySelector('div.vis-tooltip').children].map(c => c.tagName)") == ["BR", "BR"]
    page.mouse.move(2, 2)  # leaving the drawing closes the tooltip
    tip.wait_for(state="hidden")
    page.mouse.move(*tab.node_point("m"))
    tip.wait_for(state="visible")  # and it opens again
    # the details panel of the hostile node and of the hostile edge
    assert tab.js("kgView.selectNode('m')")
    assert page.text_content("#kg-details h2") == IMG
    assert page.locator("#kg-details a").count() == 0  # its javascript: url is not a link
    assert tab.js("kgView.selectEdge('e0')")
    assert IMG + SCRIPT in page.text_content("#kg-details")
    assert tab.js("kgView.search('大党委')") == IMG
    page.fill("#kg-search-input", IMG)
    page.press("#kg-search-input", "Enter")
    page.wait_for_timeout(300)
    assert tab.js("window.__pwned") is None
    assert tab.errors == []


def test_views_render_policy_blocks_a_script_that_reached_the_markup(site: Path, tab: Tab) -> None:
    tab.open(site / "hostile.html")
    tab.js("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=7\">')")
    tab.js("document.body.insertAdjacentHTML('beforeend', '<a id=jl href=\"javascript:window.__pwned=8\">x</a>')")
    tab.page.click("#jl")
    tab.page.wait_for_timeout(300)
    assert tab.js("window.__pwned") is None
    assert any("Content Security Policy" in e for e in tab.errors)


def test_views_render_refuses_records_that_contradict_each_other() -> None:
    node = Node(id="m1", label="大党委", kind="Mechanism")
    with pytest.raises(ViewError) as twice:
        render_page(Page(path="x.html", title="x", nodes=(node, node)))
    assert str(twice.value) == "Page 'x.html' has duplicate node ids ['m1']. Give each node of a view its own id."
    with pytest.raises(ViewError) as missing:
        render_page(Page(path="x.html", title="x", nodes=(node,), edges=(Edge(src="p1", dst="m1", kind="ADOPTED"),)))
    assert str(missing.value) == ("Page 'x.html' has an edge ADOPTED from 'p1' to 'm1' but no node 'p1'. "
                                  "Add the node or drop the edge.")
    with pytest.raises(ViewError) as remote:
        render_page(Page(path="x.html", title="x"), assets="https://cdn.example/vis")
    assert str(remote.value) == ("Unsupported assets location 'https://cdn.example/vis'. Use 'inline' or a folder "
                                 "relative to the page such as '../assets': pages must work offline.")


def test_views_render_page_without_nodes_has_no_graph_and_right_aligns_number_columns() -> None:
    html = render_page(small_pages()[0], assets="assets")
    assert "vis-network" not in html and 'id="kg-data"' not in html
    assert '<th scope="col" class="num">code 代码</th>' in html and '<td class="num">640100</td>' in html
    assert '<th scope="col">place 地方</th>' in html


def test_views_render_same_page_gives_the_same_html() -> None:
    big = synthetic_page(400)
    assert render_page(big, assets="assets") == render_page(big, assets="assets")
    assert render_page(mechanism_page()) == render_page(mechanism_page())


# ---------------------------------------------------------------- big views, notebooks

def test_views_render_2000_node_view_is_drawn_without_physics_and_responds(site: Path, tab: Tab) -> None:
    start = time.perf_counter()
    tab.open(site / "big.html", timeout=60_000)
    ready = time.perf_counter() - start
    assert ready < 20, f"ready after {ready:.1f} s"  # the 3 s target is measured by benchmarks/bench_views.py
    assert tab.js("kgView.data.physics") is False
    assert tab.js("kgView.data.nodes.every(n => typeof n.x === 'number' && typeof n.y === 'number')")
    node = tab.js("kgView.data.nodes.find(n => n.label === '大党委').id")
    tab.click_at(tab.node_point(node), "id => kgView.network.getSelectedNodes()[0] === id", node)
    assert tab.page.text_content("#kg-details h2") == "大党委"
    assert tab.errors == [] and off_machine(tab.requests) == []


def test_views_render_notebook_view_draws_inside_a_sandboxed_frame(tmp_path: Path, tab: Tab) -> None:
    view = render_notebook(mechanism_page(), height=700)
    assert isinstance(view, NotebookView)
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{view._repr_html_()}</body></html>", encoding="utf-8")
    tab.page.goto(notebook.as_uri())
    frame = tab.page.frame_locator("iframe")
    frame.locator("html[data-kg-ready]").wait_for(state="attached", timeout=30_000)
    assert frame.locator("h1").text_content() == "大党委"
    assert tab.page.frames[1].evaluate("kgView.data.nodes.length") == len(mechanism_page().nodes)
    assert off_machine(tab.requests) == [] and tab.errors == []


def test_views_render_import_loads_neither_ipython_nor_pyvis() -> None:
    code = "import sys, kg.views.render; print(sorted({'IPython', 'pyvis'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_views_render_write_assets_copies_vis_network(tmp_path: Path) -> None:
    folder = write_assets(tmp_path)
    assert folder == tmp_path / "assets"
    assert b"vis-network" in (folder / "vis-network.min.js").read_bytes()[:400]
    assert (folder / "vis-network.css").stat().st_size > 10_000


# ---------------------------------------------------------------- screenshots for a person

def shoot(tab: Tab, name: str) -> Path:
    """A screenshot of the whole page in ``tests/artifacts/NAME.png``.

    The window is first made as tall as the page (the graph is then at its 860 px
    cap) and vis-network given time to redraw: a full-page capture alone resizes the
    canvas, which clears it, and the capture comes before the next frame.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    for _ in range(2):
        height = tab.js("document.documentElement.scrollHeight")
        tab.page.set_viewport_size({"width": 1400, "height": max(900, height)})
        tab.page.wait_for_timeout(600)
    path = ARTIFACTS / f"{name}.png"
    tab.page.screenshot(path=path, full_page=True)
    tab.page.set_viewport_size({"width": 1400, "height": 900})
    return path


def test_views_render_screenshots_of_sample_pages(site: Path, tab: Tab) -> None:
    tab.open(site / "index.html")
    shots = [shoot(tab, "index")]
    tab.open(site / "mechanism/m1.html")
    edge = tab.js("kgView.data.edges.find(e => e.from === 'p1').id")
    tab.click_at(tab.edge_point(edge), "id => kgView.network.getSelectedEdges()[0] === id", edge)
    tab.page.mouse.move(2, 2)  # no hover tooltip over the panel's story
    shots.append(shoot(tab, "mechanism"))
    page = tab.open(site / "place/p0.html")
    page.mouse.move(*tab.node_point("n5"))
    page.locator("div.vis-tooltip").wait_for(state="visible")
    shots.append(shoot(tab, "place"))
    tab.open(site / "hostile.html")
    tab.js("kgView.selectEdge('e0')")
    shots.append(shoot(tab, "hostile"))
    tab.open(site / "big.html")
    tab.js("kgView.search('大党委')")
    tab.page.wait_for_timeout(700)
    shots.append(shoot(tab, "big"))
    print(f"\nscreenshots in {ARTIFACTS}")
    assert all(shot.stat().st_size > 10_000 for shot in shots)
    assert tab.errors == []
