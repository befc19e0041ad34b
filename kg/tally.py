"""Counts that can be taken back: what a build merges across documents, kept so that one
document's share can be subtracted again (:class:`kg.graph.GraphState`, :class:`kg.rdf.RdfState`).

Examples
--------
>>> from collections import Counter, defaultdict
>>> names = defaultdict(Counter, {"n1": Counter({"银川市": 2})})
>>> merge_counts(names, {"n1": Counter({"银川市": 1, "银川": 1})}, 1)
>>> dict(names["n1"])
{'银川市': 3, '银川': 1}
>>> merge_counts(names, {"n1": Counter({"银川市": 3, "银川": 1})}, -1)
>>> dict(names)
{}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, MutableMapping
from typing import TypeVar

__all__ = ["add_count", "merge_by_doc", "merge_counts"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def add_count(mine: MutableMapping[K, int], key: K, n: int) -> int:
    """Add ``n`` (which may be negative) to ``mine[key]``, dropping the key at zero; return what is left.

    Raises
    ------
    ValueError
        More was taken out than was put in.
    """
    left = mine.get(key, 0) + n
    if left > 0:
        mine[key] = left
    elif left == 0:
        mine.pop(key, None)
    else:
        raise ValueError(f"took more of {key!r} out than was put in")
    return left


def merge_counts(mine: defaultdict[K, Counter[V]], theirs: Mapping[K, Counter[V]], sign: int) -> None:
    """Add (``sign=1``) or take out (``sign=-1``) each node's counts; a node left with none goes."""
    for node, counts in theirs.items():
        target = mine[node]
        for value, n in counts.items():
            add_count(target, value, sign * n)
        if not target:
            del mine[node]


def merge_by_doc(mine: defaultdict[K, dict[str, V]], theirs: Mapping[K, Mapping[str, V]], sign: int) -> None:
    """Add (``sign=1``) or take out (``sign=-1``) what each document says of each node
    (node → ``doc_id`` → value); a node no document speaks of goes.

    Raises
    ------
    ValueError
        A document is taken out of a node it never spoke of.
    """
    for node, by_doc in theirs.items():
        target = mine[node]
        for doc_id, value in by_doc.items():
            if sign > 0:
                target.setdefault(doc_id, value)
            elif target.pop(doc_id, None) is None:
                raise ValueError(f"{doc_id} said nothing of {node!r}")
        if not target:
            del mine[node]
