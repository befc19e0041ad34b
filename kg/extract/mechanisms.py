"""Find governance mechanisms named in a document.

Five routes, each yielding :class:`MechanismMention` records with checked offsets:

1. **thesaurus** — any label of ``ontology/mechanisms.ttl``, matched in a view of
   the text without quotes, spaces, 、 and short parenthetical asides, so
   “一站式”矛盾纠纷多元调解 and 社区(村)准入制度 still match their labels;
2. **quoted** — a coined name in quotes (“跑长制”, “五微力量”) whose context marks
   it as a working method: followed by 机制/模式/制度/经验…, or preceded by 推行/建立/
   健全…, or shaped like a numbered coinage (一核三联五治五化, 二长三员);
3. **formula** — numeric formulas such as 1+2+X, 1+4+N, 1141+X, with the
   explanation in a following parenthesis kept as the definition;
4. **suffix** — an unquoted name ending in 制度/机制/工作法/模式/联动/共治 right after
   a verb that institutes it (建立容错免责机制, 强化条块联动), unless it only describes
   a field (基层社会治理模式) or an arrangement any office has (年终绩效考核机制);
5. **pilot** — a named practice being piloted (开展农村社区化服务管理试点).

Quoted phrases that are slogans, goals or problems (“最后一百米”, 从“粗放”到“精细”,
“看得见管不着”问题), programmes (“…”工程/行动/APP) and counts are not mechanisms.

Examples
--------
>>> text = "探索推出“跑长制”“五微力量”等经验模式,打通“最后一百米”。"
>>> [(m.surface, m.cue) for m in find_mechanisms("d", text)]
[('跑长制', 'quoted'), ('五微力量', 'quoted')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from kg.records import Span
from kg.text import fold
from kg.thesaurus import Thesaurus, load_thesaurus, norm_label
from kg.trie import trie_regex

__all__ = ["MechanismMention", "find_mechanisms", "matching_view"]

_NUMERALS = "一二三四五六七八九十两双百千"
_VIEW_DROP = set("“”\"‘’'「」『』 \t\u3000、,·")
_PAREN = re.compile(r"\([^()\n]{2,200}\)")
_SHORT_PAREN = re.compile(r"\([^()\n]{1,4}\)")
_KEPT = re.compile("[^" + re.escape("".join(sorted(_VIEW_DROP))) + "\0]+")
_QUOTED = re.compile(r"[“\"‘”]([^“”\"‘’\n。;!?]{1,24})[”\"’]")
_FORMULA = re.compile(r"\d{1,4}(?:\+\d{1,4})*\+[XNxn]|\d{1,4}(?:\+\d{1,4}){2,}")
#: A quoted clause, not a name: (在全市)推行积分制, 推广积分制管理. A proposal quotes its suggestion
#: so; the label inside it is what is proposed, so the quotes do not make the clause one unit.
_QUOTED_CLAUSE = re.compile(
    r"^(?:在[\u4e00-\u9fff]{1,8}?)?(?:全面|大力|积极|进一步)?"
    r"(?:推行|推广|实行|实施|建立|健全|完善|开展|深化|探索|构建|落实|加强|引入)[\u4e00-\u9fff]{2,}"
)
_PAREN_BODY = r"\(((?:[^()\n]|\([^()\n]{0,10}\)){4,400})\)"  # one level of (市) inside is fine
_PAREN_AFTER = re.compile(_PAREN_BODY)
_PAREN_NEAR = re.compile(r"[^()\n。;]{0,30}?" + _PAREN_BODY)
_SUFFIX_NAME = re.compile(
    r"(?:建立健全|建立完善|全面推行|建立|健全|完善|推行|实行|落实|深化|强化|探索|创新)(?:了)?"
    r"(?:全市|全州|全县|全区)?((?:[\u4e00-\u9fff+]|\([\u4e00-\u9fff]{1,4}\)){2,12}?)(工作法|制度|机制|责任制|模式|联动|共治)"
)
#: Stems that describe any arrangement (多方参与机制, 年终绩效考核机制) rather than name one.
_VAGUE_STEM = re.compile(
    r"相关|保障|考核|激励|参与|联动|帮扶|绩效|多元|工作(?!法)|体系|各项|有关|管理|学习|"
    r"^(?:完善|建立|健全|强化|加强|推进|落实|深化|规范|创新)"
)
_GENERIC_FIELD = re.compile(r"(?:治理|管理|服务|工作|发展|建设)$")
#: 开展农村社区化服务管理试点: a named practice being piloted.
_PILOT_STEM_NOT = re.compile(r"[和、与及的]|\d")
_PILOT_NAME = re.compile(r"(?:开展了|启动了|开展|启动)([\u4e00-\u9fff]{4,12}?)试点(?:工作)?")
_GENERIC_STEM = re.compile(
    r"^(?:工作|运行|长效|管理|协调|联动|保障|激励|监督|考核|评价|体制|工作运行|协同|沟通|"
    r"薪酬增长|联系|责任|领导|组织|督查|议事|服务|办理|应急|常态化|规范化|一体化|社会化)+$"
)
_GENERIC_TAIL = re.compile(r"(?:工作|运行|长效|管理|协调|保障)+$")

# context that marks a quoted phrase as a mechanism …
_RIGHT_MECH = re.compile(
    r"^(?:的)?(?:[\u4e00-\u9fff]{0,6}?)(?:机制|模式|制度|体制|工作法|经验|做法|路径|治理|融合|联动|共治|"
    r"理念|办法|方式|制)|^试点|^等[^。;,]{0,12}(?:机制|模式|经验|做法|方式|制度|举措|办法)"
)
_LEFT_VERB = re.compile(
    r"(?:推行|实行|建立|健全|构建|推广|深化|完善|探索|创新|坚持|巩固|引入|采取|形成|通过|理清|推进|落实|"
    r"实施|建立了|推广用好|用好|发展|运用|借鉴|学习|打造)(?:了|好)?$"
)
# … and context that marks it as something else
_RIGHT_OTHER = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,5}?)(?:工程|项目|行动|活动|计划|节目|大赛|比赛|专项|APP|App|app|移动端|公众号|小程序|热线|平台|系统|宣讲团|"
    r"服务队|团队|教育网络)"
    r"|^(?:问题|难题|难点|困局|转变|为目标|为主题|目标|要求|标准|称号|荣誉|奖|\d)"
    r"|^(?:向|到|变成|变为|相一致|相结合|相统一|相适应)"
)
_LEFT_OTHER = re.compile(r"(?:从|由|向|到|举办|评选出|荣获|获评|列入|被评为|入选|称为|叫做)$")
_NOT_NAME = re.compile(r"的|[0-9].*[个名人张户元万亿%]|[a-zA-Z]{2,}|^[a-zA-Z]")
#: Names that end like a programme, a facility, a device or a group of people are not mechanisms.
_OTHER_NAME = re.compile(r"(?:工程|项目|行动|活动|计划|大赛|APP|App|平台|系统|站|室|所|中心|馆|基地|园|厅|器|卡|码|小区)$")
#: Names of people and groups of people: roles (委员, 党员), teams (服务队) and the kinship
#: words volunteer brands use (老娘舅, 渔嫂, 大妈, 阿姨).
_MECH_NOUN_NEAR = re.compile(r"[^,;。]{0,12}?(?:机制|模式|制度|工作法)")
_ROLE_NAME = re.compile(r"[^一二三四五六七八九十两]员$")  # 调解员, 网格员 (but 二长三员 is a model)
_PEOPLE_NAME = re.compile(
    r"(?:委员|代表|成员|干部|人员|党员|群众|志愿者|团|队|嫂|舅|姐|妈|姨|婶|叔|哥|娘|爷|奶)$"
)
_COINAGE = re.compile(rf"^[{_NUMERALS}][\u4e00-\u9fff]{{0,3}}[{_NUMERALS}]|^[{_NUMERALS}][个项方组微社治长办级]")


_ORG_AFTER = re.compile(r"委员会|委员|组织|协会|中心|工作站|工作室|办公室|队伍|员|室|站|所|厅|馆|基地|大厅|园|点")
_NEGATION_BEFORE = re.compile(r"(?:撤销|取消|废止|停止|撤除|不再)(?:了)?[“\"]?$")
_FACILITY_AFTER = re.compile(r"[”\"]?[\u4e00-\u9fff]{2,14}?(?:站|中心|室|所)")


@dataclass(frozen=True, slots=True)
class MechanismMention:
    """A mechanism named in the text."""

    span: Span  #: the name as written (quotes excluded)
    surface: str  #: the name, quotes and spaces stripped
    concept: str | None  #: thesaurus concept id, or None for a candidate
    cue: str  #: thesaurus | quoted | formula | suffix | pilot
    definition: str | None = None  #: a formula's explanation from the text


class ViewIndex:
    """Maps offsets of a matching view back to the folded text: one entry per kept run.

    >>> view, index = matching_view("社区(村)准入“制度”")
    >>> view, index[view.index("准")]
    ('社区准入制度', 5)
    """

    __slots__ = ("_view_starts", "_orig_starts")

    def __init__(self, view_starts: list[int], orig_starts: list[int]) -> None:
        self._view_starts = view_starts
        self._orig_starts = orig_starts

    def __getitem__(self, pos: int) -> int:
        i = bisect_right(self._view_starts, pos) - 1
        return self._orig_starts[i] + pos - self._view_starts[i]


class _Intervals:
    """Non-overlapping ``[start, end)`` intervals, kept sorted for bisect look-ups."""

    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1  # the last interval starting before ``end``
        return i >= 0 and self._ends[i] > start

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end


def matching_view(folded: str) -> tuple[str, ViewIndex]:
    """``folded`` without quotes, spaces, 、 , · and short (…) asides, and where each kept char came from."""
    blanked = _SHORT_PAREN.sub(lambda m: "\0" * len(m.group()), folded)
    chars: list[str] = []
    view_starts: list[int] = []
    orig_starts: list[int] = []
    length = 0
    for m in _KEPT.finditer(blanked):
        chars.append(m.group())
        view_starts.append(length)
        orig_starts.append(m.start())
        length += m.end() - m.start()
    return "".join(chars).lower(), ViewIndex(view_starts, orig_starts)


@lru_cache(maxsize=4)
def _label_regex(thesaurus: Thesaurus) -> re.Pattern[str]:
    return trie_regex(sorted(thesaurus.by_label))


def find_mechanisms(
    doc_id: str, text: str, *, thesaurus: Thesaurus | None = None, folded: str | None = None
) -> list[MechanismMention]:
    """Every mechanism mention in ``text``, in order, without overlaps.

    ``folded`` is ``fold(text)`` when the caller already has it.
    """
    th = thesaurus or load_thesaurus()
    folded = fold(text) if folded is None else folded
    out: list[MechanismMention] = []
    taken = _Intervals()

    def free(start: int, end: int) -> bool:
        return not taken.overlaps(start, end)

    def add(start: int, end: int, concept: str | None, cue: str, definition: str | None = None) -> None:
        while start < end and folded[start] in "“”\"‘’ ":
            start += 1
        while end > start and folded[end - 1] in "“”\"‘’ ":
            end -= 1
        if end - start < 2 or not free(start, end):
            return
        span = Span.of(text, doc_id, start, end)
        surface = "".join(ch for ch in span.text if ch not in "“”\"‘’「」『』 \t")
        out.append(MechanismMention(span=span, surface=surface, concept=concept, cue=cue, definition=definition))
        taken.add(start, end)

    parens = [(m.start(), m.end()) for m in _PAREN.finditer(folded)]
    paren_starts = [s for s, _ in parens]

    def in_paren(pos: int) -> bool:
        i = bisect_right(paren_starts, pos - 1) - 1
        return i >= 0 and parens[i][0] < pos < parens[i][1]

    # 1. quoted units: a quoted name is one unit; labels inside it do not count on their own
    view, index = matching_view(folded)
    label_rx = _label_regex(th)
    labels = [
        (index[m.start()], index[m.end() - 1] + 1, m.group()) for m in label_rx.finditer(view) if m.end() - m.start() >= 2
    ]
    label_ending = {end: start for start, end, _ in labels}
    quoted = list(_QUOTED.finditer(folded))
    run_end = [m.end() for m in quoted]
    for i in range(len(quoted) - 2, -1, -1):
        if folded[quoted[i].end() : quoted[i + 1].start()] in ("", "、", "和", "与", "及"):
            run_end[i] = run_end[i + 1]
    blocked = _Intervals()  # quoted non-mechanisms (programmes, slogans): no label inside counts
    for m, after in zip(quoted, run_end):
        name = m.group(1).strip()
        start, end = m.start(1), m.end(1)
        if in_paren(start):
            blocked.add(start, end)
            continue
        concept = th.lookup(name) or th.lookup(_strip_tail(name))
        if concept is not None:
            continue  # a label: matched below, in the view, with any modifier around it
        if _QUOTED_CLAUSE.match(name):
            continue  # a quoted suggestion: any label inside it is matched below, on its own
        glued = label_ending.get(m.start())  # 人民调解“四张网”
        head = glued if glued is not None else m.start()
        left = folded[max(0, head - 8) : head]
        right = folded[after : after + 16]
        judged = text[glued : m.start()] + name if glued is not None else name
        if not _is_mechanism(judged, left, right):
            blocked.add(start, end)
            continue
        definition = _definition_after(text, folded, m.end(), formula=bool(_FORMULA.fullmatch(name)))
        if glued is not None:  # 人民调解“四张网”: the label and the quoted name are one name
            start = glued
        cue = "formula" if _FORMULA.fullmatch(name) else "quoted"
        add(start, end, th.lookup(text[start:end]), cue, definition)

    # 2. thesaurus labels, in the matching view
    for start, end, label in labels:
        if _org_follows(folded, end) or _category_word(folded, start) or _negated(folded, start):
            continue
        if blocked.covers(start, end):
            continue
        add(start, end, th.by_label[label], "thesaurus")

    # 3. formulas (1+2+X), with the explanation that follows them
    for m in _formulas(folded):
        if in_paren(m.start()) or _FACILITY_AFTER.match(folded, m.end(), m.end() + 16):
            continue
        add(m.start(), m.end(), th.lookup(m.group()), "formula", _definition_after(text, folded, m.end(), formula=True))

    # 4. unquoted names ending in 制度/机制/工作法/模式/联动/共治 right after an instituting verb
    for m in _SUFFIX_NAME.finditer(folded):
        stem, tail = m.group(1), m.group(2)
        if _GENERIC_STEM.match(stem) or len(_GENERIC_TAIL.sub("", stem)) < 2 or "的" in stem:
            continue
        if _VAGUE_STEM.search(stem) and "+" not in stem:
            continue
        if tail == "模式" and _GENERIC_FIELD.search(stem):  # 基层社会治理模式 describes, it does not name
            continue
        start, end = m.start(1), m.end(2)
        add(start, end, th.lookup(stem + tail) or th.lookup(stem), "suffix")

    # 5. a named practice being piloted: 开展了农村社区化服务管理试点工作
    for m in _PILOT_NAME.finditer(folded):
        stem = m.group(1)
        if _PILOT_STEM_NOT.search(stem) or _PEOPLE_NAME.search(stem) or _ROLE_NAME.search(stem) or _OTHER_NAME.search(stem):
            continue
        add(m.start(1), m.end(1), th.lookup(stem), "pilot")

    out.sort(key=lambda mm: mm.span.start)
    return out


def _definition_after(text: str, folded: str, end: int, *, formula: bool) -> str | None:
    """The explanation in parentheses after a name: right after it, or for a formula within
    the next few words when it reads like one (1即…, 1名…+…, 一个核心、一项品牌…)."""
    p = _PAREN_AFTER.match(folded, end)
    if p is None and formula:
        p = _PAREN_NEAR.match(folded, end)
        if p and not any(cue in p.group(1) for cue in ("即", "+", "、")):
            p = None
    return text[p.start(1) : p.end(1)] if p else None


def _formulas(folded: str) -> list[re.Match[str]]:
    """Numeric formulas (1+2+X), found from their plus signs rather than from every digit."""
    out: list[re.Match[str]] = []
    i = folded.find("+")
    while i != -1:
        start = i
        while start > 0 and "0" <= folded[start - 1] <= "9":
            start -= 1
        m = None
        if start < i and (start == 0 or folded[start - 1] != "."):
            m = _FORMULA.match(folded, start)
        if m is not None and (not out or m.start() >= out[-1].end()):
            out.append(m)
            i = folded.find("+", m.end())
        else:
            i = folded.find("+", i + 1)
    return out


def _category_word(folded: str, start: int) -> bool:
    """A label right after 等 names the category of the items listed before it (…等议事协商机制)."""
    return folded[max(0, start - 1) : start] == "等"


def _negated(folded: str, start: int) -> bool:
    """撤销了“一站式”服务大厅: what is abolished is not adopted."""
    return bool(_NEGATION_BEFORE.search(folded, max(0, start - 4), start))


def _strip_tail(name: str) -> str:
    return re.sub(r"(?:工作机制|运行机制|机制|模式|制度|工作法)$", "", name)


def _org_follows(folded: str, end: int) -> bool:
    """A label followed by an organisation word names an organisation (人民调解委员会)."""
    return bool(_ORG_AFTER.match(folded, end))


def _is_mechanism(name: str, left: str, right: str) -> bool:
    """Judge a quoted phrase by its shape and its context."""
    core = norm_label(name)
    if re.match(r"^\d{3,6}$", core):  # “1145”-style numbered models
        return bool(re.match(r"^(?:\(|模式|工作法|机制)", right))
    numbered = len(re.findall(f"[{_NUMERALS}]", core)) >= 2
    if len(core) < 2 or len(core) > 16 or _NOT_NAME.search(name) or (_OTHER_NAME.search(core) and not numbered):
        return False
    if _PEOPLE_NAME.search(core) or _ROLE_NAME.search(core):  # 两代表一委员, 专职调解员: people
        return False
    if len(re.split(r"[、,]", name)) >= 3 and not _MECH_NOUN_NEAR.match(right):  # 小事不出村、大事不出镇、…: a slogan
        return False
    if re.fullmatch(r"十[一二三四五六七八九]五", core):  # 十四五: a five-year planning period
        return False
    if _RIGHT_OTHER.search(right) or _LEFT_OTHER.search(left):
        return False
    if len(core) <= 2:  # “吹哨”事项清单: a two-character word needs a mechanism noun right after it
        return bool(re.match(r"(?:机制|模式|制度|工作法|试点|经验)", right))
    if _RIGHT_MECH.search(right):
        return True
    if re.search(r"(?:制|机制|模式|联动|共治|工作法|制度|融合|党委|网格|清单|议事会|理事会|共同体)$", core) or (
        len(core) >= 4 and core.endswith("治理")
    ):
        return True
    if _COINAGE.match(core):
        return True
    return bool(_LEFT_VERB.search(left))
