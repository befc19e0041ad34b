"""Named questions: one question, three engines, one answer.

Each question in :data:`QUESTIONS` is written three times — SPARQL for the Oxigraph
store (``queries/<name>.rq``), openCypher for the LadybugDB database
(``queries/<name>.cypher``) and a Python function over the networkx projection — and
:func:`ask` runs it on the engine asked for. Whatever the engine, the answer is a
:class:`pandas.DataFrame` with the question's columns in the same order, values as
``str``, ``int``, ``bool`` or ``None`` (object dtype), and rows sorted by the same key,
so the three answers compare equal with :meth:`pandas.DataFrame.equals`.

Parameters are checked here (all given, no others, strings; yes/no parameters true or
false), turned into the name the graph stores where a question says how (a place's
short form, a policy title in 《》), and handed to the engines as bound values, never
formatted into query text. A question's parameter (``mechanism``) is the name a user
types; the query's variable (``name``) is what the query files use.

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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import QueryError
from kg.gazetteer import load_gazetteer
from kg.stores.ladybug import LADYBUG_FILE, query_ladybug
from kg.stores.networkx import NETWORKX_FILE, read_networkx
from kg.stores.oxigraph import query_sparql
from kg.vocab import doc_iri

__all__ = [
    "ENGINES", "QUESTIONS", "Question", "adopters_networkx", "ask", "citations_networkx", "mechanisms_networkx",
    "place_name", "policy_title", "timeline_networkx", "variants_networkx",
]

#: The engines :func:`ask` runs a question on.
ENGINES = ("sparql", "cypher", "networkx")
#: The LadybugDB database inside a graph folder, as ``kg build`` writes it.

_Row = tuple[object, ...]
#: The strings a yes/no parameter takes, as a command line gives them.
_FLAG_VALUES = {"true": True, "false": False}


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
    flags : optional yes/no parameters, ``False`` unless given; each takes ``True``/``False``
        or the strings ``"true"``/``"false"`` (as a command line gives them) and is bound
        as a ``bool``
    names : parameter → a function turning the name a user types into the name the graph
        stores (``红河州`` → ``红河哈尼族彝族自治州``), applied before binding, so every
        engine gets the same value
    """

    params: tuple[str, ...]
    sparql: str
    cypher: str
    networkx: Callable[..., list[_Row]]
    columns: Mapping[str, type] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    names: Mapping[str, Callable[[str], str]] = field(default_factory=dict)

    def variable(self, param: str) -> str:
        """The query variable ``param`` is bound to."""
        return self.variables.get(param, param)


# ------------------------------------------------------------------ adopters


def _labels(attrs: Mapping[str, Any]) -> set[str]:
    """A mechanism's label and alt labels (``|``-joined in the property graph), empty ones dropped."""
    alt = attrs.get("alt_labels") or ""
    return {label for label in (attrs.get("label"), *alt.split("|")) if label}


def _reaching(graph: nx.MultiDiGraph, node: str, edge: str) -> set[str]:
    """Every node whose chain of ``edge`` relationships (BROADER, WITHIN) leads to ``node``."""
    found: set[str] = set()
    todo = [node]
    while todo:
        for src, _, kind in graph.in_edges(todo.pop(), data="type"):
            if kind == edge and src not in found:
                found.add(src)
                todo.append(src)
    return found


def _mechanisms(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """The Mechanism nodes one of whose labels is ``name``."""
    return [node for node, attrs in graph.nodes(data=True)
            if attrs.get("kind") == "Mechanism" and name in _labels(attrs)]


def _local_forms(graph: nx.MultiDiGraph, mechanisms: list[str]) -> set[str]:
    """The local forms among ``mechanisms`` and the nodes whose ``BROADER`` chain leads to them."""
    nodes = graph.nodes
    return {form for m in mechanisms for form in (m, *_reaching(graph, m, "BROADER"))
            if nodes[form].get("kind") == "Mechanism" and nodes[form].get("local_form")}


def _adoptions(graph: nx.MultiDiGraph, forms: set[str]) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
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


def _document(doc: Mapping[str, Any]) -> str:
    """A document as the questions name it: its source file name, else its id."""
    return doc.get("source") or doc["doc_id"]


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
    mechanisms = _mechanisms(graph, name)
    forms = set(mechanisms) | _local_forms(graph, mechanisms)
    return list({(name, nodes[place].get("label"), nodes[place].get("code"), nodes[form].get("label"),
                  edge.get("status"), edge.get("year"), _document(doc), edge.get("sentence"))
                 for place, form, edge, doc in _adoptions(graph, forms)})


# ------------------------------------------------------------------ variants


def variants_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[_Row]:
    """``variants`` over the networkx graph: the rows of ``queries/variants.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="吹哨报到", alt_labels="", local_form=False)
    >>> g.add_node("f", kind="Mechanism", label="街道吹哨、部门报到", alt_labels="", local_form=True)
    >>> g.add_node("p", kind="Place", label="银川市", code="640100")
    >>> _ = g.add_edge("f", "m", type="BROADER")
    >>> for doc_id, published in (("d1", "2022-08-31"), ("d2", "2019-03-01"), ("d3", None)):
    ...     g.add_node(str(doc_iri(doc_id)), kind="Document", doc_id=doc_id, source=f"{doc_id}.txt",
    ...                published=published)
    ...     _ = g.add_edge("p", "f", type="ADOPTED", doc_id=doc_id)
    >>> variants_networkx(g, name="吹哨报到")
    [('吹哨报到', '街道吹哨、部门报到', '银川市', '640100', 3, 'd2.txt', '2019-03-01')]
    """
    nodes = graph.nodes
    docs: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for place, form, _, doc in _adoptions(graph, _local_forms(graph, _mechanisms(graph, name))):
        docs.setdefault((form, place), {})[doc["doc_id"]] = doc
    rows: list[_Row] = []
    for (form, place), found in docs.items():
        dates = [doc["published"] for doc in found.values() if doc.get("published") is not None]
        first = min(dates, default=None)
        document = min(_document(doc) for doc in found.values() if first is None or doc.get("published") == first)
        rows.append((name, nodes[form].get("label"), nodes[place].get("label"), nodes[place].get("code"),
                     len(found), document, first))
    return rows


# ------------------------------------------------------------------ timeline


def _year(edge: Mapping[str, Any], doc: Mapping[str, Any]) -> int | None:
    """An adoption's year: the one stated, else its document's publication year, else ``None``."""
    if edge.get("year") is not None:
        return int(edge["year"])
    published = doc.get("published") or ""
    return int(published[:4]) if re.match(r"[0-9]{4}", published) else None


def timeline_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[_Row]:
    """``timeline`` over the networkx graph: the rows of ``queries/timeline.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="三社联动", alt_labels="", local_form=False)
    >>> for place, doc_id, published, year in (("zs", "d1", "2020-09-02", None), ("by", "d2", "2021-03-18", None),
    ...                                       ("hh", "d3", "2021-11-02", 2015), ("yc", "d4", None, None)):
    ...     g.add_node(place, kind="Place", label=place)
    ...     g.add_node(str(doc_iri(doc_id)), kind="Document", doc_id=doc_id, published=published)
    ...     _ = g.add_edge(place, "m", type="ADOPTED", id=f"{place}-{doc_id}", doc_id=doc_id, year=year)
    >>> sorted(timeline_networkx(g, name="三社联动"), key=lambda row: (row[1] is not None, row[1]))
    [('三社联动', None, 1, 1, None), ('三社联动', 2015, 1, 1, 1), ('三社联动', 2020, 1, 1, 2), ('三社联动', 2021, 1, 1, 3)]
    """
    mechanisms = _mechanisms(graph, name)
    adoptions: dict[str, tuple[str, int | None]] = {}
    for place, _, edge, doc in _adoptions(graph, set(mechanisms) | _local_forms(graph, mechanisms)):
        adoptions[edge["id"]] = (place, _year(edge, doc))
    years: dict[int | None, list[str]] = {}
    for place, year in adoptions.values():
        years.setdefault(year, []).append(place)
    return [(name, year, len(places), len(set(places)),
             None if year is None else sum(len(p) for y, p in years.items() if y is not None and y <= year))
            for year, places in years.items()]


# ------------------------------------------------------------------ mechanisms


def place_name(name: str) -> str:
    """The full name of a division written in a short form the gazetteer knows, else ``name``.

    Places are stored under their full names; this lets a user type 红河州 or 银川.
    A name the gazetteer does not know, or knows as several divisions, is kept as typed.

    Examples
    --------
    >>> place_name("红河州"), place_name("银川市"), place_name("鼓楼区"), place_name("金湖南社区")
    ('红河哈尼族彝族自治州', '银川市', '鼓楼区', '金湖南社区')
    """
    if not name:
        return name
    place = load_gazetteer().resolve(name)
    return name if place is None else place.name


def mechanisms_networkx(graph: nx.MultiDiGraph, *, name: str, within: bool) -> list[_Row]:
    """``mechanisms`` over the networkx graph: the rows of ``queries/mechanisms.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", canonical_id="m")
    >>> g.add_node("f", kind="Mechanism", label="塞上枫桥", canonical_id="m")
    >>> g.add_node("nx", kind="Place", label="宁夏回族自治区", alt_labels="", code="640000")
    >>> g.add_node("yc", kind="Place", label="银川市", alt_labels="", code="640100")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt")
    >>> _ = g.add_edge("yc", "nx", type="WITHIN")
    >>> _ = g.add_edge("yc", "f", type="ADOPTED", status="implemented", year=None, doc_id="d1",
    ...                sentence="银川市打造“塞上枫桥”。")
    >>> mechanisms_networkx(g, name="宁夏回族自治区", within=False)
    []
    >>> mechanisms_networkx(g, name="宁夏回族自治区", within=True)
    [('宁夏回族自治区', True, '银川市', '640100', '枫桥经验', '塞上枫桥', 'implemented', None, 'yinchuan.txt', '银川市打造“塞上枫桥”。')]
    """
    nodes = graph.nodes
    targets = [node for node, attrs in nodes(data=True) if attrs.get("kind") == "Place" and name in _labels(attrs)]
    places = {place for target in targets for place in (target, *(_reaching(graph, target, "WITHIN") if within else ()))
              if nodes[place].get("kind") == "Place"}
    rows: set[_Row] = set()
    for place in places:
        for _, form, edge in graph.out_edges(place, data=True):
            if edge.get("type") != "ADOPTED" or nodes[form].get("kind") != "Mechanism":
                continue
            canonical = nodes.get(nodes[form].get("canonical_id"))
            doc = nodes.get(str(doc_iri(edge["doc_id"])))
            if canonical is None or canonical.get("kind") != "Mechanism" or doc is None:
                continue
            rows.add((name, within, nodes[place].get("label"), nodes[place].get("code"), canonical.get("label"),
                      nodes[form].get("label"), edge.get("status"), edge.get("year"), _document(doc),
                      edge.get("sentence")))
    return list(rows)


# ------------------------------------------------------------------ citations


def policy_title(words: str) -> str:
    """Words of a policy title as they are matched: without the 《》 around a title, nor the spaces at its ends.

    Examples
    --------
    >>> policy_title(" 《社区工作准入目录(试行)》 ")
    '社区工作准入目录(试行)'
    """
    return words.strip().removeprefix("《").removesuffix("》").strip()


def citations_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[_Row]:
    """``citations`` over the networkx graph: the rows of ``queries/citations.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p", kind="Policy", label="社区工作准入目录(试行)", title="社区工作准入目录(试行)", year=None)
    >>> g.add_node("d", kind="Document", doc_id="d1", source="honghe.txt", title="答复", published="2021-11-02")
    >>> _ = g.add_edge("d", "p", type="CITES", sentence="制定《社区工作准入目录(试行)》。")
    >>> citations_networkx(g, name="准入目录")
    [('准入目录', '社区工作准入目录(试行)', None, 'honghe.txt', '答复', '2021-11-02', '制定《社区工作准入目录(试行)》。')]
    >>> citations_networkx(g, name="")
    []
    """
    nodes, rows = graph.nodes, set()
    for policy, attrs in nodes(data=True):
        if not name or attrs.get("kind") != "Policy" or name not in (attrs.get("title") or ""):
            continue
        for doc, _, edge in graph.in_edges(policy, data=True):
            if edge.get("type") == "CITES" and nodes[doc].get("kind") == "Document":
                rows.add((name, attrs["title"], attrs.get("year"), _document(nodes[doc]), nodes[doc].get("title"),
                          nodes[doc].get("published"), edge.get("sentence")))
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
    "variants": Question(
        params=("mechanism",), sparql="variants.rq", cypher="variants.cypher", networkx=variants_networkx,
        columns={"name": str, "form": str, "place": str, "code": str, "documents": int, "first_document": str,
                 "first_published": str},
        variables={"mechanism": "name"},
        order=("form", "code", "place"),
    ),
    "mechanisms": Question(
        params=("place",), flags=("within",), sparql="mechanisms.rq", cypher="mechanisms.cypher",
        networkx=mechanisms_networkx,
        columns={"name": str, "within": bool, "place": str, "code": str, "mechanism": str, "form": str,
                 "status": str, "year": int, "document": str, "evidence": str},
        variables={"place": "name"}, names={"place": place_name},
        order=("code", "place", "mechanism", "form", "year", "document", "evidence", "status"),
    ),
    "timeline": Question(
        params=("mechanism",), sparql="timeline.rq", cypher="timeline.cypher", networkx=timeline_networkx,
        columns={"name": str, "year": int, "adoptions": int, "places": int, "cumulative": int},
        variables={"mechanism": "name"},
        order=("year",),
    ),
    "citations": Question(
        params=("policy",), sparql="citations.rq", cypher="citations.cypher", networkx=citations_networkx,
        columns={"name": str, "policy": str, "year": int, "document": str, "title": str, "published": str,
                 "evidence": str},
        variables={"policy": "name"}, names={"policy": policy_title},
        order=("policy", "published", "document", "evidence"),
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
    **params : the question's parameters, each a ``str`` (``mechanism="枫桥经验"``), and its
        yes/no parameters if wanted, each ``True``/``False`` or ``"true"``/``"false"``
        (``within=True``)

    Returns
    -------
    pandas.DataFrame
        The question's columns in order, object dtype, values ``str``/``int``/``None``,
        rows sorted by the question's key; equal (``DataFrame.equals``) whatever the engine.

    Raises
    ------
    QueryError
        An unknown question or engine, a missing, unknown or non-string parameter, a yes/no
        parameter given anything but true or false, or an engine's answer that does not have
        the question's columns.
    StoreError
        The engine's store is missing from ``graph_dir``.

    Examples
    --------
    >>> ask("adoptors", "kg-out", mechanism="枫桥经验")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: Unknown question 'adoptors'. Known questions: adopters, variants, mechanisms, timeline, citations.
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
    expected = ", ".join((*question.params, *question.flags))
    for param in params:
        if param not in question.params and param not in question.flags:
            raise QueryError(f"Question {name!r} has no parameter {param!r}. Its parameters: {expected}.")
    bound: dict[str, object] = {}
    for param in question.params:
        value = params.get(param)
        if value is None:
            raise QueryError(f"Question {name!r} needs the parameter {param!r}. Its parameters: {expected}.")
        if not isinstance(value, str):
            raise QueryError(f"Parameter {param!r} of question {name!r} takes a string, "
                             f"not {type(value).__name__}.")
        bound[question.variable(param)] = question.names.get(param, str)(value)
    for flag in question.flags:
        value = params.get(flag, False)
        if isinstance(value, str) and value.lower() in _FLAG_VALUES:
            value = _FLAG_VALUES[value.lower()]
        if not isinstance(value, bool):
            raise QueryError(f"Parameter {flag!r} of question {name!r} takes true or false, not {value!r}.")
        bound[question.variable(flag)] = value
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
