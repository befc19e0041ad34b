"""Agencies: organisations that act in the text, with full names and one key each.

A department is usually written with a level word for a prefix (市民政局, 州委,
自治区民政厅); the full name takes the place the context implies (银川市民政局 in a
银川 document; 蒙自市调度中心 under a heading about 蒙自市). Items of a list share
their prefix (市财政局、医保局 → 银川市医保局). National bodies (中央政法委,
住房和城乡建设部), congresses and CPPCC bodies (市七届人大 → 舟山市人民代表大会,
政协红河州… → 政协红河州委员会), democratic parties (九三学社红河州委), universities
and named social organisations (白银市社会助残协会) are found too. Generic kinds
(社区居委会, 调委会, 党支部) are not organisations in their own right.

Examples
--------
>>> from kg.gazetteer import load_gazetteer
>>> from kg.records import Document
>>> from kg.extract.context import DocContext
>>> from kg.extract.places import find_place_mentions
>>> text = "市委、市政府高度重视,向市财政局、医保局征求意见。"
>>> yc = load_gazetteer().resolve("银川市")
>>> doc = Document(doc_id="d", source="d.txt", path="d.txt", format="txt", encoding="utf-8", text=text)
>>> ctx = DocContext(doc=doc, jurisdiction=yc, place_mentions=find_place_mentions("d", text, yc))
>>> [a.name for a in extract_agencies(ctx)]
['银川市委', '银川市政府', '银川市财政局', '银川市医保局']
"""

from __future__ import annotations

import re

from kg.extract.context import DocContext
from kg.records import Agency, Place
from kg.trie import trie_pattern

__all__ = ["extract_agencies", "agency_key", "DEPARTMENTS"]

#: Department and body names written after a place or level prefix.
DEPARTMENTS = sorted(
    set(
        """民政局 民政厅 民政部 公安局 公安厅 司法局 司法厅 财政局 财政厅 医保局 医疗保障局 住建局 住房和城乡建设局
        住房城乡建设局 住房和城乡建设厅 人社局 人力资源和社会保障局 人力资源社会保障局 人社厅 网信局 网信办 网络信息化局
        发改委 发展和改革委员会 发展改革委 教育局 教育厅 教体局 卫健委 卫生健康委员会 卫生健康委 卫健局 城管局 城市管理局
        城市管理委员会 城管委 综合执法局 综合行政执法局 市场监管局 市场监督管理局 自然资源局 自然资源和规划局 规划局
        生态环境局 应急管理局 应急局 农业农村局 农业农村厅 文旅局 文化和旅游局 文广旅局 退役军人事务局 审计局 统计局
        税务局 信访局 政务服务管理局 政务服务局 政务服务中心 大数据局 大数据中心 行政审批局 行政审批服务局 民宗委 民族宗教事务委员会
        乡村振兴局 机关事务管理局 商务局 交通运输局 交通局 水务局 水利局 林草局 气象局 科技局 工信局 经信局 国资委
        残联 妇联 团委 总工会 科协 工商联 红十字会 慈善总会 文联 侨联 供销社 老龄办 老干部局 档案局 法院 中级人民法院
        人民法院 检察院 人民检察院 委 党委 工委 纪委 纪委监委 监委 委组织部 委宣传部 委统战部 委政法委 委编办 委办公室
        委社会工作部 委社工部 委城乡社区发展治理委员会 委政策研究室 委党校 委网信办 委老干部局
        人民政府 政府 政府办公室 人民政府办公室 政府办 政府研究室 人大常委会 人大 政协 人民代表大会
        调度中心 指挥中心 综治中心 城运中心 城市运行管理中心 融媒体中心
        城乡社区建设领导小组 社区建设领导小组""".split()
    ),
    key=len,
    reverse=True,
)
_ALIASES = [  # written forms → one key per organisation
    ("网络信息化局", "网信局"), ("网信办", "网信局"), ("人力资源和社会保障局", "人社局"), ("人力资源社会保障局", "人社局"),
    ("住房和城乡建设局", "住建局"), ("住房城乡建设局", "住建局"), ("发展和改革委员会", "发改委"), ("发展改革委", "发改委"),
    ("卫生健康委员会", "卫健委"), ("卫生健康委", "卫健委"), ("医疗保障局", "医保局"), ("市场监督管理局", "市场监管局"),
    ("城市管理局", "城管局"), ("人民政府", "政府"), ("人民法院", "法院"), ("人民检察院", "检察院"),
    ("社区建设领导小组", "城乡社区建设领导小组"), ("城乡城乡", "城乡"),
]
#: A department name follows a place or level word (…市, …区, 镇) or a list separator (市财政局、医保局).
_DEPARTMENT_RX = re.compile("(?<=[省市州县区旗盟镇乡、和及与])" + trie_pattern(DEPARTMENTS))
_PERSON_AFTER = re.compile(r"[员会书常主副]")
_LEVEL = "(?P<level>自治区|自治州|省|市|州|县|区|旗|盟)"
#: National bodies, written without a place.
NATIONAL = (
    [f"中央{x}" for x in "政法委 组织部 宣传部 统战部 文明办 社会工作部 编办".split()]
    + ["国务院", "国务院办公厅"]
    + [f"国家{x}" for x in "发改委 发展改革委 民委 卫健委 信访局 乡村振兴局".split()]
    + """住房和城乡建设部 住房城乡建设部 民政部 财政部 公安部 司法部 教育部 人力资源社会保障部 农业农村部 自然资源部
    生态环境部 应急管理部 退役军人事务部 国家卫生健康委员会 全国人大常委会 全国政协 最高人民法院 最高人民检察院 全国妇联
    共青团中央 中华全国总工会""".split()
)
_NATIONAL = re.compile(trie_pattern(NATIONAL) + "(?!门)")
_LEVEL_END = re.compile(_LEVEL + "$")
_PARTIES = r"(?:九三学社|民革|民盟|民建|民进|农工党|致公党|台盟)"
_NAMED_END = re.compile(
    trie_pattern("协会 学会 联合会 基金会 研究院 研究所 促进会 商会 孵化中心 理事会 领导小组 指挥中心".split())
)
_UNIVERSITY = re.compile(r"大学(?:[\u4e00-\u9fff]{2,12}?研究院)?(?!生)")
_GENERIC_BODY = re.compile(
    r"^(?:社区|社区居委会|居委会|村委会|社区居民委员会|居民委员会|村民委员会|调委会|人民调解委员会|党支部|党总支|党组织|社区党委|"
    r"社会组织|业主委员会|物业公司|街道办事处|办事处|[\u4e00-\u9fff]{0,4}调解委员会|各类社会组织|工作领导小组)$"
)
_VERBISH = re.compile(r"[的在对向与和及为将把被从由是有了着、,]|成立|建立|实施|开展|举办|推进|加强|引导|发挥|参与|积极|依托|资助|帮助|名")


#: A level word preceded by one of these is part of a common word (城市, 社区, 小区), not a prefix.
_COMPOUND_BEFORE_LEVEL = set("城都超门夜股集上社地园景辖小片街矿山全我本各该省县市州区")
_ETHNIC_NAME = re.compile(r"^(?P<short>[\u4e00-\u9fff]{2,4}?)(?:[\u4e00-\u9fff]{1,6}?族)+自治(?P<tail>[州县旗])$")


def common_name(place: Place) -> str:
    """The name organisations carry: 红河州 for 红河哈尼族彝族自治州, else the full name.

    >>> common_name(Place(name="红河哈尼族彝族自治州", code="532500", level="city"))
    '红河州'
    """
    m = _ETHNIC_NAME.match(place.name)
    return m.group("short") + m.group("tail") if m else place.name


def agency_key(name: str) -> str:
    """One key per organisation however it is written.

    >>> agency_key("中共银川市委组织部") == agency_key("银川市委组织部")
    True
    >>> agency_key("银川市网络信息化局") == agency_key("银川市网信局")
    True
    """
    key = name.removeprefix("中共")
    for written, same in _ALIASES:
        key = key.replace(written, same)
    return key


def _kind(name: str) -> str:
    if re.search(r"(?:委|党委|工委|组织部|宣传部|统战部|政法委|编办|纪委)$", name) and not re.search(r"(?:发改委|卫健委|民宗委|国资委|城管委|委员会)$", name):
        return "party"
    if re.search(r"人大|人民代表大会", name):
        return "congress"
    if "政协" in name:
        return "cppcc"
    if re.search(r"法院|检察院", name):
        return "court"
    if re.search(r"妇联|团委|总工会|科协|工商联|残联|侨联|文联|红十字会", name):
        return "mass"
    if re.search(_PARTIES, name):
        return "party"
    if "大学" in name or "研究院" in name:
        return "university"
    if re.search(r"协会|学会|联合会|基金会|促进会|商会|理事会", name):
        return "social"
    return "government"


def _place_for_level(level: str, context: Place | None, ctx: DocContext) -> Place | None:
    """The place a level word (市, 州, 自治区…) denotes in context."""
    for base in (context, ctx.jurisdiction):
        for place in base.lineage() if base else []:
            if place.level == "country":
                continue
            if level in ("自治区", "省") and place.level == "province":
                return place if place.name.endswith(level) else None  # 省委 in 宁夏 is generic wording
            if place.name.endswith(level) or (level == "州" and place.name.endswith("自治州")):
                return place
    return None


def extract_agencies(ctx: DocContext) -> list[Agency]:
    """Organisations named in the document, one per key, at their first mention."""
    text, folded = ctx.text, ctx.folded
    found: list[tuple[int, int, str, Place | None]] = []  # start, end, full name, place
    place_ends = {m.span.end: m for m in ctx.place_mentions}

    # 1. place-prefixed and level-prefixed departments
    prev_prefix: tuple[int, str, Place | None] | None = None  # (end of previous item, prefix, place)
    for m in _DEPARTMENT_RX.finditer(folded):
        start, end, core = m.start(), m.end(), m.group()
        pm = place_ends.get(start)
        level_m = _LEVEL_END.search(folded, max(0, start - 3), start)
        if pm is not None and not pm.span.text.startswith(("全", "我", "本")):
            place, written_start = pm.place, pm.span.start
            name = common_name(pm.place) + core
        elif level_m is not None and folded[start - len(level_m.group()) - 1 : start - len(level_m.group())] not in _COMPOUND_BEFORE_LEVEL:
            level = level_m.group("level")
            place = _place_for_level(level, ctx.place_for(start), ctx)
            if place is None:
                continue
            written_start = start - len(level)
            name = common_name(place) + core
        elif prev_prefix is not None and folded[prev_prefix[0] : start] in ("、", "和", "及", "与") and len(core) > 1:
            place, written_start = prev_prefix[2], start
            name = prev_prefix[1] + core
        else:
            continue
        if core in ("委", "人大", "政协") and _PERSON_AFTER.match(folded, end, end + 1):
            continue  # 市委书记, 人大代表, 政协委员: people, not the body
        if core == "人大" or core == "人民代表大会":
            name = name.replace("人大", "人民代表大会")
        found.append((written_start, end, name, place))
        prev_prefix = (end, name[: len(name) - len(core)], place)

    # 2. congress and CPPCC written with their session: 市七届人大 / 政协红河州十二届 / 自治区政协第十届
    for m in re.finditer(r"政协(?P<p>[\u4e00-\u9fff]{2,10}?)(?:第?[一二三四五六七八九十]+届)", folded):
        pm = next((p for p in ctx.places_between(m.start("p"), m.end("p"))), None)
        if pm is not None:
            found.append((m.start(), m.end("p"), "政协" + pm.span.text + "委员会", pm.place))
    for m in re.finditer(_LEVEL + r"(?:第?[一二三四五六七八九十]+届(?P<body>人大|政协)|(?P<body2>人大|政协)第?[一二三四五六七八九十]+届)", folded):
        place = _place_for_level(m.group("level"), ctx.place_for(m.start()), ctx)
        if place is not None:
            body = "人民代表大会" if (m.group("body") or m.group("body2")) == "人大" else "政协"
            found.append((m.start(), m.end(), common_name(place) + body, place))

    # 3. national bodies, democratic parties, universities, named social organisations
    for m in _NATIONAL.finditer(folded):
        found.append((m.start(), m.end(), m.group(), None))
    for m in re.finditer(_PARTIES + r"(?P<p>[\u4e00-\u9fff]{2,8}?)(?:区委会|委员会|省委|市委|州委|区委|县委|支社|委)", folded):
        found.append((m.start(), m.end(), text[m.start() : m.end()], ctx.place_for(m.start())))
    for m in _UNIVERSITY.finditer(folded):
        s = m.start()
        while s > max(0, m.start() - 8) and "\u4e00" <= folded[s - 1] <= "\u9fff" and not _VERBISH.match(folded[s - 1]):
            s -= 1
        if m.start() - s >= 2:
            found.append((s, m.end(), text[s : m.end()], None))
    for m in _NAMED_END.finditer(folded):
        pm = next(iter(ctx.places_between(max(0, m.start() - 14), m.start())), None)
        if pm is None:
            continue
        body = folded[pm.span.end : m.end()]
        if _VERBISH.search(body) or _GENERIC_BODY.match(body) or len(body) < 4:
            continue
        if pm.span.text.startswith(("全", "我", "本")):
            continue
        name = text[pm.span.start : m.end()]  # a named organisation keeps its own name
        found.append((pm.span.start, m.end(), name, pm.place))

    # one agency per key; a name nested in a longer one at the same place is the longer one
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: dict[str, Agency] = {}
    last_end = -1
    for start, end, name, place in found:
        if start < last_end:
            continue
        last_end = end
        if _GENERIC_BODY.match(name) or len(name) < 3:
            continue
        key = agency_key(name)
        if key in out:
            if len(name) > len(out[key].name):
                out[key] = _agency(ctx, out[key].mention.start, out[key].mention.end, name, key, place)
            continue
        out[key] = _agency(ctx, start, end, name, key, place)
    return list(out.values())


def _agency(ctx: DocContext, start: int, end: int, name: str, key: str, place: Place | None) -> Agency:
    return Agency(
        doc_id=ctx.doc_id,
        name=name,
        key=key,
        kind=_kind(name),
        place=place,
        mention=ctx.span(start, end),
        evidence=ctx.sentence_of(start),
    )
