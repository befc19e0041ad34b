"""The agency network page (re-exported by :mod:`kg.views.pages`): who issued which document,
who led (主办) or co-handled (协办) which proposal, and which document answers it.

The graph has no agency → programme relationship: a programme record names its place,
not who runs it, so programmes are listed on the place pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from kg.views.aggregate import MAX_NODES, keep_top, sized
from kg.views.facts import documents_of, join, neighbours, nodes_of
from kg.views.links import NAV, node_url, page_path
from kg.views.model import Cell, Edge, Page, Table
from kg.views.parts import label_of, link, table, text, view_node

__all__ = ["agency_page"]


def agency_page(graph: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES) -> Page:
    """The agency network: who issued which document, who led or co-handled which proposal.

    The graph has no agency → programme relationship (a programme names its place, not who
    runs it); programmes are on the place pages. Past ``max_nodes`` nodes the most
    connected are drawn; the tables list every agency and every proposal.
    """
    agencies = nodes_of(graph, "Agency")
    edges: list[Edge] = []
    ranked: list[tuple[int, str, tuple[Cell, ...]]] = []
    for agency in agencies:
        issued = documents_of(graph, agency, "ISSUED_BY")
        handled = sorted(
            neighbours(graph, agency, "HANDLED_BY", incoming=True), key=lambda pair: (pair[0], str(pair[1].get("role")))
        )
        edges += [
            Edge(
                src=doc,
                dst=agency,
                kind="ISSUED_BY",
                label="issued 发文",
                url=page_path(graph, doc),
                title=f"{label_of(graph, agency)} issued {label_of(graph, doc)}",
            )
            for doc, _ in issued
        ]
        edges += [
            Edge(
                src=proposal,
                dst=agency,
                kind="HANDLED_BY",
                label=_role(attrs),
                url=node_url(graph, proposal),
                title=f"{label_of(graph, agency)}: {_role(attrs)}",
                details=(("role 角色", _role(attrs)), ("proposal 提案", label_of(graph, proposal))),
            )
            for proposal, attrs in handled
        ]
        places = sorted(dst for dst, _ in neighbours(graph, agency, "JURISDICTION"))
        leads = sum(1 for _, attrs in handled if attrs.get("role") == "lead")
        ranked.append(
            (
                -(len(issued) + len(handled)),
                label_of(graph, agency),
                (
                    link(graph, agency),
                    text(graph.nodes[agency].get("classification")),
                    link(graph, places[0]) if places else "",
                    str(len(issued)),
                    str(leads),
                    str(len(handled) - leads),
                    str(len(documents_of(graph, agency))),
                ),
            )
        )
    proposals = sorted({e.src for e in edges if e.kind == "HANDLED_BY"} | set(nodes_of(graph, "Proposal")))
    answers = {p: documents_of(graph, p, "RESPONDS_TO") for p in proposals}
    edges += [
        Edge(
            src=doc,
            dst=p,
            kind="RESPONDS_TO",
            label="answers 答复",
            url=page_path(graph, doc),
            title=f"{label_of(graph, doc)} answers {label_of(graph, p)}",
        )
        for p in proposals
        for doc, _ in answers[p]
    ]
    edges = list({(e.src, e.dst, e.kind, e.label): e for e in edges}.values())
    nodes = [view_node(graph, n) for n in sorted({end for e in edges for end in (e.src, e.dst)})]
    nodes, edges, dropped = keep_top(nodes, edges, max_nodes)
    note = (
        "Documents → the agency that issued them; proposals → the agencies that led (主办) or co-handled (协办) "
        "them; documents → the proposal they answer. The graph has no agency → programme relation: "
        "programmes are listed on the place pages."
    )
    if dropped:
        note += f" Too many to draw: the {dropped} least connected nodes are left out; the tables list them all."
    handlers = {
        p: sorted(neighbours(graph, p, "HANDLED_BY"), key=lambda pair: (pair[1].get("role") != "lead", pair[0]))
        for p in proposals
    }
    tables = (
        Table(
            title="agencies 机构",
            columns=(
                "agency 机构",
                "kind 类别",
                "jurisdiction 辖区",
                "issued 发文",
                "led 主办",
                "co-handled 协办",
                "documents 提及文件",
            ),
            rows=tuple(row for *_, row in sorted(ranked, key=lambda r: r[:2])),
        ),
        *table(
            "proposals and who handled them 提案与承办",
            ("proposal 提案", "proposers 提出者", "answered in 答复", "lead 主办", "co-handlers 协办"),
            (
                (
                    label_of(graph, p),
                    text(graph.nodes[p].get("proposers")).replace("|", "、"),
                    link(graph, answers[p][0][0]) if answers[p] else "",
                    join(label_of(graph, a) for a, e in handlers[p] if e.get("role") == "lead"),
                    join(label_of(graph, a) for a, e in handlers[p] if e.get("role") != "lead"),
                )
                for p in proposals
            ),
        ),
    )
    return Page(
        path="agencies.html",
        title="机构 Agencies: who issued, led and co-handled what",
        summary=(("agencies 机构", str(len(agencies))), ("proposals 提案", str(len(proposals)))),
        nodes=tuple(sized(nodes, edges)),
        edges=tuple(edges),
        tables=tables,
        nav=NAV,
        note=note,
    )


def _role(attrs: Mapping[str, Any]) -> str:
    return "lead 主办" if attrs.get("role") == "lead" else "co 协办"
