"""Chinese numerals, read one way for the whole project.

Used by the metadata reader (届, 次, 号 of a proposal) and by the metric reader
(三个, 二十余人, 三万五千). Digits and the units 十/百/千 group into sections that
万 and 亿 multiply; two digits in a row (二三) are not a numeral.
"""

from __future__ import annotations

import re

__all__ = ["parse_cn", "CN_DIGITS"]

#: Digit characters and their values (〇 and ○ both print zero).
CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DIGITS = CN_DIGITS
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_ONLY = re.compile(r"[零〇○一二两三四五六七八九十百千万亿]+")


def parse_cn(text: str) -> int | None:
    """Read a Chinese numeral, or return None when ``text`` is not one.

    Examples
    --------
    >>> [parse_cn(t) for t in ("三", "十五", "二十", "一百二十", "百", "三万五千", "两")]
    [3, 15, 20, 120, 100, 35000, 2]
    >>> parse_cn("二三") is None
    True
    """
    if not text or not _CN_ONLY.fullmatch(text):
        return None
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _DIGITS:
            if digit and _DIGITS[ch]:
                return None  # two digits in a row (二三) is not a numeral
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        else:  # 万 or 亿 closes a group
            total = (total + (section + (digit or 0) or 1)) * _BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)
