"""What a view shows, as plain records: the contract between the pages and the renderer.

:mod:`kg.views.pages` turns a built graph into :class:`Page` records (which nodes and
edges, which tables, which links); :mod:`kg.views.render` turns a :class:`Page` into one
HTML file. Every string here is plain text as the documents give it: the renderer
escapes it (Jinja autoescape for the page, ``textContent`` for tooltips and panels),
so nothing in a record is ever HTML.

Links (``url``) are relative to the site folder's root (``mechanism/m-0001.html``); the
renderer rewrites them relative to the page that shows them.

Examples
--------
>>> node = Node(id="m1", label="大党委", kind="Mechanism", url="mechanism/m1.html",
...             details=(("local forms", "大工委"),))
>>> page = Page(path="mechanism/m1.html", title="大党委", nodes=(node,))
>>> page.nodes[0].kind
'Mechanism'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Cell", "Edge", "Node", "Page", "Table", "KINDS", "STATUSES"]

#: Node kinds, in the order legends and filters list them.
KINDS = ("Mechanism", "Place", "Province", "Agency", "Document", "Policy", "Program", "Proposal", "Observation")
#: Adoption statuses, strongest first.
STATUSES = ("implemented", "piloting", "planned", "proposed")

#: A table cell: plain text, or ``(text, url)`` for a link.
Cell = str | tuple[str, str]


@dataclass(frozen=True)
class Node:
    """One node of a view.

    Attributes
    ----------
    id : unique within the view
    label : the name shown on the node
    kind : one of :data:`KINDS` (colour and shape come from it)
    title : the tooltip, plain text
    url : the node's own page, if it has one
    details : (field, value) rows of the details panel, plain text
    size : relative size (degree, number of adopters …), 1 by default
    group : a grouping key (the province a place lies in), if any
    x, y : a position computed in Python (for big views drawn without physics)
    """

    id: str
    label: str
    kind: str
    title: str = ""
    url: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    size: float = 1.0
    group: str | None = None
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class Edge:
    """One edge of a view.

    Attributes
    ----------
    src, dst : node ids
    kind : the relationship (``ADOPTED``, ``ISSUED_BY``, ``WITHIN`` …)
    label : text on the edge (an adoption's year), if any
    title : the tooltip, plain text
    details : (field, value) rows of the details panel: the evidence sentence, the
        document, status, year …
    url : the source document's page, shown in the panel as a link
    status : an adoption's status (one of :data:`STATUSES`), which colours the edge
    """

    src: str
    dst: str
    kind: str
    label: str = ""
    title: str = ""
    details: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Table:
    """A table below the graph: facts and their evidence, lists of linked pages."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Page:
    """One HTML page of the site.

    Attributes
    ----------
    path : where it is written, relative to the site folder (``index.html``,
        ``place/p-640100.html``)
    title : the page heading
    summary : (field, value) rows shown under the heading (metadata), a value may be a link
    nodes, edges : the graph view; a page without nodes shows no graph
    tables : tables shown below the graph
    nav : (text, url) links shown at the top (home, overview, agencies …)
    note : one line of plain text under the graph (what was aggregated, how to search)
    """

    path: str
    title: str
    summary: tuple[tuple[str, Cell], ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    tables: tuple[Table, ...] = ()
    nav: tuple[tuple[str, str], ...] = field(default=(("首页 Home", "index.html"),))
    note: str = ""
