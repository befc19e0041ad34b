"""Neo4j 5: push the property graph into a server through the official ``neo4j`` driver.

The statements are the templates of ``queries/neo4j.cypher``, filled in with names of
the schema only (labels, relationship types, property names, each checked to be an
identifier); every value travels in the list parameter ``$rows``. A push is:

1. :func:`constraint_statements` — one uniqueness constraint on ``id`` per node label
   (Neo4j only: LadybugDB has the primary keys of ``queries/schema.cypher`` instead);
2. :func:`merge_statements` — batches of ``UNWIND $rows AS row MERGE … SET …``, every
   node label first, then every relationship type, MERGEd on what identifies one
   (``id`` for nodes and ADOPTED, ``role`` + ``doc_id`` for HANDLED_BY, the two end
   nodes for the rest) with every other property SET column by column, so pushing the
   same graph twice changes nothing;
3. a count of every label and type, checked against the rows sent.

Statements run through a *runner*, ``run(statement, params) -> list of row dicts``:
:func:`connect_neo4j` gives one over a driver, and a LadybugDB connection makes another
in two lines, which is how ``tests/test_neo4j.py`` runs every MERGE of a push on a real
database. :func:`merge_graph` is steps 2 and 3, :func:`push_neo4j` all three.

:func:`script_statements` gives the same MERGEs with their rows written as Cypher
literals (:func:`cypher_literal`) for a cypher-shell script (see :mod:`kg.stores.neo4j_files`).

Examples
--------
>>> print(constraint_statements(["Place"])[0])
CREATE CONSTRAINT Place_id IF NOT EXISTS FOR (n:Place) REQUIRE n.id IS UNIQUE

The thesaurus gives no cue, so ``cue`` is null in every row of this batch and is set to null:

>>> from kg.graph import build_graph
>>> from kg.thesaurus import load_thesaurus
>>> pg = build_graph([], thesaurus=load_thesaurus())
>>> first = next(merge_statements(pg, batch_size=2))
>>> print(first.text)
UNWIND $rows AS row
MERGE (n:Mechanism {id: row.id})
SET n.label = row.label, n.alt_labels = row.alt_labels, n.local_form = row.local_form, n.canonical_id = row.canonical_id, n.candidate = row.candidate, n.definition = row.definition, n.cue = null
>>> first.name, len(first.params["rows"]), first.params["rows"][0]["label"]
('Mechanism', 2, 'AB岗工作制')
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from typing import Any

import pandas as pd

from kg.errors import StoreError
from kg.graph import EDGE_COLUMNS, EDGE_KEYS, ENDPOINTS, NODE_COLUMNS, PropertyGraph

__all__ = [
    "Runner", "Statement", "TEMPLATES", "neo4j_templates", "cypher_literal", "constraint_statements",
    "merge_statements", "script_statements", "merge_graph", "push_neo4j", "connect_neo4j", "neo4j_password",
]

#: The file of ``queries/`` that holds the statement templates.
TEMPLATES = "neo4j.cypher"
#: Runs one statement with its parameters and returns its rows as dicts.
Runner = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The URI schemes of the Bolt protocol the driver speaks (its HTTP preview needs other packages).
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_SECTION = re.compile(r"^// name: (\w+)\s*$")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Statement:
    """One statement of a push: its text, its parameters, and the table it writes.

    Attributes
    ----------
    text : the filled-in template; values only as ``$rows``
    params : ``{"rows": [...]}``, one dict of plain Python values per row
    name : the node label or relationship type written
    """

    text: str
    params: dict[str, Any]
    name: str


@cache
def neo4j_templates() -> dict[str, str]:
    """The sections of ``queries/neo4j.cypher``: name → template, comments and ``;`` removed.

    Examples
    --------
    >>> sorted(neo4j_templates())
    ['constraint', 'count_nodes', 'count_relationships', 'merge_nodes', 'merge_relationships']
    """
    text = files("queries").joinpath(TEMPLATES).read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if match := _SECTION.match(line):
            current = sections.setdefault(match.group(1), [])
        elif current is not None and not line.lstrip().startswith("//") and line.strip():
            current.append(line.rstrip())
    return {name: "\n".join(lines).rstrip(";") for name, lines in sections.items()}


def _identifier(name: str) -> str:
    """A schema name, checked before it is written into a statement."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StoreError(f"{name!r} is not a name Neo4j statements may hold: use letters, digits and _ "
                         "(labels, relationship types and columns come from kg.graph)")
    return name


def _fill(section: str, **names: str) -> str:
    """The template ``section`` with each ``{{placeholder}}`` replaced by ``names[placeholder]``."""
    template = neo4j_templates()[section]
    wanted = set(_PLACEHOLDER.findall(template))
    if wanted != set(names):
        raise StoreError(f"queries/{TEMPLATES} section {section!r} has the placeholders {sorted(wanted)}, "
                         f"but the code fills {sorted(names)}; update the two together")
    text = _PLACEHOLDER.sub(lambda m: names[m.group(1)], template)
    return "\n".join(line for line in text.splitlines() if line.strip())  # an empty {{set}} leaves no line


def cypher_literal(value: object) -> str:
    """``value`` as a Cypher literal that Neo4j and LadybugDB read back unchanged.

    Strings are single-quoted; backslash, quote, control characters and line separators
    are escaped, so the literal is one line whatever the string holds.

    Examples
    --------
    >>> print(cypher_literal("银川市'}) DETACH DELETE n //"))
    '银川市\\'}) DETACH DELETE n //'
    >>> print(cypher_literal("a\\\\b\\n"), cypher_literal(None), cypher_literal(True), cypher_literal(2.5e-07))
    'a\\\\b\\n' null true 2.5e-07
    >>> cypher_literal(float("nan"))
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: nan has no Cypher literal: a property value must be a finite number
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError(f"{value!r} has no Cypher literal: a property value must be a finite number")
        return repr(value).replace("e+", "e")  # 1e+16 → 1e16: openCypher exponents take no '+'
    if isinstance(value, str):
        body = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value)
        return f"'{body}'"
    raise StoreError(f"{type(value).__name__} {value!r} has no Cypher literal: "
                     "property values are str, int, float, bool or None")


def _plain(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, ``None`` where a value is missing."""
    out = []
    for row in table.astype(object).where(table.notna(), None).to_dict("records"):
        out.append({str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return out


def _assignments(var: str, columns: Iterable[str], nulls: set[str]) -> str:
    items = [f"{var}.{c} = " + ("null" if c in nulls else f"row.{c}") for c in map(_identifier, columns)]
    return "SET " + ", ".join(items) if items else ""


def _nodes_text(label: str, nulls: set[str]) -> str:
    columns = [c for c in NODE_COLUMNS[label] if c != "id"]
    return _fill("merge_nodes", label=_identifier(label), set=_assignments("n", columns, nulls))


def _relationships_text(kind: str, pair: tuple[str, str], nulls: set[str]) -> str:
    keys = EDGE_KEYS.get(kind, ())
    key = " {" + ", ".join(f"{_identifier(k)}: row.{k}" for k in keys) + "}" if keys else ""
    columns = [c for c in EDGE_COLUMNS[kind] if c not in ("src", "dst", *keys)]
    return _fill("merge_relationships", source=_identifier(pair[0]), target=_identifier(pair[1]),
                 type=_identifier(kind), key=key, set=_assignments("r", columns, nulls))


def _tables(pg: PropertyGraph) -> Iterator[tuple[str, Callable[[set[str]], str], list[dict[str, Any]]]]:
    """Every (name, statement text for a set of all-null columns, rows) to MERGE, nodes first.

    A relationship type that joins several label pairs gives one entry per pair.
    """
    for label in NODE_COLUMNS:
        rows = _plain(pg.nodes[label])
        if missing := [r for r in rows if r["id"] is None]:
            raise StoreError(f"{len(missing)} {label} nodes have no id; MERGE needs one on every node")
        yield label, partial(_nodes_text, label), rows
    labels = pg.labels()
    for kind in EDGE_COLUMNS:
        pairs, rows = ENDPOINTS[kind], _plain(pg.edges[kind])
        ends = [(labels.get(r["src"]), labels.get(r["dst"])) for r in rows]
        if stray := sorted({str(pair) for pair in ends if pair not in pairs}):
            raise StoreError(f"{kind} joins {', '.join(stray)}; it may only join {pairs}")
        for key in EDGE_KEYS.get(kind, ()):
            if any(r[key] is None for r in rows):
                raise StoreError(f"a {kind} relationship has no {key}; MERGE needs it on every {kind}")
        for pair in pairs:
            chosen = [r for r, end in zip(rows, ends) if end == pair]
            yield kind, partial(_relationships_text, kind, pair), chosen


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    if size < 1:
        raise StoreError(f"batch_size must be at least 1, not {size}")
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _all_null(rows: Sequence[dict[str, Any]]) -> set[str]:
    return {column for column in rows[0] if all(row[column] is None for row in rows)}


def constraint_statements(labels: Iterable[str] = NODE_COLUMNS) -> list[str]:
    """One ``CREATE CONSTRAINT … IF NOT EXISTS … REQUIRE n.id IS UNIQUE`` per node label."""
    return [_fill("constraint", label=_identifier(label)) for label in labels]


def merge_statements(pg: PropertyGraph, *, batch_size: int = 1000) -> Iterator[Statement]:
    """The MERGE statements that write ``pg``: every node label, then every relationship type.

    Parameters
    ----------
    pg : the property graph to write
    batch_size : rows per statement (one ``$rows`` list)

    Yields
    ------
    Statement
        One per batch, in table order; a table without rows gives none.

    Raises
    ------
    StoreError
        A relationship joins labels its type may not join, a key is missing, or
        ``batch_size`` is below 1.
    """
    for name, text, rows in _tables(pg):
        for batch in _chunks(rows, batch_size):
            yield Statement(text=text(_all_null(batch)), params={"rows": list(batch)}, name=name)


def script_statements(pg: PropertyGraph, *, batch_size: int = 100) -> Iterator[str]:
    """The MERGE statements of ``pg`` with their rows as literals, one line each, for a script.

    Rows with the same missing values are batched together and those values left out
    of their maps, so every map of one list has the same keys and types (LadybugDB
    requires it of a list literal). ``$rows`` becomes ``[{id: '…', …}, …]``.

    Examples
    --------
    >>> from kg.graph import build_graph
    >>> from kg.thesaurus import load_thesaurus
    >>> line = next(script_statements(build_graph([], thesaurus=load_thesaurus())))
    >>> line.startswith("UNWIND [{id: 'https://w3id.org/govkg/mechanism/"), line.count("\\n")
    (True, 0)
    """
    for _, text, rows in _tables(pg):
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(frozenset(c for c, v in row.items() if v is None), []).append(row)
        for nulls, group in groups.items():
            template = " ".join(text(set(nulls)).split())
            for batch in _chunks(group, batch_size):
                literal = "[" + ", ".join(
                    "{" + ", ".join(f"{_identifier(c)}: {cypher_literal(v)}" for c, v in row.items() if c not in nulls)
                    + "}" for row in batch) + "]"
                yield template.replace("$rows", literal, 1)


def _count(run: Runner, section: str, **names: str) -> int:
    rows = run(_fill(section, **names), {})
    return int(rows[0]["total"])


def merge_graph(pg: PropertyGraph, run: Runner, *, batch_size: int = 1000,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Run every statement of :func:`merge_statements` through ``run``, then count what the store holds.

    Parameters
    ----------
    pg : the property graph to write
    run : executes one statement with its parameters (see :data:`Runner`)
    batch_size : rows per statement
    progress : called after each statement with (rows it wrote, rows in all)

    Returns
    -------
    dict
        Node label or relationship type → how many the store holds after the push.

    Raises
    ------
    StoreError
        A statement failed, or the store holds fewer of a label or type than were sent.
    """
    total = sum(pg.counts().values())
    for statement in merge_statements(pg, batch_size=batch_size):
        run(statement.text, statement.params)
        if progress is not None:
            progress(len(statement.params["rows"]), total)
    held = {**{label: _count(run, "count_nodes", label=_identifier(label)) for label in pg.nodes},
            **{kind: _count(run, "count_relationships", type=_identifier(kind)) for kind in pg.edges}}
    if short := [f"{name} ({held[name]} of {sent})" for name, sent in pg.counts().items() if held[name] < sent]:
        raise StoreError(f"the store holds fewer than were sent: {', '.join(short)}; "
                         "a relationship whose end nodes are missing is not written")
    return held


def push_neo4j(pg: PropertyGraph, run: Runner, *, batch_size: int = 1000,
               progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Create the uniqueness constraints, then :func:`merge_graph`: the whole push.

    Parameters and return value as :func:`merge_graph`. Pushing the same graph again
    changes nothing; nothing already in the database is deleted.
    """
    for statement in constraint_statements(pg.nodes):
        run(statement, {})
    return merge_graph(pg, run, batch_size=batch_size, progress=progress)


def neo4j_password(environ: Mapping[str, str] = os.environ) -> str:
    """The Neo4j password from ``NEO4J_PASSWORD``; it is never taken on the command line.

    Examples
    --------
    >>> neo4j_password({"NEO4J_PASSWORD": "s3cret"})
    's3cret'
    >>> neo4j_password({})
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: NEO4J_PASSWORD is not set; export NEO4J_PASSWORD=… before pushing (the password is never an option, so it stays out of shell history and process lists)
    """
    password = environ.get("NEO4J_PASSWORD")
    if not password:
        raise StoreError("NEO4J_PASSWORD is not set; export NEO4J_PASSWORD=… before pushing "
                         "(the password is never an option, so it stays out of shell history and process lists)")
    return password


@contextmanager
def connect_neo4j(uri: str, *, user: str, password: str, database: str) -> Iterator[Runner]:
    """A :data:`Runner` over a Neo4j driver: each statement is one managed write transaction.

    Parameters
    ----------
    uri : ``bolt://host:7687`` or ``neo4j://host:7687`` (``+s`` / ``+ssc`` for TLS)
    user, password : the credentials; the password is never part of an error message
    database : the database to write, e.g. ``neo4j``

    Raises
    ------
    StoreError
        The URI is malformed, the server cannot be reached, refuses the credentials or a
        statement; the message names the URI, user and database.
    """
    import neo4j  # the driver is loaded only when a server is used
    from neo4j.exceptions import DriverError, Neo4jError

    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme not in _SCHEMES:
        raise StoreError(f"Unsupported Neo4j URI {uri!r}: its scheme must be one of {', '.join(_SCHEMES)}, "
                         "as in bolt://localhost:7687")
    where = f"Neo4j at {uri} (user {user!r}, database {database!r})"
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
    except (ValueError, DriverError) as exc:
        raise StoreError(f"cannot connect to {where}: {exc}; give the URI as bolt://HOST:7687") from exc
    try:  # fail at once when the server is down or refuses the login, before any retrying write
        driver.verify_connectivity()
    except (Neo4jError, DriverError, ValueError, OSError) as exc:  # ValueError: an address that does not resolve
        driver.close()
        raise StoreError(f"cannot connect to {where}: {exc}; check that the server is up, "
                         "the URI and user are right, and NEO4J_PASSWORD holds the user's password") from exc

    def run(statement: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        try:
            records, _, _ = driver.execute_query(statement, dict(params), database_=database)  # type: ignore[arg-type]
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"{where} failed: {exc} (while running: {statement.splitlines()[0]} …); "
                             "check that the server is up, the user may write and the database exists") from exc
        return [record.data() for record in records]

    try:
        yield run
    finally:
        driver.close()
