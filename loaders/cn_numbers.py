"""Chinese numerals and printed dates, read the way government documents write them.

Two readers, both pure: :func:`cn_to_int` for the 届 / 次 / 号 numbers of a
proposal reference, and :func:`read_date` for a date as printed on a page or under
a signature, malformed ones included (``2021829``), which it reads without adding
a digit and marks as uncertain.

Examples
--------
>>> cn_to_int("十四"), cn_to_int("第七届"), cn_to_int("２０")
(14, 7, 20)
>>> read_date("二〇二〇年十月九日")
DateReading(iso='2020-10-09', raw='二〇二〇年十月九日', uncertain=False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kg.numerals import CN_DIGITS, parse_cn
from kg.text import fold

__all__ = ["cn_to_int", "read_date", "DateReading", "CN_NUMERAL", "DATE_PATTERN"]

_DIGITS = CN_DIGITS
_UNITS = {"十": 10, "百": 100, "千": 1000}

#: One number written with digits or Chinese numerals (no 万: proposal numbers stay below it).
CN_NUMERAL = r"[0-9〇○零一二两三四五六七八九十百千]+"

_YEAR_CN = "[〇○零一二三四五六七八九]{4}"
_SMALL_CN = "[一二三四五六七八九十]{1,3}"
#: A date as printed: 2021年8月30日, 2021-08-30, 2021.8.30, 二〇二一年八月三十日, or digits only.
DATE_PATTERN = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)[ \t]*[年./-][ \t]*(?P<m>\d{1,2})[ \t]*[月./-][ \t]*(?P<d>\d{1,2})(?!\d)[ \t]*日?"
    rf"|(?P<cy>{_YEAR_CN})[ \t]*年[ \t]*(?P<cm>{_SMALL_CN})[ \t]*月[ \t]*(?P<cd>{_SMALL_CN})[ \t]*日"
    r"|(?<!\d)(?P<run>(?:19|20)\d{4,6})(?!\d)"
)


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date read from print: its ISO form, the printed text, and whether it was malformed."""

    iso: str
    raw: str
    uncertain: bool


def cn_to_int(text: str) -> int | None:
    """Read an integer written in Chinese numerals or digits; ``None`` when it is not one.

    A leading 第 and a trailing 届 / 次 / 号 are ignored. Numerals without units are read
    digit by digit (二〇二一 → 2021).

    Examples
    --------
    >>> [cn_to_int(s) for s in ["十", "十二", "二十", "九十九", "第十届", "一百零五", "四次"]]
    [10, 12, 20, 99, 10, 105, 4]
    >>> cn_to_int("二〇二一"), cn_to_int("第162号"), cn_to_int("若干")
    (2021, 162, None)
    """
    text = fold(text).strip().removeprefix("第").rstrip("届次号").strip()
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    if not any(ch in _UNITS for ch in text):  # 二〇二一: read digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text))
    return parse_cn(text)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _run_readings(run: str) -> list[str]:
    """Every valid (month, day) split of the digits after a four-digit year."""
    year, rest = int(run[:4]), run[4:]
    found = []
    for cut in (1, 2):
        month, day = rest[:cut], rest[cut:]
        if 1 <= len(day) <= 2 and (iso := _iso(year, int(month), int(day))):
            found.append(iso)
    return found


def read_date(text: str, *, near: str | None = None) -> DateReading | None:
    """Read the first date in ``text``.

    A run of digits with no separators (``2021829``) is read as year, month and day
    without adding digits; every run but an eight-digit ``YYYYMMDD`` is marked
    uncertain. When a run reads two ways, the reading nearest ``near`` (an ISO date)
    that is not after it wins, else the first.

    Examples
    --------
    >>> read_date("成文日期：2019年 3月 5日").iso
    '2019-03-05'
    >>> read_date("2021829")
    DateReading(iso='2021-08-29', raw='2021829', uncertain=True)
    >>> read_date("2020111", near="2020-12-01").iso
    '2020-11-01'
    >>> read_date("2021年13月40日") is None
    True
    """
    folded = fold(text)
    for match in DATE_PATTERN.finditer(folded):
        raw = text[match.start():match.end()].rstrip()
        if match["y"]:
            iso = _iso(int(match["y"]), int(match["m"]), int(match["d"]))
            if iso:
                return DateReading(iso, raw, False)
        elif match["cy"]:
            year, month, day = (cn_to_int(match[k]) for k in ("cy", "cm", "cd"))
            if year and month and day and (iso := _iso(year, month, day)):
                return DateReading(iso, raw, False)
        else:
            readings = _run_readings(match["run"])
            if not readings:
                continue
            if near and len(readings) > 1:
                before = [r for r in readings if r <= near]
                readings = sorted(before, reverse=True) or readings
            return DateReading(readings[0], raw, len(match["run"]) != 8 or len(readings) > 1)
    return None
