"""Where each node's page is, and which node a name a person types means.

Three kinds of node have pages of their own: canonical mechanisms (a local form is shown
on its concept's page), places and documents. File names come from the node's IRI: the
last segment when it is already a safe ASCII slug in one of the project's namespaces
(``three-social-linkage``, ``640100``, a 16-hex ``doc_id``), a candidate's hash after
``c-``, and anything else as a sanitised slug plus a short SHA-256 of the whole id, so
names are unique, deterministic and safe on every file system. Every other node links
to the page that shows it best: an agency to the agency network, a policy, programme,
proposal or observation to the first document that states it.

Examples
--------
>>> slug("https://w3id.org/govkg/mechanism/three-social-linkage")
'three-social-linkage'
>>> slug("https://w3id.org/govkg/candidate/04ed2d4d1d03fe2c")
'c-04ed2d4d1d03fe2c'
>>> slug("https://example.org/地方/银川市")
'x-2da4b3c068'
>>> slug("https://example.org/Places/Yinchuan")
'yinchuan-31dffff0ce'
"""

from __future__ import annotations

import hashlib
import re

import networkx as nx

from kg.errors import ViewError
from kg.queries.adoption import place_name
from kg.queries.walk import labels
from kg.vocab import GKC, GKM, ID, doc_iri

__all__ = [
    "NAV",
    "PAGE_FOLDERS",
    "VIEW_KINDS",
    "slug",
    "page_path",
    "node_url",
    "document_url",
    "find_node",
    "canonical",
]

#: The links at the top of every page.
NAV: tuple[tuple[str, str], ...] = (
    ("首页 Home", "index.html"),
    ("总览 Overview", "overview.html"),
    ("机构 Agencies", "agencies.html"),
)
#: Node kind → the site folder its pages are written into.
PAGE_FOLDERS = {"Mechanism": "mechanism", "Place": "place", "Document": "document"}
#: The kinds of view ``kg view`` makes, and whether each needs a name.
VIEW_KINDS = {"overview": False, "agencies": False, "mechanism": True, "place": True, "document": True}

#: Namespaces whose last segment is already a unique, safe file name within its folder.
_CLEAN = (str(GKM), str(ID["place"]), str(ID["doc"]))
_SAFE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _digest(text: str, n: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def slug(node_id: str) -> str:
    """A file name stem for ``node_id``: ASCII, unique among the ids of one folder, deterministic.

    Parameters
    ----------
    node_id : a node's id (an IRI in a built graph)

    Returns
    -------
    str
        ``[a-z0-9-]`` only, at most 75 characters.
    """
    tail = node_id.rstrip("/").rsplit("/", 1)[-1]
    if node_id.startswith(_CLEAN) and _SAFE.fullmatch(tail):
        return tail
    if node_id.startswith(str(GKC)) and re.fullmatch(r"[0-9a-f]{16}", tail):
        return f"c-{tail}"
    clean = re.sub(r"[^a-z0-9]+", "-", tail.lower()).strip("-")[:64]
    return f"{clean or 'x'}-{_digest(node_id)}"


def canonical(graph: nx.MultiDiGraph, mechanism: str) -> str:
    """The concept a mechanism node is a local form of, else the node itself.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", canonical_id="m")
    >>> g.add_node("f", kind="Mechanism", canonical_id="m")
    >>> canonical(g, "f"), canonical(g, "m")
    ('m', 'm')
    """
    target = graph.nodes[mechanism].get("canonical_id")
    return target if target in graph and graph.nodes[target].get("kind") == "Mechanism" else mechanism


def document_url(doc_id: str) -> str:
    """The page of the document ``doc_id``.

    >>> document_url("07f1afe5756efc1b")
    'document/07f1afe5756efc1b.html'
    """
    return f"document/{slug(str(doc_iri(doc_id)))}.html"


def page_path(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The page written for ``node`` itself (mechanism, place, document), else ``None``.

    A local form has no page of its own: it is shown on its concept's page.
    """
    kind = graph.nodes[node].get("kind")
    if kind == "Mechanism":
        node = canonical(graph, node)
    folder = PAGE_FOLDERS.get(kind)  # type: ignore[arg-type]
    return None if folder is None else f"{folder}/{slug(node)}.html"


#: Kind → the edge type that ties a node to the documents that state it, and which end the document is.
_STATED_BY = {"Policy": "CITES", "Program": "MENTIONS", "Proposal": "RESPONDS_TO"}


def node_url(graph: nx.MultiDiGraph, node: str) -> str | None:
    """The page a node links to: its own, the agency network, or the first document stating it.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("https://w3id.org/govkg/id/place/640100", kind="Place")
    >>> g.add_node("a", kind="Agency")
    >>> g.add_node("o", kind="Observation", doc_id="d1")
    >>> [node_url(g, n) for n in g]
    ['place/640100.html', 'agencies.html', 'document/d1.html']
    """
    attrs = graph.nodes[node]
    kind = attrs.get("kind")
    if kind in PAGE_FOLDERS:
        return page_path(graph, node)
    if kind == "Agency":
        return "agencies.html"
    if kind == "Observation" and attrs.get("doc_id"):
        return document_url(attrs["doc_id"])
    edge = _STATED_BY.get(kind)  # type: ignore[arg-type]
    docs = sorted(
        src
        for src, _, t in graph.in_edges(node, data="type")
        if t == edge and graph.nodes[src].get("kind") == "Document"
    )
    return page_path(graph, docs[0]) if docs else None


def _document_names(attrs: dict) -> set[str]:
    source = attrs.get("source") or ""
    return {
        n for n in (attrs.get("title"), attrs.get("label"), attrs.get("doc_id"), source, source.rsplit(".", 1)[0]) if n
    }


def find_node(graph: nx.MultiDiGraph, kind: str, name: str) -> str:
    """The node of ``kind`` (``mechanism``, ``place``, ``document``) that ``name`` names.

    A mechanism matches on any of its labels (a local form gives its concept), a place on
    its labels or the full name of a short form (红河州 → 红河哈尼族彝族自治州), a document
    on its title, ``doc_id`` or source file name.

    Raises
    ------
    ViewError
        No node, or several, of that kind has that name; the message lists what is near.
    """
    want = kind.capitalize()
    if want not in PAGE_FOLDERS:
        raise ViewError(f"No page kind {kind!r}; kinds with names: {', '.join(sorted(PAGE_FOLDERS)).lower()}.")
    nodes = graph.nodes
    names = {name} | ({place_name(name)} if want == "Place" else set())
    found = sorted(
        {
            canonical(graph, n) if want == "Mechanism" else n
            for n, attrs in nodes(data=True)
            if attrs.get("kind") == want and names & (_document_names(attrs) if want == "Document" else labels(attrs))
        }
    )
    if len(found) == 1:
        return found[0]
    if found:
        shown = "; ".join(f"{nodes[n].get('label')} ({n})" for n in found[:10])
        raise ViewError(f"{len(found)} {kind}s are named {name!r}: {shown}. Give a fuller name.")
    near = sorted(
        {
            str(attrs.get("label"))
            for _, attrs in nodes(data=True)
            if attrs.get("kind") == want and any(name in label or label in name for label in labels(attrs))
        }
    )[:10]
    hint = f" Names that contain it: {'、'.join(near)}." if near else ""
    raise ViewError(f"No {kind} named {name!r} in the graph.{hint} See the lists on the site's index.html.")
