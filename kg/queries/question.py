"""What a named question is, and how its parameters and answers are checked.

A :class:`Question` names its query files and its networkx function, its parameters,
its columns and the order of its rows. :func:`bind_params` checks what a caller gives
against the question and turns it into the values the engines bind; :func:`normalise`
turns an engine's answer into the plain, sorted DataFrame every engine must agree on.

Examples
--------
>>> q = Question(params=("mechanism",), sparql="adopters.rq", cypher="adopters.cypher",
...              networkx=lambda graph, **variables: [], columns={"name": str, "places": int},
...              variables={"mechanism": "name"}, order=("-places",))
>>> bind_params("adopters", q, {"mechanism": "三社联动"})
{'name': '三社联动'}
>>> frame = pd.DataFrame([["三社联动", 1.0], ["三社联动", 3]], columns=["name", "places"])
>>> normalise(frame, q, "an answer")["places"].tolist()
[3, 1]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from kg.errors import QueryError

__all__ = ["ENGINES", "Question", "Row", "bind_params", "normalise", "read_query"]

#: The engines a question runs on.
ENGINES = ("sparql", "cypher", "networkx")
#: A row of an answer, in the order of the question's columns.
Row = tuple[object, ...]
#: The strings a yes/no parameter takes, as a command line gives them.
_FLAG_VALUES = {"true": True, "false": False}
#: How list columns are joined into one string in every answer.
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class Question:
    """One named question, written once per engine.

    Attributes
    ----------
    params : the parameters a caller must give, each a string
    sparql : file name of the SPARQL query in the ``queries`` package
    cypher : file name of the Cypher query in the ``queries`` package
    networkx : ``f(graph, **variables) -> rows``: the same question over the networkx graph,
        rows as tuples in the order of ``columns``
    columns : column name → type of its values: ``str``, ``int``, ``float``, ``bool``, or
        ``list`` for a set of strings, which every answer gives as one string, sorted and
        ``|``-joined (an engine may return a list, a tuple or a ``|``-joined string)
    variables : parameter → the variable the queries use for it (default: the same name)
    order : the columns rows are sorted by (``None`` first; ``"-places"`` sorts descending,
        ``None`` last); the other columns break ties, ascending
    flags : optional yes/no parameters, ``False`` unless given; each takes ``True``/``False``
        or the strings ``"true"``/``"false"`` (as a command line gives them)
    optional : optional string parameters; one left out is bound as ``""``, which the
        queries read as "no filter", so a given one must not be blank
    require_one : at least one of ``optional`` must be given
    each : a parameter that takes one or more strings: the question runs once per value,
        and only rows whose ``key`` column appears in the answer to every value are kept
    key : the column ``each`` intersects on
    names : parameter → a function turning the name a user types into the name the graph
        stores (``红河州`` → ``红河哈尼族彝族自治州``), applied before binding, so every
        engine gets the same value
    examples : parameter sets that show what the question is for (docs and benchmarks)
    """

    params: tuple[str, ...]
    sparql: str
    cypher: str
    networkx: Callable[..., list[Row]]
    columns: Mapping[str, type] = field(default_factory=dict)
    variables: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    require_one: bool = False
    each: str | None = None
    key: str | None = None
    names: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    examples: tuple[Mapping[str, object], ...] = ()

    def variable(self, param: str) -> str:
        """The query variable ``param`` is bound to."""
        return self.variables.get(param, param)

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every parameter the question takes, in the order its docs list them."""
        return (*self.params, *((self.each,) if self.each else ()), *self.optional, *self.flags)


def bind_params(name: str, question: Question, params: Mapping[str, object]) -> dict[str, object]:
    """Check ``params`` against the question's; return query variable → value.

    The value of an ``each`` parameter is returned as a list of strings, one run per value.

    Raises
    ------
    QueryError
        A parameter missing, unknown, not a string, blank where optional, or a yes/no
        parameter given anything but true or false.
    """
    expected = ", ".join(question.accepted)
    for param in params:
        if param not in question.accepted:
            raise QueryError(f"Question {name!r} has no parameter {param!r}. Its parameters: {expected}.")
    bound: dict[str, object] = {}
    for param in question.params:
        bound[question.variable(param)] = _string(name, question, param, params.get(param), expected)
    if question.each is not None:
        values = params.get(question.each)
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, Sequence) or not values:
            raise QueryError(f"Question {name!r} needs the parameter {question.each!r} (one or more names). "
                             f"Its parameters: {expected}.")
        bound[question.variable(question.each)] = [
            _string(name, question, question.each, value, expected) for value in values]
    given = [param for param in question.optional if params.get(param) is not None]
    if question.require_one and not given:
        raise QueryError(f"Question {name!r} needs one of the parameters "
                         f"{', '.join(question.optional)}. Its parameters: {expected}.")
    for param in question.optional:
        value = params.get(param)
        if value is None:
            bound[question.variable(param)] = ""
            continue
        value = _string(name, question, param, value, expected)
        if not value.strip():
            raise QueryError(f"Parameter {param!r} of question {name!r} is blank; give a name or leave it out.")
        bound[question.variable(param)] = value
    for flag in question.flags:
        value = params.get(flag, False)
        if isinstance(value, str) and value.lower() in _FLAG_VALUES:
            value = _FLAG_VALUES[value.lower()]
        if not isinstance(value, bool):
            raise QueryError(f"Parameter {flag!r} of question {name!r} takes true or false, not {value!r}.")
        bound[question.variable(flag)] = value
    return bound


def _string(name: str, question: Question, param: str, value: object, expected: str) -> str:
    if value is None:
        raise QueryError(f"Question {name!r} needs the parameter {param!r}. Its parameters: {expected}.")
    if not isinstance(value, str):
        raise QueryError(f"Parameter {param!r} of question {name!r} takes a string, not {type(value).__name__}.")
    return question.names.get(param, str)(value)


@cache
def read_query(filename: str) -> str:
    """The text of a query file shipped in the ``queries`` package."""
    return files("queries").joinpath(filename).read_text(encoding="utf-8")


def normalise(frame: pd.DataFrame, question: Question, what: str) -> pd.DataFrame:
    """``frame`` with the question's columns, plain values and sorted rows.

    Raises
    ------
    QueryError
        The columns are not the question's, in order, or a value is not of its column's type.
    """
    columns = list(question.columns)
    if [str(c) for c in frame.columns] != columns:
        raise QueryError(f"The {what} has the columns {[str(c) for c in frame.columns]}, not {columns}; "
                         f"fix the query so it returns the question's columns in order.")
    values = [_array(_column(frame.iloc[:, i].tolist(), kind, column, what))
              for i, (column, kind) in enumerate(question.columns.items())]
    if not len(frame):
        return pd.DataFrame({column: _array([]) for column in columns}, columns=columns, dtype=object)
    order = [(c.lstrip("-"), c.startswith("-")) for c in question.order]
    key = order + [(c, False) for c in columns if c not in {name for name, _ in order}]
    at = dict(zip(columns, values))
    ranks = {c: _ranks(at[c], descending) for c, descending in key}
    rows = np.lexsort([ranks[c] for c, _ in reversed(key)])  # np.lexsort's first key is its last
    # One row per distinct answer, whatever the engine: equal rows are equal in every rank, and adjacent once sorted.
    ranked = np.stack([ranks[c][rows] for c, _ in key])
    distinct = np.ones(len(rows), dtype=bool)
    distinct[1:] = (ranked[:, 1:] != ranked[:, :-1]).any(axis=0)
    rows = rows[distinct]
    return pd.DataFrame({column: at[column][rows] for column in columns}, columns=columns, dtype=object)


def _array(values: list[object]) -> np.ndarray:
    """``values`` as a one-dimensional object array (each value a scalar or ``None``)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _column(values: list[object], kind: type, column: str, what: str) -> list[object]:
    """``values`` as :func:`_plain` gives them; a value already plain is kept without a call."""
    if kind is list:
        return [_joined(v, column, what) for v in values]
    if kind is float:  # NaN is a missing value
        return [v if type(v) is float and not math.isnan(v) else _plain(v, kind, column, what) for v in values]
    return [v if v is None or type(v) is kind else _plain(v, kind, column, what) for v in values]


def _joined(value: object, column: str, what: str) -> object:
    """A list column's value as :func:`_plain` gives it, without its checks where it is a string or a list of strings."""
    if type(value) is str:
        return LIST_SEPARATOR.join(sorted(set(value.split(LIST_SEPARATOR)))) if value else ""
    if type(value) is list:
        try:
            return LIST_SEPARATOR.join(sorted(set(value)))
        except TypeError:  # not all strings
            pass
    return _plain(value, list, column, what)


def _ranks(values: np.ndarray, descending: bool) -> np.ndarray:
    """Each value's place in the column's order (equal values, equal places): ``None`` first, or last
    when ``descending``. ``pd.factorize`` sorts the distinct values as ``sorted`` does (``<``)."""
    codes, _ = pd.factorize(values, sort=True)  # None is -1
    if descending:
        return np.where(codes < 0, 1, -codes)
    return codes.astype(np.int64, copy=False)


def _plain(value: object, kind: type, column: str, what: str) -> object:
    """One value as ``kind`` or ``None`` where missing (see :class:`Question`.columns)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind is list:
        if isinstance(value, str):
            value = value.split(LIST_SEPARATOR) if value else []
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, (list, tuple, set)) and all(isinstance(v, str) for v in value):
            return LIST_SEPARATOR.join(sorted(set(value)))
    else:
        if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
            value = value.item()
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)  # an integer column with missing values arrives as float
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return kind(value)
    raise QueryError(f"The {what} has {value!r} ({type(value).__name__}) in column {column!r}, "
                     f"which holds {kind.__name__} values; fix the query.")

