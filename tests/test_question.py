"""kg.queries.question.normalise: the plain, sorted answer every engine must agree on.

``normalise`` converts whole columns and sorts once by ranks; ``_reference`` below is the
row-by-row version it replaced (a value at a time through ``_plain``, one stable sort per
key column). The two are compared on random answers of every column type, with the
missing values, numpy scalars and duplicates engines give.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from kg.errors import QueryError
from kg.queries import QUESTIONS
from kg.queries.question import Question, _plain, normalise


def _reference(frame: pd.DataFrame, question: Question, what: str) -> pd.DataFrame:
    columns = list(question.columns)
    types = list(question.columns.values())
    rows = [tuple(_plain(value, kind, column, what) for value, kind, column in zip(row, types, columns))
            for row in frame.itertuples(index=False, name=None)]
    rows = list(dict.fromkeys(rows))
    index = {column: i for i, column in enumerate(columns)}
    order = [(c.lstrip("-"), c.startswith("-")) for c in question.order]
    key = order + [(c, False) for c in columns if c not in {name for name, _ in order}]
    for column, descending in reversed(key):
        i = index[column]
        rows.sort(key=lambda row: (row[i] is not None, row[i]), reverse=descending)
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _question(columns: dict[str, type], order: tuple[str, ...]) -> Question:
    return Question(params=(), sparql="", cypher="", networkx=lambda graph: [], columns=columns, order=order)


def _value(rng: random.Random, kind: type) -> object:
    """A value of ``kind`` as some engine gives it, or a missing value; few distinct, so rows tie."""
    if rng.random() < 0.2:
        return rng.choice([None, float("nan"), pd.NA])
    if kind is str:
        return rng.choice(["", "a", "b", "ab", "社区", "Z", "a|b"])
    if kind is int:
        return rng.choice([0, 1, -3, 2025, np.int64(7), 7.0, np.float64(1.0)])
    if kind is float:
        return rng.choice([0.5, -0.0, 0.0, 3, np.float64(2.5), np.int32(4), 1e300])
    if kind is bool:
        return rng.choice([True, False, np.bool_(True)])
    return rng.choice(["b|a", "", "a", ("b", "a", "b"), ["c"], np.array(["a", "c"]), []])


def _frame(rng: random.Random, columns: dict[str, type], rows: int) -> pd.DataFrame:
    data = [[_value(rng, kind) for kind in columns.values()] for _ in range(rows)]
    data += rng.sample(data, k=min(len(data), rows // 4))  # repeated rows, as joins give them
    return pd.DataFrame(data, columns=list(columns), dtype=object)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.equals(want)
    assert list(got.index) == list(want.index) and list(got.columns) == list(want.columns)
    for a, b in zip(got.itertuples(index=False, name=None), want.itertuples(index=False, name=None)):
        assert [type(v) for v in a] == [type(v) for v in b]


@pytest.mark.parametrize("seed", range(300))
def test_question_normalise_equals_the_row_by_row_reference_on_random_answers(seed):
    rng = random.Random(seed)
    kinds = [str, int, float, bool, list]
    columns = {f"c{i}": rng.choice(kinds) for i in range(rng.randint(1, 5))}
    names = list(columns)
    order = tuple(("-" if rng.random() < 0.4 else "") + c for c in rng.sample(names, k=rng.randint(0, len(names))))
    frame = _frame(rng, columns, rng.randint(0, 40))
    question = _question(columns, order)
    _same(normalise(frame, question, "answer"), _reference(frame, question, "answer"))


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_question_normalise_equals_the_reference_on_each_question_s_columns_and_order(name):
    question = QUESTIONS[name]
    frame = _frame(random.Random(name), dict(question.columns), 300)
    _same(normalise(frame, question, name), _reference(frame, question, name))


def test_question_normalise_numeric_dtypes_come_out_as_python_values():
    question = _question({"n": int, "x": float, "s": str}, ("-n",))
    frame = pd.DataFrame({"n": pd.array([3, None, 5], dtype="Int64"), "x": [1.5, np.nan, 2.0],
                          "s": ["b", "a", None]})
    got = normalise(frame, question, "answer")
    assert got.values.tolist() == [[5, 2.0, None], [3, 1.5, "b"], [None, None, "a"]]
    assert [type(v) for v in got.iloc[0]] == [int, float, type(None)]
    _same(got, _reference(frame, question, "answer"))


def test_question_normalise_descending_strings_put_missing_last_and_break_ties_ascending():
    question = _question({"published": str, "document": str}, ("-published", "document"))
    frame = pd.DataFrame([[None, "a"], ["2020-01-02", "b"], ["2021", "c"], ["2020-01-02", "a"]], dtype=object)
    frame.columns = ["published", "document"]
    assert normalise(frame, question, "answer").values.tolist() == [
        ["2021", "c"], ["2020-01-02", "a"], ["2020-01-02", "b"], [None, "a"]]


def test_question_normalise_empty_answer_keeps_the_columns():
    question = QUESTIONS["adopters"]
    got = normalise(pd.DataFrame(columns=list(question.columns)), question, "answer")
    assert list(got.columns) == list(question.columns) and len(got) == 0
    _same(got, _reference(pd.DataFrame(columns=list(question.columns)), question, "answer"))


@pytest.mark.parametrize(("kind", "value"), [(int, "7"), (int, True), (int, 2.5), (str, 3), (bool, 1),
                                             (float, "x"), (list, [1, 2])])
def test_question_normalise_value_of_the_wrong_type_names_the_column(kind, value):
    question = _question({"ok": str, "bad": kind}, ())
    frame = pd.DataFrame([["a", None], ["b", value]], columns=["ok", "bad"], dtype=object)
    with pytest.raises(QueryError, match=r"in column 'bad', which holds"):
        normalise(frame, question, "answer")


def test_question_normalise_columns_out_of_order_are_refused():
    question = _question({"a": str, "b": str}, ())
    with pytest.raises(QueryError, match=r"has the columns \['b', 'a'\], not \['a', 'b'\]"):
        normalise(pd.DataFrame(columns=["b", "a"]), question, "answer")
