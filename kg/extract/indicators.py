"""Indicator names: the short noun phrase that says what a quantity counts.

:func:`name_indicator` is called by :mod:`kg.extract.metrics` for every metric it
keeps. It reads the words around the quantity and returns a phrase of 2–16
characters: "建成社区卫生服务中心7家", "社区卫生服务中心7家" and "7家社区卫生服务中心"
all name 社区卫生服务中心数.

Rules
-----
The counted noun after the number
    A counter is followed by what it counts (7家社区卫生服务中心, 2.3万名在职党员):
    that noun wins, from its first character to the first verb, adverb or
    preposition (均, 开展, 到 …); a modifier ending in 的 is skipped to reach the
    head (100名身份不清的受助人员 → 受助人员). When a verb phrase follows to the end
    of the clause it becomes a relative clause, if it fits (12个小区建立党组织 →
    建立党组织的小区数), unless a preposition before the number makes the noun its
    object (为100户困难家庭提供… → 困难家庭数). An amount (元) takes the noun
    after it only when that names money (5万元工作经费), an area when it names
    rooms or a standard (0.2平方米社区用房配建标准).
The words before the number
    Otherwise the clause before the number names it, cleaned: quotes and book-title
    marks, dates (2021年版, 于2021年底前, 6月份, 十三五期间), list markers (一是,
    其中, (一)), scope words (全市, 各级), time words (目前, 全年), leading adverbs
    and auxiliaries (共, 累计, 已, 计划, 力争) and leading verbs that only say a
    thing exists (建立, 建成, 设有, 开展, 配备) go; trailing verbs and particles
    before the value (达到, 保持, 为, 提高到, 的) go. An adverb or such a verb
    in the middle separates the actor from what it did (人民调解组织共受理纠纷):
    the actor is kept when it is a short plain noun, else dropped.
Long phrases
    Past 16 characters a phrase keeps its end (where a Chinese noun phrase has its
    head) from the first natural break that leaves it short enough: after 的, 、,
    等, a preposition, a level or type suffix (级, 式, 类) or Latin letters and
    digits — inside a run of plain characters only when there is no break. An
    enumeration before 等 goes (公办、民办等各类幼儿园 → 幼儿园).
Suffixes by unit
    Counts get 数 (网格 → 网格数; 人数 unless the phrase ends in a word for people:
    出动 → 出动人数, 网格员 → 网格员数; 户数; 次数, 场次, 人次; items 事项数); rates
    end in 率 (调解成功95% → 调解成功率, 增长 → 增长率, 减少 → 减少幅度, 占… →
    占…比例, 85%的行政村实现了网格化管理 → 实现网格化管理的行政村比例); areas in 面积,
    hours in 时长; an amount named only by its verb becomes money (投入 → 投入资金,
    投资 → 投资额). The suffix is left off when it would pass 16 characters.
Sub-items
    A bare item that only gives a level or a short verb takes the noun of the item
    it belongs to in its sentence and unit: a level that of the last sibling named
    with a level, else of the parent (其中市级1个 → 市级一站式矛盾纠纷调解中心数;
    省级示范家庭农场45家、市级120家 → 市级示范家庭农场数), a verb after 其中 that of
    the parent (其中登记31家 → 登记乡贤参事会数), 最高 that of the 最低 before it.
Never the number
    When no words are left, the unit's own noun stands in (人数, 户数, 金额, 数量).

Examples
--------
>>> text = "全区17个街道均建立了“吹哨”事项清单,一是计划于2021年底前再新增应用场景20个以上。"
>>> def name(quantity, unit):
...     s = text.index(quantity)
...     e = s + len(quantity)
...     return name_indicator(text, start=s, end=e, anchor=s, floor=0, after=e,
...                           clause_start=text.rfind(",", 0, s) + 1, unit=unit, printed=unit)
>>> name("17个", "个"), name("20个以上", "个")
('建立吹哨事项清单的街道数', '新增应用场景数')
"""

from __future__ import annotations

import re

from kg.extract.cn_numbers import EACH, PRE_QUALIFIER, UNITS

__all__ = ["indicator_core", "name_indicator"]

_LIMIT = 16
_WINDOW = 40  # how far back words before a quantity are read

# --- cleaning the words before the number -----------------------------------------------------

_CN = "[一二三四五六七八九十]"
#: Words that make a number a quantity or a span of time (3个月, 20年, 5万元): not part of a name.
_UNIT_WORD = "(?:%|" + "|".join(map(re.escape, sorted({*UNITS, "个月", "周岁", "年", "月", "日", "天", "周", "岁", "倍", "轮"},
                                                     key=len, reverse=True))) + ")"
#: Quotes and title marks, dates (2021年版, 于2021年底前, 6月份, 十三五期间), numbers with a unit
#: that are not the quantity (4.8万城乡低保户, 连续3个月), what is left of a formula once they
#: go (+N) and spaces: all go wherever they are. Names stay (12345热线, 5G, 1+3+N).
_NOISE = re.compile(
    r"(?=[\dA-Za-z+截到于在较比今去本当近十“”‘’\"「」『』《》〈〉【】 ])(?:[“”‘’\"「」『』《》〈〉【】 ]+"
    r"|(?<![0-9A-Za-z])(?:\+[0-9A-Za-z]+)+"
    r"|(?:截至|截止到?|到|于|在|较|比)?(?:(?:19|20)\d{2}年?(?:至|-|—)(?:19|20)\d{2}年|(?:19|20)\d{2}年|今年|去年|本年|当年)"
    r"(?:度|版)?(?:\d{1,2}(?:至|-))?(?:\d{1,2}月份?)?(?:\d{1,2}日)?(?:以来|至今|上半年|下半年|底|末|初|中)?(?:前|以前|之前)?"
    r"|(?:截至|截止到?|到|于)?(?<!\d)(?:\d{1,2}(?:至|-))?\d{1,2}月份?(?:\d{1,2}日)?(?:以来|底|末|初|上旬|中旬|下旬)?(?:前|以前)?"
    rf"|截至目前|截止目前|近年来|近{_CN}{{1,2}}年来?|十{_CN}五(?:期间|以来|时期)?"
    r"|\d+(?:[.,]\d+)*(?:[万亿千](?:余|多)?" + _UNIT_WORD + "?|(?:余|多)?" + _UNIT_WORD + r")(?![A-Za-z\d]))"
)
_QUOTES = re.compile(r"[“”‘’\"「」『』《》〈〉【】 ]+")
#: What goes from the front, repeatedly: list markers, scope and time words, adverbs,
#: auxiliaries, and verbs that only say a thing exists or was set up.
_LEAD = re.compile(  # used with match(): anchored at the start
    r"(?:(?=[一二三四五六七八九十其首此另同最(\d①②③④⑤⑥⑦⑧⑨⑩\s:)、和与及的全我本各目当现年每期以至共合总累已先陆相均都还也再又仍正"
    r"将拟计力预争按实仅并新进建打组成设配划拥开举完形创落推搭构制出印梳达有在就])"
    rf"(?:{_CN}{{1,2}}是|其[一二三四]|首先|其次|再次|此外|另外|同时|其中|最终|最后|\(?{_CN}{{1,2}}\)|{_CN}{{1,2}}、"
    r"|\(?\d{1,2}\)|\d{1,2}\.(?!\d)|[①②③④⑤⑥⑦⑧⑨⑩]|[\s(:)、和与及的]"
    r"|全[省市州县区盟旗镇乡国]|全街道|[我本][省市州县区]|各级|各类|各项|各种|各地|各(?!自)"
    r"|目前|当前|现阶段|全年|年内|年初|年底|每年|期间|以来|至今|至"
    r"|共有|共计|合计|总计|累计|一共|总共|已经|已有|已|现已|现有|先后|陆续|相继|均|都|共(?!建(?![设立成])|[享治驻同青产性识])"
    r"|还有|还|也|再|又|仍|正在|正|将|拟|计划于?|力争|预计|争取|按照|实际|仅|并|另有|新近|进一步|全部|全面|最终将|就"
    r"|(?:建立|建成|建设|建起|打造|组建|成立|设立|设置|配置|配备|划分|拥有|设有|建有|开展|进行|组织|举办|完成|实现"
    r"|形成|创建|落实|推行|开设|搭建|构建|制定|出台|印发|梳理|达到|达|有)了?(?![率量数度比])"
    r"|在(?![职册校读岗编建线押营])))+"
)
#: What goes from the end, repeatedly: verbs and particles that lead into the value, qualifiers
#: (近, 超过) and rate words (每人每月) printed before it.
_TAIL = re.compile(
    r"(?=[由从达为共约超近已增提突保实稳维控在是有的了均都合累折多高逾将和与及等按进予全、(\s不接大每人户])"
    r"(?:由|从|达到?|(?<![行作因成认])为|共计?|约|超过|超|近|已|增加到|增加至|提高到|提高至|增至|达至|突破|保持"
    r"|实现|稳定在|维持在|控制在|(?<![所存现实])在|是|(?<![所没])有|的|了|(?<![人户平])均|都|合计|累计|折合"
    r"|(?<!最)多达|(?<!最)高达|逾|将|和|与|及|等|按照?|进行|予以|全部|全面|[、(\s]"
    "|" + PRE_QUALIFIER.pattern.rstrip("$") + "|" + EACH.pattern + r")+$"
)
#: Adverbs and setting-up verbs inside a phrase: what follows is what was done, what precedes the doer.
_SPLIT = re.compile(
    r"(?=[共合总累已均先陆相全建打组成设配划开举进拥就])(?:共有|共计|合计|总计|累计|已经|(?<![而])已"
    r"|(?<![公总])共(?!建(?![设立成])|[享治驻同青产性识])|(?<![人户平])均(?![衡等])|先后|陆续|相继|全部"
    r"|(?:建立|建成|打造|组建|成立|设立|配置|配备|划分|开展|举办|进行|拥有|设有|建有"
    r"|(?<=[区县市镇乡村州省])建设(?!项目|资金|标准|用地|任务|工程|规划|经费|投入|成本|面积|内容|试点))了?(?![率量数度比的])"
    r"|就(?![业医学近地]))"
)
#: A doer that is only an adverb or a place (the place is the metric's own field).
_ADVERB_DOER = {"单独", "统一", "集中", "全面", "积极", "主动", "普遍", "逐步", "率先", "共同", "联合", "依法", "专门",
                "重新", "正式", "先期", "首批", "仅"}
_PLACE_END = ("省", "市", "州", "县", "区", "镇", "乡", "村", "旗", "街道")
#: A doer that is not a plain noun: it holds a preposition or a verb of means.
_NOT_A_DOER = re.compile(r"[在对为向与和及通按经把被从由将让给于]|根据|期间|围绕")
#: Last words that want an object: the noun after the number says what is counted.
_WANTS_OBJECT = frozenset((
    "建设", "建立", "建成", "打造", "组建", "成立", "设立", "设置", "配备", "配置", "实施", "完成", "调配", "购买", "举办",
    "招募", "招聘", "培育", "选取", "选择", "选派", "提供", "开展", "发放", "推出", "开通", "安装", "上线", "覆盖", "帮助",
    "服务", "培训", "表彰", "命名", "评选", "资助", "救助", "慰问", "安置", "惠及", "辖", "有", "对", "为", "在", "将", "和",
    "与", "及", "了", "向", "给",
))
#: A preposition in the clause before a number: the noun after it is its object, not a doer.
_PREP_BEFORE = re.compile(r"(?<![作成认行因])为|对(?![象接口联标照比应策])|(?<![方导志])向|给|帮助|帮扶|资助|慰问|(?<![参])与")
#: A parenthesis closing the words before a number that only qualifies them: (含各类补助), (不含…).
_NOTE = re.compile(r"\((?:含|不含|包括|包含|其中|即|下同|简称)[^()]*\)$|\([^()]{9,}\)$")

# --- the noun after the number ----------------------------------------------------------------

#: Where a noun after a counter ends and what is said about it begins.
_STOP_WORDS = (
    r"均(?![衡等])|都(?!市)|全部|已经|已(?!婚)|(?<![公总])共(?!建(?![设立成])|[享治驻同青产性识])|累计|主动|自愿|积极|先后|分别"
    r"|正在|率先|全面|相继|陆续|也|(?<![归偿])还|又|被(?![子褥服])|开展|建立|建成|设立|成立|组建|参与|参加|参学|进行"
    r"|实施|实现|提供|获得|获评|入选|签订|纳入|完成|达到|享受|受益|接受|认领|报到|加入|从事|兼任|列入|配备|安装"
    r"|开通|推行|推广|建有|设有|拥有|用于|进驻|入驻|得到|覆盖|涉及|上线|发放|开设|落实|创建|通过|划分|调整|下沉|下放"
    r"|上交|转移|划转|签约|捐助|捐赠|资助|帮助|定期|免费|无偿|长期|每"
    r"|(?<![所存现实正])在(?![职册校读编岗建线])|(?<![行作因成认])为|对(?![象接口联标照比应策])|(?<![方导志])向"
    r"|(?<![报达得做收])到(?![位期户])|将(?![军来])|(?<![自理缘])由|从(?![业])|按(?![摩钮])"
    r"|(?<![可所难])以(?![上下内外前后来及])|的|(?<![平同对高中初上])等(?![级])"
)
_STOP = ("(?=[上下为主也享从以先免入全共兼分划列创到加参又发受向在均安完定实对将已帮建开得成报拥按捐接推提无正每涉率"
         "用由的相积等签累纳组自获落被覆认设调资转达还进通都配长陆])(?:" + _STOP_WORDS + ")")  # first character checked at once
_NOUN_AFTER = re.compile(
    rf" ?(?:\d+周?岁(?:以上|以下)?的?)?(?!{_STOP}|[和与及或])(?:[\u4e00-\u9fffA-Za-z]|“[^“”,。]{{1,12}}”)"
    rf"(?:(?!{_STOP})(?:(?![和与及或])[\u4e00-\u9fffA-Za-z+]|“[^“”,。]{{1,12}}”|\([^()\d,。;、]{{1,5}}\)"
    rf"|[和与及](?=[\u4e00-\u9fff])(?!{_STOP})))*"
)
_UNIT_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:[万亿千])?(?:余|多)?" + _UNIT_WORD + r"(?![A-Za-z\d])")
_NOT_A_NOUN = frozenset(",;:。!?\n、()")  # what cannot follow a number when a noun does
_MODIFIER = re.compile(r"的(?=[\u4e00-\u9fff])")
#: What is said about the noun, up to the end of the clause (a number, 、 or 和 ends it too).
_VP = re.compile(r"(?:(?!和(?!谐)|(?<![参给])与|及(?!时))[^,;:。!?\n、\d]){0,20}")
_VP_LEAD = re.compile(r"^(?:的|均|都|全部|已经|已|共|累计|主动|自愿|积极|先后|正在|率先|全面|相继|陆续|也|还|又|被|同时)+")
_VP_TRAIL = re.compile(r"(?:的|了|等|中|和|与|及|为|工作|活动中)+$")
_AREA_NOUN = ("用房", "面积", "标准", "场地", "空间", "场所")
_MONEY_NOUN = ("经费", "资金", "金", "费", "款", "补贴", "补助", "津贴", "奖励", "奖金", "薪酬", "报酬", "工资", "预算", "投入",
               "投资", "贷款", "物资", "标准")

# --- suffixes ---------------------------------------------------------------------------------

_COUNTED = ("数", "量", "次", "率", "额", "规模", "面积", "时长", "比例", "占比", "平均")
_PERSON_END = frozenset("员者人众民生师工士官部长童属手友兵警医们记表任群干")
_ITEMS = ("事项", "项目", "项", "任务", "工程", "制度", "措施", "政策", "活动", "指标", "成果", "课题", "专利", "标准", "规定",
          "权限", "职权", "权力", "内容", "服务", "业务")
_LIST = ("清单", "目录", "名录")
_RATE_TAIL = re.compile(r"(?!的)[\u4e00-\u9fff]{2,4}(?=[,;。!?\n]|$)")  # 100%登记: the rate of that act
_PREPOSITIONS = frozenset("对为在向给与将把")
_PLACE_WORD = frozenset("上下中内外间时")  # 100%的基础上: where, not what
_NOT_COUNTED = {"基础", "前提", "目标", "要求", "水平", "标准", "程度", "情况", "比例"}
_RATE_END = ("率", "比", "比例", "比重", "占比", "份额", "百分比", "覆盖面", "满意度", "比率", "程度", "水平")
_LEVEL = re.compile(r"[^级]{1,7}级(?:及以上|以上)?")
_CHILD = re.compile(r"(?:[^级]{1,7}级(?:及以上|以上)?|..?)$")
_BREAK = re.compile(r"[的、等和及与在对为向将把从由于级式型类性]|[A-Za-z0-9+]+")
_BY_UNIT = {"人": "人数", "名": "人数", "位": "人数", "户": "户数", "人次": "人次", "次": "次数", "场": "场次",
            "场次": "场次", "元": "金额", "%": "比例", "平方米": "面积", "亩": "面积", "小时": "时长", "分": "分值"}
_MEASURES = {"元", "%", "平方米", "亩", "小时", "分"}
_PEOPLE = {"人", "名", "位", "户", "人次"}


def name_indicator(text: str, *, start: int, end: int, anchor: int, floor: int, after: int, clause_start: int,
                   unit: str, printed: str, parent: str | None = None, sibling: str | None = None) -> str:
    """The indicator of the quantity ``text[start:end]``: a noun phrase of 2–16 characters.

    Parameters
    ----------
    text : the folded text.
    start, end : the quantity.
    anchor : where the words naming it end: ``start``, or the start of its chain
        (12批次30车2100余人) or of the value it changed from (由500元提高到540元).
    floor : the end of the previous quantity; words before it belong to that one.
    after : the end of the chain ``text[start:end]`` belongs to (``end`` when alone):
        the counted noun, if any, follows it.
    clause_start : where the clause holding the quantity starts (after ,;:。!? or a line break).
    unit : the exported unit without its rate (个, 人, 元, % …); ``printed`` as printed.
    parent, sibling : the indicators, in the same sentence and unit, of the metric a list
        hangs from (乡贤参事会170家, 其中…) and of the previous metric: a bare sub-item takes
        its noun from them (其中登记31家 → 登记乡贤参事会数; 省级示范…45家、市级120家 →
        市级示范…数).

    Examples
    --------
    >>> t = "全县建成社区卫生服务中心7家,全市7家社区卫生服务中心,共受理群众诉求3万件,响应率保持100%。"
    >>> def name(at, quantity, unit):
    ...     s = t.index(quantity, at)
    ...     e = s + len(quantity)
    ...     return name_indicator(t, start=s, end=e, anchor=s, floor=0, after=e,
    ...                           clause_start=t.rfind(",", 0, s) + 1, unit=unit, printed=unit)
    >>> name(0, "7家", "家"), name(16, "7家", "家")
    ('社区卫生服务中心数', '社区卫生服务中心数')
    >>> name(0, "3万件", "件"), name(0, "100%", "%")
    ('受理群众诉求数', '响应率')
    """
    if printed in ("镇", "乡"):
        return printed + "数"
    noun, done = None, False
    followed = text[after:after + 1] not in _NOT_A_NOUN
    if followed and anchor == start:
        noun, done = _noun_after(text, after, unit, max(start - _WINDOW, clause_start), start)
    if noun and unit != "%":
        phrase = noun  # the words before the number are not needed
    else:
        head, doer = _head(text, max(anchor - _WINDOW, floor, clause_start), anchor)
        if followed and anchor != start and (not head or head[-2:] in _WANTS_OBJECT or head[-1:] in _WANTS_OBJECT):
            noun, done = _noun_after(text, after, unit, max(start - _WINDOW, clause_start), start)
        if unit == "%":
            phrase, done = _rate_phrase(text, end, head)
        elif noun:
            phrase = noun
        else:
            phrase = doer + head if doer and len(doer) + len(head) < _LIMIT else head
            if len(phrase) < 2 and unit in _PEOPLE and (said := _said_of(text, after)):
                # 3人获评全国道德模范提名奖 → 获评…的人数; 2万人受益 → 受益人数
                phrase, done = said + ("的" if len(said) > 2 else "") + _BY_UNIT[unit], True
    if unit == "项" and phrase.endswith(_LIST):
        phrase = phrase[:-2] if phrase.endswith("事项清单") else phrase + "事项"
    if (at := phrase.rfind("等")) > 0 and len(phrase) - at > 2 and ("、" in phrase or "类" in phrase[:at]):
        phrase = phrase[at + 1:]  # 培育公益慈善类、社区服务类等社会组织 → 社会组织
        if lead := _LEAD.match(phrase):
            phrase = phrase[lead.end():]
    if parent and _CHILD.match(phrase):
        before = text[max(anchor - 30, 0):anchor]
        phrase = _sub_item(phrase, parent, sibling or parent, before[max(before.rfind("。"), before.rfind(";")) + 1:])
    suffix = "" if done else _suffix(phrase, unit)
    n = len(phrase)
    if n > _LIMIT or (unit == "%" and n + len(suffix) > _LIMIT):
        phrase = _shorten(phrase, _LIMIT - (len(suffix) if unit == "%" else 0))
        n = len(phrase)
    if n < 2 and not (phrase and phrase == noun and suffix):  # 24个村 → 村数
        return _BY_UNIT.get(unit, "数量")
    return phrase + suffix if n + len(suffix) <= _LIMIT else phrase


def _head(text: str, lo: int, anchor: int) -> tuple[str, str]:
    """The cleaned words in ``text[lo:anchor]``, and the doer split off them ("" when none)."""
    head = text[lo:anchor]
    if (paren := head.rfind("(")) >= 0 and ")" not in head[paren:]:
        head = head[paren + 1:]
    head = _NOISE.sub("", head)
    if head.endswith(")"):
        head = _NOTE.sub("", head)
    if lead := _LEAD.match(head):
        head = head[lead.end():]
    if tail := _TAIL.search(head, max(len(head) - 12, 0)):
        head = head[:tail.start()]
    split = None
    if len(head) >= 4:  # a doer, a split word and two characters done
        for split in _SPLIT.finditer(head):
            pass
    if split is None or split.start() == 0 or len(head) - split.end() < 2:
        return head, ""
    doer, head = head[:split.start()], head[split.end():]
    if lead := _LEAD.match(head):
        head = head[lead.end():]
    if tail := _TAIL.search(doer, max(len(doer) - 12, 0)):
        doer = doer[:tail.start()]
    if (len(doer) < 2 or len(doer) > 8 or doer in _ADVERB_DOER or doer.endswith(_PLACE_END)
            or _NOT_A_DOER.search(doer)):
        doer = ""
    return head, doer


def _noun_after(text: str, at: int, unit: str, clause: int, start: int) -> tuple[str | None, bool]:
    """The noun counted after a counter at ``at``, as a relative clause when something is said of it.

    A preposition in ``text[clause:start]`` (为100户…提供) makes the noun its object, so
    what follows is not said of it. The flag returned is True when the phrase already
    carries its suffix (建立党组织的小区数).
    """
    if unit in _MEASURES and unit not in ("元", "平方米"):
        return None, False
    m = _NOUN_AFTER.match(text, at)
    if m is None:
        return None, False
    noun, end, said = m.group().strip(), m.end(), True
    for _ in range(2):  # 100名身份不清的受助人员: the head after the modifier
        n = _NOUN_AFTER.match(text, end + 1) if _MODIFIER.match(text, end) else None
        if n is not None and text[n.end():n.end() + 1].isdigit():
            said = False  # 20个无法解决的市财政投入6000万: the words after belong to the next number
            break
        if n is None or len(n.group()) < 2:
            break
        noun, end = n.group(), n.end()
    if "“" in noun:  # a quoted name: a number with its unit in it is not part of the noun
        noun = _UNIT_NUMBER.sub("", _QUOTES.sub("", noun))
    if len(noun) > 3 and noun.endswith(("建设", "工作", "中")):
        noun = noun[:-1] if noun.endswith("中") else noun[:-2]
    if "岁" in noun[:6] and "以上" not in noun[:8]:
        noun = noun[noun.rfind("岁") + 1:]
    if unit == "元":
        return (noun if noun.endswith(_MONEY_NOUN) else None), False
    if unit == "平方米":
        return (noun if noun.endswith(_AREA_NOUN) else None), False
    if not noun or not said or _PREP_BEFORE.search(text, clause, start):
        return noun or None, False
    if vp := _said_of(text, end):
        suffix = _suffix(noun, unit)
        clause_ = f"{vp}的{noun}"
        if len(clause_) + len(suffix) <= _LIMIT:
            return clause_ + suffix, True
        if len(clause_) <= _LIMIT:
            return clause_, True
    return noun, False


def _said_of(text: str, at: int) -> str:
    """What the clause says after ``at`` (获评全国道德模范提名奖), cleaned; "" when it runs on past
    20 characters, is cut by a number before it says enough (发放6月份…), or names a date."""
    vp = _VP.match(text, at)
    if vp.end() - at >= 20:
        return ""
    said = _QUOTES.sub("", vp.group().replace("了", ""))
    said = _VP_TRAIL.sub("", _VP_LEAD.sub("", said))
    complete = vp.end() >= len(text) or not text[vp.end()].isdigit() or len(said) >= 4
    return said if len(said) >= 2 and complete and _NOISE.search(said) is None else ""


def _sub_item(child: str, parent: str, sibling: str, before: str) -> str:
    """A bare sub-item named with the noun of the item it belongs to.

    最高 after 年生活补贴最低 → 年生活补贴最高; a level (市级) takes the noun of a sibling
    named with a level, else of the parent; a short verb (登记) after 其中 takes the parent's.
    """
    if child in ("最高", "最低") and sibling.rstrip("额").endswith(("最高", "最低")):
        return sibling.rstrip("额")[:-2] + child
    if _LEVEL.match(child):
        core = indicator_core(sibling if _LEVEL.match(sibling) else parent)
    elif "其中" in before:
        core = indicator_core(parent)
    else:
        return child
    if len(core) < 2 or core == child:
        return child
    if len(child) + len(core) > _LIMIT - 1:  # room for the suffix
        core = _shorten(core, _LIMIT - 1 - len(child))
    return child + core


def _rate_phrase(text: str, end: int, head: str) -> tuple[str, bool]:
    """A rate's phrase, and whether it carries its suffix.

    覆盖90%的住宅小区 → 住宅小区覆盖; 85%的行政村实现了网格化管理 → 实现网格化管理的行政村比例;
    100%登记 → …登记; else the words before it.
    """
    m = _NOUN_AFTER.match(text, end + 1) if text.startswith("的", end) else None
    if m and (noun := _QUOTES.sub("", m.group())) and noun[-1] not in _PLACE_WORD and noun not in _NOT_COUNTED:
        if 2 <= len(head) <= 3 and head[:1] not in _PREPOSITIONS:
            return noun + head, False
        if (said := _said_of(text, m.end())) and len(said) + len(noun) <= _LIMIT - 3:
            return f"{said}的{noun}比例", True
        return noun + "比例", True
    tail = _RATE_TAIL.match(text, end, end + 5)
    if tail and not head.endswith(_RATE_END):
        return (head[1:] if head[:1] in _PREPOSITIONS else head) + tail.group(), False
    return head, False


def _suffix(phrase: str, unit: str) -> str:
    """What a phrase needs at its end to name a quantity in ``unit``."""
    if unit == "%":
        if phrase.endswith(_RATE_END):
            return ""
        if "占" in phrase:  # 占常住人口
            return "比例"
        if phrase.endswith(("减少", "降低", "压减", "提高", "提升", "上升", "增加", "缩短")):
            return "幅度"
        return "率"
    if unit == "元":
        if phrase.endswith(("最低", "最高")):
            return "额"
        if phrase in ("投入", "投资", "拨付", "筹集", "发放", "捐赠", "捐款", "争取", "补助"):
            return {"投入": "资金", "投资": "额"}.get(phrase, "金额")
        return ""
    if unit in ("平方米", "亩"):
        return "" if phrase.endswith(("面积", "标准")) else "面积"
    if unit == "小时":
        return "" if phrase.endswith(("时长", "时数")) else "时长"
    if phrase.endswith(_COUNTED) or unit == "分" or unit.startswith("元"):
        return ""
    if unit in ("人", "名", "位"):
        return "数" if phrase[-1:] in _PERSON_END else "人数"
    if unit == "户":
        return "数" if phrase.endswith(("户", "家庭")) else "户数"
    if unit == "人次":
        return "人次"
    if unit in ("场", "场次"):
        return "场次"
    if unit == "次":
        return "次数"
    if unit == "项" and not phrase.endswith(_ITEMS):
        return "事项数"
    return "数"


def indicator_core(indicator: str) -> str:
    """The noun of an indicator without its level prefix and its count suffix, for a sub-item to take.

    >>> indicator_core("市级一站式矛盾纠纷调解中心数"), indicator_core("网格员人数")
    ('一站式矛盾纠纷调解中心', '网格员')
    """
    level = _LEVEL.match(indicator) if "级" in indicator else None
    core = indicator[level.end():] if level else indicator
    if not core.endswith(("数", "次")):
        return core
    for suffix in ("人数", "户数", "事项数", "次数", "场次", "人次", "数"):
        if core.endswith(suffix) and len(core) - len(suffix) >= 2:
            return core[:-len(suffix)]
    return core


def _shorten(phrase: str, limit: int) -> str:
    """``phrase`` cut after its earliest natural break that leaves at most ``limit`` characters."""
    if len(phrase) <= limit:
        return phrase
    for m in _BREAK.finditer(phrase):
        rest = phrase[m.end():].lstrip("、")
        if len(rest) <= limit:
            return rest if len(rest) >= 2 else phrase[-limit:]
    return phrase[-limit:]
