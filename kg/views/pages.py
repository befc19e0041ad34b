"""The pages of the site, as :class:`~kg.views.model.Page` records built from the networkx graph.

The site-wide pages live here: :func:`index_page` (what is in the graph, with lists
linking to every page) and :func:`overview_page` (mechanisms and the places that
adopted them); :func:`site_pages` yields every page of the site. The others are
re-exported from their modules: :func:`agency_page` (:mod:`kg.views.agencies`),
:func:`mechanism_page` (:mod:`kg.views.mechanism`), :func:`place_page`
(:mod:`kg.views.place`) and :func:`document_page` (:mod:`kg.views.document`). Every
function reads the graph :func:`kg.stores.networkx.read_networkx` returns and never
changes it; links are relative to the site's root.

Big graphs: past :data:`~kg.views.aggregate.MAX_NODES` nodes the overview shows each
province in place of its places, then keeps the most connected nodes, and past
:data:`~kg.views.aggregate.MAX_EDGES` lines the ones standing for the most places; the
note under the graph says what was folded, and the tables and detail pages stay complete.

Examples
--------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("https://w3id.org/govkg/mechanism/three-social-linkage", kind="Mechanism", label="三社联动",
...            canonical_id="https://w3id.org/govkg/mechanism/three-social-linkage")
>>> page = index_page(g)
>>> page.path, page.tables[0].rows[0][0]
('index.html', ('三社联动', 'mechanism/three-social-linkage.html'))
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import networkx as nx

from kg.views.agencies import agency_page
from kg.views.aggregate import MAX_EDGES, MAX_NODES, fold, keep_heaviest, keep_top, sized
from kg.views.document import document_page
from kg.views.facts import Adoption, Sentences, adoptions, documents_of, join, nodes_of, province_of, strongest
from kg.views.links import NAV, canonical, page_path
from kg.views.mechanism import mechanism_page
from kg.views.model import Edge, Node, Page, Table
from kg.views.parts import label_of, link, province_label, status_text, text, view_node, written
from kg.views.place import place_page

__all__ = ["agency_page", "document_page", "index_page", "mechanism_page", "overview_page", "place_page", "site_pages"]

#: Node kinds counted on the index, in the order shown.
_COUNTED = (
    ("Document", "documents 文件"),
    ("Mechanism", "mechanisms 机制"),
    ("Place", "places 地方"),
    ("Agency", "agencies 机构"),
    ("Policy", "policies 政策"),
    ("Program", "programmes 项目"),
    ("Proposal", "proposals 提案"),
    ("Observation", "metrics 指标"),
)


def _all_adoptions(graph: nx.MultiDiGraph) -> list[Adoption]:
    return adoptions(graph, forms=nodes_of(graph, "Mechanism"))


def _overview_edges(graph: nx.MultiDiGraph, found: list[Adoption]) -> list[Edge]:
    """One edge per (place, mechanism): strongest status, earliest year, forms and documents in its details."""
    pairs: dict[tuple[str, str], list[Adoption]] = defaultdict(list)
    for a in found:
        pairs[(a.place, a.mechanism)].append(a)
    edges = []
    for (place_id, mech), group in sorted(pairs.items()):
        years = sorted(a.year for a in group if a.year is not None)
        status = strongest(a.status for a in group)
        forms = join((written(graph, a) for a in group), "；")
        details = (
            ("place 地方", label_of(graph, place_id)),
            ("mechanism 机制", label_of(graph, mech)),
            ("forms 名称", forms),
            ("status 状态", status_text(status)),
            ("year 年份", text(years[0]) if years else ""),
            ("documents 文件", str(len({a.doc for a in group}))),
            ("evidence 证据", group[0].sentence),
            ("document 文件", label_of(graph, group[0].doc)),
        )
        edges.append(
            Edge(
                src=place_id,
                dst=mech,
                kind="ADOPTED",
                label=text(years[0]) if years else "",
                title=forms,
                details=tuple((k, v) for k, v in details if v),
                url=page_path(graph, group[0].doc),
                status=status,
            )
        )
    return edges


def overview_page(graph: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES) -> Page:
    """Mechanisms and the places that adopted them, sized by degree, places grouped by province.

    Local forms are folded into their concept (the forms are in each edge's details).
    Past ``max_nodes`` nodes, places are replaced by their province (a ``Province`` node
    linking to the province's page); if that is still too many, the most connected nodes
    are kept. Past ``max_edges`` lines, the lines standing for the most places are kept
    (each node keeps at least its strongest one). The page's note says what was folded or
    left out.
    """
    found = _all_adoptions(graph)
    edges = _overview_edges(graph, found)
    ids = sorted({a.mechanism for a in found}) + sorted({a.place for a in found})
    nodes = [view_node(graph, n) for n in ids]
    notes = [
        f"{len({a.mechanism for a in found})} mechanisms adopted by {len({a.place for a in found})} places "
        f"({len(found)} adoptions). Line colour: status; label: the earliest year stated. "
        "Click a node for its page, a line for its evidence."
    ]
    into: dict[str, Node] = {}
    if len(nodes) > max_nodes:
        provinces = {p: province_of(graph, p) for p in {a.place for a in found}}
        members = Counter(v for v in provinces.values() if v is not None)
        into = {
            p: view_node(graph, prov, kind="Province", extra=(("places 地方", str(members[prov])),))
            for p, prov in provinces.items()
            if prov is not None
        }
        nodes, edges = fold(nodes, edges, into)
        notes.append(
            f"Too many to draw: the {len(into)} places are shown as their {len(members)} provinces; "
            "open a province for its places, or use the lists on the index."
        )
    nodes, edges, dropped = keep_top(nodes, edges, max_nodes)
    if dropped:
        notes.append(f"The {dropped} least connected nodes are left out; every mechanism and place has its page.")
    edges, cut = keep_heaviest(edges, max_edges)
    if cut:
        notes.append(
            f"Only the {len(edges)} lines standing for the most places are drawn ({cut} more are left out); "
            "each province's page has the rest."
        )
    table = Table(
        title="provinces 省份",
        columns=("province 省", "places 地方", "adoptions 采用"),
        rows=tuple(
            (link(graph, prov), str(len(places)), str(sum(1 for a in found if a.place in places)))
            for prov, places in sorted(_by_province(graph, {a.place for a in found}).items())
        ),
    )
    return Page(
        path="overview.html",
        title="总览 Overview: mechanisms and the places that adopted them",
        nodes=tuple(sized(nodes, edges)),
        edges=tuple(edges),
        tables=(table,),
        nav=NAV,
        note=" ".join(notes),
    )


def _by_province(graph: nx.MultiDiGraph, places: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p in places:
        province = province_of(graph, p)
        if province is not None:
            out[province].add(p)
    return out


def index_page(graph: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES) -> Page:
    """What the graph holds: counts by kind, the overview graph, and tables of mechanisms (adopted ones
    first), places (by province) and documents, each row linking to its page."""
    found = _all_adoptions(graph)
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    summary = [(name, str(kinds[kind])) for kind, name in _COUNTED]
    summary[1] = (summary[1][0], f"{kinds['Mechanism']} · {len({a.mechanism for a in found})} adopted 已采用")
    summary.insert(3, ("adoptions 采用", str(len(found))))
    by_mech: dict[str, list[Adoption]] = defaultdict(list)
    by_place: dict[str, list[Adoption]] = defaultdict(list)
    for a in found:
        by_mech[a.mechanism].append(a)
        by_place[a.place].append(a)
    mechanisms = [m for m in nodes_of(graph, "Mechanism") if canonical(graph, m) == m]
    forms: dict[str, list[str]] = defaultdict(list)
    for m in nodes_of(graph, "Mechanism"):
        if canonical(graph, m) != m:
            forms[canonical(graph, m)].append(label_of(graph, m))
    adopters = {m: len({a.place for a in by_mech[m]}) for m in mechanisms}
    ranked = sorted(mechanisms, key=lambda m: (-adopters[m], label_of(graph, m), m))
    mech_table = Table(
        title="mechanisms 机制",
        columns=(
            "mechanism 机制",
            "places 地方",
            "adoptions 采用",
            "documents 文件",
            "local forms 地方名称",
            "kind 类型",
        ),
        rows=tuple(
            (
                link(graph, m),
                str(adopters[m]),
                str(len(by_mech[m])),
                str(len({d for d, _ in documents_of(graph, m)} | {a.doc for a in by_mech[m]})),
                "；".join(sorted(forms[m])),
                "candidate 新词" if graph.nodes[m].get("candidate") else "thesaurus 词表",
            )
            for m in ranked
        ),
    )
    depth = {"country": 0, "province": 1, "city": 2, "county": 3, "town": 4, "village": 5}
    place_rows = sorted(
        (province_label(graph, p) or "", depth.get(graph.nodes[p].get("level") or "", 6), label_of(graph, p), p)
        for p in nodes_of(graph, "Place")
    )
    place_table = Table(
        title="places 地方",
        columns=("province 省", "place 地方", "level 级别", "mechanisms 机制", "adoptions 采用"),
        rows=tuple(
            (
                province,
                link(graph, p),
                text(graph.nodes[p].get("level")),
                str(len({a.mechanism for a in by_place[p]})),
                str(len(by_place[p])),
            )
            for province, _, _, p in place_rows
        ),
    )
    docs = sorted(nodes_of(graph, "Document"), key=lambda d: (text(graph.nodes[d].get("published")), d), reverse=True)
    doc_table = Table(
        title="documents 文件",
        columns=("title 标题", "issuer 发文机关", "published 发布", "kind 类型", "source 文件"),
        rows=tuple(
            (link(graph, d), *(text(graph.nodes[d].get(k)) for k in ("issuer", "published", "doc_type", "source")))
            for d in docs
        ),
    )
    overview = overview_page(graph, max_nodes=max_nodes)
    note = (
        f"{overview.note} Search the graph with the box above it, or filter the tables below; "
        "the overview has its own page."
    )
    return Page(
        path="index.html",
        title="govkg: grassroots governance knowledge graph 基层治理知识图谱",
        summary=tuple(summary),
        nodes=overview.nodes,
        edges=overview.edges,
        tables=(mech_table, place_table, doc_table),
        nav=NAV,
        note=note,
    )


def site_pages(
    graph: nx.MultiDiGraph, *, sentences: Sentences | None = None, max_nodes: int = MAX_NODES
) -> Iterator[Page]:
    """Every page of the site, one at a time: index, overview, agencies, then each mechanism, place and document.

    Mechanisms get a page each (every concept of the thesaurus and every candidate); a
    local form is shown on its concept's page.
    """
    yield index_page(graph, max_nodes=max_nodes)
    yield overview_page(graph, max_nodes=max_nodes)
    yield agency_page(graph, max_nodes=max_nodes)
    for m in nodes_of(graph, "Mechanism"):
        if canonical(graph, m) == m:
            yield mechanism_page(graph, m, max_nodes=max_nodes)
    for p in nodes_of(graph, "Place"):
        yield place_page(graph, p, sentences=sentences, max_nodes=max_nodes)
    for d in nodes_of(graph, "Document"):
        yield document_page(graph, d, sentences=sentences, max_nodes=max_nodes)
