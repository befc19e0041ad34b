"""The page of one mechanism (re-exported by :mod:`kg.views.pages`).

Its local forms, the places that adopted each name (one line per adoption, coloured by
status, labelled with the year), every adoption with its document and evidence
sentence, the diffusion (new and cumulative adopting places by year, as
:func:`kg.research.diffusion.diffusion_table` counts them), and the policies the
documents behind those adoptions cite.
"""

from __future__ import annotations

import networkx as nx

from kg.queries.walk import reaching
from kg.research.diffusion import adopters as first_adopters
from kg.research.diffusion import diffusion_rows
from kg.views.aggregate import MAX_NODES, fold
from kg.views.facts import adoptions, documents_of, join, neighbours, province_of
from kg.views.links import canonical, page_path
from kg.views.model import Cell, Edge, Page
from kg.views.parts import (
    adoption_edge,
    alt_labels,
    label_of,
    link,
    make_page,
    province_label,
    status_text,
    table,
    text,
    view_node,
    written,
)

__all__ = ["mechanism_page"]


def mechanism_page(graph: nx.MultiDiGraph, mechanism: str, *, max_nodes: int = MAX_NODES) -> Page:
    """The page of a mechanism (a local form gives its concept's page).

    The graph: the mechanism, its local forms, and the places that adopted each name, one
    line per adoption coloured by status and labelled with the year (past ``max_nodes``
    nodes, places are shown as their provinces). The tables: every adoption with its
    document and evidence, the policies those documents cite (those in an adoption's own
    sentence first), the local forms, the documents, and the related concepts.
    """
    mech = canonical(graph, mechanism)
    attrs = graph.nodes[mech]
    forms = sorted(n for n in reaching(graph, mech, "BROADER") if canonical(graph, n) == mech and n != mech)
    found = sorted(
        adoptions(graph, forms=[mech, *forms]),
        key=lambda a: (province_label(graph, a.place) or "", label_of(graph, a.place), a.year or 0, a.doc),
    )
    adopters = sorted({a.place for a in found})
    nodes = [view_node(graph, n) for n in (mech, *forms, *adopters)]
    edges = [
        Edge(src=f, dst=mech, kind="BROADER", title=f"{label_of(graph, f)} is a local form of {label_of(graph, mech)}")
        for f in forms
    ]
    edges += [adoption_edge(graph, a, dst=a.form) for a in found]
    note = "Places → the name they adopted (a local form → its concept). Line colour: status; label: the year stated."
    if len(nodes) > max_nodes:
        provinces = {p: province_of(graph, p) for p in adopters}
        into = {p: view_node(graph, prov, kind="Province") for p, prov in provinces.items() if prov is not None}
        nodes, edges = fold(nodes, edges, into)
        note += (
            f" Too many to draw: the {len(into)} places are shown as their "
            f"{len(set(provinces.values()) - {None})} provinces; the table lists each place."
        )
    docs = sorted({a.doc for a in found} | {d for n in (mech, *forms) for d, _ in documents_of(graph, n)})
    stated = {(a.doc, a.sentence) for a in found}
    policies = sorted(
        (
            (d, p, e.get("sentence") or "")
            for d in sorted({a.doc for a in found})
            for p, e in neighbours(graph, d, "CITES")
        ),
        key=lambda r: ((r[0], r[2]) not in stated, label_of(graph, r[1]), r[0]),
    )
    spread = first_adopters(graph, [mech, *forms])
    undated = [a.place for a in spread if a.year is None]
    broader = [b for b, _ in neighbours(graph, mech, "BROADER")]
    narrower = [n for n, _ in neighbours(graph, mech, "BROADER", incoming=True) if n not in forms]
    summary: list[tuple[str, Cell]] = [
        (
            "kind 类型",
            "candidate 新词, not in the thesaurus" if attrs.get("candidate") else "thesaurus concept 词表概念",
        ),
        ("also 别名", alt_labels(attrs)),
        ("definition 定义", text(attrs.get("definition"))),
        ("local forms 地方名称", join((label_of(graph, f) for f in forms), "；")),
        ("places 地方", str(len(adopters))),
        ("adoptions 采用", str(len(found))),
        ("documents 文件", str(len(docs))),
    ]
    tables = (
        *table(
            "adoptions 采用: who adopted it, and where it is said",
            ("place 地方", "province 省", "form 名称", "status 状态", "year 年份", "document 文件", "evidence 证据"),
            (
                (
                    link(graph, a.place),
                    province_label(graph, a.place) or "",
                    written(graph, a),
                    status_text(a.status),
                    text(a.year),
                    link(graph, a.doc),
                    a.sentence,
                )
                for a in found
            ),
        ),
        *table(
            "diffusion 扩散: places adopting it by year (the year stated, else the document's publication year)",
            ("year 年份", "new places 新增地方", "cumulative 累计", "places 地方"),
            (
                *(
                    (str(year), str(new), str(total), join((label_of(graph, p) for p in places), "、"))
                    for year, new, total, places in diffusion_rows(spread, fill=False)
                ),
                *(
                    (("no year 无年份", str(len(undated)), "", join((label_of(graph, p) for p in undated), "、")),)
                    if undated
                    else ()
                ),
            ),
        ),
        *table(
            "policies cited by those documents 依据的政策",
            ("policy 政策", "year 年份", "document 文件", "evidence 证据", "in an adoption's sentence 同句"),
            (
                (
                    label_of(graph, p),
                    text(graph.nodes[p].get("year")),
                    link(graph, d),
                    sentence,
                    "yes 是" if (d, sentence) in stated else "",
                )
                for d, p, sentence in policies
            ),
        ),
        *table(
            "local forms 地方名称",
            ("form 名称", "places 地方", "adoptions 采用"),
            (
                (
                    label_of(graph, f),
                    join(label_of(graph, a.place) for a in found if a.form == f),
                    str(sum(1 for a in found if a.form == f)),
                )
                for f in forms
            ),
        ),
        *table(
            "documents 文件",
            ("document 文件", "published 发布", "issuer 发文机关", "adoptions 采用"),
            (
                (
                    link(graph, d),
                    text(graph.nodes[d].get("published")),
                    text(graph.nodes[d].get("issuer")),
                    str(sum(1 for a in found if a.doc == d)),
                )
                for d in docs
            ),
        ),
        *table(
            "related concepts 相关概念",
            ("relation 关系", "mechanism 机制"),
            (
                *(("broader 上位", link(graph, canonical(graph, b))) for b in broader),
                *(("narrower 下位", link(graph, canonical(graph, n))) for n in narrower),
            ),
        ),
    )
    return make_page(
        page_path(graph, mech),
        f"{label_of(graph, mech)} · mechanism 机制",
        nodes,
        edges,
        keep=mech,
        max_nodes=max_nodes,
        note=note,
        summary=summary,
        tables=tables,
    )
