"""Numbers as Chinese documents print them: Arabic, full-width, Chinese numerals, 万/亿.

The metric extractor matches on the folded text (see :func:`kg.text.fold`), so
full-width digits arrive here already as ASCII. This module turns the matched
pieces into values: Arabic numerals with decimals and thousands separators,
Chinese numerals (三, 十五, 二十, 一百二十, 百), and the 千/万/亿 multipliers
that follow either.

Examples
--------
>>> parse_cn("二十")
20
>>> parse_cn("百")
100
>>> to_value("7.45", "万")
74500.0
>>> to_value("1.2", "亿")
120000000.0
>>> to_value("十五", None)
15.0
"""

from __future__ import annotations

import re

__all__ = ["CN_DIGITS", "CN_NUMERAL", "ARABIC", "MULTIPLIERS", "parse_cn", "parse_arabic", "to_value"]

#: Values of the Chinese digit characters.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

#: A Chinese numeral of digits and 十/百/千 (万 and 亿 are read as multipliers),
#: e.g. 三, 十五, 二十, 一百二十, 百. A lone 千 is left out: it is too often a word.
CN_NUMERAL = r"(?:[零〇一二两三四五六七八九十百]+千?[零〇一二两三四五六七八九十百]*)"

#: An Arabic numeral, with thousands separators (folded to ",") and decimals.
ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"

#: Multipliers that may follow a numeral: 5千元, 7.45万人, 1.2亿元.
MULTIPLIERS: dict[str, int] = {"千": 1000, **_BIG_UNITS}

_CN_ONLY = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")


def parse_cn(text: str) -> int | None:
    """Read a Chinese numeral, or return None when ``text`` is not one.

    Parameters
    ----------
    text : the numeral, e.g. 三, 十五, 二十余 without its 余, 一百二十, 三万五千

    Returns
    -------
    The integer value, or None for an empty or malformed numeral.

    Examples
    --------
    >>> [parse_cn(t) for t in ("三", "十五", "二十", "一百二十", "百", "三万五千", "两")]
    [3, 15, 20, 120, 100, 35000, 2]
    >>> parse_cn("余") is None
    True
    """
    if not text or not _CN_ONLY.fullmatch(text):
        return None
    total = 0  # finished 万/亿 groups
    section = 0  # the current group below 万
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits in a row (二三) is not a numeral
            digit = CN_DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:  # 万 or 亿
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * _BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_arabic(text: str) -> float:
    """Read an Arabic numeral with optional thousands separators.

    >>> parse_arabic("1,234.5")
    1234.5
    """
    return float(text.replace(",", ""))


def to_value(numeral: str, multiplier: str | None) -> float | None:
    """The value of ``numeral`` (Arabic or Chinese) times ``multiplier`` (千/万/亿).

    Parameters
    ----------
    numeral : the digits as matched in the folded text
    multiplier : 千, 万, 亿 or None

    Returns
    -------
    The value, or None when the numeral cannot be read.

    Examples
    --------
    >>> to_value("290.6", "万")
    2906000.0
    >>> to_value("5", "千")
    5000.0
    >>> to_value("二十", "万")
    200000.0
    """
    if numeral[0].isdigit():
        value = parse_arabic(numeral)
    else:
        cn = parse_cn(numeral)
        if cn is None:
            return None
        value = float(cn)
    if multiplier:
        value *= MULTIPLIERS[multiplier]
    return round(value, 6)
