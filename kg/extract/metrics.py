"""Quantitative facts: a place, an indicator, a value and its unit.

:func:`extract_metrics` finds the quantities a document reports about a place
("全市划分网格5619个", "解决率达91.6%以上", "投入资金1.2亿余元") and turns each into
a :class:`~kg.records.Metric`. It runs a few compiled regular expressions over
the folded text (same offsets as the stored text) and then applies rules that
keep the headline quantity of a clause and drop what is not a statistic.

Rules
-----
Values
    Arabic numerals (full-width folded, thousands separators, decimals) and
    Chinese numerals, times 千/万/亿: 7.45万人 → 74500 人, 1.2亿余元 → 1.2e8 元.
    A number with 万/亿 and no unit is money (元) when a money word (投入, 资金,
    经费, 奖励 …) is next to it or to a sibling in the same clause.
Units
    Only counters and measures in :data:`UNITS` make a metric, so years, dates,
    ages (岁), durations (3个月, 20年), multiples (倍) are never metrics.
    人(次) → 人次, 场(次) → 场次, 平米 → 平方米, 镇/乡 → 个 (a count of places).
Rates
    For 元 and 平方米 only: 每人每月620元 → 元/人/月, 每年395万元 → 元/年,
    380元/月 → 元/月, 户均0.2平方米 → 平方米/户. When a 每个… (each community,
    each county) comes earlier in the clause the amount is per that unit and
    stays 元: 每个社区居委会每年5万元 → 元.
Skipped
    numbers inside 《》 or short quotes; after 第; Chinese numerals without 余/多
    or below 十 (三个方面, 两个街道: prose, not statistics); both ends of a range
    (300-500户, 2000元到3600元不等); the "from" value of a change (由620元提高到
    660元 keeps 660 with the from-value's rate); values distributed by 分别;
    terms of a formula (1+2+X, "4即…"); thresholds used as attributes
    (500平米以下社区, 60%以上的社区, 均在500平方米以上); counts above 1.5e9 or
    written as nine or more bare digits (numbers run together); lines that end
    with a colon (salutations, headings).
Chains
    In "93批次482车1.74万余人" (quantities with nothing between them) the last is
    the headline; an earlier one is kept only when it counts people, households,
    buildings or money (13969户58858人, 3750人805.9万元).
Duplicates
    A repeat of the same place, value and unit whose indicator contains the
    other's is dropped.

Examples
--------
>>> [(m.value, m.unit, m.qualifier) for m in extract_metrics(_demo("全市共建设安置区点108个,安置群众1.3万余人。"))]
[(108.0, '个', None), (13000.0, '人', '余')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from kg.extract.cn_numbers import ARABIC, CN_NUMERAL, to_value
from kg.extract.context import DocContext
from kg.records import Document, Metric, Place

__all__ = ["extract_metrics", "UNITS"]

#: Unit as printed → unit as exported. Alternatives are tried longest first;
#: the look-aheads keep words that begin with a counter (项目, 家庭, 支部) out.
UNITS: dict[str, str] = {
    "人次": "人次", "人(次)": "人次", "场次": "场次", "场(次)": "场次", "批次": "批次",
    "平方米": "平方米", "平米": "平方米", "小时": "小时", "大类": "类", "元": "元",
    "个": "个", "名": "名", "人": "人", "户": "户", "家": "家", "项": "项", "件": "件",
    "次": "次", "场": "场", "所": "所", "支": "支", "套": "套", "路": "路", "处": "处",
    "栋": "栋", "只": "只", "车": "车", "分": "分", "类": "类", "张": "张", "座": "座",
    "间": "间", "台": "台", "辆": "辆", "条": "条", "位": "位", "亩": "亩", "镇": "个", "乡": "个",
}
_NOT_AFTER = {
    "个": "月|工作日|星期|小时|季度|年|百分点|人|性|体|别", "人": "民|大|口|均|员|才|士",
    "户": "籍|口|外|型|主", "家": "庭|园|长|属|乡|里|门", "项": "目", "次": "会议|全会|要|序",
    "场": "所|地|景|馆|合|镇|景", "所": "在|有|需|属|以|得|谓", "支": "部|持|出|付|队|撑|援",
    "只": "有|是|能|要", "车": "辆|间|站|库|位", "分": "[\u4e00-\u9fff]", "处": "置|理|罚|长|室|级",
    "名": "单|称|义|誉|片", "路": "径|线|口|段|面", "座": "谈", "类": "别|型|似", "条": "件|例|款",
    "位": "置|于", "台": "账|阶", "间": "隔", "乡": "村|镇|贤|土|亲", "镇": "街|村",
}
_UNIT_RE = "|".join(
    re.escape(u) + (f"(?!{_NOT_AFTER[u]})" if u in _NOT_AFTER else "")
    for u in sorted(UNITS, key=len, reverse=True)
)
_QTY = re.compile(
    rf"(?P<num>{ARABIC}|{CN_NUMERAL}) ?(?P<q1>余|多)?(?P<mult>[万亿]|千(?![米克瓦]))?(?P<q2>余|多)?"
    rf" ?(?:(?P<pct>%)|(?P<unit>{_UNIT_RE})(?P<per>/(?:人/|户/)?[月年日天]|/人|/户)?)?"
    r"(?P<q3>以上|左右|以下|以内|多)?"
)
_PRE_QUALIFIER = re.compile(r"(近|超过|超|逾|约|不低于|不少于|不足|不到|将近|接近|大约|多达)$")
_RATE_PREFIX = re.compile(r"(每人每月|每人每年|每户每月|每户每年|每月|每年|人均|户均|每人|每户)$")
_RATE = {"每人每月": "/人/月", "每人每年": "/人/年", "每户每月": "/户/月", "每户每年": "/户/年",
         "每个月": "/月", "每月": "/月", "每年": "/年", "人均": "/人", "户均": "/户", "每人": "/人", "每户": "/户"}
#: The first 每… of a clause sets the rate; 每个社区 (or 每县, 每村) makes it a per-unit amount (元).
_EACH = re.compile("|".join(sorted(_RATE, key=len, reverse=True)) + r"|每个|每(?![人户年月日天周])[\u4e00-\u9fff]")
_MONEY = re.compile(r"投入|投资|资金|经费|补贴|补助|奖励|奖金|拨付|捐赠|捐款|资助|预算|费用|报酬|贷款")
_CHANGE = re.compile(r"(?:提高|增加|增长|上升|提升|扩大|降低|下降|减少|压减|精简|缩减|压缩|合并|调整|减)?了?(?:到|至|为)")
_RANGE = re.compile(r" ?(?:到|至|-|—|~|～|－|——) ?")
_CLAUSE_END = ",;:。!?\n"
_SHIELD = re.compile(r"《[^《》\n]{0,80}》|“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|「[^「」\n]{0,40}」")
_FORMULA = re.compile(r"[0-9A-Za-z一二三四五六七八九十]\+|\+[0-9A-Za-z一二三四五六七八九十]")
_DATE = re.compile(
    r"(?P<period>(?:19|20)\d{2}年?(?:至|-|—)(?:19|20)\d{2}年)"
    r"|(?:截至|截止到?|到)?(?:(?P<y>(?:19|20)\d{2})年|(?P<this>今年|本年))"
    r"(?:(?:\d{1,2}(?:至|-))?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?(?P<tail>上半年|下半年|以来|至今|底|末)?"
    r"|(?:截至|截止到?)(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})日)?"
)
_CHAIN_KEEP = {"人", "名", "人次", "户", "栋", "套", "元", "家", "个"}
_MEASURES = {"元", "分", "平方米", "小时", "亩"}
_DATE_WORDS = re.compile(r"(?:截至|截止到?|到)?(?:(?:19|20)\d{2}年|今年)(?:\d{1,2}至)?(?:\d{1,2}月)?(?:\d{1,2}日)?"
                         r"(?:以来|至今|上半年|下半年|底|末)?|截至目前|目前")
_EACH_TAIL = re.compile("(?:" + _EACH.pattern + ")$")
_VERB_END = re.compile(r"(?:建设|建立|建成|打造|组建|成立|对|为|在|有|将|和|与|了|实施|完成|调配|购买|举办|招募)$")
_NOUN_AFTER = re.compile(r"(?![的以左余多])[\u4e00-\u9fff“][\u4e00-\u9fff()“”0-9A-Za-z+]{1,19}?"
                         r"(?=[,、;。和与的等及\d]|$|被|开展|参|受|提供|实施|兼任|进行|通过|主动|自愿|获|入选|全部|已)")
_LEAD = re.compile(r"^(?:\(|按照|最终将|其中|全市|全州|全县|全区|我市|我州|我县|我区|共|累计|已|目前|现有|先后有|有|并|还|仅|就|新|均|分别)+")
_TRAIL = re.compile(r"(?:由|从|达|为|共|约|超过|超|近|已|增加到|提高到|提高至|增长|的|了)+$")


@dataclass(slots=True)
class _Qty:
    start: int
    end: int
    value: float | None
    unit: str | None
    rate: str
    qualifier: str | None
    printed: str = ""  #: the unit as printed
    anchor: int = -1  #: where the words naming it end: its start, or its chain's or change's start
    keep: bool = True


def extract_metrics(ctx: DocContext) -> list[Metric]:
    """Extract the metrics of one document.

    Parameters
    ----------
    ctx : the document's shared extraction context; places come from
        ``ctx.place_for`` and a metric without a place is dropped.

    Returns
    -------
    Metrics in text order, each with checked mention and evidence spans.

    Examples
    --------
    >>> ms = extract_metrics(_demo("城市低保标准由每人每月620元提高到660元,解决率达91.6%以上。"))
    >>> [(m.indicator, m.value, m.unit, m.qualifier) for m in ms]
    [('城市低保标准', 660.0, '元/人/月', None), ('解决率', 91.6, '%', '以上')]
    """
    text = ctx.folded
    shields = [(m.start(), m.end()) for m in _SHIELD.finditer(text)]
    shield_starts = [s for s, _ in shields]
    qtys: list[_Qty] = []
    for m in _QTY.finditer(text):
        i = bisect_right(shield_starts, m.start()) - 1
        if i >= 0 and shields[i][1] > m.start():
            continue
        qty = _read(text, m)
        if qty is not None:
            qtys.append(qty)
    _pairs(text, qtys)
    metrics: list[Metric] = []
    ends = [q.end for q in qtys]
    for qty in qtys:
        if not qty.keep or qty.unit is None or qty.value is None:
            continue
        place = ctx.place_for(qty.start, qty.end)
        if place is None:
            continue
        sentence = ctx.sentence_of(qty.start)
        if text[sentence.end - 1] == ":":
            continue
        metrics.append(Metric(
            doc_id=ctx.doc_id, place=place, indicator=_indicator(text, qty, max(0, *ends[:bisect_right(ends, qty.anchor)])),
            value=qty.value, unit=qty.unit + qty.rate,
            date=date_before(text, sentence.start, qty.start, published=ctx.meta.published),
            qualifier=qty.qualifier, mention=ctx.span(qty.start, qty.end),
            evidence=sentence,
        ))
    return _dedupe(metrics)


def _read(text: str, m: re.Match[str]) -> _Qty | None:
    """A quantity from one match, or None when the match is not a candidate at all."""
    start, end, num = m.start(), m.end(), m.group("num")
    before = text[max(0, start - 80):start]
    if before.endswith("第") or text[end:end + 1] == "+" or before.endswith("+"):
        return None
    unit = "%" if m.group("pct") else UNITS.get(m.group("unit") or "")
    inner = m.group("q1") or m.group("q2")
    if not num[0].isdigit() and (unit is None or inner is None):
        return None  # Chinese numerals only as approximations: 百余家, 二十余人 — not 三个方面
    if m.group("q3") == "多":  # 500多户 reads 多 after the unit only when no 余/多 came before
        inner = inner or "多"
    qty = _Qty(start, end, to_value(num, m.group("mult")), unit, "", None, m.group("unit") or "", start)
    qty.qualifier = _qualifier(before, inner, m.group("q3"))
    if unit is None:
        return qty  # kept for the range and chain rules; money or dropped later
    if m.group("per"):
        qty.rate = m.group("per")
    elif unit in ("元", "平方米"):
        first = _EACH.search(before[_clause_start(before):])
        qty.rate = _RATE.get(first.group(), "") if first else ""
    return qty


def _qualifier(before: str, inner: str | None, after: str | None) -> str | None:
    pre = _PRE_QUALIFIER.search(_RATE_PREFIX.sub("", before))
    if pre:
        return pre.group(1)
    if inner:
        return inner
    return after if after in ("以上", "左右", "以下", "以内") else None


def _clause_start(text: str, end: int | None = None) -> int:
    """Offset just after the last clause boundary in ``text[:end]``."""
    end = len(text) if end is None else end
    return max(text.rfind(ch, 0, end) for ch in _CLAUSE_END) + 1


def _pairs(text: str, qtys: list[_Qty]) -> None:
    """Apply the rules that look at a quantity with its neighbours and its clause."""
    for a, b in zip(qtys, qtys[1:]):
        between = text[a.end:b.start]
        if len(between) > 6 or any(ch in between for ch in _CLAUSE_END):
            continue
        lead = text[max(0, a.start - 8):a.start]
        lead = lead[_clause_start(lead):]
        if ("由" in lead or "从" in lead) and _CHANGE.fullmatch(between):
            a.keep = False  # 由620元提高到660元: keep the target, with the from-value's rate
            if b.unit == a.unit and not b.rate:
                b.rate = a.rate
            b.anchor = a.anchor
        elif _RANGE.fullmatch(between):
            a.keep = b.keep = False
        elif not between.strip() and a.unit and b.unit:
            a.keep = a.unit in _CHAIN_KEEP  # 93批次482车1.74万余人: the last is the headline
            b.anchor = a.anchor
    for q in qtys:
        if q.keep:
            q.keep = _stands_alone(text, q)
    breakdowns: dict[int, list[_Qty]] = {}
    for q in qtys:
        sent = max(text.rfind("。", 0, q.start), text.rfind("\n", 0, q.start))
        if q.keep and q.unit and (j := text.rfind("其中", sent + 1, q.start)) >= 0:
            breakdowns.setdefault(j, []).append(q)
    for group in breakdowns.values():  # 其中综治工作类37823件、…: a breakdown by category
        if any(re.search(r"类\s*$", text[q.start - 12:q.start]) for q in group):
            for q in group:
                q.keep = False
    _money(text, qtys)


def _stands_alone(text: str, q: _Qty) -> bool:
    """False when the clause around ``q`` shows it is not a statistic of its own."""
    cs = _clause_start(text, q.start)
    ce = min((i for i in (text.find(ch, q.end) for ch in _CLAUSE_END) if i >= 0), default=len(text))
    head, tail = text[cs:q.start], text[q.end:ce]
    if "分别" in head or re.match(r"[0-9A-Za-z一二三四五六七八九十]+即", text[cs:ce]):
        return False
    if "+" in _SHIELD.sub("", tail) and not _FORMULA.search(text[q.end:q.end + 6]):
        return False  # 1名社区“两委”成员+专职网格员…: a term of a formula
    if tail.startswith("的要求"):
        return False  # 不低于2000元的要求: a requirement quoted, not a fact
    after = text[q.end:q.end + 1]
    if text[q.end - 2:q.end] in ("以上", "以下", "以内"):
        if "\u4e00" <= after <= "\u9fff" or head.endswith("在") or head.endswith("均在"):
            return False  # 500平米以下社区, 60%以上的社区, 均在500平方米以上
    if q.unit not in _MEASURES and q.unit != "%" and q.value is not None:
        digits = re.match(r"\d+", text[q.start:q.end])
        if q.value > 1.5e9 or (digits and len(digits.group()) >= 9):
            return False
    return True


def _money(text: str, qtys: list[_Qty]) -> None:
    """Read a bare 万/亿 amount as 元 when money words stand by it or by a sibling."""
    bare = [q for q in qtys if q.unit is None and q.keep and "万" in text[q.start:q.end] or
            q.unit is None and q.keep and "亿" in text[q.start:q.end]]
    clauses: dict[int, list[_Qty]] = {}
    for q in bare:
        clauses.setdefault(_clause_start(text, q.start), []).append(q)
    for cs, group in clauses.items():
        near = any(_MONEY.search(text[max(cs, q.start - 8):q.start] + text[q.end:q.end + 6]) for q in group)
        for q in group:
            if near:
                q.unit = "元"


def _indicator(text: str, q: _Qty, floor: int) -> str:
    """A short noun phrase for what ``q`` counts: the noun after it, else the words before it."""
    if q.printed in ("镇", "乡"):
        return q.printed + "数"
    noun = _NOUN_AFTER.match(text, q.end) if q.anchor == q.start else None
    head = text[max(q.anchor - 40, floor, 0):q.anchor]
    head = head[max(head.rfind(ch) for ch in _CLAUSE_END + "、") + 1:]
    if (paren := head.rfind("(")) >= 0 and ")" not in head[paren:]:
        head = head[paren + 1:]
    head = _DATE_WORDS.sub("", head.replace("“", "").replace("”", ""))
    head = _EACH_TAIL.sub("", _PRE_QUALIFIER.sub("", head))
    head = _TRAIL.sub("", _LEAD.sub("", head)).strip()
    if noun is None and (len(head) < 2 or _VERB_END.search(head)):
        noun = _NOUN_AFTER.match(text, q.end)
    phrase = noun.group() if noun else head[-16:] or text[q.start:q.end]
    return phrase.replace("“", "").replace("”", "")


def date_before(text: str, start: int, offset: int, *, published: str | None) -> str | None:
    """The as-of date stated in ``text[start:offset]`` (the sentence before a number).

    Examples
    --------
    >>> date_before("截至6月9日,共发放", 0, 9, published="2022-08-31")
    '2022-06-09'
    >>> date_before("截至2021年8月,蒙自市辖5镇", 0, 13, published=None)
    '2021-08'
    >>> date_before("今年以来共投入", 0, 6, published="2020-09-02")
    '2020'
    """
    this_year = (published or "")[:4] or None
    found: str | None = None
    head = _SHIELD.sub(lambda m: " " * len(m.group()), text[start:offset])
    for m in _DATE.finditer(head):
        if m.group("period"):
            found = None
            continue
        year = m.group("y") or this_year
        month, day = m.group("m") or m.group("m2"), m.group("d") or m.group("d2")
        if year is None or (m.group("tail") in ("以来", "至今") and not m.group("this") and year != this_year):
            found = None
        elif month and 1 <= int(month) <= 12:
            found = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day and 1 <= int(day) <= 31 else "")
        else:
            found = year
    return found


def _dedupe(metrics: list[Metric]) -> list[Metric]:
    kept: list[Metric] = []
    for m in metrics:
        if not any(k.place.key == m.place.key and k.value == m.value and k.unit == m.unit
                   and (k.indicator[-4:] == m.indicator[-4:] or k.indicator in m.indicator
                        or m.indicator in k.indicator) for k in kept):
            kept.append(m)
    return kept


def _demo(text: str) -> DocContext:
    """A context for the examples: one document of ``text`` about 银川市."""
    doc = Document(doc_id="demo", source="demo.txt", path="demo.txt", format="txt",
                   encoding="utf-8", text=text)
    return DocContext(doc=doc, jurisdiction=Place(name="银川市", code="640100", level="city"))
