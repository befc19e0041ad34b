"""Named questions: one question, three engines, one answer.

Each question in :data:`QUESTIONS` is written three times — SPARQL for the Oxigraph
store (``queries/<name>.rq``), openCypher for the LadybugDB database
(``queries/<name>.cypher``) and a Python function over the networkx projection — and
:func:`ask` runs it on the engine asked for. Whatever the engine, the answer is a
:class:`pandas.DataFrame` with the question's columns in the same order, values as
``str``, ``int``, ``bool`` or ``None`` (object dtype), and rows sorted by the same key,
so the three answers compare equal with :meth:`pandas.DataFrame.equals`.

Parameters are checked (:func:`kg.queries.question.bind_params`: all given, no others,
strings; yes/no parameters true or false), turned into the name the graph stores where a
question says how (a place's short form, a policy title in 《》), and handed to the
engines as bound values, never formatted into query text. A question's parameter
(``mechanism``) is the name a user types; the query's variable (``name``) is what the
query files use.

The questions live in :mod:`kg.queries.adoption` (adopters, mechanisms, variants,
co-adoption, timeline), :mod:`kg.queries.documents` (citations, replies, agency,
documents) and :mod:`kg.queries.metrics`; shared walks over the networkx graph in
:mod:`kg.queries.walk`.

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

from functools import lru_cache
from pathlib import Path

import networkx as nx
import pandas as pd

from kg.errors import QueryError
from kg.queries.adoption import ADOPTION_QUESTIONS, place_name
from kg.queries.documents import DOCUMENT_QUESTIONS, policy_title
from kg.queries.metrics import METRIC_QUESTIONS
from kg.queries.question import ENGINES, Question, bind_params, normalise, read_query
from kg.queries.walk import index_nodes
from kg.stores.ladybug import LADYBUG_FILE, query_ladybug
from kg.stores.networkx import NETWORKX_FILE, read_networkx
from kg.stores.oxigraph import query_sparql

__all__ = ["ENGINES", "QUESTIONS", "Question", "ask", "place_name", "policy_title"]

#: The named questions, by name, in the order the docs list them.
QUESTIONS: dict[str, Question] = {
    **ADOPTION_QUESTIONS, "citations": DOCUMENT_QUESTIONS["citations"], **METRIC_QUESTIONS, **DOCUMENT_QUESTIONS}


def ask(name: str, graph_dir: str | Path, /, *, engine: str = "sparql", **params: object) -> pd.DataFrame:
    """Answer the named question ``name`` on the graph folder ``graph_dir``.

    Parameters
    ----------
    name : a key of :data:`QUESTIONS` (``"adopters"``); positional only, so a question may
        have a parameter called ``name`` (``agency``)
    graph_dir : a folder written by ``kg build``; positional only
    engine : ``"sparql"`` (Oxigraph), ``"cypher"`` (LadybugDB) or ``"networkx"``
    **params : the question's parameters, each a ``str`` (``mechanism="枫桥经验"``); a
        parameter taking several names (``documents``' ``entity``) a list of them; yes/no
        parameters ``True``/``False`` or ``"true"``/``"false"`` (``within=True``)

    Returns
    -------
    pandas.DataFrame
        The question's columns in order, object dtype, values ``str``/``int``/``float``/
        ``bool``/``None``, rows sorted by the question's key; equal (``DataFrame.equals``)
        whatever the engine.

    Raises
    ------
    QueryError
        An unknown question or engine, a missing, unknown, blank or non-string parameter,
        a yes/no parameter given anything but true or false, or an engine's answer that
        does not have the question's columns.
    StoreError
        The engine's store is missing from ``graph_dir``.

    Examples
    --------
    >>> ask("adoptors", "kg-out", mechanism="枫桥经验")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: Unknown question 'adoptors'. Known questions: adopters, mechanisms, variants, co-adoption, timeline, citations, metrics, replies, agency, documents.
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
    bound = bind_params(name, question, params)
    what = f"{engine} answer to {name!r}"
    if question.each is None:
        return normalise(_run(question, Path(graph_dir), engine, bound), question, what)
    variable = question.variable(question.each)
    frames = [normalise(_run(question, Path(graph_dir), engine, {**bound, variable: value}), question, what)
              for value in bound[variable]]  # type: ignore[attr-defined]
    keys = set.intersection(*(set(frame[question.key]) for frame in frames))
    joined = pd.concat(frames, ignore_index=True)
    return normalise(joined[joined[question.key].isin(keys)], question, what)


def _run(question: Question, graph_dir: Path, engine: str, bound: dict[str, object]) -> pd.DataFrame:
    """One engine's raw answer to ``question`` with the variables ``bound``."""
    if engine == "sparql":
        return query_sparql(graph_dir, read_query(question.sparql), bound)
    if engine == "cypher":
        return query_ladybug(graph_dir / LADYBUG_FILE, read_query(question.cypher), bound)
    rows = question.networkx(_networkx(graph_dir), **bound)
    return pd.DataFrame(rows, columns=list(question.columns), dtype=object)


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
    return index_nodes(read_networkx(folder))
