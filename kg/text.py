"""Text helpers shared by the loaders and extractors: folding for matching, sentences.

:func:`fold` maps full-width digits, letters and punctuation to their ASCII forms
one character for one character, so a match found in the folded text has the
same offsets in the stored text.

Examples
--------
>>> fold("２０２２年，增长２７．２６％")
'2022年,增长27.26%'
>>> len(fold("（一）")) == len("（一）")
True
>>> [s.text for s in sentences("d", "一是推进。二是完善!\\n三是")]
['一是推进。', '二是完善!', '三是']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.records import Span

__all__ = ["fold", "sentences", "QUOTE_PAIRS"]

_FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
_HALF = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F))
_TABLE = str.maketrans(_FULL + "\u3000\u2002\u2003\u00a0", _HALF + "    ")
# 。and 、stay: they have no ASCII equal that keeps their meaning.

#: Opening → closing quote characters that wrap coined names.
QUOTE_PAIRS = {"“": "”", "\"": "\"", "‘": "’", "'": "'", "「": "」", "『": "』"}
_SENTENCE = re.compile(r"[^。!?;！？；\n]*(?:[。!?;！？；]+[”’」』]?|\n+|$)")
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000\u2002\u2003\u00a0]+")


def fold(text: str) -> str:
    """Return ``text`` with full-width forms folded to ASCII, keeping its length."""
    # Only runs of foldable characters are translated: most of a Chinese text is left alone.
    return _FOLDABLE.sub(lambda m: m.group().translate(_TABLE), text)


def sentences(doc_id: str, text: str) -> Iterator[Span]:
    """Split ``text`` into sentence spans at 。!?; and line breaks, trimming white space."""
    for m in _SENTENCE.finditer(text):
        piece = m.group()
        if not piece:
            continue
        body = piece.strip()
        if body:
            start = m.start() + piece.index(body[0])
            yield Span(doc_id=doc_id, start=start, end=start + len(body), text=body)
