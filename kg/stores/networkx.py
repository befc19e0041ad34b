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
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kg.errors import StoreError
from kg.graph import PropertyGraph
from kg.io import open_atomic

__all__ = ["NETWORKX_FILE", "edge_items", "node_items", "read_networkx", "to_networkx", "write_networkx"]

#: The file :func:`write_networkx` writes into its folder.
NETWORKX_FILE = "graph.networkx.json"


def _records(table: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts of plain Python values, ``None`` where a value is missing.

    Made a column at a time (``Series.tolist`` gives Python values): a million rows
    through ``DataFrame.to_dict`` took several seconds.

    >>> rows = _records(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", None],
    ...                               "o": pd.Series([np.int64(2), None], dtype=object)}))
    >>> [{k: (v, type(v).__name__) for k, v in row.items()} for row in rows]
    [{'n': (1, 'int'), 's': ('a', 'str'), 'o': (2, 'int')}, {'n': (None, 'NoneType'), 's': (None, 'NoneType'), 'o': (None, 'NoneType')}]
    """
    names = [str(name) for name in table.columns]
    columns = []
    for name in table.columns:
        column = table[name]
        values = column.astype(object).where(column.notna(), None).tolist()
        # a typed column converts to Python values; an object column holds what was put in it,
        # which may be a NumPy scalar unless every value is a string (checked in C)
        if column.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            values = [v.item() if isinstance(v, np.generic) else v for v in values]
        columns.append(values)
    for row in zip(*columns, strict=True):
        yield dict(zip(names, row, strict=True))


def node_items(pg: PropertyGraph, *, labels: Iterable[str] | None = None,
               columns: Iterable[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of every node, in table order: what :func:`to_networkx` adds.

    ``labels`` and ``columns``, when given, keep the nodes of those labels only, with
    ``kind`` and those of their columns only."""
    wanted = None if labels is None else set(labels)
    keep = None if columns is None else {"id", *columns}
    for label, table in pg.nodes.items():
        if wanted is not None and label not in wanted:
            continue
        for row in _records(table if keep is None else table[[c for c in table.columns if c in keep]]):
            node = row.pop("id")
            yield node, {"kind": label, **row}


def edge_items(pg: PropertyGraph) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(source, target, key, attributes)`` of every edge, in table order: what :func:`to_networkx` adds."""
    for kind, table in pg.edges.items():
        repeats: dict[tuple[str, str], int] = {}
        for row in _records(table):
            src, dst = row.pop("src"), row.pop("dst")
            n = repeats[src, dst] = repeats.get((src, dst), -1) + 1
            yield src, dst, f"{kind}:{n}" if n else kind, {"type": kind, **row}


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
    graph.add_nodes_from(node_items(pg))
    graph.add_edges_from(edge_items(pg))
    return graph


def write_networkx(pg: PropertyGraph, out_dir: Path) -> Path:
    """Write ``out_dir/graph.networkx.json``: node-link JSON that :func:`read_networkx` reads
    back as :func:`to_networkx` makes it.

    It is written from the tables, without making the networkx graph: nodes and then edges
    in table order, each object's keys sorted, so the same graph gives the same bytes. (At
    10,000 documents, making the graph first took longer than writing the file.)

    Parameters
    ----------
    pg : the property graph of :func:`kg.graph.build_graph`
    out_dir : the output folder; made when missing

    Returns
    -------
    Path
        The file written.
    """
    # The keys and values of nx.node_link_data(to_networkx(pg), edges="edges"), edges in the order
    # they were added: reading the file adds them in that order again. Encoded a batch at a time:
    # the whole list of dicts would be another copy of the graph.
    parts: dict[str, object] = {
        "directed": True, "multigraph": True, "graph": {},
        "nodes": ({**attrs, "id": node} for node, attrs in node_items(pg)),
        "edges": ({**attrs, "source": u, "target": v, "key": k} for u, v, k, attrs in edge_items(pg)),
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
