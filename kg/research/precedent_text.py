"""The text side of precedent search: query terms, safe FTS5 expressions, highlighted passages.

User text never becomes SQL. Each phrase looked for becomes an FTS5 string
(:func:`fts_phrase`: in double quotes, a double quote inside doubled), and several are
joined with ``OR`` (:func:`fts_expression`); the string or expression is bound to ``WHERE
passages MATCH ?`` as a parameter, so ``NEAR(``, ``*``, ``AND`` or ``'); DROP TABLE x; --``
in a query are only characters to look for. The trigram tokenizer cannot match fewer than
three characters: :func:`long_phrases` leaves shorter terms out. When a query has no longer
term, a two-character term is looked for as the index's tokens that begin with it
(:func:`kg.research.precedents.find_precedents` makes them an expression, each an FTS5
string too), and a one-character term is matched with ``LIKE`` over a parameter instead
(see :func:`like_pattern`).

Examples
--------
>>> query_terms("社区工作准入清单 大党委；'); DROP TABLE x; --")
['社区工作准入清单', '大党委', 'DROP', 'TABLE', 'x']
>>> fts_expression(long_phrases(['大党委', 'x', 'NEAR("a']))
'"大党委" OR "NEAR(""a"'
>>> highlight("银川市推行“大党委”制度。", ["大党委"])
'银川市推行“【大党委】”制度。'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MARK_CLOSE",
    "MARK_OPEN",
    "MAX_PHRASES",
    "MAX_QUERY_CHARS",
    "fts_expression",
    "fts_phrase",
    "highlight",
    "like_pattern",
    "long_phrases",
    "query_terms",
    "strip_marks",
]

#: The markers put around a match in a passage.
MARK_OPEN, MARK_CLOSE = "【", "】"
#: The longest query text accepted (a draft goes in a file, ``--file``).
MAX_QUERY_CHARS = 1000
#: At most this many phrases go into one FTS5 expression; the longest are kept.
MAX_PHRASES = 48

_TERM = re.compile(r"\w+")


def query_terms(text: str) -> list[str]:
    """The words of ``text``: runs of letters, digits and CJK characters, in order, each once.

    Examples
    --------
    >>> query_terms("“三社联动” 三社联动 *")
    ['三社联动']
    """
    return list(dict.fromkeys(_TERM.findall(text)))


def fts_phrase(term: str) -> str:
    """``term`` as an FTS5 string: in double quotes, each double quote doubled.

    Examples
    --------
    >>> fts_phrase('枫桥"经验')
    '"枫桥""经验"'
    """
    return '"' + term.replace('"', '""') + '"'


def long_phrases(phrases: Iterable[str]) -> list[str]:
    """The phrases of three or more characters of ``phrases``, each once (case aside), in order;
    past :data:`MAX_PHRASES`, the longest are kept.

    Examples
    --------
    >>> long_phrases(["网格", "网格化管理", " 网格化管理", "ABC", "abc"])
    ['网格化管理', 'ABC']
    """
    first: dict[str, str] = {}
    for phrase in (p.strip() for p in phrases):
        if len(phrase) >= 3:
            first.setdefault(phrase.lower(), phrase)  # the tokenizer folds case
    kept = list(first.values())
    if len(kept) > MAX_PHRASES:
        kept = sorted(kept, key=lambda p: (-len(p), p))[:MAX_PHRASES]
    return kept


def fts_expression(phrases: Iterable[str]) -> str | None:
    """An FTS5 expression matching any of ``phrases``, or ``None`` when there is none.

    Examples
    --------
    >>> fts_expression(["网格化管理", "三社联动"])
    '"网格化管理" OR "三社联动"'
    >>> fts_expression([]) is None
    True
    """
    return " OR ".join(fts_phrase(p) for p in phrases) or None


def like_pattern(term: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching ``term`` anywhere, its ``%``, ``_`` and ``\\`` escaped.

    Examples
    --------
    >>> like_pattern("50%")
    '%50\\\\%%'
    """
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def highlight(text: str, phrases: Iterable[str]) -> str:
    """``text`` with every occurrence of a phrase (longest first, ignoring case) in 【…】.

    Examples
    --------
    >>> highlight("推行网格化管理和网格员制度", ["网格", "网格化管理"])
    '推行【网格化管理】和【网格】员制度'
    """
    kept = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    if not kept:
        return text
    pattern = re.compile("|".join(re.escape(p) for p in kept), re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_OPEN}{m.group()}{MARK_CLOSE}", text)


def strip_marks(text: str) -> str:
    """``text`` without the 【】 markers :func:`highlight` adds (and any others).

    Examples
    --------
    >>> strip_marks("推行【网格化管理】")
    '推行网格化管理'
    """
    return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
