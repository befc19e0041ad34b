"""LadybugDB (the maintained successor of Kùzu): the property graph on disk, queried in Cypher.

:func:`write_ladybug` creates a new database from ``queries/schema.cypher`` and bulk
loads every table of a :class:`~kg.graph.PropertyGraph` with ``COPY <table> FROM $df``
(LadybugDB scans a pandas DataFrame passed as a parameter; nothing is inserted row by
row). The database is built in a temporary folder beside ``path`` and renamed over it,
so a crash never leaves half a database.

:func:`read_ladybug` reads the tables back into a :class:`~kg.graph.PropertyGraph` equal to
the one written (its ``skipped`` counts, which no store keeps, are empty).

:func:`query_ladybug` runs one Cypher query on a read-only connection, its values bound
as parameters (``$name``), never formatted into the text, and returns a DataFrame.
Keep queries in the openCypher subset Neo4j also runs: the same questions go there too.

Examples
--------
>>> import tempfile
>>> from kg.graph import build_graph
>>> from kg.thesaurus import load_thesaurus
>>> db = Path(tempfile.mkdtemp()) / "graph.lbug"
>>> write_ladybug(build_graph([], thesaurus=load_thesaurus()), db)
>>> query_ladybug(db, "MATCH (m:Mechanism) WHERE m.label = $name RETURN m.id AS id",
...               {"name": "三社联动"})["id"].tolist()
['https://w3id.org/govkg/mechanism/three-social-linkage']
>>> read_ladybug(db).counts()["Mechanism"] == len(load_thesaurus().concepts)
True
>>> query_ladybug(db, "MATCH (m:Mechanism RETURN m")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.QueryError: Cypher query failed: Parser exception: ...
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import ladybug
import pandas as pd

from kg.errors import QueryError, StoreError
from kg.graph import EDGE_COLUMNS, EDGE_KEYS, ENDPOINTS, NODE_COLUMNS, GraphChange, PropertyGraph, graph_change

__all__ = [
    "LADYBUG_FILE", "write_ladybug", "update_ladybug", "read_ladybug", "query_ladybug", "schema_path",
    "schema_statements"]

#: The database file a build writes into its output folder.
LADYBUG_FILE = "graph.lbug"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCALARS = (str, int, float, bool, type(None))


def schema_path() -> Path:
    """The LadybugDB DDL shipped with the package, ``queries/schema.cypher``."""
    return Path(str(files("queries").joinpath("schema.cypher")))


def schema_statements(path: Path | None = None) -> list[str]:
    """The DDL statements of ``path`` (default :func:`schema_path`), ``//`` comments removed.

    Examples
    --------
    >>> schema_statements()[0].split("(")[0]
    'CREATE NODE TABLE Document'
    """
    text = (path or schema_path()).read_text(encoding="utf-8")
    code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
    return [" ".join(part.split()) for part in code.split(";") if part.strip()]


def _identifier(name: str) -> str:
    """A table name from the schema, checked before it is written into a COPY statement."""
    if not _NAME.fullmatch(name):
        raise StoreError(f"{name!r} is not a table name: names are letters, digits and _")
    return name


def _columns(conn: ladybug.Connection, table: str) -> list[str]:
    info = conn.execute(f"CALL table_info('{_identifier(table)}') RETURN *")
    return [str(name) for name in info.get_as_df()["name"]]  # type: ignore[union-attr]


def _check_schema(conn: ladybug.Connection, pg: PropertyGraph) -> None:
    """Fail unless the schema's tables and columns are exactly the graph's, in the same order."""
    tables = conn.execute("CALL show_tables() RETURN *").get_as_df()  # type: ignore[union-attr]
    have = sorted(str(name) for name in tables["name"])
    want = sorted([*pg.nodes, *pg.edges])
    if have != want:
        raise StoreError(f"{schema_path()} declares tables {have} but the graph has {want}; "
                         "update the schema and kg.graph together")
    expected = {**{label: [str(c) for c in table.columns] for label, table in pg.nodes.items()},
                **{kind: [str(c) for c in table.columns][2:] for kind, table in pg.edges.items()}}
    for table, columns in expected.items():
        if (declared := _columns(conn, table)) != columns:
            raise StoreError(f"{schema_path()} gives {table} the columns {declared}, but the graph "
                             f"has {columns}; COPY maps columns by position, so they must agree")


def _copyable(table: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers as objects holding ``int`` or ``None``: the DataFrame scanner's form."""
    out = table.copy()
    for column, dtype in table.dtypes.items():
        if isinstance(dtype, pd.Int64Dtype):
            out[column] = table[column].astype(object).where(table[column].notna(), None)
    return out


def _copy(conn: ladybug.Connection, table: str, frame: pd.DataFrame, options: str = "") -> None:
    if frame.empty:
        return
    try:
        conn.execute(f"COPY {_identifier(table)} FROM $frame{options}", parameters={"frame": _copyable(frame)})
    except RuntimeError as exc:
        raise StoreError(f"cannot load {len(frame)} rows into {table}: {exc}") from exc


def _load(conn: ladybug.Connection, pg: PropertyGraph) -> None:
    for statement in schema_statements():
        try:
            conn.execute(statement)
        except RuntimeError as exc:
            raise StoreError(f"{schema_path()}: {exc} in: {statement[:80]}…") from exc
    _check_schema(conn, pg)
    _fill(conn, pg, pg)


def _fill(conn: ladybug.Connection, rows: PropertyGraph, whole: PropertyGraph) -> None:
    """Load the ``rows`` of each table; ``whole`` (the graph they belong to) says which
    label each edge's ends have."""
    for label, table in rows.nodes.items():
        _copy(conn, label, table)
    for kind, table in rows.edges.items():
        if table.empty:
            continue
        pairs = ENDPOINTS[kind]
        src = _label_of(whole, table["src"], {s for s, _ in pairs})
        dst = _label_of(whole, table["dst"], {d for _, d in pairs})
        fits = pd.Series(False, index=table.index)
        for a, b in pairs:
            fits |= (src == a) & (dst == b)
        if not fits.all():
            stray = sorted({str((a, b)) for a, b in zip(src[~fits], dst[~fits])})
            raise StoreError(f"{kind} joins {', '.join(stray)}; it may only join {pairs}")
        for a, b in pairs:  # a type with several FROM … TO pairs is loaded one pair at a time
            options = f" (from='{_identifier(a)}', to='{_identifier(b)}')" if len(pairs) > 1 else ""
            _copy(conn, kind, table[((src == a) & (dst == b)).to_numpy()], options)


def _label_of(graph: PropertyGraph, ids: pd.Series, labels: Iterable[str] | None = None) -> pd.Series:
    """The node label of each id in ``ids``, looked for among ``labels`` (default: all);
    ``None`` where ``graph`` has no such node."""
    found = pd.Series([None] * len(ids), index=ids.index, dtype=object)
    for label in labels if labels is not None else graph.nodes:
        found[ids.isin(graph.nodes[label]["id"]).to_numpy()] = label
    return found


def write_ladybug(pg: PropertyGraph, path: Path) -> None:
    """Write ``pg`` as a new LadybugDB database at ``path``, replacing any database there.

    Parameters
    ----------
    pg : the property graph of :func:`kg.graph.build_graph`
    path : the database file to create, e.g. ``kg-out/graph.lbug``

    Raises
    ------
    StoreError
        The schema and the graph disagree, or a table cannot be loaded.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        built = work / path.name
        db = ladybug.Database(str(built))
        conn = ladybug.Connection(db)
        try:
            _load(conn, pg)
        finally:
            conn.close()
            db.close()
        if path.is_dir():  # a database of the older folder layout
            shutil.rmtree(path)
        for sidecar in path.parent.glob(f"{glob.escape(path.name)}.*"):  # the old database's write-ahead log
            if sidecar.is_file() and sidecar.suffix in {".wal", ".shadow", ".lock"}:
                sidecar.unlink()
        os.replace(built, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def update_ladybug(path: Path, old: PropertyGraph, new: PropertyGraph, change: GraphChange | None = None) -> None:
    """Change the database at ``path``, which holds ``old``, to hold ``new``.

    Only the rows that differ (``change``; by default :func:`~kg.graph.graph_change` of
    the two) are touched: a node whose row changed is set anew, one that went is deleted
    with its edges, an edge that changed or went is deleted, and the new and changed rows
    are loaded with ``COPY``, all in one transaction on a copy of the database, which is
    then renamed over ``path``, so a crash leaves the old one.

    Raises
    ------
    StoreError
        The database cannot be opened, or a change fails (the database at ``path`` is
        left as it was).
    """
    path = Path(path)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        changed = work / path.name
        shutil.copyfile(path, changed)
        db = ladybug.Database(str(changed))
        conn = ladybug.Connection(db)
        try:
            _check_schema(conn, new)
            conn.execute("BEGIN TRANSACTION")
            _change(conn, old, new, change if change is not None else graph_change(old, new))
            conn.execute("COMMIT")
        except RuntimeError as exc:
            raise StoreError(f"cannot change {path}: {exc}") from exc
        finally:
            conn.close()
            db.close()
        os.replace(changed, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _change(conn: ladybug.Connection, old: PropertyGraph, new: PropertyGraph, change: GraphChange) -> None:
    """Make the database, which holds ``old``, hold ``new`` (see :func:`update_ladybug`).

    Each statement finds its nodes by their primary key. An ``UNWIND $rows … MATCH`` of
    edges by their ends made LadybugDB join every edge of the type with every row (at
    10,000 documents, 2,000 stale adoptions: 1.0 s, against 0.28 s a statement per row);
    the edges of a node that went are deleted with it."""
    gone: dict[str, list[str]] = {}
    for label in new.nodes:
        stale, fresh = change.stale[label], change.fresh[label]
        gone[label] = stale["id"][~stale["id"].isin(fresh["id"])].tolist()
    going = pd.Index([node for ids in gone.values() for node in ids])
    fresh_edges = {}
    for kind in new.edges:
        stale, fresh_edges[kind] = change.stale[kind], change.fresh[kind]
        stale = stale[~(stale["src"].isin(going) | stale["dst"].isin(going)).to_numpy()]
        if stale.empty:
            continue
        keys = list(EDGE_KEYS.get(kind, ()))
        ends = pd.DataFrame({"src": _label_of(old, stale["src"]), "dst": _label_of(old, stale["dst"])})
        match = "".join(f" AND r.{_identifier(k)} = $k{i}" for i, k in enumerate(keys))
        for (src, dst), rows in stale[["src", "dst", *keys]].groupby([ends["src"], ends["dst"]]):
            cypher = (f"MATCH (a:{_identifier(src)} {{id: $src}})-[r:{_identifier(kind)}]->"
                      f"(b:{_identifier(dst)} {{id: $dst}}) WHERE true{match} DELETE r")
            for row in _copyable(rows).itertuples(index=False):
                conn.execute(cypher, parameters={"src": row[0], "dst": row[1],
                                                 **{f"k{i}": value for i, value in enumerate(row[2:])}})
    fresh_nodes = {}
    for label in new.nodes:
        stale, fresh = change.stale[label], change.fresh[label]
        if gone[label]:
            conn.execute(f"UNWIND $ids AS node MATCH (n:{_identifier(label)} {{id: node}}) DETACH DELETE n",
                         parameters={"ids": gone[label]})
        kept = fresh["id"].isin(stale["id"])
        if kept.any():
            columns = [c for c in fresh.columns if c != "id"]
            conn.execute(f"UNWIND $rows AS row MATCH (n:{_identifier(label)} {{id: row.id}}) SET "
                         + ", ".join(f"n.{_identifier(c)} = row.{_identifier(c)}" for c in columns),
                         parameters={"rows": _copyable(fresh[kept.to_numpy()]).to_dict("records")})
        fresh_nodes[label] = fresh[~kept.to_numpy()]
    _fill(conn, PropertyGraph(nodes=fresh_nodes, edges=fresh_edges, skipped={}), new)


def _table(conn: ladybug.Connection, cypher: str, columns: dict[str, str], keys: list[str]) -> pd.DataFrame:
    """The rows of ``cypher`` as a table of ``columns`` (name → dtype), sorted as :mod:`kg.graph` sorts.

    Rows are read one by one as Python values, so integers keep every digit and a missing
    value stays ``None`` (a DataFrame of the result would make integer columns float).
    """
    result = conn.execute(cypher)
    rows = []
    while result.has_next():  # type: ignore[union-attr]
        rows.append(result.get_next())  # type: ignore[union-attr]
    table = pd.DataFrame.from_records(rows, columns=list(columns)).astype(columns)  # type: ignore[arg-type]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def read_ladybug(path: Path) -> PropertyGraph:
    """Read the property graph of the database at ``path`` back into tables.

    Parameters
    ----------
    path : a database written by :func:`write_ladybug`, e.g. ``kg-out/graph.lbug``

    Returns
    -------
    PropertyGraph
        Tables equal to those written: the columns and dtypes of :data:`~kg.graph.NODE_COLUMNS`
        and :data:`~kg.graph.EDGE_COLUMNS`, sorted as :func:`~kg.graph.build_graph` sorts them.
        ``skipped`` is empty: the database keeps no record of what the build left out.

    Raises
    ------
    StoreError
        There is no database at ``path``, or it lacks a table or column of the graph.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no LadybugDB database at {path}; write one with write_ladybug (kg build)")
    try:
        db = ladybug.Database(str(path), read_only=True)
    except RuntimeError as exc:
        raise StoreError(f"cannot open the LadybugDB database {path}: {exc}") from exc
    conn = ladybug.Connection(db)
    try:
        nodes = {label: _table(conn, f"MATCH (n:{_identifier(label)}) RETURN "
                               + ", ".join(f"n.{_identifier(c)}" for c in columns), columns, ["id"])
                 for label, columns in NODE_COLUMNS.items()}
        edges = {}
        for kind, columns in EDGE_COLUMNS.items():
            props = [f"r.{_identifier(c)}" for c in columns if c not in ("src", "dst")]
            edges[kind] = _table(conn, f"MATCH (a)-[r:{_identifier(kind)}]->(b) RETURN "
                                 + ", ".join(["a.id", "b.id", *props]), columns,
                                 ["src", "dst", *EDGE_KEYS.get(kind, ())])
    except RuntimeError as exc:
        raise StoreError(f"{path} does not hold the tables of kg.graph ({exc}); rebuild it with kg build") from exc
    finally:
        conn.close()
        db.close()
    return PropertyGraph(nodes=nodes, edges=edges, skipped={})


def _check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(params, Mapping):
        raise QueryError(f"Query parameters must be a dict of name → value, not {type(params).__name__}.")
    for name, value in params.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise QueryError(f"Unsupported parameter name {name!r}: use letters, digits and _ (as in $name).")
        items = value if isinstance(value, (list, tuple)) else [value]
        if not all(isinstance(item, _SCALARS) for item in items):
            raise QueryError(f"Unsupported value for parameter {name!r}: {type(value).__name__}. "
                             "Parameters take str, int, float, bool, None or a list of them.")
    return {name: list(value) if isinstance(value, tuple) else value for name, value in params.items()}


def query_ladybug(path: Path, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one Cypher query on the database at ``path``; return its rows.

    Parameters
    ----------
    path : a database written by :func:`write_ladybug`
    cypher : one openCypher query; values as parameters (``$name``), never in the text
    params : parameter name → value (str, int, float, bool, None, or a list of them)

    Returns
    -------
    pandas.DataFrame
        One column per ``RETURN`` item, named as written there.

    Raises
    ------
    QueryError
        The query does not parse or bind, tries to write (the connection is read-only),
        holds several statements, or a parameter is of an unsupported type.
    StoreError
        There is no database at ``path``.
    """
    path = Path(path)
    bound = _check_params(params or {})
    try:
        stat = path.resolve().stat()
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        raise StoreError(f"no LadybugDB database at {path}; write one with write_ladybug (kg build)")
    conn = ladybug.Connection(_open_read_only(path.resolve(), stat.st_ino, stat.st_mtime_ns))
    try:
        result = conn.execute(cypher, parameters=bound)
        if isinstance(result, list):
            raise QueryError(f"Send one Cypher statement at a time, not {len(result)}.")
        return result.get_as_df()
    except RuntimeError as exc:
        raise QueryError(f"Cypher query failed: {exc}") from exc
    finally:
        conn.close()


@lru_cache(maxsize=4)
def _open_read_only(path: Path, inode: int, mtime_ns: int) -> ladybug.Database:
    """A read-only database, one per version of the file (``inode`` and ``mtime_ns`` key the cache).

    Opening costs tens of milliseconds, more than most questions; a build writes a new
    database and renames it into place, which gives a new inode and so a fresh open.
    """
    try:
        return ladybug.Database(str(path), read_only=True)
    except RuntimeError as exc:
        raise StoreError(f"cannot open the LadybugDB database {path}: {exc}") from exc
