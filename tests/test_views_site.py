"""The written site and `kg view`: files in place, links that resolve, written atomically and the same twice.

The pages' contents are tested as records in ``test_views_pages.py``; here the HTML files
``kg build`` and ``kg view`` write are opened and their links followed on disk.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import StoreError, ViewError
from kg.pipeline import build
from kg.stores.networkx import NETWORKX_FILE, read_networkx
from kg.views.pages import site_pages
from kg.views.render import ASSETS
from kg.views.site import view_page, write_site, write_view


class _Links(HTMLParser):
    """Every ``href`` and ``src`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


#: The template's brand link, written relative to the page's own folder: in a page that
#: `kg view` writes outside the site it points to no file (reported to the renderer).
BRAND = "index.html"


def dangling(page: Path, *, standalone: bool = False) -> list[str]:
    """The links of ``page`` that leave the machine or name no file."""
    bad = []
    for link in links(page)[1 if standalone and links(page)[:1] == [BRAND] else 0 :]:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or parts.path and not (page.parent / unquote(parts.path)).is_file():
            bad.append(link)
    return bad


@pytest.fixture(scope="module")
def seed_out(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "kg-out"
    build([seeds_dir], out)
    return out


def test_views_build_writes_every_page_of_the_site(seed_out: Path) -> None:
    site = seed_out / "site"
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert written == sorted(p.path for p in site_pages(read_networkx(seed_out)))
    assert {
        "index.html",
        "overview.html",
        "agencies.html",
        "mechanism/fengqiao-experience.html",
        "place/532500.html",
    } <= set(written)
    assert sorted(p.name for p in (site / "assets").iterdir()) == sorted(ASSETS)
    assert not list(seed_out.glob(".site.*")), "no temporary folder is left behind"


def test_views_every_link_of_every_written_page_resolves(seed_out: Path) -> None:
    pages = sorted((seed_out / "site").rglob("*.html"))
    bad = {page.relative_to(seed_out).as_posix(): dangling(page) for page in pages}
    assert {page: links for page, links in bad.items() if links} == {}
    index = links(seed_out / "site" / "index.html")
    assert "mechanism/fengqiao-experience.html" in index and "assets/vis-network.min.js" in index


def test_views_site_is_the_same_in_two_builds(seeds_dir: Path, seed_out: Path, tmp_path: Path) -> None:
    build([seeds_dir], tmp_path / "again")
    first, second = seed_out / "site", tmp_path / "again" / "site"
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    differ = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert differ == []


def test_views_write_site_replaces_the_old_site_as_a_whole(seed_out: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    (target / "place").mkdir(parents=True)
    (target / "place" / "stale.html").write_text("old", encoding="utf-8")
    (tmp_path / ".site.x.tmp").mkdir()  # left by an interrupted write
    assert write_site(seed_out, target) == target
    assert not (target / "place" / "stale.html").exists() and (target / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_views_write_site_without_a_graph_leaves_the_old_site(seed_out: Path, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("old", encoding="utf-8")
    with pytest.raises(StoreError, match="no networkx graph at"):
        write_site(tmp_path)
    (tmp_path / NETWORKX_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="is not node-link JSON"):
        write_site(tmp_path)
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [NETWORKX_FILE, "site"]


def test_views_build_no_site_writes_no_site(seeds_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(seeds_dir / "001_2c99edcca57b6fa5.txt"), "--out", str(tmp_path / "out"), "--no-site", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / NETWORKX_FILE).is_file() and not (tmp_path / "out" / "site").exists()


def test_views_build_skips_the_site_of_a_big_corpus_unless_asked(seeds_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "SITE_MAX_DOCUMENTS", 3)  # the seeds' five documents are "big"
    result = CliRunner().invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "site").exists()
    assert ("site/ not written: 5 documents is more than 3, and a page per document, place and mechanism "
            "would take hours; use `kg view`, or `kg build --site` to write it") in result.output
    forced = CliRunner().invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "--site", "-q"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "out" / "site" / "index.html").is_file() and "site/ not written" not in forced.output
    again = CliRunner().invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "-q"])
    assert not (tmp_path / "out" / "site").exists()  # an old site would show an older graph
    assert f"removed {tmp_path / 'out' / 'site'}: it showed an earlier build's graph" in again.output


# ---------------------------------------------------------------- kg view


def test_kg_view_writes_one_self_contained_page_linking_into_the_site(seed_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "views" / "fengqiao.html"
    result = CliRunner().invoke(main, ["view", "mechanism", "塞上枫桥", "--graph", str(seed_out), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}"
    html = out.read_text(encoding="utf-8")
    assert "<title>枫桥经验 · mechanism 机制" in html
    assert not re.search(r"<script[^>]*\ssrc=|<link[^>]*stylesheet", html), "scripts and styles are inline"
    assert "vis.Network" in html or "vis-network" in html
    assert dangling(out, standalone=True) == []
    assert any(link.endswith("site/place/640100.html") for link in links(out))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mechanism", "不存在的机制"], "Error: No mechanism named '不存在的机制' in the graph."),
        (["place"], "Error: `kg view place` needs a NAME"),
        (["overview", "银川市"], "Error: `kg view overview` takes no NAME (got '银川市')"),
    ],
)
def test_kg_view_says_what_is_wrong(seed_out: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["view", *args, "--graph", str(seed_out), "--out", str(tmp_path / "v.html")])
    assert result.exit_code == 1 and message in result.output, result.output
    assert not (tmp_path / "v.html").exists()


def test_kg_view_kind_is_checked_by_the_command(seed_out: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["view", "agency", "--graph", str(seed_out), "--out", str(tmp_path / "v.html")])
    assert result.exit_code == 2 and "'agency' is not one of" in result.output


@pytest.mark.parametrize(
    ("kind", "name", "title"),
    [
        ("overview", None, "总览 Overview"),
        ("agencies", None, "机构 Agencies"),
        ("place", "红河州", "红河哈尼族彝族自治州 · place 地方"),
        ("mechanism", "联合党委", "大党委 · mechanism 机制"),
        ("document", "001_2c99edcca57b6fa5.txt", "红河州民政局对政协红河州十二届四次会议第77号提案的答复"),
    ],
)
def test_views_view_page_finds_each_kind(seed_out: Path, kind: str, name: str | None, title: str) -> None:
    assert view_page(seed_out, kind, name).title.startswith(title)


def test_views_write_view_without_a_site_drops_the_links(seed_out: Path, seeds_dir: Path, tmp_path: Path) -> None:
    build([seeds_dir / "001_2c99edcca57b6fa5.txt"], tmp_path / "bare", site=False)
    out = write_view(tmp_path / "bare", "place", "蒙自市", tmp_path / "mengzi.html")
    assert [link for link in links(out)[1:] if not link.startswith("#")] == [] and links(out)[0] == BRAND
    with pytest.raises(ViewError, match="Unknown view kind 'agency'"):
        view_page(tmp_path / "bare", "agency")


# ---------------------------------------------------------------- in a real browser


def test_views_browser_follows_links_from_the_index_and_every_href_is_a_file(browser, seed_out: Path) -> None:  # type: ignore[no-untyped-def]
    site = (seed_out / "site").resolve()
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def visit(url: str | None = None) -> Path:
        if url is not None:
            page.goto(url)
        page.wait_for_selector("html[data-kg-ready=true]", state="attached", timeout=30_000)
        here = Path(unquote(urlsplit(page.url).path))
        hrefs = [a.get_attribute("href") for a in page.locator("a[href]").all()]
        missing = [
            h
            for h in hrefs
            if h and not h.startswith("#") and not (here.parent / unquote(urlsplit(h).path)).resolve().is_file()
        ]
        assert missing == [], f"{here.relative_to(site)} links to missing files {missing}"
        return here

    assert visit((site / "index.html").as_uri()) == site / "index.html"
    page.get_by_role("link", name="枫桥经验", exact=True).first.click()
    assert visit() == site / "mechanism" / "fengqiao-experience.html"
    assert page.title().startswith("枫桥经验")
    page.locator("table a", has_text="舟山市").first.click()
    assert visit() == site / "place" / "330900.html"
    page.locator("table a[href*='document/']").first.click()
    assert visit().parent == site / "document"
    page.get_by_role("link", name="机构 Agencies").click()
    assert visit() == site / "agencies.html"
    page.get_by_role("link", name="首页 Home").click()
    assert visit() == site / "index.html"
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == []
    page.close()
