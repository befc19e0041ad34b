"""networkx: the property graph as a ``MultiDiGraph``, for analysis and for the views.

:func:`to_networkx` makes one node per row of every node table, keyed by its ``id`` (the
IRI :mod:`kg.rdf` gives it), with the row's columns as attributes and ``kind`` = its node
label; and one edge per row of every edge table, with ``type`` = its relationship type.
An edge's key is its relationship type (``G.has_edge(u, v, "ADOPTED")``); a second edge
of the same type between the same nodes is keyed ``"ADOPTED:1"``, a third ``"ADOPTED:2"``.
Missing values are ``None``, so every node of one kind has the same attributes.

:func:`write_networkx` writes node-link JSON (``graph.networkx.json``) atomically and
deterministically; :func:`read_networkx` reads it back.

Examples
--------
>>> from kg.graph import build_graph
>>> from kg.thesaurus import load_thesaurus
>>> g = to_networkx(build_graph([], thesaurus=load_thesaurus()))
>>> g.nodes["https://w3id.org/govkg/mechanism/three-social-linkage"]["label"]
'三社联动'
>>> sorted({kind for _, kind in g.nodes(data="kind")})
['Mechanism']
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kg.errors import StoreError
from kg.graph import PropertyGraph
from kg.io import open_atomic

__all__ = ["to_networkx", "write_networkx", "read_networkx", "NETWORKX_FILE"]

#: The file :func:`write_networkx` writes into its folder.
NETWORKX_FILE = "graph.networkx.json"


def _records(table: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts of plain Python values, ``None`` where a value is missing.

    Made a column at a time (``Series.tolist`` gives Python values): a million rows
    through ``DataFrame.to_dict`` took several seconds.

    >>> list(_records(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", None]})))
    [{'n': 1, 's': 'a'}, {'n': None, 's': None}]
    """
    names = [str(name) for name in table.columns]
    columns = []
    for name in table.columns:
        column = table[name]
        values = column.astype(object).where(column.notna(), None).tolist()
        columns.append([v.item() if isinstance(v, np.generic) else v for v in values]
                       if any(isinstance(v, np.generic) for v in values) else values)
    for row in zip(*columns, strict=True):
        yield dict(zip(names, row, strict=True))


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """The property graph as a ``MultiDiGraph`` (see the module docstring for its shape).

    Parameters
    ----------
    pg : the property graph of :func:`kg.graph.build_graph`

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges in table order, so the same graph gives the same iteration order.
    """
    graph = nx.MultiDiGraph()
    for label, table in pg.nodes.items():
        graph.add_nodes_from((row.pop("id"), {"kind": label, **row}) for row in _records(table))
    for kind, table in pg.edges.items():
        repeats: dict[tuple[str, str], int] = {}
        edges = []
        for row in _records(table):
            src, dst = row.pop("src"), row.pop("dst")
            n = repeats[src, dst] = repeats.get((src, dst), -1) + 1
            edges.append((src, dst, f"{kind}:{n}" if n else kind, {"type": kind, **row}))
        graph.add_edges_from(edges)
    return graph


def write_networkx(pg: PropertyGraph | None, out_dir: Path, *, graph: nx.MultiDiGraph | None = None) -> Path:
    """Write ``out_dir/graph.networkx.json``: the node-link JSON of :func:`to_networkx`.

    Parameters
    ----------
    pg : the property graph of :func:`kg.graph.build_graph`; ``None`` when ``graph`` is given
    out_dir : the output folder; made when missing
    graph : ``to_networkx(pg)``, when the caller has made it already (``kg build`` reuses it
        for the precedent index, and frees the tables first)

    Returns
    -------
    Path
        The file written.
    """
    if graph is None and pg is None:
        raise TypeError("write_networkx needs the property graph or its networkx graph")
    g = graph if graph is not None else to_networkx(pg)  # type: ignore[arg-type]
    # The bytes of json.dumps(nx.node_link_data(g, edges="edges"), sort_keys=True, …), made a
    # batch of nodes or edges at a time: the whole list of dicts would be another copy of the graph.
    parts: dict[str, object] = {
        "directed": g.is_directed(), "multigraph": True, "graph": g.graph,
        "nodes": ({**attrs, "id": node} for node, attrs in g.nodes(data=True)),
        "edges": ({**attrs, "source": u, "target": v, "key": k} for u, v, k, attrs in g.edges(keys=True, data=True)),
    }
    path = Path(out_dir) / NETWORKX_FILE
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with open_atomic(path) as fh:
        fh.write(b"{")
        for i, key in enumerate(sorted(parts)):
            fh.write(f"{',' if i else ''}{encoder.encode(key)}:".encode())
            value = parts[key]
            if not isinstance(value, Iterator):
                fh.write(encoder.encode(value).encode())
                continue
            fh.write(b"[")
            first = True
            while batch := list(islice(value, 10_000)):  # the C encoder, a batch at a time
                fh.write(f"{'' if first else ','}{encoder.encode(batch)[1:-1]}".encode())
                first = False
            fh.write(b"]")
        fh.write(b"}\n")
    return path


def read_networkx(out_dir: Path) -> nx.MultiDiGraph:
    """Read the graph :func:`write_networkx` wrote into ``out_dir``.

    Raises
    ------
    StoreError
        The file is missing or is not node-link JSON.
    """
    path = Path(out_dir) / NETWORKX_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    except FileNotFoundError as exc:
        raise StoreError(f"no networkx graph at {path}; write one with write_networkx (kg build)") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path} is not node-link JSON: {exc}") from exc
    return graph  # type: ignore[no-any-return]
