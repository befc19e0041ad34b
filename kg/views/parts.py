"""The pieces every page is made of: a graph node as a view node, an adoption as an edge and a row.

Labels and column names are bilingual and short (``status 状态``); values are the
graph's own strings, never HTML (the renderer escapes them).

Examples
--------
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("https://w3id.org/govkg/id/place/640100", kind="Place", label="银川市", level="city", code="640100")
>>> node = view_node(g, "https://w3id.org/govkg/id/place/640100")
>>> node.label, node.url, node.title
('银川市', 'place/640100.html', 'city')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from kg.views.aggregate import MAX_EDGES, keep_heaviest, keep_top, sized, weight
from kg.views.facts import Adoption, Sentences, province_of
from kg.views.links import NAV, node_url, page_path
from kg.views.model import Cell, Edge, Node, Page, Table

__all__ = [
    "ADOPTION_COLUMNS",
    "NAV",
    "STATUS_TEXT",
    "adoption_edge",
    "adoption_row",
    "alt_labels",
    "label_of",
    "link",
    "make_page",
    "mention_sentence",
    "province_label",
    "quantity",
    "short",
    "status_text",
    "table",
    "text",
    "view_node",
    "written",
]

#: How a status reads in a table or panel.
STATUS_TEXT = {
    "implemented": "implemented 实施",
    "piloting": "piloting 试点",
    "planned": "planned 计划",
    "proposed": "proposed 建议",
}
#: The columns of an adoption table (:func:`adoption_row`).
ADOPTION_COLUMNS = (
    "place 地方",
    "mechanism 机制",
    "form 名称",
    "status 状态",
    "year 年份",
    "document 文件",
    "evidence 证据",
)


def text(value: object) -> str:
    """A value as plain text: ``None`` → ``""``, ``2019.0`` → ``"2019"``.

    >>> text(None), text(2019.0), text(0.5), text("银川")
    ('', '2019', '0.5', '银川')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def quantity(attrs: Mapping[str, Any]) -> str:
    """An observation's value with its approximation word: ``120000000 (余)``.

    >>> quantity({"value": 1.2e8, "qualifier": "余"}), quantity({"value": 27.26})
    ('120000000 (余)', '27.26')
    """
    value = text(attrs.get("value"))
    return f"{value} ({attrs['qualifier']})" if attrs.get("qualifier") else value


def status_text(status: str | None) -> str:
    """``implemented`` → ``implemented 实施``."""
    return STATUS_TEXT.get(status or "", status or "")


def label_of(graph: nx.MultiDiGraph, node: str) -> str:
    """A node's name: its label, else its title or id."""
    attrs = graph.nodes[node]
    return str(attrs.get("label") or attrs.get("title") or node)


def short(words: str, limit: int = 24) -> str:
    """``words`` cut to ``limit`` characters with an ellipsis, for a node's label.

    >>> short("关于加强基层治理建设平安社区的提案", 8)
    '关于加强基层治理…'
    """
    return words if len(words) <= limit else words[:limit].rstrip() + "…"


def link(graph: nx.MultiDiGraph, node: str, words: str | None = None) -> Cell:
    """A table cell naming ``node``, linked to its page when it has one."""
    url = node_url(graph, node)
    name = words if words is not None else label_of(graph, node)
    return (name, url) if url else name


def province_label(graph: nx.MultiDiGraph, place: str) -> str | None:
    """The name of the province ``place`` lies in."""
    province = province_of(graph, place)
    return None if province is None else label_of(graph, province)


def _details(graph: nx.MultiDiGraph, node: str, attrs: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    kind = attrs.get("kind")
    rows: list[tuple[str, object]]
    if kind == "Mechanism":
        what = (
            "candidate 新词"
            if attrs.get("candidate")
            else "local form 地方名称"
            if attrs.get("local_form")
            else "thesaurus concept 词表概念"
        )
        rows = [
            ("kind 类型", what),
            ("also 别名", (attrs.get("alt_labels") or "").replace("|", "、")),
            ("definition 定义", attrs.get("definition")),
            ("cue 线索", attrs.get("cue")),
        ]
    elif kind == "Place":
        rows = [
            ("level 级别", attrs.get("level")),
            ("code 代码", attrs.get("code")),
            ("province 省", province_label(graph, node)),
            ("also 别名", (attrs.get("alt_labels") or "").replace("|", "、")),
        ]
    elif kind == "Agency":
        rows = [
            ("kind 类别", attrs.get("classification")),
            ("also 别名", (attrs.get("alt_labels") or "").replace("|", "、")),
        ]
    elif kind == "Document":
        rows = [
            ("kind 类型", attrs.get("doc_type")),
            ("issuer 发文机关", attrs.get("issuer")),
            ("published 发布", attrs.get("published")),
            ("source 文件", attrs.get("source")),
        ]
    elif kind == "Proposal":
        rows = [
            ("body 机构", attrs.get("body")),
            ("number 编号", attrs.get("number")),
            ("proposers 提出者", (attrs.get("proposers") or "").replace("|", "、")),
        ]
    elif kind == "Policy":
        rows = [("year 年份", attrs.get("year"))]
    elif kind == "Observation":
        rows = [
            ("indicator 指标", attrs.get("indicator")),
            ("value 数值", attrs.get("value")),
            ("unit 单位", attrs.get("unit")),
            ("date 日期", attrs.get("date")),
            ("evidence 证据", attrs.get("sentence")),
        ]
    else:
        rows = []
    return tuple((name, text(value)) for name, value in rows if text(value))


#: Kinds whose names are long titles, cut on the node (the tooltip and the tables keep them whole).
_TITLED = {"Document", "Proposal", "Policy", "Observation"}


def view_node(
    graph: nx.MultiDiGraph,
    node: str,
    *,
    kind: str | None = None,
    label: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> Node:
    """``node`` of the graph as a view node: label, tooltip, link, details, and its province as group.

    The tooltip holds what the renderer does not already show (it shows the label and the
    kind): the whole name when the label is cut, the level or type, the province.

    Parameters
    ----------
    kind : shown as this kind instead (``Province`` for a province standing for its places)
    label : shown with this label instead of the graph's (a document's cut title)
    extra : more rows for the details panel, first
    """
    attrs = graph.nodes[node]
    name = label_of(graph, node)
    shown_kind = kind or str(attrs.get("kind"))
    if attrs.get("kind") == "Place":
        group = province_label(graph, node)
    elif attrs.get("kind") == "Agency":
        places = sorted(dst for _, dst, t in graph.out_edges(node, data="type") if t == "JURISDICTION")
        group = province_label(graph, places[0]) if places else None
    else:
        group = None
    shown = label or (short(name) if attrs.get("kind") in _TITLED else name)
    words = [
        name if shown != name else "",
        *(text(attrs.get(k)) for k in ("level", "doc_type", "classification")),
        group if group != name else None,
    ]
    return Node(
        id=node,
        label=shown,
        kind=shown_kind,
        title=" · ".join(w for w in words if w),
        url=node_url(graph, node),
        details=(*extra, *_details(graph, node, attrs)),
        group=group,
    )


def written(graph: nx.MultiDiGraph, a: Adoption) -> str:
    """The name of an adoption as the document writes it (塞上枫桥, 街道大工委), else its form's label."""
    return a.surface or label_of(graph, a.form)


def adoption_edge(graph: nx.MultiDiGraph, a: Adoption, *, dst: str | None = None) -> Edge:
    """An adoption as an edge ``place → mechanism`` (or ``→ dst``): coloured by status, labelled with the year,
    the evidence sentence and the document in its details, the document's page as its link."""
    place, mech = label_of(graph, a.place), label_of(graph, a.mechanism)
    form, year = written(graph, a), text(a.year)
    details = (
        ("place 地方", place),
        ("mechanism 机制", mech),
        ("as written 原文", form),
        ("status 状态", status_text(a.status)),
        ("year 年份", year),
        ("evidence 证据", a.sentence),
        ("document 文件", label_of(graph, a.doc)),
    )
    return Edge(
        src=a.place,
        dst=dst or a.mechanism,
        kind="ADOPTED",
        label=year,
        title=" · ".join(w for w in (form, year) if w),
        details=tuple((k, v) for k, v in details if v),
        url=page_path(graph, a.doc),
        status=a.status or None,
    )


def adoption_row(graph: nx.MultiDiGraph, a: Adoption) -> tuple[Cell, ...]:
    """An adoption as a row of :data:`ADOPTION_COLUMNS`."""
    return (
        link(graph, a.place),
        link(graph, a.mechanism),
        written(graph, a),
        status_text(a.status),
        text(a.year),
        link(graph, a.doc),
        a.sentence,
    )


#: Edges a cut never drops: what holds a page's graph together (a place in its parent, a form of its concept).
_STRUCTURE = {"WITHIN", "BROADER", "ISSUED_BY", "RESPONDS_TO"}


def make_page(
    path: str | None,
    title: str,
    nodes: list[Node],
    edges: list[Edge],
    *,
    keep: str,
    max_nodes: int,
    note: str,
    summary: Iterable[tuple[str, Cell]] = (),
    tables: tuple[Table, ...] = (),
) -> Page:
    """A page whose graph is cut to ``max_nodes`` (``keep`` always stays), sized and placed; empty summary rows dropped."""
    nodes, edges, dropped = keep_top(nodes, edges, max_nodes, keep=frozenset({keep}))
    if dropped:
        note += f" Too many to draw: the {dropped} least connected nodes are left out; the tables list everything."
    edges, cut = keep_heaviest(edges, MAX_EDGES, lambda e: math.inf if e.kind in _STRUCTURE else weight(e))
    if cut:
        note += f" Only the {len(edges)} lines standing for the most are drawn ({cut} more are left out)."
    return Page(
        path=path or "",
        title=title,
        summary=tuple((k, v) for k, v in summary if v),
        nodes=tuple(sized(nodes, edges)),
        edges=tuple(edges),
        tables=tables,
        nav=NAV,
        note=note,
    )


def table(title: str, columns: tuple[str, ...], rows: Iterable[tuple[Cell, ...]]) -> tuple[Table, ...]:
    """A one-table tuple, or none when there are no rows, so a page lists only what it has."""
    found = tuple(rows)
    return (Table(title=title, columns=columns, rows=found),) if found else ()


def mention_sentence(sentences: Sentences | None, graph: nx.MultiDiGraph, doc: str, edge: Mapping[str, Any]) -> str:
    """The evidence of an edge: its own sentence, else the sentence its first mention lies in, else ``""``."""
    if edge.get("sentence"):
        return str(edge["sentence"])
    if sentences is None:
        return ""
    return sentences.at(str(graph.nodes[doc].get("doc_id")), edge.get("mention_start")) or ""


def alt_labels(attrs: Mapping[str, Any]) -> str:
    return text(attrs.get("alt_labels")).replace("|", "、")
