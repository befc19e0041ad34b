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
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kg.errors import StoreError
from kg.graph import GraphChange, PropertyGraph
from kg.io import copy_range, open_atomic

__all__ = ["NETWORKX_FILE", "JsonLayout", "edge_items", "node_items", "read_networkx", "to_networkx", "write_networkx",
           "write_networkx_layout"]

#: The file :func:`write_networkx` writes into its folder.
NETWORKX_FILE = "graph.networkx.json"
#: Rows of a table encoded at a time by :func:`write_networkx`.
_CHUNK = 50_000
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _values(column: pd.Series) -> list[Any]:
    """The column's values as plain Python values, ``None`` where one is missing.

    ``Series.tolist`` gives Python values for a typed column; an object column holds what
    was put in it, which may be a NumPy scalar unless every value is a string (checked in C).
    """
    values = column.astype(object).where(column.notna(), None).tolist()
    if column.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
    return values  # type: ignore[no-any-return]


def _records(table: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts of plain Python values, ``None`` where a value is missing.

    Made a column at a time: a million rows through ``DataFrame.to_dict`` took several seconds.

    >>> rows = _records(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", None],
    ...                               "o": pd.Series([np.int64(2), None], dtype=object)}))
    >>> [{k: (v, type(v).__name__) for k, v in row.items()} for row in rows]
    [{'n': (1, 'int'), 's': ('a', 'str'), 'o': (2, 'int')}, {'n': (None, 'NoneType'), 's': (None, 'NoneType'), 'o': (None, 'NoneType')}]
    """
    names = [str(name) for name in table.columns]
    for row in zip(*(_values(table[name]) for name in table.columns), strict=True):
        yield dict(zip(names, row, strict=True))


def _edge_keys(kind: str, table: pd.DataFrame) -> list[str]:
    """Each edge's key: its type, then ``type:1``, ``type:2`` … for repeats of one (source, target)."""
    repeats: dict[tuple[str, str], int] = {}
    keys = []
    for pair in zip(table["src"].tolist(), table["dst"].tolist(), strict=True):
        n = repeats[pair] = repeats.get(pair, -1) + 1
        keys.append(f"{kind}:{n}" if n else kind)
    return keys


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
        for key, row in zip(_edge_keys(kind, table), _records(table), strict=True):
            src, dst = row.pop("src"), row.pop("dst")
            yield src, dst, key, {"type": kind, **row}


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


def _json(values: list[Any]) -> list[str]:
    """Each value as ``json.dumps`` writes it; strings, whole numbers, finite floats and
    ``None`` without the general encoder (with dicts for it to encode, the file of 10,000
    documents took 3.3 s; this way 2.2–2.4 s).

    >>> values = ['a"b\\n\\x01', "银川", None, 3, True, -0.0, 2.5e-9, float("nan"), float("inf"), [1]]
    >>> _json(values) == [json.dumps(v, ensure_ascii=False) for v in values]
    True
    """
    return [encode_basestring(v) if type(v) is str else "null" if v is None else int.__repr__(v) if type(v) is int
            else float.__repr__(v) if type(v) is float and math.isfinite(v) else _ENCODE(v) for v in values]


def _objects(fields: dict[str, list[str] | str], rows: int) -> list[str]:
    """``rows`` JSON objects whose keys are ``fields``' keys, sorted, and whose values are the
    encoded values given (a list, one per row) or the same for every row (a string)."""
    keys = sorted(fields)
    template = "{" + ",".join(encode_basestring(key).replace("%", "%%") + ":%s" for key in keys) + "}"
    columns = [repeat(value, rows) if isinstance(value, str) else value for value in (fields[k] for k in keys)]
    return [template % row for row in zip(*columns)]


def _encoded(name: str, part: str, table: pd.DataFrame, keys: list[str]) -> list[bytes]:
    """The JSON objects of ``table``'s rows (node rows of label ``name``, or edges of type
    ``name`` keyed ``keys``), UTF-8 encoded, :data:`_CHUNK` rows at a time."""
    out: list[bytes] = []
    for start in range(0, len(table), _CHUNK):
        chunk = table.iloc[start:start + _CHUNK]
        fields: dict[str, list[str] | str] = {str(c): _json(_values(chunk[c])) for c in chunk.columns}
        if part == "nodes":
            fields["kind"] = encode_basestring(name)
        else:
            fields["source"], fields["target"] = fields.pop("src"), fields.pop("dst")
            fields["key"] = [encode_basestring(key) for key in keys[start:start + _CHUNK]]
            fields["type"] = encode_basestring(name)
        out.extend(text.encode("utf-8") for text in _objects(fields, len(chunk)))
    return out


@dataclass(frozen=True)
class JsonLayout:
    """Where each table's rows lie in a ``graph.networkx.json``: row ``i`` of table ``t`` (a
    node label or relationship type) is the object at bytes ``[starts[t][i], ends[t][i])``;
    ``size`` is the file's, to tell it from a file written since."""

    starts: dict[str, np.ndarray]
    ends: dict[str, np.ndarray]
    size: int


def write_networkx(pg: PropertyGraph, out_dir: Path) -> Path:
    """Write ``out_dir/graph.networkx.json``: node-link JSON that :func:`read_networkx` reads
    back as :func:`to_networkx` makes it; return its path. See :func:`write_networkx_layout`."""
    write_networkx_layout(pg, out_dir)
    return Path(out_dir) / NETWORKX_FILE


def write_networkx_layout(pg: PropertyGraph, out_dir: Path,
                          since: tuple[PropertyGraph, GraphChange, JsonLayout] | None = None) -> JsonLayout:
    """Write ``out_dir/graph.networkx.json`` as :func:`write_networkx` does; return where each row lies in it.

    It is written from the tables, without making the networkx graph: nodes and then edges
    in table order, each object's keys sorted, so the same graph gives the same bytes. (At
    10,000 documents, making the graph first took longer than writing the file.) Each
    value is encoded as ``json.dumps`` would, a column of a chunk of rows at a time.

    Parameters
    ----------
    pg : the property graph of :func:`kg.graph.build_graph`
    out_dir : the output folder; made when missing
    since : the graph the file there was written from, how ``pg`` differs from it, and the
        file's layout: the rows that did not change (nor did their edge keys) are copied
        from that file, the rest encoded. Ignored when the file is not that layout's.

    Returns
    -------
    JsonLayout
        Where each row lies in the file written.
    """
    # The bytes of json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for
    # data = nx.node_link_data(to_networkx(pg), edges="edges") with the edges in the order they were
    # added (reading the file adds them in that order again), written a chunk at a time: the whole
    # text would be another copy of the graph.
    path = Path(out_dir) / NETWORKX_FILE
    old = None
    if since is not None and path.is_file() and path.stat().st_size == since[2].size:
        old = open(path, "rb")  # noqa: SIM115 (closed below)
    starts: dict[str, np.ndarray] = {}
    ends: dict[str, np.ndarray] = {}
    try:
        with open_atomic(path) as fh:
            at = fh.write(b'{"directed":true,"edges":[')
            for part, after in (("edges", b'],"graph":{},"multigraph":true,"nodes":['), ("nodes", b"]}\n")):
                first = True
                for name, table in (pg.edges if part == "edges" else pg.nodes).items():
                    keys = _edge_keys(name, table) if part == "edges" else []
                    begin, finish = np.zeros(len(table), np.int64), np.zeros(len(table), np.int64)
                    plan = _copied(name, part, table, keys, since) if old is not None else None
                    runs = plan if plan is not None else [((0, len(table)), None)]
                    fresh = _fresh_objects(name, part, table, keys, runs)
                    for rows, copy in runs:
                        if rows[1] == rows[0]:
                            continue
                        if not first:
                            at += fh.write(b",")
                        first = False
                        if copy is not None:  # rows[0]..rows[1] are the old rows copy[0]..copy[1], unchanged
                            o_start, o_end = since[2].starts[name], since[2].ends[name]  # type: ignore[index]
                            a, b = int(o_start[copy[0]]), int(o_end[copy[1] - 1])
                            copy_range(old, fh, a, b - a)  # type: ignore[arg-type]
                            begin[rows[0]:rows[1]] = o_start[copy[0]:copy[1]] - a + at
                            finish[rows[0]:rows[1]] = o_end[copy[0]:copy[1]] - a + at
                            at += b - a
                            continue
                        objects = [next(fresh) for _ in range(rows[1] - rows[0])]
                        sizes = np.fromiter(map(len, objects), np.int64, len(objects))
                        begin[rows[0]:rows[1]] = at + np.concatenate(([0], np.cumsum(sizes + 1)[:-1]))
                        finish[rows[0]:rows[1]] = begin[rows[0]:rows[1]] + sizes
                        at += fh.write(b",".join(objects))
                    starts[name], ends[name] = begin, finish
                at += fh.write(after)
    finally:
        if old is not None:
            old.close()
    return JsonLayout(starts, ends, at)


def _fresh_objects(name: str, part: str, table: pd.DataFrame, keys: list[str],
                   runs: list[tuple[tuple[int, int], tuple[int, int] | None]]) -> Iterator[bytes]:
    """The objects of the rows the ``runs`` of :func:`_copied` encode, in order, all encoded at once:
    encoding each run apart cost a few DataFrame operations a run (at 10,000 documents, 300 changed
    made 69,000 runs and 26 s)."""
    fresh = [(i, j) for (i, j), copy in runs if copy is None and j > i]
    if fresh == [(0, len(table))]:
        return iter(_encoded(name, part, table, keys))
    if not fresh:
        return iter(())
    rows = np.concatenate([np.arange(i, j) for i, j in fresh])
    return iter(_encoded(name, part, table.iloc[rows], [keys[r] for r in rows.tolist()] if keys else []))


def _copied(name: str, part: str, table: pd.DataFrame, keys: list[str],
            since: tuple[PropertyGraph, GraphChange, JsonLayout] | None) -> list[tuple[tuple[int, int], tuple[int, int] | None]] | None:
    """How to write ``table``'s rows from the old file: runs of new rows ``(i, j)``, each with
    the old rows ``(k, l)`` whose objects they are, or ``None`` when they must be encoded.
    ``None`` (encode every row) when the change does not fit the old table."""
    if since is None:
        return None
    before, change, layout = since
    old_table = before.edges.get(name) if part == "edges" else before.nodes.get(name)
    if old_table is None or name not in layout.starts or len(layout.starts[name]) != len(old_table):
        return None
    kept_old = np.ones(len(old_table), bool)
    kept_old[change.stale[name].index.to_numpy()] = False
    kept_new = np.ones(len(table), bool)
    kept_new[change.fresh[name].index.to_numpy()] = False
    old_at, new_at = np.flatnonzero(kept_old), np.flatnonzero(kept_new)
    if len(old_at) != len(new_at):
        return None
    if part == "edges":  # a repeat's key counts the edges before it: one that came or went renames those after
        old_keys = np.array(_edge_keys(name, old_table), dtype=object)
        same = old_keys[old_at] == np.array(keys, dtype=object)[new_at]
        old_at, new_at = old_at[same], new_at[same]
    source = np.full(len(table), -1, np.int64)
    source[new_at] = old_at
    copied = source >= 0
    # a run ends where copying starts or stops, or where the old rows it copies are not consecutive
    ends = np.ones(len(table), bool)
    ends[:-1] = (copied[1:] != copied[:-1]) | (copied[1:] & (source[1:] != source[:-1] + 1))
    plan: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    i = 0
    for j in (np.flatnonzero(ends) + 1).tolist():
        plan.append(((i, j), (int(source[i]), int(source[j - 1]) + 1) if copied[i] else None))
        i = j
    return plan


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
