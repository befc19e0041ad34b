"""Walks over the networkx projection that several questions share.

The networkx answers read the graph :mod:`kg.stores.networkx` writes: nodes carry a
``kind`` (``Place``, ``Mechanism`` …) and the property-graph columns; edges a ``type``
(``ADOPTED``, ``BROADER`` …) and theirs. These helpers find what the Cypher queries
``MATCH``: a mechanism by any label, its local forms, the adoptions of a set of forms.

Examples
--------
>>> g = nx.MultiDiGraph()
>>> g.add_node("m", kind="Mechanism", label="枫桥经验", alt_labels="新时代枫桥经验", local_form=False)
>>> g.add_node("f", kind="Mechanism", label="塞上枫桥", alt_labels="", local_form=True)
>>> _ = g.add_edge("f", "m", type="BROADER")
>>> named(g, "新时代枫桥经验", "Mechanism"), sorted(local_forms(g, ["m"]))
(['m'], ['f'])
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from kg.vocab import doc_node

__all__ = ["adoption_year", "adoptions", "document_name", "index_nodes", "labels", "local_forms", "named",
           "of_kind", "reaching", "with_forms"]

#: The key of ``graph.graph`` under which :func:`index_nodes` leaves each kind's nodes.
KINDS = "kg_nodes_by_kind"
#: The key of ``graph.graph`` under which :func:`index_nodes` leaves the nodes of each (kind, label).
NAMES = "kg_nodes_by_name"
#: The kinds of node the questions look for by name (not documents or observations, which are many).
NAMED_KINDS = frozenset({"Place", "Agency", "Program", "Mechanism"})


def labels(attrs: Mapping[str, Any]) -> set[str]:
    """A node's label and alt labels (``|``-joined in the property graph), empty ones dropped."""
    alt = attrs.get("alt_labels") or ""
    return {label for label in (attrs.get("label"), *alt.split("|")) if label}


def index_nodes(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``graph``, with its nodes listed by kind, and those of :data:`NAMED_KINDS` by (kind, label), in ``graph.graph``.

    :func:`of_kind` and :func:`named` then read those lists instead of every node of the
    graph (at 100,000 documents, 3.6 million nodes). For a graph that is not changed after:
    :mod:`kg.queries` indexes the graph it reads from a file, once per version of the file.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", alt_labels="新时代枫桥经验")
    >>> g.add_node("p", kind="Place", label="枫桥经验")
    >>> named(index_nodes(g), "新时代枫桥经验", "Mechanism"), [node for node, _ in of_kind(g, "Place")]
    (['m'], ['p'])
    """
    kinds: defaultdict[object, list[str]] = defaultdict(list)
    names: defaultdict[tuple[object, str], list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        kind = attrs.get("kind")
        kinds[kind].append(node)
        if kind in NAMED_KINDS:
            for label in labels(attrs):
                names[kind, label].append(node)
    graph.graph[KINDS], graph.graph[NAMES] = dict(kinds), dict(names)
    return graph


def of_kind(graph: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(node, attributes)`` for every node of ``kind``, in the graph's order."""
    nodes, index = graph.nodes, graph.graph.get(KINDS)
    if index is None:
        return ((node, attrs) for node, attrs in nodes(data=True) if attrs.get("kind") == kind)
    return ((node, nodes[node]) for node in index.get(kind, ()))


def named(graph: nx.MultiDiGraph, name: str, kind: str) -> list[str]:
    """The nodes of ``kind`` one of whose labels is ``name``, in the graph's order."""
    index = graph.graph.get(NAMES)
    if index is None or kind not in NAMED_KINDS:
        return [node for node, attrs in of_kind(graph, kind) if name in labels(attrs)]
    return list(index.get((kind, name), ()))


def reaching(graph: nx.MultiDiGraph, node: str, edge: str) -> set[str]:
    """Every node whose chain of ``edge`` relationships (BROADER, WITHIN) leads to ``node``."""
    found: set[str] = set()
    todo = [node]
    while todo:
        for src, _, kind in graph.in_edges(todo.pop(), data="type"):
            if kind == edge and src not in found:
                found.add(src)
                todo.append(src)
    return found


def local_forms(graph: nx.MultiDiGraph, mechanisms: Iterable[str]) -> set[str]:
    """The local forms among ``mechanisms`` and the nodes whose ``BROADER`` chain leads to them."""
    nodes = graph.nodes
    return {form for m in mechanisms for form in (m, *reaching(graph, m, "BROADER"))
            if nodes[form].get("kind") == "Mechanism" and nodes[form].get("local_form")}


def with_forms(graph: nx.MultiDiGraph, name: str) -> set[str]:
    """The mechanisms named ``name`` and their local forms: what ``adopters`` asks about."""
    mechanisms = named(graph, name, "Mechanism")
    return set(mechanisms) | local_forms(graph, mechanisms)


def adoptions(graph: nx.MultiDiGraph, forms: Iterable[str]) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """``(place, form, edge, document)`` for every ``ADOPTED`` edge into ``forms`` whose document
    is in the graph: as the queries do, an adoption joins its document or is left out."""
    nodes, found = graph.nodes, []
    for form in forms:
        for place, _, edge in graph.in_edges(form, data=True):
            if edge.get("type") != "ADOPTED" or nodes[place].get("kind") != "Place":
                continue
            doc = nodes.get(doc_node(edge["doc_id"]))
            if doc is not None:
                found.append((place, form, edge, doc))
    return found


def document_name(doc: Mapping[str, Any]) -> str:
    """A document as the questions name it: its source file name, else its id."""
    return doc.get("source") or doc["doc_id"]


def adoption_year(edge: Mapping[str, Any], doc: Mapping[str, Any]) -> int | None:
    """An adoption's year: the one stated, else its document's publication year, else ``None``."""
    if edge.get("year") is not None:
        return int(edge["year"])
    published = doc.get("published") or ""
    return int(published[:4]) if re.match(r"[0-9]{4}", published) else None
