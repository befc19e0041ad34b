"""The page of one place (re-exported by :mod:`kg.views.pages`).

What it and the places within it adopted, its agencies, policies, programmes and
metrics, the places within it and the documents about it, each with the document and
the evidence sentence that state it. ``sentences`` (:class:`~kg.views.facts.Sentences`)
gives the sentence around a mention for the facts the graph keeps by offset only
(agencies, programmes, place mentions); without it those rows name the document alone.
"""

from __future__ import annotations

import networkx as nx

from kg.queries.walk import reaching
from kg.views.aggregate import MAX_NODES, fold
from kg.views.facts import Adoption, Sentences, adoptions, document_node, documents_of, join, neighbours, strongest
from kg.views.links import page_path
from kg.views.model import Cell, Edge, Page
from kg.views.parts import (
    ADOPTION_COLUMNS,
    adoption_edge,
    adoption_row,
    alt_labels,
    label_of,
    link,
    make_page,
    mention_sentence,
    province_label,
    quantity,
    status_text,
    table,
    text,
    view_node,
)

__all__ = ["MAX_ROWS", "place_page"]

#: A place page lists at most about this many adoptions or places within, one per row.
MAX_ROWS = 1000


def _by_mechanism(graph: nx.MultiDiGraph, found: list[Adoption]) -> list[tuple[str, list[Adoption]]]:
    """Adoptions grouped by mechanism, the most widely adopted first."""
    groups: dict[str, list[Adoption]] = {}
    for a in found:
        groups.setdefault(a.mechanism, []).append(a)
    return sorted(groups.items(), key=lambda kv: (-len({a.place for a in kv[1]}), label_of(graph, kv[0]), kv[0]))


def place_page(
    graph: nx.MultiDiGraph,
    place_id: str,
    *,
    sentences: Sentences | None = None,
    max_nodes: int = MAX_NODES,
    max_rows: int = MAX_ROWS,
) -> Page:
    """The page of a place.

    The graph: the place, the place it lies in, the places directly within it, its
    agencies, and each mechanism adopted here or further down, drawn from the place within
    that holds the adopter. The tables: adoptions (here and within), the places within,
    agencies, policies, programmes and metrics whose place this is, and the documents
    about it, each with its document and evidence sentence.

    A place with more than ``max_rows`` adoptions within it (a province, the country)
    lists its own adoptions and counts those within by mechanism; one with more than
    ``max_rows`` places within lists the levels that fit.
    """
    attrs = graph.nodes[place_id]
    depth: dict[str, int] = {}  # the places within, and how many steps down each lies
    frontier = [place_id]
    while frontier:
        frontier = sorted({c for p in frontier for c, _ in neighbours(graph, p, "WITHIN", incoming=True)} - set(depth))
        depth.update(
            (c, 1 + max((depth.get(p, 0) for p, _ in neighbours(graph, c, "WITHIN")), default=0)) for c in frontier
        )
    within = set(depth) - {place_id}
    children = sorted(src for src, _ in neighbours(graph, place_id, "WITHIN", incoming=True))
    parents = sorted(dst for dst, _ in neighbours(graph, place_id, "WITHIN"))
    found = sorted(
        adoptions(graph, places=[place_id, *sorted(within)]),
        key=lambda a: (a.place != place_id, label_of(graph, a.place), label_of(graph, a.mechanism), a.doc),
    )
    mechanisms = sorted({a.mechanism for a in found})
    adopted_by: dict[str, set[str]] = {}
    for a in found:
        adopted_by.setdefault(a.place, set()).add(a.mechanism)

    def holding(kind: str, edge: str = "JURISDICTION") -> list[str]:
        return sorted(src for src, _ in neighbours(graph, place_id, edge, incoming=True, kind=kind))

    agencies = holding("Agency")
    base = {n: view_node(graph, n) for n in dict.fromkeys((place_id, *parents, *children, *mechanisms, *agencies))}
    under = {p: c for c in children for p in (c, *reaching(graph, c, "WITHIN"))}
    deeper = sorted({a.place for a in found} - set(base))
    nodes, edges = fold(
        [*base.values(), *(view_node(graph, p) for p in deeper)],
        [
            *(Edge(src=place_id, dst=p, kind="WITHIN", label="within 属于") for p in parents),
            *(Edge(src=c, dst=place_id, kind="WITHIN", label="within 属于") for c in children),
            *(Edge(src=a, dst=place_id, kind="JURISDICTION", label="jurisdiction 辖区") for a in agencies),
            *(adoption_edge(graph, a) for a in found),
        ],
        {p: base[under[p]] for p in deeper},
    )

    def first(node: str, edge: str = "MENTIONS") -> tuple[Cell, str]:
        docs = documents_of(graph, node, edge)
        return (link(graph, docs[0][0]), mention_sentence(sentences, graph, *docs[0])) if docs else ("", "")

    def metric(m: str) -> tuple[Cell, ...]:
        obs, doc = graph.nodes[m], document_node(graph, graph.nodes[m].get("doc_id"))
        return (
            text(obs.get("indicator")),
            quantity(obs),
            text(obs.get("unit")),
            text(obs.get("date")),
            link(graph, doc) if doc else "",
            text(obs.get("sentence")),
        )

    note = (
        "The place, the place it lies in, the places directly within it and its agencies. A mechanism adopted "
        "further down is drawn from the place within that holds the adopter; its panel names the adopter."
    )
    if len(found) > max_rows:  # a province or the country: its own adoptions, and those within by mechanism
        adoption_tables = (
            *table(
                "mechanisms adopted here 本地采用的机制",
                ADOPTION_COLUMNS,
                (adoption_row(graph, a) for a in found if a.place == place_id),
            ),
            *table(
                "mechanisms adopted in the places within, by mechanism 下辖地方采用的机制",
                ("mechanism 机制", "places 地方", "adoptions 采用", "strongest status 最高状态", "first year 最早年份"),
                (
                    (
                        link(graph, m),
                        str(len({a.place for a in group})),
                        str(len(group)),
                        status_text(strongest(a.status for a in group)),
                        text(min((a.year for a in group if a.year is not None), default=None)),
                    )
                    for m, group in _by_mechanism(graph, [a for a in found if a.place != place_id])
                ),
            ),
        )
        note += (
            f" The {len(found) - sum(a.place == place_id for a in found)} adoptions in the places within are "
            "counted by mechanism; each place's page lists its own."
        )
    else:
        adoption_tables = table(
            "mechanisms adopted here and in the places within 采用的机制",
            ADOPTION_COLUMNS,
            (adoption_row(graph, a) for a in found),
        )
    listed = sorted(within, key=lambda p: (depth[p], label_of(graph, p), p))
    if len(listed) > max_rows:  # the levels that fit, and at least the places directly within
        deepest = max([1, *(d for d in set(depth.values()) if sum(v <= d for v in depth.values()) <= max_rows)])
        listed = [p for p in listed if depth[p] <= deepest]
        note += f" Places within: the {len(listed)} of the top {deepest} level(s) of {len(within)}; the others are on their parents' pages."
    tables = (
        *adoption_tables,
        *table(
            "places within 下辖地方",
            ("place 地方", "level 级别", "within 属于", "mechanisms 机制"),
            (
                (
                    link(graph, p),
                    text(graph.nodes[p].get("level")),
                    join(label_of(graph, d) for d, _ in neighbours(graph, p, "WITHIN")),
                    str(len(adopted_by.get(p, ()))),
                )
                for p in listed
            ),
        ),
        *table(
            "agencies 机构",
            ("agency 机构", "kind 类别", "first document 文件", "evidence 证据"),
            ((link(graph, a), text(graph.nodes[a].get("classification")), *first(a)) for a in agencies),
        ),
        *table(
            "policies 政策",
            ("policy 政策", "year 年份", "cited in 文件", "evidence 证据"),
            ((label_of(graph, p), text(graph.nodes[p].get("year")), *first(p, "CITES")) for p in holding("Policy")),
        ),
        *table(
            "programmes 项目",
            ("programme 项目", "document 文件", "evidence 证据"),
            ((label_of(graph, p), *first(p)) for p in holding("Program")),
        ),
        *table(
            "metrics 指标",
            ("indicator 指标", "value 数值", "unit 单位", "date 日期", "document 文件", "evidence 证据"),
            (metric(m) for m in holding("Observation", "MEASURED")),
        ),
        *table(
            "documents 文件",
            ("document 文件", "how 关系", "published 发布", "evidence 证据"),
            (
                *(
                    (link(graph, d), "jurisdiction 辖区", text(graph.nodes[d].get("published")), "")
                    for d, _ in documents_of(graph, place_id, "JURISDICTION")
                ),
                *(
                    (
                        link(graph, d),
                        "mentions 提及",
                        text(graph.nodes[d].get("published")),
                        mention_sentence(sentences, graph, d, e),
                    )
                    for d, e in documents_of(graph, place_id)
                ),
            ),
        ),
    )
    summary: list[tuple[str, Cell]] = [
        ("level 级别", text(attrs.get("level"))),
        ("code 代码", text(attrs.get("code"))),
        *(("within 属于", link(graph, p)) for p in parents),
        ("province 省", province_label(graph, place_id) or ""),
        ("also 别名", alt_labels(attrs)),
        ("mechanisms 机制", str(len(mechanisms))),
        ("places within 下辖", str(len(within))),
    ]
    return make_page(
        page_path(graph, place_id),
        f"{label_of(graph, place_id)} · place 地方",
        nodes,
        edges,
        keep=place_id,
        max_nodes=max_nodes,
        note=note,
        summary=summary,
        tables=tables,
    )
