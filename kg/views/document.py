"""The page of one document (re-exported by :mod:`kg.views.pages`): its metadata, the proposal it
answers, and every fact extracted from it with its evidence sentence.

Adoptions, citations and metrics carry their sentence in the graph; agencies, places,
programmes and candidate names carry the offsets of their first mention, and
:class:`~kg.views.facts.Sentences` gives the sentence around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from kg.views.aggregate import MAX_NODES
from kg.views.facts import Sentences, adoptions, join, neighbours, observations_of
from kg.views.links import page_path
from kg.views.model import Cell, Edge, Page, Table
from kg.views.parts import (
    adoption_edge,
    label_of,
    link,
    make_page,
    mention_sentence,
    province_label,
    quantity,
    short,
    status_text,
    table,
    text,
    view_node,
    written,
)

__all__ = ["document_page"]


def _proposal_table(graph: nx.MultiDiGraph, doc: str) -> tuple[Table, ...]:
    """What the document answers: body, level, term and session, number, kind, title, proposers, handlers."""
    rows: list[tuple[Cell, ...]] = []
    doc_id = graph.nodes[doc].get("doc_id")
    for proposal, edge in sorted(neighbours(graph, doc, "RESPONDS_TO"), key=lambda pair: pair[0]):
        p = graph.nodes[proposal]
        handled = sorted(
            neighbours(graph, proposal, "HANDLED_BY"),
            key=lambda pair: (pair[1].get("role") != "lead", pair[1].get("doc_id") != doc_id),
        )
        term = "".join(
            f"{text(p.get(k))}{unit}" for k, unit in (("term", "届"), ("session", "次会议")) if p.get(k) is not None
        )
        rows += [
            ("title 标题", text(p.get("title"))),
            ("body 机构", text(p.get("level")) + text(p.get("body"))),
            ("term, session 届次", term),
            ("number 编号", f"第{text(p.get('number'))}号" if p.get("number") is not None else ""),
            ("kind 类型", text(p.get("proposal_kind"))),
            ("proposers 提出者", text(p.get("proposers")).replace("|", "、")),
            ("handlers 承办", text(p.get("handlers")).replace("|", "、")),
            *(
                (("lead 主办" if e.get("role") == "lead" else "co-handler 协办"), link(graph, a))
                for a, e in dict(handled).items()
            ),
            ("stated as 原文", text(edge.get("sentence"))),
        ]
    return table("proposal answered 答复的提案", ("field 字段", "value 内容"), (r for r in rows if r[1]))


def document_page(
    graph: nx.MultiDiGraph, doc: str, *, sentences: Sentences | None = None, max_nodes: int = MAX_NODES
) -> Page:
    """The page of a document.

    The summary: title, issuer, published and signed dates (as printed, and whether
    uncertain), 索引号, 文号, kind, source file and its place. Tables: the proposal it
    answers, then every fact with its evidence sentence: adoptions, policies cited,
    agencies (issuer, handlers, mentioned), places mentioned, programmes, metrics and
    candidate mechanism names. The graph: the document, its issuer, the proposal and its
    handlers, the policies and programmes it names, and its adoptions.
    """
    attrs = graph.nodes[doc]
    found = adoptions(graph, doc=doc)
    mentioned: dict[str, list[tuple[str, Mapping[str, Any]]]] = {
        k: [] for k in ("Agency", "Place", "Program", "Mechanism")
    }
    for node, edge in sorted(
        neighbours(graph, doc, "MENTIONS"), key=lambda pair: (pair[1].get("mention_start") or 0, pair[0])
    ):
        mentioned.setdefault(str(graph.nodes[node].get("kind")), []).append((node, edge))
    issuers = [a for a, _ in neighbours(graph, doc, "ISSUED_BY")]
    proposals = [p for p, _ in neighbours(graph, doc, "RESPONDS_TO")]
    handled = [
        (p, a, e)
        for p in proposals
        for a, e in neighbours(graph, p, "HANDLED_BY")
        if e.get("doc_id") == attrs.get("doc_id")
    ]  # as this document names its handlers
    roles = {a: ("lead handler 主办" if e.get("role") == "lead" else "co-handler 协办") for _, a, e in handled}
    roles.update({a: "issuer 发文机关" for a in issuers})
    cited = sorted(neighbours(graph, doc, "CITES"), key=lambda pair: (pair[1].get("sentence_start") or 0, pair[0]))
    places = [p for p, _ in neighbours(graph, doc, "JURISDICTION")]

    def said(edge: Mapping[str, Any]) -> str:
        return mention_sentence(sentences, graph, doc, edge)

    def metric(m: str) -> tuple[Cell, ...]:
        obs = graph.nodes[m]
        where = [link(graph, p) for p, _ in neighbours(graph, m, "MEASURED")][:1] or [""]
        return (
            *where,
            text(obs.get("indicator")),
            quantity(obs),
            text(obs.get("unit")),
            text(obs.get("date")),
            text(obs.get("sentence")),
        )

    signed = text(attrs.get("signed")) + (
        f" (printed 原文 {attrs['signed_raw']}; uncertain 存疑)" if attrs.get("signed_uncertain") else ""
    )
    summary: list[tuple[str, Cell]] = [
        (
            "issuer 发文机关",
            link(graph, issuers[0], text(attrs.get("issuer"))) if issuers else text(attrs.get("issuer")),
        ),
        ("kind 类型", text(attrs.get("doc_type"))),
        ("published 发布", text(attrs.get("published"))),
        ("signed 成文", signed),
        ("索引号 index no.", text(attrs.get("index_no"))),
        ("文号 doc no.", text(attrs.get("doc_no"))),
        *(("place 辖区", link(graph, p)) for p in places),
        ("source file 源文件", text(attrs.get("source"))),
        ("format 格式", text(attrs.get("format"))),
        ("characters 字数", text(attrs.get("chars"))),
        ("doc_id", text(attrs.get("doc_id"))),
    ]
    tables = (
        *_proposal_table(graph, doc),
        *table(
            "adoptions 采用",
            ("place 地方", "mechanism 机制", "form 名称", "status 状态", "year 年份", "evidence 证据"),
            (
                (
                    link(graph, a.place),
                    link(graph, a.mechanism),
                    written(graph, a),
                    status_text(a.status),
                    text(a.year),
                    a.sentence,
                )
                for a in found
            ),
        ),
        *table(
            "policies cited 引用的政策",
            ("policy 政策", "year 年份", "place 地方", "evidence 证据"),
            (
                (
                    label_of(graph, p),
                    text(graph.nodes[p].get("year")),
                    join(label_of(graph, j) for j, _ in neighbours(graph, p, "JURISDICTION")),
                    text(e.get("sentence")),
                )
                for p, e in cited
            ),
        ),
        *table(
            "agencies 机构",
            ("agency 机构", "kind 类别", "role 角色", "evidence 证据"),
            (
                (link(graph, a), text(graph.nodes[a].get("classification")), roles.get(a, "mentioned 提及"), said(e))
                for a, e in mentioned["Agency"]
            ),
        ),
        *table(
            "places mentioned 提及的地方",
            ("place 地方", "level 级别", "province 省", "evidence 证据"),
            (
                (link(graph, p), text(graph.nodes[p].get("level")), province_label(graph, p) or "", said(e))
                for p, e in mentioned["Place"]
            ),
        ),
        *table(
            "programmes 项目",
            ("programme 项目", "place 地方", "evidence 证据"),
            (
                (label_of(graph, p), join(label_of(graph, j) for j, _ in neighbours(graph, p, "JURISDICTION")), said(e))
                for p, e in mentioned["Program"]
            ),
        ),
        *table(
            "metrics 指标",
            ("place 地方", "indicator 指标", "value 数值", "unit 单位", "date 日期", "evidence 证据"),
            (
                metric(m)
                for m in sorted(
                    observations_of(graph, doc), key=lambda m: (graph.nodes[m].get("sentence_start") or 0, m)
                )
            ),
        ),
        *table(
            "candidate mechanisms 新词",
            ("name 名称", "cue 线索", "definition 定义", "evidence 证据"),
            (
                (link(graph, m), text(graph.nodes[m].get("cue")), text(graph.nodes[m].get("definition")), said(e))
                for m, e in mentioned["Mechanism"]
                if graph.nodes[m].get("candidate")
            ),
        ),
    )
    title = label_of(graph, doc)
    nodes = {
        n: view_node(graph, n)
        for n in dict.fromkeys(
            (
                doc,
                *issuers,
                *proposals,
                *(a for _, a, _ in handled),
                *(p for p, _ in cited),
                *(p for p, _ in mentioned["Program"]),
                *places,
                *(a.place for a in found),
                *(a.form for a in found),
                *(a.mechanism for a in found),
            )
        )
    }
    nodes[doc] = view_node(graph, doc, label=short(title, 18))
    edges = [
        *(Edge(src=doc, dst=a, kind="ISSUED_BY", label="issued by 发文") for a in issuers),
        *(Edge(src=doc, dst=p, kind="RESPONDS_TO", label="answers 答复") for p in proposals),
        *(
            Edge(src=p, dst=a, kind="HANDLED_BY", label="lead 主办" if e.get("role") == "lead" else "co 协办")
            for p, a, e in handled
        ),
        *(
            Edge(
                src=doc,
                dst=p,
                kind="CITES",
                label="cites 引用",
                details=(("evidence 证据", text(e.get("sentence"))),),
                url=page_path(graph, doc),
            )
            for p, e in cited
        ),
        *(Edge(src=doc, dst=p, kind="MENTIONS", label="names 提及") for p, _ in mentioned["Program"]),
        *(Edge(src=doc, dst=p, kind="JURISDICTION", label="place 辖区") for p in places),
        *(
            Edge(src=doc, dst=p, kind="MENTIONS", title="names a place that adopts a mechanism")
            for p in sorted({a.place for a in found} - set(places))
        ),
    ]
    edges += [adoption_edge(graph, a, dst=a.form) for a in found]
    edges += [
        Edge(src=f, dst=m, kind="BROADER", title=f"{label_of(graph, f)}: a local form of {label_of(graph, m)}")
        for f, m in sorted({(a.form, a.mechanism) for a in found if a.form != a.mechanism})
    ]
    edges = list({(e.src, e.dst, e.kind, e.label, e.details): e for e in edges}.values())
    note = (
        "The document, who issued it, the proposal it answers and its handlers, the policies and programmes it "
        "names, and the adoptions it states (click a line for its evidence). Every fact is in the tables below."
    )
    return make_page(
        page_path(graph, doc),
        title,
        list(nodes.values()),
        edges,
        keep=doc,
        max_nodes=max_nodes,
        note=note,
        summary=summary,
        tables=tables,
    )
