"""Quantities and dates as Chinese documents print them.

Everything here works on folded text (see :func:`kg.text.fold`), so full-width
digits and punctuation arrive as ASCII with unchanged offsets. It reads:

- numerals: Arabic with thousands separators and decimals, and Chinese numerals
  (三, 十五, 二十, 一百二十, 百), times 千/万/亿 (2.3万 → 23000);
- quantities: a numeral with its qualifiers (余, 多, 以上, 左右), its unit
  (:data:`UNITS`) and a per-unit suffix (元/月, 元/人/月), as :data:`QUANTITY`;
- rate words in front of an amount (每人每月, 每年, 户均) as :data:`EACH`;
- as-of dates (截至2023年5月, 截至6月30日, 2023年上半年, 今年以来) as ISO strings.

It decides nothing about which quantities are facts; :mod:`kg.extract.metrics` does.

Examples
--------
>>> m = QUANTITY.match("3.6亿余元")
>>> to_value(m.group("num"), m.group("mult")), UNITS[m.group("unit")], m.group("q2")
(360000000.0, '元', '余')
>>> parse_cn("二十")
20
>>> dates_in("截至2023年5月,全县辖7镇", 0, 15, published="2023-09-01")
[(9, '2023-05')]
"""

from __future__ import annotations

import re

from kg.numerals import parse_cn

__all__ = [
    "ARABIC",
    "CN_NUMERAL",
    "EACH",
    "MULTIPLIERS",
    "PRE_QUALIFIER",
    "QUANTITY",
    "RATES",
    "SHIELD",
    "UNITS",
    "as_of",
    "dates_in",
    "parse_cn",
    "to_value",
]


#: A Chinese numeral of digits and 十/百/千; 万 and 亿 after it are read as multipliers.
CN_NUMERAL = r"(?:[零〇一二两三四五六七八九十百]+千?[零〇一二两三四五六七八九十百]*)"
#: An Arabic numeral, with thousands separators (folded to ",") and decimals.
ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
#: Multipliers that may follow a numeral: 6千元, 2.3万人, 1.5亿元, 3千万元.
MULTIPLIERS: dict[str, int] = {"千": 1000, "万": 10_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000}

#: Unit as printed → unit as exported. 人(次) → 人次, 平米 → 平方米, 镇/乡 → 个 (a count of places).
UNITS: dict[str, str] = {
    "人次": "人次", "人(次)": "人次", "场次": "场次", "场(次)": "场次", "批次": "批次",
    "平方米": "平方米", "平米": "平方米", "小时": "小时", "大类": "类", "元": "元",
    "个": "个", "名": "名", "人": "人", "户": "户", "家": "家", "项": "项", "件": "件",
    "次": "次", "场": "场", "所": "所", "支": "支", "套": "套", "路": "路", "处": "处",
    "栋": "栋", "只": "只", "车": "车", "分": "分", "类": "类", "张": "张", "座": "座",
    "间": "间", "台": "台", "辆": "辆", "条": "条", "位": "位", "亩": "亩", "镇": "个", "乡": "个",
}
#: Words that start with a counter and are not one: 3个月, 项目, 家庭, 支部, 次会议, 分钟.
_NOT_AFTER = {
    "个": "月|工作日|星期|小时|季度|年|百分点|人|性|体|别", "人": "民|大|口|均|员|才|士",
    "户": "籍|口|外|型|主", "家": "庭|园|长|属|乡|里|门", "项": "目", "次": "会议|全会|要|序",
    "场": "所|地|景|馆|合|镇", "所": "在|有|需|属|以|得|谓", "支": "部|持|出|付|队|撑|援",
    "只": "有|是|能|要", "车": "辆|间|站|库|位", "分": "[\u4e00-\u9fff]", "处": "置|理|罚|长|室|级",
    "名": "单|称|义|誉|片", "路": "径|线|口|段|面", "座": "谈", "类": "别|型|似", "条": "件|例|款",
    "位": "置|于", "台": "账|阶", "间": "隔", "乡": "村|镇|贤|土|亲", "镇": "街|村",
}
_UNIT_RE = "|".join(
    re.escape(u) + (f"(?!{_NOT_AFTER[u]})" if u in _NOT_AFTER else "") for u in sorted(UNITS, key=len, reverse=True)
)
#: A numeral with its qualifiers, multiplier, unit and per-unit suffix. Groups: num, q1/q2
#: (余/多 before or after the multiplier), mult, pct, unit, per (/月, /人/年), q3 (以上, 左右 …).
QUANTITY = re.compile(
    # a look-ahead on the first character lets the engine skip most positions with one set test
    r"(?=[0-9零〇一二两三四五六七八九十百])"
    # A Chinese numeral counts only as a quantity with its unit, so one without is skipped at once.
    rf"(?P<num>{ARABIC}|{CN_NUMERAL}(?=(?:余|多)?(?:千万|百万|[万亿]|千)?(?:余|多)? ?(?:%|{_UNIT_RE}))) ?(?P<q1>余|多)?(?P<mult>千万|百万|[万亿]|千(?![米克瓦]))?(?P<q2>余|多)?"
    rf" ?(?:(?P<pct>%)|(?P<unit>{_UNIT_RE})"
    r"(?P<per>/(?:人/|户/)?[月年日天]|/人次|/人|/户|/平方米|/亩|/小时|/次)?)?(?P<q3>以上|左右|以下|以内)?"
)
#: Qualifiers printed before a numeral: 近800件, 超12万小时, 不低于300户.
PRE_QUALIFIER = re.compile(r"(近|超过|超|逾|约|不低于|不少于|不足|不到|将近|接近|大约|多达)$")
#: Rate words → the suffix they add to 元 or 平方米.
RATES: dict[str, str] = {
    "每人每月": "/人/月", "每人每年": "/人/年", "每户每月": "/户/月", "每户每年": "/户/年", "每个月": "/月",
    "每月": "/月", "每年": "/年", "人均": "/人", "户均": "/户", "每人": "/人", "每户": "/户",
}
#: A rate word, or a per-unit word (每个社区, 每村) that is not a rate.
EACH = re.compile("|".join(sorted(RATES, key=len, reverse=True)) + r"|每个|每(?![人户年月日天周])[\u4e00-\u9fff]")
#: Titles in 《》 and short quoted names: numbers inside them are names, not quantities.
SHIELD = re.compile(r"《[^《》\n]{0,80}》|“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|「[^「」\n]{0,40}」")
_DATE = re.compile(
    r"(?P<period>(?:19|20)\d{2}年?(?:至|-|—)(?:19|20)\d{2}年)"
    r"|(?:截至|截止到?|到)?(?:(?P<y>(?:19|20)\d{2})年|(?P<this>今年|本年))"
    r"(?:(?:\d{1,2}(?:至|-))?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?(?P<tail>上半年|下半年|以来|至今|底|末)?"
    r"|(?:截至|截止到?)(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})日)?"
)


def to_value(numeral: str, multiplier: str | None) -> float | None:
    """The value of ``numeral`` (Arabic or Chinese) times ``multiplier`` (千/万/亿 …).

    Examples
    --------
    >>> to_value("185.2", "万"), to_value("6", "千"), to_value("1,234.5", None), to_value("二十", "万")
    (1852000.0, 6000.0, 1234.5, 200000.0)
    """
    if numeral[0].isdigit():
        value = float(numeral.replace(",", ""))
    else:
        cn = parse_cn(numeral)
        if cn is None:
            return None
        value = float(cn)
    return round(value * MULTIPLIERS.get(multiplier or "", 1), 6)


def dates_in(text: str, start: int, end: int, *, published: str | None) -> list[tuple[int, str | None]]:
    """As-of dates stated in ``text[start:end]``: (offset where each ends, ISO date or None).

    A month without a year takes the year of ``published``; 今年 is that year. A
    cumulative "since" (2019年以来, 2023年至今) is dated only when it starts in the
    year of publication; a period (2019年至2020年) clears the date (None).

    Examples
    --------
    >>> dates_in("截至6月30日,共发放", 0, 10, published="2023-08-31")
    [(7, '2023-06-30')]
    >>> dates_in("今年1至9月全县上报", 0, 9, published="2023-10-12")
    [(6, '2023-09')]
    >>> dates_in("2019年以来开展", 0, 9, published="2023-10-12")
    [(7, None)]
    """
    this_year = (published or "")[:4] or None
    found: list[tuple[int, str | None]] = []
    head = SHIELD.sub(lambda m: " " * len(m.group()), text[start:end])
    for m in _DATE.finditer(head):
        year = m.group("y") or this_year
        month, day = m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
        since = m.group("tail") in ("以来", "至今") and not m.group("this")
        date: str | None = None
        if m.group("period") or year is None or (since and year != this_year):
            date = None
        elif month and 1 <= int(month) <= 12:
            date = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day and 1 <= int(day) <= 31 else "")
        else:
            date = year
        found.append((start + m.end(), date))
    return found


def as_of(dates: list[tuple[int, str | None]], offset: int) -> str | None:
    """The date of the last of ``dates`` that ends at or before ``offset``.

    >>> as_of([(6, "2023-06"), (20, None)], 10)
    '2023-06'
    """
    date = None
    for end, value in dates:
        if end > offset:
            break
        date = value
    return date
