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
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from kg.vocab import doc_iri

__all__ = ["adoption_year", "adoptions", "document_name", "labels", "local_forms", "named", "reaching",
           "with_forms"]


def labels(attrs: Mapping[str, Any]) -> set[str]:
    """A node's label and alt labels (``|``-joined in the property graph), empty ones dropped."""
    alt = attrs.get("alt_labels") or ""
    return {label for label in (attrs.get("label"), *alt.split("|")) if label}


def named(graph: nx.MultiDiGraph, name: str, kind: str) -> list[str]:
    """The nodes of ``kind`` one of whose labels is ``name``."""
    return [node for node, attrs in graph.nodes(data=True) if attrs.get("kind") == kind and name in labels(attrs)]


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
            doc = nodes.get(str(doc_iri(edge["doc_id"])))
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
