"""Quantitative facts: a place, an indicator, a value and its unit.

:func:`extract_metrics` finds the quantities a document reports about a place
("全县共设网格412个", "办结率达98.5%以上", "投入资金3.6亿余元") and turns each into
a :class:`~kg.records.Metric`. Quantities are read by :mod:`kg.extract.cn_numbers`
with one compiled expression over the folded text (same offsets as the stored
text); the rules below keep the headline quantity of a clause and drop what is
not a statistic.

Rules
-----
Units
    Only counters and measures (:data:`~kg.extract.cn_numbers.UNITS`) and % make a
    metric, so years, dates, ages (岁), durations (3个月, 20年) and multiples (倍)
    never do. A number with 万/亿 and no unit is money (元) when a money word
    (投入, 资金, 经费, 奖励 …) stands next to it or to a sibling in its clause.
Rates
    For 元 and 平方米: the first 每… word of the clause sets the rate: 每人每月500元 →
    元/人/月, 每年120万元 → 元/年, 户均0.3平方米 → 平方米/户; a printed suffix wins
    (450元/月 → 元/月). When the first is a per-unit word (每个村每年3万元)
    the amount is per that unit, which the unit cannot say, so it stays 元.
Not statistics
    numbers inside 《》 or short quotes; after 第; Chinese numerals unless marked
    approximate with 余/多 (百余家, 二十余人 — 三个方面 and 两个街道 are prose); both
    ends of a range (200-400户, 1500元到2600元不等); the "from" value of a change
    (由每人每月500元提高到540元 keeps 540 元/人/月); values spread by 分别; a
    baseline (改革前…为40个, while 较改革前增长12% stays); terms of a formula
    (1+3+N, "3即…"); thresholds used as attributes (300平米以下社区,
    70%以上的村, 均在400平方米以上); a quoted requirement (…1800元的要求); a
    breakdown by category (其中治安类120件、…); counts above 1.5e9 or printed
    as nine or more bare digits (numbers run together); fewer than 100 hours
    (24小时值守: a duration); ranks (位居前10位), page counters (浏览次数) and
    proposers (张三等12名代表); lines ending with a colon (salutations, headings).
Chains
    In "12批次30车2100余人" (quantities with nothing between them) the last is
    the headline; an earlier one stays only when it counts people, households,
    places, buildings or money (2150户6830人, 420人96.5万元).
Repeats
    The same place, value and unit again, where the words printed by one contain
    the other's or end the same way, is the same fact restated and is dropped. The
    printed words are compared, not the indicators, so naming never changes which
    metrics are kept.
Indicators
    :func:`~kg.extract.indicators.name_indicator` names what each metric counts: a
    noun phrase of 2–16 characters (网格数, 调解成功率, 建立党组织的小区数). The
    counted noun after a counter wins over the words before the number; a bare
    sub-item (其中市级1个, 其中登记31家) takes the noun of the item before it in its
    sentence.

Examples
--------
>>> from kg.records import Document, Place
>>> text = "全县共建成便民服务站36个,服务群众2.4万余人。"
>>> doc = Document(doc_id="d", source="d.txt", path="d.txt", format="txt", encoding="utf-8", text=text)
>>> ctx = DocContext(doc=doc, jurisdiction=Place(name="临川县", code=None, level="county"))
>>> [(m.place.name, m.indicator, m.value, m.unit, m.qualifier) for m in extract_metrics(ctx)]
[('临川县', '便民服务站数', 36.0, '个', None), ('临川县', '服务群众数', 24000.0, '人', '余')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from kg.extract.cn_numbers import (
    EACH,
    PRE_QUALIFIER,
    QUANTITY,
    RATES,
    SHIELD,
    UNITS,
    as_of,
    dates_in,
    to_value,
)
from kg.extract.context import DocContext
from kg.extract.indicators import indicator_core, name_indicator
from kg.records import Metric

__all__ = ["extract_metrics"]

_BOUNDARY = re.compile(r"[,;:。!?\n]")
_WINDOW = 200  # how far a clause is looked for, so work per quantity stays bounded
_MONEY = re.compile(r"投入|投资|资金|经费|补贴|补助|奖励|奖金|拨付|捐赠|捐款|资助|预算|费用|报酬|贷款")
_CHANGE = re.compile(r"[\u4e00-\u9fff]{0,4}?了?(?:到|至|为)")
_RANGE = re.compile(r" ?(?:到|至|-|—|~|～|－|——) ?")
_FORMULA_ITEM = re.compile(r"(?:^|\()[0-9A-Za-z一二三四五六七八九十]+即")  # (3即…: explains a formula
_FORMULA_NAME = re.compile(r"“?[0-9A-Za-z一二三四五六七八九十]+\+")  # 15个“1+N”服务站: it counts the named things
_BASELINE = re.compile(r"(?=[改调合整去上])(?<![较比与])(?:改革前|调整前|改造前|合并前|整合前|去年同期|上年同期)")
_NOT_A_COUNT = re.compile(r"(?=[前排位浏访阅点])(?:(?<![目当此之以年提])前|排名|排在|位居|位列|(?:浏览|访问|阅读|点击)(?:次数|量)[: ]*)$")
_DIGITS = re.compile(r"\d+")
_CHAIN_NEXT = set("0123456789 零〇一二两三四五六七八九十百")  # what may start the next quantity of a chain
_CHAIN_KEEP = {"人", "名", "人次", "户", "栋", "套", "元", "家", "个"}
_MEASURES = {"元", "分", "平方米", "小时", "亩", "%"}
# A first-character lookahead lets these fail at once where they cannot start; matches are unchanged.
_EACH_TAIL = re.compile("(?=[每人户])(?:" + EACH.pattern + ")$")
_PRE_QUALIFIER = re.compile("(?=[近超逾约不将接大多])" + PRE_QUALIFIER.pattern)
# The words printed by a quantity, as the repeat rule compares them (see _printed_words).
_PRINTED_DATES = re.compile(r"(?:截至|截止到?|到)?(?:(?:19|20)\d{2}年|今年)(?:\d{1,2}至)?(?:\d{1,2}月)?(?:\d{1,2}日)?"
                            r"(?:以来|至今|上半年|下半年|底|末)?|截至目前|目前")
_PRINTED_VERB_END = re.compile(r"(?:建设|建立|建成|打造|组建|成立|对|为|在|有|将|和|与|了|实施|完成|调配|购买|举办|招募)$")
_PRINTED_AFTER = re.compile(r"(?![的以左余多和与及等全已被在为对将向从由到实开进通用于是])"
                            r"[\u4e00-\u9fff“][\u4e00-\u9fff()“”0-9A-Za-z+]{1,19}?"
                            r"(?=[,、;。和与的等及\d]|$|被|开展|参|受|提供|实施|兼任|进行|通过|主动|自愿|获|入选|全部|已)")
_PRINTED_LEAD = re.compile(r"^(?:\(|按照|最终将|其中|全市|全州|全县|全区|我市|我州|我县|我区|共|累计|已|目前|现有|先后有|有|并"
                           r"|还|仅|就|新|均|分别)+")
_PRINTED_TRAIL = re.compile(r"(?:由|从|达|为|共|约|超过|超|近|已|增加到|提高到|提高至|的|了)+$")


@dataclass(slots=True)
class _Qty:
    """A quantity found in the folded text, before the rules decide on it."""

    start: int
    end: int
    value: float | None
    unit: str | None  #: exported unit without the rate, None for a bare number
    printed: str  #: the unit as printed
    qualifier: str | None
    rate: str = ""  #: /月, /人/年 …
    anchor: int = -1  #: where the words naming it end: its start, or its chain's or change's start
    keep: bool = True


def extract_metrics(ctx: DocContext) -> list[Metric]:
    """Extract the metrics of one document.

    Parameters
    ----------
    ctx : the document's shared extraction context; the place of a metric is
        ``ctx.place_for`` of its mention, and a metric without a place is dropped.

    Returns
    -------
    Metrics in text order, each with checked mention and evidence spans.

    Examples
    --------
    >>> from kg.records import Document, DocumentMeta, Place
    >>> text = "截至6月,农村低保标准由每人每月500元提高到540元,办结率达98.5%以上。"
    >>> doc = Document(doc_id="d", source="d.txt", path="d.txt", format="txt", encoding="utf-8", text=text)
    >>> ctx = DocContext(doc=doc, meta=DocumentMeta(published="2023-09-01"),
    ...                  jurisdiction=Place(name="临川县", code=None, level="county"))
    >>> [(m.indicator, m.value, m.unit, m.date, m.qualifier) for m in extract_metrics(ctx)]
    [('农村低保标准', 540.0, '元/人/月', '2023-06', None), ('办结率', 98.5, '%', '2023-06', '以上')]
    >>> [m.mention.text for m in extract_metrics(ctx)]
    ['540元', '98.5%以上']
    """
    text = ctx.folded
    t = _Text(text, [m.start() for m in _BOUNDARY.finditer(text)])
    shields = [(m.start(), m.end()) for m in SHIELD.finditer(text)]
    shield_starts = [s for s, _ in shields]
    qtys: list[_Qty] = []
    for m in QUANTITY.finditer(text):
        i = bisect_right(shield_starts, m.start()) - 1
        if i < 0 or shields[i][1] <= m.start():
            qty = _read(t, m)
            if qty is not None:
                qtys.append(qty)
    _apply_rules(t, qtys)
    ends = [q.end for q in qtys if q.unit]
    dates: dict[int, list[tuple[int, str | None]]] = {}
    # (sentence, unit) → the last indicator named there, where its quantity ends, and its core once read
    parents: dict[tuple[int, str], list] = {}
    siblings: dict[tuple[int, str], str] = {}  # (sentence, unit) → the last indicator named there
    metrics: list[Metric] = []
    printed: list[tuple[_Qty, int]] = []  # what the repeat rule needs to read each metric's own words
    for k, q in enumerate(qtys):
        if not q.keep or q.unit is None or q.value is None:
            continue
        place = ctx.place_for(q.start, q.end)
        sentence = ctx.sentence_of(q.start)
        if place is None or text[sentence.end - 1] == ":":
            continue
        if sentence.start not in dates:
            dates[sentence.start] = dates_in(text, sentence.start, sentence.end, published=ctx.meta.published)
        i = bisect_right(ends, q.anchor)
        floor = ends[i - 1] if i else 0
        printed.append((q, floor))
        key = (sentence.start, q.unit)
        parent = parents.get(key)
        after = _chain_end(text, qtys, k) if text[q.end:q.end + 1] in _CHAIN_NEXT else q.end
        indicator = name_indicator(text, start=q.start, end=q.end, anchor=q.anchor, floor=floor, after=after,
                                   clause_start=t.clause_start(q.anchor), unit=q.unit, printed=q.printed,
                                   parent=parent[0] if parent else None, sibling=siblings.get(key))
        siblings[key] = indicator
        if parent is not None and len(parent) == 2:
            parent.append(indicator_core(parent[0]))
        # The items of a 其中 list, and sub-items named with the parent's noun, keep the parent for the next
        if parent is None or not (parent[2] in indicator or "其中" in text[parent[1]:q.start]):
            parents[key] = [indicator, q.end]
        metrics.append(Metric(
            doc_id=ctx.doc_id, place=place, indicator=indicator,
            value=q.value, unit=q.unit + q.rate, date=as_of(dates[sentence.start], q.start),
            qualifier=q.qualifier, mention=ctx.span(q.start, q.end), evidence=sentence,
        ))
    return _dedupe(metrics, lambda j: _printed_words(text, *printed[j]))


@dataclass(frozen=True, slots=True)
class _Text:
    """The folded text and its clause boundaries (,;:。!? and line breaks), for quick look-ups."""

    s: str
    bounds: list[int]

    def clause_start(self, offset: int) -> int:
        """Just after the last boundary before ``offset``, at most a window back."""
        i = bisect_right(self.bounds, offset - 1)
        after = self.bounds[i - 1] + 1 if i else 0
        return max(after, offset - _WINDOW)  # after >= 0, so never below 0

    def clause_end(self, offset: int) -> int:
        """The first boundary at or after ``offset``, at most a window on."""
        i = bisect_right(self.bounds, offset - 1)
        return min(self.bounds[i] if i < len(self.bounds) else len(self.s), offset + _WINDOW)


def _read(t: _Text, m: re.Match[str]) -> _Qty | None:
    """A quantity from one match, or None when it cannot be one (第三批, 三个方面, 1+3+N)."""
    text, start, end = t.s, m.start(), m.end()
    if text[start - 1:start] in ("第", "+") or text[end:end + 1] == "+":
        return None
    num, q1, mult, q2, pct, printed, per, q3 = m.group("num", "q1", "mult", "q2", "pct", "unit", "per", "q3")
    unit = "%" if pct else UNITS.get(printed or "")
    inner = q1 or q2
    if not num[0].isdigit() and (unit is None or inner is None):
        return None
    if unit is None and not mult:  # a year, a date, a code: kept only for the range rule
        return _Qty(start, end, None, None, "", None, anchor=start)
    cs = t.clause_start(start)
    pre = _PRE_QUALIFIER.search(_EACH_TAIL.sub("", text[max(cs, start - 12):start]))
    qty = _Qty(start, end, to_value(num, mult), unit, printed or "", pre.group(1) if pre else inner or q3, anchor=start)
    if per:
        qty.rate = per
    elif unit in ("元", "平方米"):
        first = EACH.search(text, cs, start)
        qty.rate = RATES.get(first.group(), "") if first else ""
    return qty


def _apply_rules(t: _Text, qtys: list[_Qty]) -> None:
    """Decide which quantities are metrics: neighbours first, then each in its clause."""
    text = t.s
    for a, b in pairwise(qtys):
        between = text[a.end:b.start]
        if len(between) > 6 or _BOUNDARY.search(between):
            continue
        lead = text[max(t.clause_start(a.start), a.start - 8):a.start]
        spread = text[b.end:b.end + 2] in ("不等", "之间")
        if ("由" in lead or "从" in lead) and a.unit == b.unit and not spread and _CHANGE.fullmatch(between):
            a.keep = False  # 由500元提高到540元: the target, with the from-value's rate and words
            b.rate = b.rate or a.rate
            b.anchor = a.anchor
        elif _RANGE.fullmatch(between) or (spread and _CHANGE.fullmatch(between)):
            a.keep = b.keep = False
        elif not between.strip() and a.unit and b.unit:
            a.keep = a.keep and a.unit in _CHAIN_KEEP  # 12批次30车2100余人: the last is the headline
            b.anchor = a.anchor
    for q in qtys:
        if q.keep and q.value is not None:
            q.keep = _stands_alone(t, q)
    _drop_breakdowns(text, qtys)
    _read_money(t, qtys)


def _stands_alone(t: _Text, q: _Qty) -> bool:
    """False when the clause around ``q`` shows it is not a statistic of its own."""
    text, cs, ce = t.s, t.clause_start(q.start), t.clause_end(q.end)
    head, tail = text[cs:q.start], text[q.end:ce]
    if ("分别" in head or (("前" in head or "同期" in head) and _BASELINE.search(head))
            or ("即" in head and _FORMULA_ITEM.search(head)) or tail.startswith("的要求")):
        return False
    if _NOT_A_COUNT.search(text, max(0, q.start - 10), q.start) or (head.endswith("等") and tail.startswith(("代表", "委员"))):
        return False  # 位居前10位, 浏览次数:235次, 张三等12名代表
    if "+" in tail and "+" in SHIELD.sub("", tail) and not _FORMULA_NAME.match(text, q.end):
        return False  # 1名书记+2名网格员…: a term of a formula
    attribute = "\u4e00" <= text[q.end:q.end + 1] <= "\u9fff" or head.endswith("在")
    if text[q.end - 2:q.end] in ("以上", "以下", "以内") and attribute:
        return False  # 300平米以下社区, 70%以上的村, 均在400平方米以上
    if q.unit == "小时" and q.value is not None and q.value < 100:
        return False  # 24小时值守, 48小时内办结: a duration, not a total of hours
    if q.unit not in _MEASURES and q.value is not None:
        digits = _DIGITS.match(text, q.start, q.end)
        if q.value > 1.5e9 or (digits and len(digits.group()) >= 9):
            return False
    return True


def _drop_breakdowns(text: str, qtys: list[_Qty]) -> None:
    """Drop a 其中 list whose items are categories (其中治安类120件、交通类…)."""
    groups: dict[int, list[_Qty]] = {}
    for q in qtys:
        if not (q.keep and q.unit):
            continue
        lo = max(0, q.start - _WINDOW)
        sentence = max(text.rfind("。", lo, q.start), text.rfind("\n", lo, q.start), lo)
        if (at := text.rfind("其中", sentence, q.start)) >= 0:
            groups.setdefault(at, []).append(q)
    for group in groups.values():
        if any(re.search(r"类\s*$", text[max(0, q.start - 12):q.start]) for q in group):
            for q in group:
                q.keep = False


def _read_money(t: _Text, qtys: list[_Qty]) -> None:
    """Read a bare 万/亿 amount as 元 when a money word stands by it or by a sibling in its clause."""
    clauses: dict[int, list[_Qty]] = {}
    for q in qtys:
        if q.keep and q.unit is None and q.value is not None:
            clauses.setdefault(t.clause_start(q.start), []).append(q)
    for cs, group in clauses.items():
        if any(_MONEY.search(t.s, max(cs, q.start - 8), q.end + 6) for q in group):
            for q in group:
                q.unit = "元"


def _chain_end(text: str, qtys: list[_Qty], k: int) -> int:
    """Where the chain of quantities that ``qtys[k]`` starts or continues ends (2150户6830人老旧小区)."""
    end = qtys[k].end
    for q in qtys[k + 1:k + 4]:
        if q.unit is None or text[end:q.start].strip():
            break
        end = q.end
    return end


def _printed_words(text: str, q: _Qty, floor: int) -> str:
    """The words printed next to ``q`` that the repeat rule compares: the noun after it, else the clause before.

    Repeats are judged on these rather than on the cleaned indicator, so that naming
    rules never change which metrics are kept.
    """
    if q.printed in ("镇", "乡"):
        return q.printed + "数"
    noun = _PRINTED_AFTER.match(text, q.end) if q.anchor == q.start else None
    head = text[max(q.anchor - 40, floor, 0):q.anchor]
    head = head[max(map(head.rfind, ",;:。!?\n、")) + 1:]
    if (paren := head.rfind("(")) >= 0 and ")" not in head[paren:]:
        head = head[paren + 1:]
    head = _PRINTED_DATES.sub("", head.replace("“", "").replace("”", ""))
    head = _EACH_TAIL.sub("", _PRE_QUALIFIER.sub("", head))
    head = _PRINTED_TRAIL.sub("", _PRINTED_LEAD.sub("", head)).strip()
    if noun is None and (len(head) < 2 or _PRINTED_VERB_END.search(head)):
        noun = _PRINTED_AFTER.match(text, q.end)
    phrase = noun.group() if noun else head[-16:] or text[q.start:q.end]
    return phrase.replace("“", "").replace("”", "")


def _dedupe(metrics: list[Metric], words: Callable[[int], str]) -> list[Metric]:
    """Drop a metric that restates an earlier one: same place, value and unit, and ``words`` of the
    one contain the other's or end the same way. ``words(i)`` is read only for such candidates."""
    seen: dict[tuple[str, float, str], list[int]] = {}
    cache: dict[int, str] = {}

    def read(i: int) -> str:
        if i not in cache:
            cache[i] = words(i)
        return cache[i]

    kept: list[Metric] = []
    for i, m in enumerate(metrics):
        earlier = seen.setdefault((m.place.key, m.value, m.unit), [])
        if earlier:
            w = read(i)
            if any(read(j)[-4:] == w[-4:] or read(j) in w or w in read(j) for j in earlier):
                continue
        earlier.append(i)
        kept.append(m)
    return kept
