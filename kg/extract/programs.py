"""Programmes: named projects, platforms, apps, campaigns and brands of volunteer teams.

Four routes:

- a quoted name with a programme word in it or right after it (“雪亮工程”,
  “智慧村社”平台, “我为企业减负担”专项行动, “美丽开远”APP), or naming a team or a
  people's brand (“红色老娘舅”, “青年帮帮团”);
- an app written as such (蒙自通APP, 掌上基层APP);
- an unquoted platform, system, database or project name right after a verb that
  builds, runs or uses it (设计建设银川市市域社会治理信息平台, 依托全国一体化在线政务服务平台);
- a platform named after its place (红河州城市社区公共服务综合信息平台).

A name the mechanism finder took is a mechanism, not a programme, and slogans in
quotes (“最后一百米”) are neither.

Examples
--------
>>> text = "深化“雪亮工程”建设,依托蒙自通APP发布任务,推行“红色物业”,建设全市网格化服务管理信息平台。"
>>> [p for p, _, _ in find_program_names(text)]
['雪亮工程', '蒙自通APP', '全市网格化服务管理信息平台']
"""

from __future__ import annotations

import re

from kg.extract.context import DocContext
from kg.records import Program

__all__ = ["find_program_names", "extract_programs"]

_PROGRAM_WORD = (
    r"(?:工程|项目|专项行动|行动|计划|活动|平台|系统|APP|App|app|小程序|公众号|热线|大赛|宣讲团|服务队|帮帮团|"
    r"志愿服务队|品牌|实践基地|基地|数据库|资源库|共享库|资源池|驿站|港湾|移动端|客户端)"
)
#: Words that belong to the name when they follow the quote (“一老一小”幸福养育工程 → 一老一小幸福养育工程).
_NAME_TAIL = re.compile(r"(?:[\u4e00-\u9fff]{0,6}?(?:专项行动|工程|项目|大赛|宣讲团|计划)|(?=[\u4e00-\u9fff]{2,8}平台)[\u4e00-\u9fff]{2,8}平台)")
_QUOTED = re.compile(r"[“\"]([^“”\"\n。;,]{2,20})[”\"]")
_NAME_END = re.compile(_PROGRAM_WORD + r"$|(?:团|队|嫂|舅|娘舅|大妈|大姐)$")
_AFTER = re.compile(r"(APP|App|app)|[\u4e00-\u9fff]{0,4}?" + _PROGRAM_WORD)
_APP_WORD = re.compile(r"APP|App|app")
_LEAD_VERB = re.compile(r"(?:推行|推广|依托|通过|利用|使用|开发|上线|启用|建设|建立|打造|下载|注册|登录|关注)")
_NOT_IN_NAME = set("托过在用的和与及、将把对向为是了着,,。;:")
_BUILT_VERB = re.compile(r"设计建设|建设|建成|搭建|打造|开发|上线|启用|依托|利用|通过|接入|推进|实施|启动|组织实施|完善")
#: What a built thing is called: found first, then the verb before it is looked for.
_BUILT_KIND = re.compile(
    r"(?:信息平台|服务平台|管理平台|综合平台|治理平台|平台|信息系统|系统|数据库|资源库|共享库|资源池|工程|政法网|信息网)"
    r"(?![\u4e00-\u9fff]{0,2}(?:建设|功能|项目))"
)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]+$")
#: A phrase, not a name: quantifiers, verbs of doing (进行, 开展) and leading verbs of improving.
_VAGUE = re.compile(r"等|各类|相关|有关|进行|开展|实施|^(?:规范|加强|完善|推进|建设|强化|提升)")
_NOT_A_NAME = re.compile(r"的|[,、;和与及]|^(?:各类|相关|有关|一体化|信息化|数字化|现代化|各级|全市|全州|全县)?(?:平台|系统|网)$")


def find_program_names(text: str) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of each programme named in ``text``, in text order."""
    out: list[tuple[str, int, int]] = []
    for m in _QUOTED.finditer(text):
        name = m.group(1).strip()
        after = _AFTER.match(text, m.end())
        if re.search(r"[的\d]", name) and not _APP_WORD.search(name):
            continue
        if _NAME_END.search(name):
            out.append((name, m.start(1), m.start(1) + len(name)))
        elif after is not None:
            tail = _NAME_TAIL.match(text, m.end())
            if after.group(1):  # “美丽开远”APP: the app's name includes the word
                out.append((name + after.group(1), m.start(1), m.end(1)))
            elif tail is not None and not re.search(r"[的等建设]", tail.group()):
                out.append((name + tail.group(), m.start(1), tail.end()))
            else:
                out.append((name, m.start(1), m.end(1)))
    for m in _APP_WORD.finditer(text):
        start = m.start()
        while start > max(0, m.start() - 8) and "\u4e00" <= text[start - 1] <= "\u9fff" and text[start - 1] not in _NOT_IN_NAME:
            start -= 1
        lead = _LEAD_VERB.match(text, start, m.start())
        if lead:
            start = lead.end()
        name = text[start : m.end()]
        reached_stop = (
            lead is not None
            or start == 0
            or not ("\u4e00" <= text[start - 1] <= "\u9fff")
            or text[start - 1] in _NOT_IN_NAME
        )
        if m.start() - start >= 2 and reached_stop and not _VAGUE.search(name):
            out.append((name, start, m.end()))
    for m in _BUILT_KIND.finditer(text):
        window_start = max(0, m.start() - 26)
        verbs = list(_BUILT_VERB.finditer(text, window_start, m.start()))
        if not verbs:
            continue
        start = verbs[-1].end()
        name = text[start : m.end()]
        if 3 <= m.start() - start and _NAME_CHARS.match(name) and not _NOT_A_NAME.search(name) and not _VAGUE.search(name):
            out.append((name, start, m.end()))
    out.sort(key=lambda t: (t[1], -(t[2] - t[1])))
    kept: list[tuple[str, int, int]] = []
    for item in out:  # one name per place in the text
        if kept and item[1] < kept[-1][2]:
            continue
        kept.append(item)
    return kept


_AFTER_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,20}?(?:信息平台|服务平台|管理平台|治理平台|平台|信息系统|系统|APP)(?![\u4e00-\u9fff])"
)


def _place_named(ctx: DocContext) -> list[tuple[str, int, int]]:
    """Platforms named after their place (红河州城市社区公共服务综合信息平台)."""
    out = []
    for pm in ctx.place_mentions:
        if pm.span.text.startswith(("全", "我", "本")):
            continue
        m = _AFTER_PLACE.match(ctx.folded, pm.span.end)
        if m and not _VAGUE.search(m.group()) and not re.search(r"[的在对为将和与]", m.group()):
            out.append((ctx.text[pm.span.start : m.end()], pm.span.start, m.end()))
    return out


def extract_programs(
    ctx: DocContext, taken: set[tuple[int, int]] = frozenset(), mechanisms: frozenset[str] = frozenset()
) -> list[Program]:
    """One :class:`Program` per distinct name, skipping spans taken by mechanisms and names
    the document uses for a mechanism elsewhere."""
    seen: set[str] = set(mechanisms)
    out: list[Program] = []
    found = sorted(find_program_names(ctx.text) + _place_named(ctx), key=lambda t: (t[1], -(t[2] - t[1])))
    last_end = -1
    for name, start, end in found:
        if start < last_end:
            continue
        last_end = end
        if name in seen or any(s < end and start < e for s, e in taken):
            continue
        seen.add(name)
        out.append(
            Program(
                doc_id=ctx.doc_id,
                name=name,
                place=ctx.place_for(start),
                mention=ctx.span(start, end),
                evidence=ctx.sentence_of(start),
            )
        )
    return out
