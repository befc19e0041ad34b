"""Named questions: one question, three engines, one answer.

Each question in :data:`QUESTIONS` is written three times — SPARQL for the Oxigraph
store (``queries/<name>.rq``), openCypher for the LadybugDB database
(``queries/<name>.cypher``) and a Python function over the networkx projection — and
:func:`ask` runs it on the engine asked for. Whatever the engine, the answer is a
:class:`pandas.DataFrame` with the question's columns in the same order, values as
``str``, ``int`` or ``None`` (object dtype), and rows sorted by the same key, so the
three answers compare equal with :meth:`pandas.DataFrame.equals`.

Parameters are checked here (all given, no others, strings) and handed to the engines
as bound values, never formatted into query text. A question's parameter (``mechanism``)
is the name a user types; the query's variable (``name``) is what the query files use.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from kg.pipeline import build
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "yinchuan.txt").write_text("银川市全面推行“三社联动”工作机制。\\n", encoding="utf-8")
>>> _ = build([folder / "yinchuan.txt"], folder / "kg-out")
>>> frame = ask("adopters", folder / "kg-out", mechanism="三社联动", engine="cypher")
>>> frame[["place", "code", "form", "status", "year"]].to_dict("records")
[{'place': '银川市', 'code': '640100', 'form': '三社联动', 'status': 'implemented', 'year': None}]
>>> frame.equals(ask("adopters", folder / "kg-out", mechanism="三社联动", engine="networkx"))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import QueryError
from kg.stores.ladybug import LADYBUG_FILE, query_ladybug
from kg.stores.networkx import NETWORKX_FILE, read_networkx
from kg.stores.oxigraph import query_sparql
from kg.vocab import doc_iri

__all__ = ["ENGINES", "QUESTIONS", "Question", "adopters_networkx", "ask"]

#: The engines :func:`ask` runs a question on.
ENGINES = ("sparql", "cypher", "networkx")
#: The LadybugDB database inside a graph folder, as ``kg build`` writes it.

_Row = tuple[object, ...]


@dataclass(frozen=True)
class Question:
    """One named question, written once per engine.

    Attributes
    ----------
    params : the parameters a caller must give, as :func:`ask` takes them
    sparql : file name of the SPARQL query in the ``queries`` package
    cypher : file name of the Cypher query in the ``queries`` package
    networkx : ``f(graph, **variables) -> rows``: the same question over the networkx graph,
        rows as tuples in the order of ``columns``
    columns : column name → Python type of its values (``str``, ``int``, ``float``, ``bool``)
    variables : parameter → the variable the queries use for it (default: the same name)
    order : the columns rows are sorted by (``None`` first); the other columns break ties
    """

    params: tuple[str, ...]
    sparql: str
    cypher: str
    networkx: Callable[..., list[_Row]]
    columns: Mapping[str, type] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()

    def variable(self, param: str) -> str:
        """The query variable ``param`` is bound to."""
        return self.variables.get(param, param)


# ------------------------------------------------------------------ adopters


def _labels(attrs: Mapping[str, Any]) -> set[str]:
    """A mechanism's label and alt labels (``|``-joined in the property graph), empty ones dropped."""
    alt = attrs.get("alt_labels") or ""
    return {label for label in (attrs.get("label"), *alt.split("|")) if label}


def _narrower(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """Every node whose ``BROADER`` chain leads to ``node``."""
    found: set[str] = set()
    todo = [node]
    while todo:
        for src, _, kind in graph.in_edges(todo.pop(), data="type"):
            if kind == "BROADER" and src not in found:
                found.add(src)
                todo.append(src)
    return found


def adopters_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[_Row]:
    """``adopters`` over the networkx graph: the rows of ``queries/adopters.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", alt_labels="新时代枫桥经验", local_form=False)
    >>> g.add_node("f", kind="Mechanism", label="塞上枫桥", alt_labels="", local_form=True)
    >>> g.add_node("p", kind="Place", label="银川市", code="640100")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt")
    >>> _ = g.add_edge("f", "m", type="BROADER")
    >>> _ = g.add_edge("p", "f", type="ADOPTED", status="implemented", year=2019, doc_id="d1",
    ...                sentence="银川市打造“塞上枫桥”。")
    >>> adopters_networkx(g, name="新时代枫桥经验")
    [('新时代枫桥经验', '银川市', '640100', '塞上枫桥', 'implemented', 2019, 'yinchuan.txt', '银川市打造“塞上枫桥”。')]
    """
    nodes = graph.nodes
    mechanisms = [node for node, attrs in nodes(data=True)
                  if attrs.get("kind") == "Mechanism" and name in _labels(attrs)]
    forms = {form for m in mechanisms
             for form in (m, *(f for f in _narrower(graph, m) if nodes[f].get("kind") == "Mechanism"
                               and nodes[f].get("local_form")))}
    rows: set[_Row] = set()
    for form in forms:
        for place, _, edge in graph.in_edges(form, data=True):
            if edge.get("type") != "ADOPTED" or nodes[place].get("kind") != "Place":
                continue
            doc = nodes.get(str(doc_iri(edge["doc_id"])))
            if doc is None:  # as the queries do, an adoption joins its document or is left out
                continue
            rows.add((name, nodes[place].get("label"), nodes[place].get("code"), nodes[form].get("label"),
                      edge.get("status"), edge.get("year"), doc.get("source") or edge["doc_id"],
                      edge.get("sentence")))
    return list(rows)


#: The named questions, by name.
QUESTIONS: dict[str, Question] = {
    "adopters": Question(
        params=("mechanism",), sparql="adopters.rq", cypher="adopters.cypher", networkx=adopters_networkx,
        columns={"name": str, "place": str, "code": str, "form": str, "status": str, "year": int,
                 "document": str, "evidence": str},
        variables={"mechanism": "name"},
        order=("code", "place", "form", "year", "document", "evidence", "status"),
    ),
}


# ------------------------------------------------------------------ running a question


def ask(name: str, graph_dir: str | Path, *, engine: str = "sparql", **params: object) -> pd.DataFrame:
    """Answer the named question ``name`` on the graph folder ``graph_dir``.

    Parameters
    ----------
    name : a key of :data:`QUESTIONS` (``"adopters"``)
    graph_dir : a folder written by ``kg build``
    engine : ``"sparql"`` (Oxigraph), ``"cypher"`` (LadybugDB) or ``"networkx"``
    **params : the question's parameters, each a ``str`` (``mechanism="枫桥经验"``)

    Returns
    -------
    pandas.DataFrame
        The question's columns in order, object dtype, values ``str``/``int``/``None``,
        rows sorted by the question's key; equal (``DataFrame.equals``) whatever the engine.

    Raises
    ------
    QueryError
        An unknown question or engine, a missing, unknown or non-string parameter, or an
        engine's answer that does not have the question's columns.
    StoreError
        The engine's store is missing from ``graph_dir``.

    Examples
    --------
    >>> ask("adoptors", "kg-out", mechanism="枫桥经验")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: Unknown question 'adoptors'. Known questions: adopters.
    >>> ask("adopters", "kg-out")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: Question 'adopters' needs the parameter 'mechanism'. Its parameters: mechanism.
    """
    question = QUESTIONS.get(name)
    if question is None:
        raise QueryError(f"Unknown question {name!r}. Known questions: {', '.join(QUESTIONS)}.")
    if engine not in ENGINES:
        raise QueryError(f"Unknown engine {engine!r}. Engines: {', '.join(ENGINES)}.")
    bound = _bind(name, question, params)
    graph_dir = Path(graph_dir)
    if engine == "sparql":
        frame = query_sparql(graph_dir, _read_query(question.sparql), bound)
    elif engine == "cypher":
        frame = query_ladybug(graph_dir / LADYBUG_FILE, _read_query(question.cypher), bound)
    else:
        rows = question.networkx(_networkx(graph_dir), **bound)
        frame = pd.DataFrame(rows, columns=list(question.columns), dtype=object)
    return _normalise(frame, question, f"{engine} answer to {name!r}")


def _bind(name: str, question: Question, params: Mapping[str, object]) -> dict[str, object]:
    """Check ``params`` against the question's; return query variable → value."""
    expected = ", ".join(question.params)
    for param in params:
        if param not in question.params:
            raise QueryError(f"Question {name!r} has no parameter {param!r}. Its parameters: {expected}.")
    bound: dict[str, object] = {}
    for param in question.params:
        value = params.get(param)
        if value is None:
            raise QueryError(f"Question {name!r} needs the parameter {param!r}. Its parameters: {expected}.")
        if not isinstance(value, str):
            raise QueryError(f"Parameter {param!r} of question {name!r} takes a string, "
                             f"not {type(value).__name__}.")
        bound[question.variable(param)] = value
    return bound


@cache
def _read_query(filename: str) -> str:
    """The text of a query file shipped in the ``queries`` package."""
    return files("queries").joinpath(filename).read_text(encoding="utf-8")


def _networkx(graph_dir: Path) -> nx.MultiDiGraph:
    """The networkx graph of ``graph_dir``, read once per version of its file."""
    path = (graph_dir / NETWORKX_FILE).resolve()
    try:
        stat = path.stat()
    except OSError:
        return read_networkx(graph_dir)  # raises the StoreError that names the fix
    return _read_networkx(path.parent, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_networkx(folder: Path, mtime_ns: int, size: int) -> nx.MultiDiGraph:
    return read_networkx(folder)


def _normalise(frame: pd.DataFrame, question: Question, what: str) -> pd.DataFrame:
    """``frame`` with the question's columns, plain values and sorted rows (see :func:`ask`)."""
    columns = list(question.columns)
    if [str(c) for c in frame.columns] != columns:
        raise QueryError(f"The {what} has the columns {[str(c) for c in frame.columns]}, not {columns}; "
                         f"fix the query so it returns the question's columns in order.")
    types = list(question.columns.values())
    rows = [tuple(_plain(value, kind, column, what) for value, kind, column in zip(row, types, columns))
            for row in frame.itertuples(index=False, name=None)]
    index = {column: i for i, column in enumerate(columns)}
    key = [index[c] for c in question.order] + [i for c, i in index.items() if c not in question.order]
    rows.sort(key=lambda row: [(row[i] is not None, row[i]) for i in key])
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _plain(value: object, kind: type, column: str, what: str) -> object:
    """One value as ``kind`` (``str``, ``int``, ``float``, ``bool``) or ``None`` where missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        value = value.item()
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)  # an integer column with missing values arrives as float
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return kind(value)
    raise QueryError(f"The {what} has {value!r} ({type(value).__name__}) in column {column!r}, "
                     f"which holds {kind.__name__} values; fix the query.")
