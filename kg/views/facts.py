"""Facts read off the networkx graph for the pages: adoptions, provinces, evidence sentences.

The networkx projection (:mod:`kg.stores.networkx`) holds adoptions, citations and
metrics with their evidence sentence; agencies, places and programmes are tied to a
document by a ``MENTIONS`` edge with the offsets of their first mention only.
:class:`Sentences` recovers that mention's sentence from the stored clean text
(``documents/<doc_id>.txt``), split as the extractors split it (:func:`kg.text.sentences`).

Examples
--------
>>> s = Sentences(texts={"d1": "银川市推行“三社联动”。市民政局牵头。"})
>>> s.at("d1", 13)
'市民政局牵头。'
>>> s.at("d2", 0) is None
True
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.records import STATUS_RANK
from kg.text import sentences
from kg.views.links import canonical
from kg.vocab import doc_iri

__all__ = [
    "Adoption",
    "Sentences",
    "adoptions",
    "document_node",
    "documents_of",
    "join",
    "neighbours",
    "nodes_of",
    "observations_of",
    "province_of",
    "strongest",
]


@dataclass(frozen=True)
class Adoption:
    """One ``ADOPTED`` edge: a document says ``place`` adopts ``form`` (a form of ``mechanism``),
    in the words ``surface``."""

    place: str
    form: str
    mechanism: str
    status: str
    year: int | None
    doc: str
    sentence: str
    id: str
    surface: str = ""


def adoptions(
    graph: nx.MultiDiGraph, *, places: Iterable[str] = (), forms: Iterable[str] = (), doc: str | None = None
) -> list[Adoption]:
    """The adoptions by ``places``, of ``forms`` or stated in document ``doc``, sorted.

    An adoption whose document is not in the graph is left out, as the named questions
    leave it out.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", canonical_id="m")
    >>> g.add_node("f", kind="Mechanism", canonical_id="m")
    >>> g.add_node("p", kind="Place")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1")
    >>> _ = g.add_edge("p", "f", type="ADOPTED", id="a1", doc_id="d1", status="implemented", year=2019,
    ...                sentence="银川市打造“塞上枫桥”。")
    >>> [(a.place, a.form, a.mechanism, a.year) for a in adoptions(g, forms=["f"])]
    [('p', 'f', 'm', 2019)]
    """
    edges: list[tuple[str, str, Mapping[str, Any]]] = []
    for place in places:
        edges.extend(graph.out_edges(place, data=True))
    for form in forms:
        edges.extend(graph.in_edges(form, data=True))
    if doc is not None:
        edges.extend(_index(graph).adopted.get(graph.nodes[doc].get("doc_id") or "", ()))
    found: dict[str, Adoption] = {}
    for place, form, edge in edges:
        source = str(doc_iri(edge.get("doc_id") or ""))
        if edge.get("type") != "ADOPTED" or source not in graph or edge.get("id") in found:
            continue
        found[edge["id"]] = Adoption(
            place=place,
            form=form,
            mechanism=canonical(graph, form),
            status=edge.get("status") or "",
            year=edge.get("year"),
            doc=source,
            sentence=edge.get("sentence") or "",
            id=edge["id"],
            surface=edge.get("surface") or "",
        )
    return sorted(found.values(), key=lambda a: (a.place, a.mechanism, a.form, a.doc, a.id))


@dataclass
class _Index:
    """What the pages look up again and again in one graph, made on first use."""

    nodes: int
    adopted: dict[str, list[tuple[str, str, Mapping[str, Any]]]]  # doc_id → its ADOPTED edges
    observations: dict[str, list[str]]  # doc_id → its observations
    provinces: dict[str, str | None] = field(default_factory=dict)  # place → its province, as found


_INDEX: weakref.WeakKeyDictionary[nx.MultiDiGraph, _Index] = weakref.WeakKeyDictionary()


def _index(graph: nx.MultiDiGraph) -> _Index:
    """The look-ups of ``graph``, made once per graph.

    The pages read a graph and never change it; the index is made again only when the
    number of nodes changed (counting edges would cost a pass over a multigraph).
    """
    known = _INDEX.get(graph)
    if known is not None and known.nodes == graph.number_of_nodes():
        return known
    adopted: defaultdict[str, list[tuple[str, str, Mapping[str, Any]]]] = defaultdict(list)
    for place, form, edge in graph.edges(data=True):
        if edge.get("type") == "ADOPTED":
            adopted[edge.get("doc_id") or ""].append((place, form, edge))
    observations: defaultdict[str, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") == "Observation":
            observations[attrs.get("doc_id") or ""].append(node)
    _INDEX[graph] = _Index(nodes=graph.number_of_nodes(), adopted=dict(adopted), observations=dict(observations))
    return _INDEX[graph]


def observations_of(graph: nx.MultiDiGraph, doc: str) -> list[str]:
    """The metric observations stated in the document node ``doc``, by id."""
    return sorted(_index(graph).observations.get(graph.nodes[doc].get("doc_id") or "", ()))


def document_node(graph: nx.MultiDiGraph, doc_id: str | None) -> str | None:
    """The node of the document ``doc_id``, if the graph holds it."""
    node = str(doc_iri(doc_id or ""))
    return node if doc_id and node in graph else None


def nodes_of(graph: nx.MultiDiGraph, kind: str) -> list[str]:
    """The nodes of ``kind`` (``Mechanism``, ``Place`` …), sorted by id."""
    return sorted(node for node, k in graph.nodes(data="kind") if k == kind)


def strongest(statuses: Iterable[str]) -> str:
    """The strongest of adoption statuses (implemented > piloting > planned > proposed).

    >>> strongest(["planned", "piloting"])
    'piloting'
    """
    return max(statuses, key=lambda s: STATUS_RANK.get(s, -1), default="")


def province_of(graph: nx.MultiDiGraph, place: str) -> str | None:
    """The province-level place ``place`` lies in (itself if it is one), following ``WITHIN``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for node, level in (("cn", "country"), ("nx", "province"), ("yc", "city")):
    ...     g.add_node(node, kind="Place", level=level)
    >>> _ = g.add_edge("yc", "nx", type="WITHIN"); _ = g.add_edge("nx", "cn", type="WITHIN")
    >>> province_of(g, "yc"), province_of(g, "nx"), province_of(g, "cn")
    ('nx', 'nx', None)
    """
    known = _index(graph).provinces
    if place not in known:
        found, step, seen = None, place, set()
        while step not in seen:
            seen.add(step)
            if graph.nodes[step].get("level") == "province":
                found = step
                break
            parents = [dst for _, dst, kind in graph.out_edges(step, data="type") if kind == "WITHIN"]
            if not parents:
                break
            step = parents[0]
        known[place] = found
    return known[place]


def neighbours(
    graph: nx.MultiDiGraph, node: str, edge: str, *, incoming: bool = False, kind: str | None = None
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(other end, edge attributes)`` of ``node``'s ``edge`` relationships, out (or in) going."""
    pairs = (
        ((src, attrs) for src, _, attrs in graph.in_edges(node, data=True))
        if incoming
        else ((dst, attrs) for _, dst, attrs in graph.out_edges(node, data=True))
    )
    for other, attrs in pairs:
        if attrs.get("type") == edge and (kind is None or graph.nodes[other].get("kind") == kind):
            yield other, attrs


def documents_of(graph: nx.MultiDiGraph, node: str, edge: str = "MENTIONS") -> list[tuple[str, Mapping[str, Any]]]:
    """The documents with an ``edge`` to ``node`` (a mention, a citation), by id."""
    return sorted(neighbours(graph, node, edge, incoming=True, kind="Document"), key=lambda pair: pair[0])


def join(values: Iterable[object], sep: str = "、") -> str:
    """Distinct non-empty values, in first-seen order, joined.

    >>> join(["塞上枫桥", None, "海上枫桥", "塞上枫桥"])
    '塞上枫桥、海上枫桥'
    """
    return sep.join(dict.fromkeys(str(v) for v in values if v not in (None, "")))


class Sentences:
    """The sentence around an offset of a document's stored clean text.

    Parameters
    ----------
    folder : a graph folder (``kg build --out``); texts are read from ``documents/<doc_id>.txt``
        when first asked for
    texts : ``doc_id`` → clean text, instead of (or before) the folder
    """

    def __init__(self, folder: str | Path | None = None, *, texts: Mapping[str, str] | None = None) -> None:
        self.folder = None if folder is None else Path(folder)
        self.texts = dict(texts or {})
        self._split: dict[str, tuple[list[int], list[str]]] = {}

    def _sentences(self, doc_id: str) -> tuple[list[int], list[str]]:
        if doc_id not in self._split:
            text = self.texts.get(doc_id)
            if text is None and self.folder is not None:
                path = self.folder / "documents" / f"{doc_id}.txt"
                text = path.read_text(encoding="utf-8") if path.is_file() else None
            spans = list(sentences(doc_id, text or ""))
            self._split[doc_id] = ([s.start for s in spans], [s.text for s in spans])
        return self._split[doc_id]

    def at(self, doc_id: str, offset: int | None) -> str | None:
        """The sentence holding ``offset`` in ``doc_id``'s text, or ``None`` when the text is not at hand."""
        if offset is None:
            return None
        starts, texts = self._sentences(doc_id)
        if not starts:
            return None
        return texts[max(0, bisect_right(starts, offset) - 1)]
