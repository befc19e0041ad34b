"""A document's metadata: title, issuer, dates, numbers, and the proposal it answers.

:func:`extract_metadata` reads the page header (``索 引 号: … 发布日期: …`` lines,
``| label | value |`` table rows, ``- label: value`` lists), the title line, the
salutation, the first paragraph and the signature block. Every value comes with the
span of text that states it, in ``DocumentMeta.spans`` as ``(field, Span)`` pairs.
Matching runs on :func:`kg.text.fold`-ed text, so its offsets are the stored text's.

Examples
--------
>>> from kg.records import Document
>>> text = ("索 引 号：ABC-2023-7 发布日期：2023-05-06\\n"
...         "发布机构：市卫生健康委\\n"
...         "关于对市政协九届二次会议第35号提案的答复\\n"
...         "李红等3位委员：\\n"
...         "你们提出的《关于改善社区养老服务的提案》收悉。该提案由我委承办。现答复如下。\\n"
...         "甲市卫生健康委员会\\n2023年4月28日")
>>> doc = Document(doc_id="d", source="d.txt", path="d.txt", format="txt", encoding="utf-8", text=text)
>>> meta = extract_metadata(doc)
>>> meta.index_no, meta.published, meta.signed, meta.kind
('ABC-2023-7', '2023-05-06', '2023-04-28', '答复')
>>> meta.issuer, meta.place
('甲市卫生健康委员会', '甲市')
>>> p = meta.responds_to
>>> p.body, p.level, p.term, p.session, p.number, p.kind, p.title, p.proposers, p.handlers
('政协', '甲市', 9, 2, 35, '提案', '关于改善社区养老服务的提案', ('李红等3位委员',), ('甲市卫生健康委员会',))
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from kg.records import Document, DocumentMeta, Proposal, Span
from kg.text import QUOTE_PAIRS, fold
from loaders.cn_numbers import CN_NUMERAL, DATE_PATTERN, cn_to_int, read_date

__all__ = ["extract_metadata", "expand_org", "province_for"]

# --- header labels -------------------------------------------------------------------
_LABELS = {  # label → field; labels marked * need a colon (they are common words in prose)
    "索引号": "index_no", "文号": "doc_no", "发文字号": "doc_no", "发文机关": "issuer",
    "发布机构": "issuer", "发文单位": "issuer", "发布单位": "issuer", "发布日期": "published",
    "发布时间": "published", "公开日期": "published", "生成日期": "generated", "成文日期": "written", "发文日期": "written",
    "*时间": "date", "*日期": "date", "*名称": "title", "*标题": "title", "*来源": "source",
    "*信息来源": "source", "*作者": "", "责任部门": "", "主题分类": "", "组配分类": "",
    "公开方式": "", "公开范围": "", "时效性": "", "有效性": "", "*访问次数": "", "*字号": "",
    "*浏览次数": "", "主题词": "", "体裁分类": "", "所属机构": "",
}
_LABEL_RE = re.compile(
    "(?=[" + "".join(sorted({k.lstrip("*")[0] for k in _LABELS})) + "])(?:" + "|".join(
    f"(?P<{'c' if k.startswith('*') else 'w'}{i}>" + "[ \t]*".join(k.lstrip("*")) + ")"
    for i, k in sorted(enumerate(_LABELS), key=lambda p: -len(p[1]))) + ")")
_KEYS = list(_LABELS.values())
_LINE = re.compile(r"[^\n]+")
_HEADER_WINDOW, _FOOTER_WINDOW = 3000, 1500  # characters of the text that may hold labelled fields
_SEP = re.compile(r"[ \t]*(:)?[ \t]*(\|)?[ \t]*")
_DATE_RANK = ("published", "generated", "date", "written")
_CELL = re.compile(r"[^|\s](?:(?![ \t]{2,}|[ \t]*\|).)*")  # a table cell, split at | or 2+ spaces
_GAP = re.compile(r"[ \t]+(?=[^\s:|]{2,6}[ \t]*:)")  # the space before the next ``label:``
_GAP_WIDE = re.compile(_GAP.pattern + r"|[ \t]{2,}")

# --- names -----------------------------------------------------------------------------
_LEVEL = r"(?:自治区|自治州|自治县|特别行政区|省|市|州|县|区|旗|盟)"
_PLACE = re.compile(rf"(?![全本我该各外市州县区省旗盟])[\u4e00-\u9fff]{{1,10}}?{_LEVEL}(?:(?<=州)市(?!场))?")
_SUB_PLACE = re.compile(r"(?:(?![局厅委办部院会])[\u4e00-\u9fff]){2,5}?(?:自治县|县|区|市|旗)")
_ORG_END = re.compile(r"(?:局|厅|委|办|室|部|院|会|联|府|中心|处|所|站|队|署|社|团|庭|校|司)$")
_ORG_HEAD = re.compile(rf"(?:中共)?{_PLACE.pattern}[\u4e00-\u9fff]{{0,12}}?"
                       r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|联合会|局|厅|委|办|院|中心)")
_PRONOUN = re.compile(r"^(?:您|你|贵)")
_SELF = re.compile(r"我(?:局|厅|委|办|院|部|会|处|中心|单位|们)")
_DOC_NO = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}[〔\[【(][ \t]*(?:19|20)\d\d[ \t]*[〕\]】)][ \t]*第?[ \t]*\d{1,5}[ \t]*号")
_KINDS = [("协办意见", r"协办意见(?:的函)?"), ("综述", "综述"), ("答复", r"答复(?:函|意见|的函)?"),
          ("复函", "复函")] + [(k, k) for k in (
    "报告", "通知", "意见", "方案", "办法", "决定", "通报", "批复", "公告", "通告", "纪要", "总结",
    "规划", "计划", "细则", "规定", "条例", "说明", "请示", "提案", "议案", "建议", "函")]
_DATE_AT_END = re.compile(rf"(?:{DATE_PATTERN.pattern})(?=[ \t]*$)", re.M)
_KIND_END = re.compile("(?:" + "|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(_KINDS)) + r")[)\]】》”\s]*$")

# --- proposals -------------------------------------------------------------------------
_N = CN_NUMERAL
_SESSION = re.compile(rf"(?P<term>第?{_N}届)(?P<mid>[^\n,。;:“”《》\d]{{0,12}}?)(?P<sess>第?{_N}次(?:全体)?会议)")
_NUMBER = re.compile(rf"第[ \t]*(?P<num>{_N})[ \t]*号[ \t]*(?:代表|委员)?(?P<kind>提案|议案|建议)?")
_CUT = re.compile(r".*(?:关于对|关于|对|在|就|的|[,:;“《(\s])", re.S)
_BODIES = (("政协", r"政治协商会议|政协"), ("人大", r"人民代表大会|人大"))

_PROVINCES = {
    line.split("/")[0]: line.split("/")[1:] for line in (
        "北京市/北京 天津市/天津 上海市/上海 重庆市/重庆 河北省/河北/石家庄 山西省/山西/太原 "
        "内蒙古自治区/内蒙古/呼和浩特 辽宁省/辽宁/沈阳 吉林省/吉林/长春 黑龙江省/黑龙江/哈尔滨 "
        "江苏省/江苏/南京 浙江省/浙江/杭州 安徽省/安徽/合肥 福建省/福建/福州 江西省/江西/南昌 "
        "山东省/山东/济南 河南省/河南/郑州 湖北省/湖北/武汉 湖南省/湖南/长沙 广东省/广东/广州 "
        "广西壮族自治区/广西/南宁 海南省/海南/海口 四川省/四川/成都 贵州省/贵州/贵阳 云南省/云南/昆明 "
        "西藏自治区/西藏/拉萨 陕西省/陕西/西安 甘肃省/甘肃/兰州 青海省/青海/西宁 "
        "宁夏回族自治区/宁夏/银川 新疆维吾尔自治区/新疆/乌鲁木齐").split()}


@dataclass
class _Reader:
    """One document's text, its folded twin, and the spans found so far."""

    doc: Document
    folded: str = ""
    spans: list[tuple[str, Span]] = field(default_factory=list)
    _lines: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.folded) != len(self.doc.text):
            self.folded = fold(self.doc.text)
        for m in _LINE.finditer(self.folded):
            s, e = m.span()
            while s < e and self.folded[s].isspace():
                s += 1
            while e > s and self.folded[e - 1].isspace():
                e -= 1
            if e > s:
                self._lines.append((s, e))

    def note(self, name: str, start: int, end: int) -> Span:
        span = Span.of(self.doc.text, self.doc.doc_id, start, end)
        self.spans.append((name, span))
        return span

    def lines(self, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of each non-blank line in ``[start, end)``, white space trimmed."""
        limit = len(self.folded) if end is None else end
        out = []
        for s, e in self._lines:
            if e <= start or s >= limit:
                continue
            if e > limit:  # a line cut by ``end``: trim it again
                e = limit
                while e > s and self.folded[e - 1].isspace():
                    e -= 1
                if e <= s:
                    continue
            out.append((s, e))
        return out


def _norm(name: str) -> str:
    """Compare organisation names: no 中共, 人民政府 as 政府, a final 委员会 as 委, no spaces."""
    name = re.sub(r"\s", "", name).removeprefix("中共").replace("人民政府", "政府")
    return name[:-2] if name.endswith("委员会") else name


def _leading_place(name: str) -> str | None:
    """The most specific place at the head of an organisation's name.

    >>> _leading_place("温州市鹿城区民政局"), _leading_place("市民政局")
    ('鹿城区', None)
    """
    name = _norm(name)
    m = _PLACE.match(name)
    if not m:
        return None
    sub = _SUB_PLACE.match(name, m.end())
    return sub.group() if sub else m.group()


def province_for(kind: str, *, place: str | None, text: str = "") -> str | None:
    """The province-level unit a bare 省 / 自治区 means, from the issuer's place or the text.

    >>> province_for("自治区", place="南宁市")
    '广西壮族自治区'
    >>> province_for("省", place="某县", text="在甘肃全省推广")
    '甘肃省'
    """
    options = {full: names for full, names in _PROVINCES.items() if full.endswith(kind)}
    for full, names in options.items():
        if place and (place.startswith((full, names[0])) or place.removesuffix("市") in names[1:]):
            return full
    counts = Counter({full: text.count(names[0]) for full, names in options.items()})
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def expand_org(name: str, *, place: str | None, text: str = "") -> str:
    """Prefix a bare 市 / 州 / 县 / 省 / 自治区 at the head of ``name`` with the place it means.

    >>> expand_org("市委政法委", place="某某市"), expand_org("县司法局", place="某某市")
    ('某某市委政法委', '县司法局')
    >>> expand_org("自治区民政厅", place="南宁市"), expand_org("市场监管局", place="某某市")
    ('广西壮族自治区民政厅', '市场监管局')
    """
    name = re.sub(r"\s", "", name)
    for kind in ("自治区", "省"):
        if name.startswith(kind):
            full = province_for(kind, place=place, text=text)
            return full + name[len(kind):] if full else name
    if place and name[:1] in "市州县区旗盟" and place.endswith(name[0]) and not name.startswith("市场"):
        return place + name[1:]
    return name


def _same_body(full: str, short: str) -> bool:
    """Whether ``full`` names the body ``short`` abbreviates (市政府办公室 ~ 某市人民政府办公室)."""
    full, short = _norm(full), _norm(short)
    if _leading_place(short):
        return full == short
    core = short[1:] if short[:1] in "市州县区省旗盟" else short
    head = full[: len(full) - len(core)]
    return full.endswith(core) and bool(_PLACE.fullmatch(head)) and (core == short or head.endswith(short[0]))


def _balanced(text: str, start: int) -> tuple[int, int] | None:
    """Inner ``(start, end)`` of the quote or 《》 opening at ``start``, nesting allowed."""
    pairs = {**QUOTE_PAIRS, "《": "》", "〈": "〉"}
    open_ = text[start] if start < len(text) else ""
    if open_ not in pairs:
        return None
    close, depth = pairs[open_], 1
    for i in range(start + 1, min(len(text), start + 300)):
        if text[i] == "\n":
            return None
        depth += (text[i] == open_ and close != open_) - (text[i] == close)
        if depth == 0:
            return start + 1, i
    return None


# --- the page header -------------------------------------------------------------------
def _header(r: _Reader) -> dict[str, list[tuple[int, int]]]:
    """Value spans of the labelled header fields, in text order, keyed by field."""
    f, hits = r.folded, []
    # labelled fields sit in the page header (and sometimes a footer block): scan those ends only
    head_end = min(len(f), _HEADER_WINDOW)
    windows = [(0, head_end)] + ([(max(head_end, len(f) - _FOOTER_WINDOW), len(f))] if len(f) > head_end else [])
    for m in (m for a, b in windows for m in _LABEL_RE.finditer(f, a, b)):
        name, key = m.lastgroup or "", _KEYS[int((m.lastgroup or "w0")[1:])]
        sep = _SEP.match(f, m.end())
        before = f[m.start() - 1] if m.start() else "\n"
        cell = sep[2] or before == "|" or f[m.end(): m.end() + 2] in ("  ", "\t", " \n")
        colon, edge = sep[1], before in " \t\n|-*·•[【"
        loose = colon and (name[0] == "w" or key in _DATE_RANK)  # 信息索引号:, 佚名时间:
        if name[0] == "c" and not (colon or cell) or not (edge or loose):
            continue
        if name[0] == "w" and not (colon or cell or f[m.end(): m.end() + 1] in (" ", "\t", "\n", "")):
            continue
        hits.append((m.start(), sep.end(), key))
    found: dict[str, list[tuple[int, int]]] = {}
    for i, (_, start, key) in enumerate(hits):
        end = f.find("\n", start)
        end = len(f) if end < 0 else end
        if i + 1 < len(hits):
            end = min(end, hits[i + 1][0])
        if (bar := f.find("|", start, end)) >= 0:
            end = bar
        if cut := (_GAP if key == "title" else _GAP_WIDE).search(f, start, end):
            end = cut.start()
        end = len(f[start:end].rstrip()) + start
        if end == start and (below := _cell_below(f, start) or _date_below(f, start, key)):
            start, end = below
        if key and end > start:
            found.setdefault(key, []).append((start, end))
    return found


def _cells(f: str, line_start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the cells of the row at ``line_start``: split at ``|`` or 2+ spaces."""
    end = f.find("\n", line_start)
    row = f[line_start: len(f) if end < 0 else end]
    return [(line_start + m.start(), line_start + m.end()) for m in _CELL.finditer(row)]


def _cell_below(f: str, at: int) -> tuple[int, int] | None:
    """The value under a label in a table whose first row holds only labels."""
    line_start = f.rfind("\n", 0, at) + 1
    row = _cells(f, line_start)
    if len(row) < 2 or not all(_LABEL_RE.fullmatch(f[s:e].rstrip(":").rstrip()) for s, e in row):
        return None
    col = sum(1 for s, _ in row if s < at) - 1
    pos = f.find("\n", line_start) + 1
    while 0 < pos < len(f) and re.match(r"[ \t|:-]*(?:\n|$)", f[pos:]):
        pos = f.find("\n", pos) + 1
    cells = _cells(f, pos) if pos > 0 else []
    return cells[col] if 0 <= col < len(cells) and len(cells) == len(row) else None


def _date_below(f: str, at: int, key: str) -> tuple[int, int] | None:
    """A date alone on the line after a date label whose own line ends empty."""
    m = re.compile(r"[ \t]*\n[ \t]*([^\n]+?)[ \t]*(?:\n|$)").match(f, at)
    if key in _DATE_RANK and m and _DATE_AT_END.fullmatch(m[1]) and read_date(m[1]):
        return m.span(1)
    return None


def _salutation(r: _Reader) -> tuple[int, int] | None:
    """The ``…：`` line that opens the letter: a short line followed by prose; no 尊敬的."""
    f, lines = r.folded, r.lines()
    for i, (s, e) in enumerate(lines[:60]):
        line = f[s:e]
        if _prose(line):
            return None
        if (line.endswith(":") and 2 < len(line) <= 41 and not re.search(r"[:。>|]", line[:-1])
                and not _LABEL_RE.search(line) and i + 1 < len(lines) and _prose(f[slice(*lines[i + 1])])):
            return s + (3 if line.startswith("尊敬的") else 0), e - 1
    return None


def _prose(line: str) -> bool:
    return "。" in line or (len(line) >= 30 and "," in line)


def _title(r: _Reader, header: dict, body: int) -> tuple[int, int] | None:
    if header.get("title"):
        return header["title"][0]
    best = None
    for s, e in r.lines(0, body):
        line = r.folded[s:e]
        if (6 <= len(line) <= 150 and not re.search(r"[:|>。]", line) and not _LABEL_RE.search(line)
                and (_KIND_END.search(line) or "关于" in line)):
            best = (s, e)
    return best


def _title_org(title: str) -> tuple[int, int] | None:
    """The organisation a title starts with: 某市民政局关于… → 某市民政局."""
    for m in re.finditer("关于|对", title):
        head = title[: m.start()]
        if _PLACE.match(_norm(head)) and _ORG_END.search(head):
            return 0, m.start()
    m = _ORG_HEAD.match(title)
    return m.span() if m else None


def _doc_no_line(r: _Reader, title: str | None) -> tuple[int, int] | None:
    """A 文号 printed on its own line, just before the title, or inside the title line."""
    for s, e in r.lines():
        line = r.folded[s:e]
        m = _DOC_NO.match(line)
        if m and (m.end() == len(line) or title and line[m.end():].lstrip().startswith(title[:6])):
            return s + m.start(), s + m.end()
        if title and title in line and (m := _DOC_NO.search(line)):
            return s + m.start(), s + m.end()
    return None


def _signature_like(line: str) -> bool:
    return 2 <= len(line) <= 30 and not re.search(r"[\s,。:;()!?、]", line)


def _signature(r: _Reader, body: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """``(organisation, date)`` spans of the signature block: the last date line after ``body``."""
    lines = r.lines(body)
    for i in range(len(lines) - 1, -1, -1):
        s, e = lines[i]
        m = _DATE_AT_END.search(r.folded, s, e)
        if not m:
            continue
        head = r.folded[s: m.start()].strip()
        org = (s, s + len(head)) if head else lines[i - 1] if i else None
        sig = org is not None and _signature_like(r.folded[slice(*org)])
        named = sig and org is not None and bool(_ORG_END.search(r.folded[slice(*org)]))
        if (head and not named) or (m["run"] and not sig) or not read_date(m.group()):
            continue
        org = org if named else None
        return org, (m.start(), m.end())
    return None, None


# --- the proposal answered -------------------------------------------------------------
def _orgs(f: str, start: int, end: int) -> list[tuple[int, int]]:
    """Organisation names in a list like ``市民政局和市委组织部、市妇联``."""
    out, pos = [], start
    for sep in [*re.finditer(r"[、,]|(?<=[局厅委办室部院会联府心处所站队署社团])(?:以及|和|与|及)",
                             f[start:end]), None]:
        s, e = pos, (start + sep.start() if sep else end)
        pos = start + sep.end() if sep else end
        head = re.match(r"[\s由]*(?:会同|协同)?\s*", f[s:e])
        s += head.end() if head else 0
        while e > s and f[e - 1].isspace():
            e -= 1
        name = f[s:e]
        if 2 <= len(name) <= 25 and (_SELF.fullmatch(name) or _ORG_END.search(name)):
            out.append((s, e))
    return out


def _proposal(r: _Reader, title: tuple[int, int] | None, intro: tuple[int, int] | None,
              salutation: tuple[int, int] | None, issuer: str | None, place: str | None,
              kind: str | None) -> Proposal | None:
    """The proposal a reply answers, from its title and its first paragraph."""
    f, text = r.folded, r.doc.text
    zones = [z for z in (title, intro) if z]
    ref = next((m for zs, ze in zones if (m := _SESSION.search(f, zs, ze))), None)
    numbers = [m for zs, ze in zones for m in _NUMBER.finditer(f, zs, ze) if m["kind"] or ref]
    num = next((m for m in numbers if ref and m.start() >= ref.end()), numbers[0] if numbers else None)
    asks = title and re.search(r"(?:提案|议案|建议)的?(?:答复|复函|协办意见)", f[slice(*title)])
    if not (ref or num or asks):
        return None
    body, level, ev_start = _body_and_level(r, ref, place) if ref else (None, None, 0)
    number = cn_to_int(num["num"]) if num else None
    p_kind = next((m["kind"] for m in numbers if m["kind"] and cn_to_int(m["num"]) == number), None)
    p_title = _proposal_title(f, zones)
    if p_title:
        r.note("responds_to.title", *p_title)
        p_kind = p_kind or next(iter(re.findall(r"(提案|议案|建议)$", text[slice(*p_title)])), None)
    if body is None and p_kind:
        body = "政协" if p_kind == "提案" else "人大"
    p_kind = p_kind or {"政协": "提案", "人大": "建议"}.get(body or "")
    proposers = _proposers(r, intro, salutation)
    handlers = _handlers(r, intro, salutation, issuer, place, kind)
    evidence = None
    if ref or num:
        end = max(m.end() for m in (ref, num) if m)
        evidence = r.note("responds_to", ev_start if ref else num.start(), end)  # type: ignore[union-attr]
    return Proposal(
        body=body, level=level, number=number, kind=p_kind,
        term=cn_to_int(ref["term"]) if ref else None,
        session=cn_to_int(re.sub(r"(?:全体)?会议$", "", ref["sess"])) if ref else None,
        title=text[slice(*p_title)] if p_title else None,
        proposers=proposers, handlers=handlers, evidence=evidence)


def _body_and_level(r: _Reader, ref: re.Match[str], place: str | None) -> tuple[str | None, str | None, int]:
    """政协 or 人大, its place, and where the reference starts: 市政协十四届…, 政协某州十二届…"""
    f = r.folded
    line_start = f.rfind("\n", 0, ref.start()) + 1
    pre = f[max(line_start, ref.start() - 30): ref.start()]
    cut = _CUT.match(pre)
    pre = pre[cut.end():] if cut else pre
    start = ref.start() - len(pre)
    body = next((b for b, pat in _BODIES if re.search(pat, pre + ref["mid"])), None)
    raw = re.sub(r"中国人民|政治协商会议|人民代表大会|政协|人大|常委会|第", "", pre).strip()
    level = None
    if raw == "全国" or re.fullmatch(rf"{_PLACE.pattern}|{_LEVEL}", raw):
        level = raw
        if re.fullmatch(_LEVEL, raw):
            level = (province_for(raw, place=place, text=f) if raw in ("省", "自治区")
                     else place if place and place.endswith(raw) else None)
        if level and (at := pre.find(raw)) >= 0:
            r.note("responds_to.level", start + at, start + at + len(raw))
    return body, level, start


def _proposal_title(f: str, zones: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Quoted after 第N号 or 提出的; else 提出的关于…收悉, where 关于X的建议的提案 → 关于X的建议."""
    for zs, ze in zones:
        for m in re.finditer(_NUMBER.pattern + r"[ \t]*|提出的[ \t]*", f[zs:ze]):
            inner = _balanced(f, zs + m.end())
            if inner and inner[1] - inner[0] >= 4:
                return inner
    for zs, ze in zones:
        if m := re.search(r"提出的(关于[^\n。]{2,150}?)(?:收悉|已收悉|。)", f[zs:ze]):
            s, e = zs + m.start(1), zs + m.end(1)
            double = re.fullmatch(r"(.+?(?:建议|意见|提案|议案))的(?:提案|议案|建议)", f[s:e])
            return s, s + len(double[1]) if double else e
    return None


def _proposers(r: _Reader, intro: tuple[int, int] | None, salutation: tuple[int, int] | None) -> tuple[str, ...]:
    """Who made the proposal: named before 提出的 in the first sentence, else the salutation."""
    f = r.folded
    if intro:
        zs, ze = intro
        stop = f.find("。", zs, ze)
        ze = stop + 1 if stop >= 0 else ze
        if m := re.search(r"提出的", f[zs:ze]):
            at = zs + m.start()
            s = max(zs, *(f.rfind(c, zs, at) + 1 for c in "。;,:\n"))
            s += len(re.match(r"(?:现就|现将|就|对于|对|关于)*", f[s:at])[0])
            e = f.find("在", s, at) if "在" in f[s:at] else at
            name = f[s:e].strip()
            if 2 <= len(name) <= 30 and not _PRONOUN.match(name) and not _SELF.match(name):
                s = f.index(name, s)
                return (r.note("responds_to.proposers", s, s + len(name)).text,)
    if salutation:
        return (r.note("responds_to.proposers", *salutation).text,)
    return ()


_LEAD = re.compile(
    r"由[ \t]*(?P<a>[^\s,。;()、]{2,30}?)(?:\([^()\n]{1,20}\))?[ \t]*(?:主办|承办|牵头办理|牵头|负责办理|办理)"
    r"|(?:转交|交由|交给|交)(?P<b>我(?:局|厅|委|办|院|部|会|处|中心|单位))"
    r"|(?:^|[,;:。\n])[ \t]*(?P<c>[^\s,。;:()、]{2,20}?)[ \t]*(?:会同|协同)")
_CO = re.compile(
    r"(?:会同|协同)(?P<a>[^。;()\n]{2,150}?)(?:共同|一起)?(?:进行了?)?(?:认真)?(?:研究|办理)"
    r"|(?:^|[(,;:])(?P<b>[^,。;:()\n]{2,200}?)(?:联合办理|共同办理|会办|协办|参与办理)"
    r"|经商(?P<c>[^。;()\n]{2,100}?)(?:同意|会商|研究)?(?=,)")


def _handlers(r: _Reader, intro: tuple[int, int] | None, salutation: tuple[int, int] | None,
              issuer: str | None, place: str | None, kind: str | None) -> tuple[str, ...]:
    """The lead handling body, then the co-handlers, each with its place, from the first paragraph."""
    f, found = r.folded, []
    addressee = salutation if salutation and _ORG_END.search(f[slice(*salutation)]) else None
    if kind == "协办意见" and addressee:
        found.append(addressee)
    lead = False
    zs, ze = intro or (0, 0)
    first = next((e for s, e in r.lines(zs, ze) if _prose(f[s:e])), ze)
    for pattern, take in ((_LEAD, 1), (_CO, None)):
        for m in pattern.finditer(f, zs, first):
            g = m.lastgroup or "a"
            orgs = _orgs(f, m.start(g), m.end(g))[:take]
            lead = lead or bool(orgs and take)
            found += orgs
    names: dict[str, str] = {}
    if issuer and not lead and kind != "协办意见":  # no lead named: the writer leads
        names[_norm(issuer)] = issuer
    for s, e in found:
        raw = f[s:e]
        if _PRONOUN.match(raw) and addressee:  # 你委 / 贵局: the addressee
            s, e = addressee
            raw = f[s:e]
        if _SELF.fullmatch(raw) or (issuer and _same_body(issuer, raw)):
            name = issuer
        elif _PRONOUN.match(raw):
            continue
        else:
            name = expand_org(raw, place=place, text=f)
        if name and _norm(name) not in names:
            names[_norm(name)] = name
            r.note("responds_to.handlers", s, e)
    if issuer and kind == "协办意见":  # the letter's writer co-handles
        names.setdefault(_norm(issuer), issuer)
    return tuple(names.values())


# --- the whole document ----------------------------------------------------------------
def extract_metadata(doc: Document, *, folded: str | None = None) -> DocumentMeta:
    """Read a document's metadata from its stored text; see the module docstring.

    Parameters
    ----------
    doc : the loaded document; only ``doc.text`` and ``doc.doc_id`` are read.

    Returns
    -------
    DocumentMeta
        Every value found, with ``spans`` naming where the text states each one.
    """
    r = _Reader(doc, folded=folded or "")
    f, text = r.folded, doc.text
    header = _header(r)
    salutation = _salutation(r)
    prose = next((s for s, e in r.lines() if _prose(f[s:e]) and len(f[s:e]) >= 30), len(f))
    body = salutation[0] if salutation else prose
    title_at = _title(r, header, body)
    title = text[slice(*title_at)] if title_at else None
    kind = None
    if title_at:
        r.note("title", *title_at)
        if m := _KIND_END.search(f, *title_at):
            i = next(i for i in range(len(_KINDS)) if m[f"k{i}"])
            kind = _KINDS[i][0]
            r.note("kind", *m.span(f"k{i}"))

    def first(key: str) -> tuple[int, int] | None:
        return header[key][0] if header.get(key) else None

    index_at = first("index_no")
    if index_at:
        token = re.match(r"\S+", f[index_at[0]: index_at[1]])
        index_at = (index_at[0], index_at[0] + token.end()) if token else None
    doc_no_at = first("doc_no")
    if doc_no_at and not re.search(r"\d", f[slice(*doc_no_at)]):
        doc_no_at = None
    doc_no_at = doc_no_at or _doc_no_line(r, title)
    for name, at in (("index_no", index_at), ("doc_no", doc_no_at)):
        if at:
            r.note(name, *at)

    published = None
    for key in _DATE_RANK:
        for s, e in header.get(key, []):
            if not published and (reading := read_date(text[s:e])):
                published = reading.iso
                at = s + text[s:e].index(reading.raw)
                r.note("published", at, at + len(reading.raw))

    sig_org, sig_date = _signature(r, body)
    signed = signed_raw = None
    uncertain = False
    if sig_date and (reading := read_date(text[slice(*sig_date)], near=published)):
        signed, signed_raw, uncertain = reading.iso, reading.raw, reading.uncertain
        uncertain = uncertain or bool(published and signed > _plus_days(published, 7))
        r.note("signed", *sig_date)

    issuer_at, issuer = _issuer(r, header, title_at, sig_org)
    place = _leading_place(issuer) if issuer else None
    intro = (body, min(len(f), body + 800)) if salutation or kind in ("答复", "复函", "协办意见") else None
    proposal = _proposal(r, title_at, intro, salutation, issuer, place, kind)
    if proposal and proposal.level and not place and proposal.level != "全国":
        place = proposal.level
        if issuer and not _leading_place(issuer):
            issuer = expand_org(issuer, place=place, text=f)
    if issuer_at:
        r.note("issuer", *issuer_at)
    if place and (at := f.find(place)) >= 0:
        r.note("place", at, at + len(place))
    return DocumentMeta(
        title=title, issuer=issuer, place=place, published=published, signed=signed,
        signed_raw=signed_raw, signed_uncertain=uncertain,
        index_no=text[slice(*index_at)] if index_at else None,
        doc_no=text[slice(*doc_no_at)] if doc_no_at else None,
        kind=kind, responds_to=proposal, spans=tuple(r.spans))


def _plus_days(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _issuer(r: _Reader, header: dict, title_at: tuple[int, int] | None,
            sig_org: tuple[int, int] | None) -> tuple[tuple[int, int] | None, str | None]:
    """The issuer's span and full name: 发布机构, made fuller from the title or signature."""
    f = r.folded
    title_org = None
    if title_at and (m := _title_org(f[slice(*title_at)])):
        title_org = (title_at[0] + m[0], title_at[0] + m[1])
    crumbs = [(s + m.start(), s + m.end()) for s, e in r.lines() if ">" in f[s:e]
              for m in re.finditer(r"[^\s>]+", f[s:e])]
    fuller = [at for at in (title_org, sig_org, *crumbs) if at]
    label = header["issuer"][0] if header.get("issuer") else None
    if label:
        short = f[slice(*label)]
        for at in fuller:
            if _same_body(f[slice(*at)], short):
                return at, r.doc.text[slice(*at)]
        return label, r.doc.text[slice(*label)]
    at = sig_org or title_org or (header["source"][0] if header.get("source") else None)
    return at, (r.doc.text[slice(*at)] if at else None)
