"""Keeping big views readable: fold places into provinces, keep the most connected nodes, size by degree.

A graph of a few hundred nodes can still be read; past :data:`MAX_NODES` the pages show
a smaller one and say in their note what they folded or left out (the tables below the
graph stay complete). Positions of big views are the renderer's business
(:mod:`kg.views.positions`).

Examples
--------
>>> from kg.views.model import Edge, Node
>>> nodes = [Node(id="m", label="三社联动", kind="Mechanism"), Node(id="yc", label="银川市", kind="Place"),
...          Node(id="gy", label="固原市", kind="Place")]
>>> edges = [Edge(src="yc", dst="m", kind="ADOPTED", status="piloting", label="2019"),
...          Edge(src="gy", dst="m", kind="ADOPTED", status="implemented")]
>>> nx_node = Node(id="nx", label="宁夏回族自治区", kind="Province")
>>> folded, merged = fold(nodes, edges, {"yc": nx_node, "gy": nx_node})
>>> [n.label for n in folded], [(e.src, e.dst, e.status, e.label) for e in merged]
(['三社联动', '宁夏回族自治区'], [('nx', 'm', 'implemented', '2 places')])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from kg.views.facts import join, strongest
from kg.views.model import Edge, Node

__all__ = ["MAX_NODES", "MAX_EDGES", "FOLDED", "fold", "keep_top", "keep_heaviest", "weight", "degrees", "sized"]

#: The most nodes a page's graph shows before it is folded or cut.
MAX_NODES = 300
#: The most edges a page's graph draws: past that, a folded graph is a hairball.
MAX_EDGES = 600
#: The details row of a merged edge that says how many edges it stands for.
FOLDED = "lines merged 合并条数"


def degrees(edges: Sequence[Edge]) -> Counter[str]:
    """How many edges of the view touch each node id."""
    count: Counter[str] = Counter()
    for edge in edges:
        count[edge.src] += 1
        count[edge.dst] += 1
    return count


def sized(nodes: Sequence[Node], edges: Sequence[Edge]) -> list[Node]:
    """Nodes sized by their degree in the view: ``1 + log2(1 + degree)``, so hubs stand out and stay on screen."""
    count = degrees(edges)
    return [replace(node, size=round(1 + math.log2(1 + count[node.id]), 2)) for node in nodes]


def fold(nodes: Sequence[Node], edges: Sequence[Edge], into: Mapping[str, Node]) -> tuple[list[Node], list[Edge]]:
    """Replace each node in ``into`` by the node it maps to, merging the edges that then coincide.

    An edge moved alone keeps its label, details and link. Edges between the same two
    nodes with the same kind become one: the strongest status, the nodes folded into it
    and the span of years in the details, the first edge's link. An edge that would join a
    node to itself is dropped.

    Parameters
    ----------
    nodes, edges : a view
    into : node id → the node that stands for it (a place → its ``Province`` node)

    Returns
    -------
    nodes, edges
        In first-seen order.
    """
    labels = {node.id: node.label for node in nodes}
    kept: dict[str, Node] = {}
    for node in nodes:
        stand_in = into.get(node.id, node)
        kept.setdefault(stand_in.id, stand_in)
    groups: dict[tuple[str, str, str], list[Edge]] = {}
    for edge in edges:
        src, dst = (into[end].id if end in into else end for end in (edge.src, edge.dst))
        if src != dst:
            groups.setdefault((src, dst, edge.kind), []).append(edge)
    merged = []
    for (src, dst, kind), group in groups.items():
        if len(group) == 1:  # one edge moved: it keeps its own label, details and evidence
            merged.append(
                group[0] if (group[0].src, group[0].dst) == (src, dst) else replace(group[0], src=src, dst=dst)
            )
            continue
        ends = [e.src if e.src != src else e.dst for e in group]
        folded = join(labels.get(end, end) for end in ends)
        count = len(set(ends))
        status = strongest(e.status for e in group if e.status) or None
        years = sorted(e.label for e in group if e.label.isdigit())
        span = (f"{years[0]}–{years[-1]}" if years[0] != years[-1] else years[0]) if years else ""
        details = (
            ("folded 合并", folded),
            (FOLDED, str(len(group))),
            ("status 状态", status or ""),
            ("years 年份", span),
        )
        merged.append(
            Edge(
                src=src,
                dst=dst,
                kind=kind,
                label=f"{count} places" if count > 1 else group[0].label,
                title=f"{kind} · {folded}",
                url=group[0].url,
                status=status,
                details=tuple((k, v) for k, v in details if v),
            )
        )
    return list(kept.values()), merged


def keep_top(
    nodes: Sequence[Node], edges: Sequence[Edge], limit: int, *, keep: frozenset[str] = frozenset()
) -> tuple[list[Node], list[Edge], int]:
    """The ``limit`` nodes of highest degree (and every id in ``keep``), with the edges among them.

    Ties break by label then id, so the cut is deterministic.

    Returns
    -------
    nodes, edges, dropped
        ``dropped`` is how many nodes were left out.
    """
    if len(nodes) <= limit:
        return list(nodes), list(edges), 0
    count = degrees(edges)
    ranked = sorted(nodes, key=lambda n: (n.id not in keep, -count[n.id], n.label, n.id))
    chosen = {node.id for node in ranked[: max(limit, len(keep))]}
    return (
        [n for n in nodes if n.id in chosen],
        [e for e in edges if e.src in chosen and e.dst in chosen],
        len(nodes) - len(chosen),
    )


def weight(edge: Edge) -> int:
    """How many edges ``edge`` stands for: the count :func:`fold` wrote in its details, else 1."""
    return int(dict(edge.details).get(FOLDED, 1))


def keep_heaviest(
    edges: Sequence[Edge], limit: int, weight: Callable[[Edge], float] = weight
) -> tuple[list[Edge], int]:
    """The ``limit`` heaviest edges, but every node keeps its heaviest edge; ties by order given.

    Returns
    -------
    edges, dropped
        The kept edges in the order given, and how many were left out.

    Examples
    --------
    >>> from kg.views.model import Edge
    >>> edges = [Edge(src=s, dst=d, kind="ADOPTED", label=str(w)) for s, d, w in
    ...          (("p", "m", 5), ("p", "n", 4), ("q", "m", 3), ("q", "n", 1))]
    >>> kept, dropped = keep_heaviest(edges, 2, lambda e: int(e.label))
    >>> [(e.src, e.dst) for e in kept], dropped
    ([('p', 'm'), ('p', 'n'), ('q', 'm')], 1)
    """
    if len(edges) <= limit:
        return list(edges), 0
    order = sorted(range(len(edges)), key=lambda i: -weight(edges[i]))
    chosen: set[int] = set()
    best: dict[str, int] = {}
    for i in order:  # heaviest first, so the first edge seen at a node is its heaviest
        for end in (edges[i].src, edges[i].dst):
            best.setdefault(end, i)
    chosen.update(best.values())
    for i in order:
        if len(chosen) >= limit:
            break
        chosen.add(i)
    return [e for i, e in enumerate(edges) if i in chosen], len(edges) - len(chosen)
