"""The pages of the site as records, on a build of the seed documents and of a hostile document.

These tests read the :class:`~kg.views.model.Page` records :mod:`kg.views.pages` makes
from the networkx graph ``kg build`` writes, before any HTML: the right facts on the
right page, evidence equal to the exports, links that resolve, stable file names, big
views folded, and strings from documents kept exactly as written (the renderer escapes).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import ViewError
from kg.pipeline import build
from kg.stores.networkx import read_networkx
from kg.views.facts import Sentences
from kg.views.links import find_node, slug
from kg.views.model import KINDS, STATUSES, Page, Table
from kg.views.pages import agency_page, document_page, index_page, mechanism_page, overview_page, place_page, site_pages

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def seed_out(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views") / "kg-out"
    build([seeds_dir], out, site=False)
    return out


@pytest.fixture(scope="module")
def graph(seed_out: Path) -> nx.MultiDiGraph:
    return read_networkx(seed_out)


@pytest.fixture(scope="module")
def pages(graph: nx.MultiDiGraph, seed_out: Path) -> dict[str, Page]:
    return {page.path: page for page in site_pages(graph, sentences=Sentences(seed_out))}


def table(page: Page, starts: str) -> Table:
    found = [t for t in page.tables if t.title.startswith(starts)]
    assert len(found) == 1, f"{page.path} has {len(found)} tables titled {starts!r}: {[t.title for t in page.tables]}"
    return found[0]


def words(cell: object) -> str:
    return cell[0] if isinstance(cell, tuple) else str(cell)


def column(t: Table, name: str) -> int:
    return next(i for i, c in enumerate(t.columns) if c.startswith(name))


def urls(page: Page) -> list[str]:
    cells = [c for _, c in page.summary] + [c for t in page.tables for row in t.rows for c in row]
    return (
        [u for _, u in page.nav]
        + [c[1] for c in cells if isinstance(c, tuple)]
        + [n.url for n in page.nodes if n.url]
        + [e.url for e in page.edges if e.url]
    )


# ---------------------------------------------------------------- the right facts on the right page


def test_views_fengqiao_page_shows_each_place_with_its_local_form(graph: nx.MultiDiGraph) -> None:
    page = mechanism_page(graph, find_node(graph, "mechanism", "枫桥经验"))
    adoptions = table(page, "adoptions")
    place, form = column(adoptions, "place"), column(adoptions, "form")
    pairs = {(words(row[place]), words(row[form])) for row in adoptions.rows}
    assert {("银川市", "塞上枫桥"), ("舟山市", "海上枫桥")} <= pairs
    assert {"塞上枫桥", "海上枫桥"} <= {words(row[0]) for row in table(page, "local forms").rows}
    assert {n.label for n in page.nodes} >= {"枫桥经验", "塞上枫桥", "海上枫桥", "银川市", "舟山市"}
    for edge in page.edges:
        if edge.kind == "ADOPTED":
            assert edge.status in STATUSES and edge.url and edge.url.startswith("document/")
            assert dict(edge.details)["evidence 证据"]


def test_views_a_local_form_finds_its_concepts_page(graph: nx.MultiDiGraph) -> None:
    assert find_node(graph, "mechanism", "塞上枫桥") == find_node(graph, "mechanism", "枫桥经验")
    assert mechanism_page(graph, find_node(graph, "mechanism", "海上枫桥")).title.startswith("枫桥经验")


def test_views_dadangwei_page_exists_and_is_findable(graph: nx.MultiDiGraph, pages: dict[str, Page]) -> None:
    node = find_node(graph, "mechanism", "大党委")
    assert find_node(graph, "mechanism", "联合党委") == node
    page = mechanism_page(graph, node)
    assert page.path in pages and page.title.startswith("大党委")
    index = pages["index.html"]
    assert ("大党委", page.path) in [row[0] for row in table(index, "mechanisms").rows]
    assert any(n.label == "大党委" and n.url == page.path for n in index.nodes), "the index graph's search needs it"
    places = {words(row[0]) for row in table(page, "adoptions").rows}
    assert {"银川市", "红河哈尼族彝族自治州", "蒙自市"} <= places


def test_views_honghe_page_lists_sanshe_and_the_places_within(graph: nx.MultiDiGraph) -> None:
    node = find_node(graph, "place", "红河州")
    page = place_page(graph, node)
    assert page.title.startswith("红河哈尼族彝族自治州")
    mechanisms = table(page, "mechanisms adopted")
    assert ("红河哈尼族彝族自治州", "三社联动") in {(words(r[0]), words(r[1])) for r in mechanisms.rows}
    within = {row[0] for row in table(page, "places within").rows}
    assert ("蒙自市", "place/532503.html") in within
    assert any(e.kind == "WITHIN" and e.dst == node for e in page.edges)
    assert all(n.group == "云南省" for n in page.nodes if n.kind == "Place")


def test_views_place_page_rows_carry_evidence_sentences(graph: nx.MultiDiGraph, seed_out: Path) -> None:
    page = place_page(graph, find_node(graph, "place", "红河州"), sentences=Sentences(seed_out))
    for title in ("agencies", "policies", "programmes", "metrics"):
        t = table(page, title)
        evidence = column(t, "evidence")
        assert t.rows and all(row[evidence] for row in t.rows), title


def test_views_every_document_page_lists_its_adoptions_as_exported(
    graph: nx.MultiDiGraph, pages: dict[str, Page], seed_out: Path
) -> None:
    exported: defaultdict[str, set[tuple[str, str, str]]] = defaultdict(set)
    with (seed_out / "export" / "adoptions.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            exported[row["doc_id"]].add((row["place"], row["mechanism"], row["sentence"]))
    docs = [n for n, kind in graph.nodes(data="kind") if kind == "Document"]
    assert len(docs) == 5 and sum(map(len, exported.values())) > 100
    for doc in docs:
        page = pages[document_page(graph, doc).path]
        t = table(page, "adoptions")
        listed = {(words(r[0]), words(r[1]), r[column(t, "evidence")]) for r in t.rows}
        assert listed == exported[graph.nodes[doc]["doc_id"]], page.path


def test_views_document_page_shows_metadata_proposal_and_every_kind_of_fact(
    graph: nx.MultiDiGraph, seed_out: Path
) -> None:
    doc = find_node(graph, "document", "000_4e22a5ca7caa542c.txt")
    page = document_page(graph, doc, sentences=Sentences(seed_out))
    summary = dict(page.summary)
    assert summary["索引号 index no."] == "11640100010085992G/2022-00079"
    assert summary["signed 成文"].startswith("2021-08-29") and "2021829" in summary["signed 成文"]
    assert summary["issuer 发文机关"] == ("银川市民政局", "agencies.html")
    proposal = dict(table(page, "proposal answered").rows)
    assert proposal["title 标题"] == "关于加强基层治理建设平安社区的提案" and proposal["number 编号"] == "第162号"
    assert proposal["lead 主办"] == ("银川市民政局", "agencies.html")
    for title in ("adoptions", "policies cited", "agencies", "places mentioned", "programmes", "metrics"):
        t = table(page, title)
        assert t.rows and all(row[column(t, "evidence")] for row in t.rows), title
    assert {n.kind for n in page.nodes} >= {"Document", "Agency", "Proposal", "Policy", "Place", "Mechanism"}


def test_views_agency_page_joins_issuers_and_handlers(pages: dict[str, Page]) -> None:
    page = pages["agencies.html"]
    assert {e.kind for e in page.edges} == {"ISSUED_BY", "HANDLED_BY", "RESPONDS_TO"}
    rows = {words(r[0]): r for r in table(page, "agencies").rows}
    assert rows["银川市民政局"][3] == "2"  # issued two seed documents
    assert "no agency → programme relation" in page.note
    proposals = {words(r[0]): r for r in table(page, "proposals").rows}
    assert len(proposals) == 4
    row = proposals["关于加强基层治理建设平安社区的提案"]
    assert row[3] == "银川市民政局" and "银川市公安局" in row[4] and row[2][1].startswith("document/")


def test_views_index_counts_and_lists_everything(graph: nx.MultiDiGraph, pages: dict[str, Page]) -> None:
    index = pages["index.html"]
    summary = dict(index.summary)
    assert summary["documents 文件"] == "5" and summary["adoptions 采用"] == "162"
    mechanisms = table(index, "mechanisms").rows
    counts = [int(row[1]) for row in mechanisms]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1, "adopted mechanisms come first"
    places = table(index, "places").rows
    assert len(places) == sum(1 for _, k in graph.nodes(data="kind") if k == "Place")
    assert [r[0] for r in places] == sorted(r[0] for r in places), "places are grouped by province"
    assert len(table(index, "documents").rows) == 5


# ---------------------------------------------------------------- the site holds together


def test_views_every_link_points_to_a_page_of_the_site(pages: dict[str, Page]) -> None:
    dangling = {(page.path, url) for page in pages.values() for url in urls(page) if url not in pages}
    assert dangling == set()


def test_views_views_are_well_formed(pages: dict[str, Page]) -> None:
    for page in pages.values():
        ids = [n.id for n in page.nodes]
        assert len(ids) == len(set(ids)), page.path
        assert all(e.src in ids and e.dst in ids for e in page.edges), page.path
        assert all(n.kind in KINDS for n in page.nodes), page.path
        assert all(len(row) == len(t.columns) for t in page.tables for row in t.rows), page.path


def test_views_file_names_are_safe_and_the_same_in_two_builds(
    seeds_dir: Path, pages: dict[str, Page], tmp_path: Path
) -> None:
    assert all(
        re.fullmatch(r"(?:(?:mechanism|place|document)/[a-z0-9-]+|index|overview|agencies)\.html", p) for p in pages
    )
    build([seeds_dir], tmp_path / "again", site=False)
    again = read_networkx(tmp_path / "again")
    assert [p.path for p in site_pages(again)] == list(pages)
    assert list(site_pages(again))[1] == pages["overview.html"]


def test_views_slug_of_a_foreign_iri_is_ascii_and_distinct() -> None:
    names = {slug(f"https://example.org/地方/{name}") for name in ("银川市", "银川", "Yinchuan", "yinchuan")}
    assert len(names) == 4 and all(re.fullmatch(r"[a-z0-9-]+", n) for n in names)


# ---------------------------------------------------------------- big graphs


def test_views_overview_folds_places_into_provinces_past_max_nodes(
    graph: nx.MultiDiGraph, pages: dict[str, Page]
) -> None:
    full = overview_page(graph)
    assert not any(n.kind == "Province" for n in full.nodes)
    small = overview_page(graph, max_nodes=60)
    assert len(small.nodes) <= 60
    provinces = [n for n in small.nodes if n.kind == "Province"]
    assert {n.label for n in provinces} <= {"宁夏回族自治区", "云南省", "浙江省", "甘肃省"} and provinces
    assert all(n.url in pages for n in provinces)
    assert "provinces" in small.note and "left out" in small.note


def test_views_overview_of_a_thousand_places_stays_small() -> None:
    g = nx.MultiDiGraph()
    g.add_node("https://w3id.org/govkg/id/doc/d1", kind="Document", doc_id="d1", label="答复")
    g.add_node("m", kind="Mechanism", label="网格化管理", canonical_id="m")
    for p in range(3):
        g.add_node(f"prov{p}", kind="Place", label=f"省{p}", level="province")
    for i in range(1000):
        g.add_node(f"c{i}", kind="Place", label=f"县{i}", level="county")
        g.add_edge(f"c{i}", f"prov{i % 3}", type="WITHIN")
        g.add_edge(
            f"c{i}", "m", type="ADOPTED", id=f"a{i}", doc_id="d1", status="implemented", sentence="推行网格化管理。"
        )
    page = overview_page(g)
    assert sorted(n.label for n in page.nodes) == ["省0", "省1", "省2", "网格化管理"]
    assert {e.label for e in page.edges} == {"334 places", "333 places"}
    assert "1000 places" in page.note


# ---------------------------------------------------------------- names and hostile strings


def test_views_find_node_says_what_is_wrong(graph: nx.MultiDiGraph) -> None:
    with pytest.raises(ViewError, match=r"No mechanism named '不存在' in the graph"):
        find_node(graph, "mechanism", "不存在")
    with pytest.raises(ViewError, match=r"Names that contain it: .*银川市"):
        find_node(graph, "place", "银川市政府")
    with pytest.raises(ViewError, match=r"No page kind 'agency'"):
        find_node(graph, "agency", "银川市民政局")


def test_views_hostile_document_builds_and_its_strings_stay_plain_text(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "hostile.txt").write_text(
        f"标题：关于{SCRIPT}推行“{IMG}”工作的答复\n发布机构：{IMG}民政局\n发布日期：2022-08-31\n"
        f"银川市全面推行“{IMG}工作法”。\n由{SCRIPT}民政局牵头，银川市{IMG}局配合，全市推行“三社联动”。\n"
        f"印发《{SCRIPT}实施方案》。\n银川市民政局\n2022年8月30日\n",
        encoding="utf-8",
    )
    build([tmp_path / "docs"], tmp_path / "out", site=False)
    g = read_networkx(tmp_path / "out")
    doc = find_node(g, "document", "hostile.txt")
    page = document_page(g, doc, sentences=Sentences(tmp_path / "out"))
    assert page.title == f"关于{SCRIPT}推行“{IMG}”工作的答复"
    assert dict(page.summary)["issuer 发文机关"] == f"{IMG}民政局"
    assert (f"{SCRIPT}实施方案",) == tuple(r[0] for r in table(page, "policies cited").rows)
    evidence = table(page, "adoptions").rows[0][-1]
    assert evidence == f"由{SCRIPT}民政局牵头，银川市{IMG}局配合，全市推行“三社联动”。"
    assert any(e.details and dict(e.details).get("evidence 证据") == evidence for e in page.edges)
    index = index_page(g)
    assert (page.title, page.path) in [r[0] for r in table(index, "documents").rows]


def test_views_hostile_names_of_mechanisms_agencies_and_places_stay_plain_text(seed_out: Path) -> None:
    g = read_networkx(seed_out)  # a copy to change: labels a document could have given
    mech = find_node(g, "mechanism", "大党委")
    place = find_node(g, "place", "银川市")
    g.nodes[mech]["label"] = f"大党{IMG}委"
    g.nodes[place]["label"] = f"银川{SCRIPT}市"
    agency = next(n for n, a in g.nodes(data=True) if a.get("label") == "银川市民政局")
    g.nodes[agency]["label"] = f"{SCRIPT}民政局"
    page = mechanism_page(g, mech)
    assert page.title == f"大党{IMG}委 · mechanism 机制"
    assert f"大党{IMG}委" in {n.label for n in page.nodes}
    assert f"银川{SCRIPT}市" in {n.label for n in page.nodes}
    assert (f"银川{SCRIPT}市", "place/640100.html") in [r[0] for r in table(page, "adoptions").rows]
    agencies = agency_page(g)
    assert (f"{SCRIPT}民政局", "agencies.html") in [r[0] for r in table(agencies, "agencies").rows]
    assert any(n.label == f"{SCRIPT}民政局" and n.kind == "Agency" for n in agencies.nodes)
