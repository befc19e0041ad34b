"""Programmes: named projects, platforms, apps and campaigns.

A quoted name followed by a programme word (“雪亮工程”, “智慧村社”平台, “我为企业减负担”
专项行动), or an unquoted name ending in APP / 工程 / 平台 / 计划 right after a place
or a quote. Mechanisms are not programmes: a name the mechanism finder took is skipped.

Examples
--------
>>> [p for p, _, _ in find_program_names("深化“雪亮工程”建设,依托蒙自通APP发布任务,推行“红色物业”。")]
['雪亮工程', '蒙自通APP']
"""

from __future__ import annotations

import re

from kg.extract.context import DocContext
from kg.records import Program

__all__ = ["find_program_names", "extract_programs"]

_PROGRAM_WORD = r"(?:工程|项目|行动|计划|活动|平台|系统|APP|App|app|热线|大赛|试点|品牌|专项行动|示范区|实验区|试验区)"
_QUOTED = re.compile(r"[“\"]([^“”\"\n。;,]{2,20})[”\"](" + _PROGRAM_WORD + r")?")
_APP_WORD = re.compile(r"APP|App|app")
_NOT_IN_NAME = set("托过在用的和与及、将把对向为是了着")


def find_program_names(text: str) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of each programme named in ``text``."""
    out: list[tuple[str, int, int]] = []
    for m in _QUOTED.finditer(text):
        name = m.group(1)
        if re.search(_PROGRAM_WORD + "$", name) or m.group(2):
            if not re.search(r"[的\d]", name):
                out.append((name, m.start(1), m.end(1)))
    for m in _APP_WORD.finditer(text):
        start = m.start()
        while start > max(0, m.start() - 8) and "\u4e00" <= text[start - 1] <= "\u9fff" and text[start - 1] not in _NOT_IN_NAME:
            start -= 1
        if m.start() - start >= 2:
            out.append((text[start : m.end()], start, m.end()))
    out.sort(key=lambda t: t[1])
    return out


def extract_programs(ctx: DocContext, taken: set[tuple[int, int]] = frozenset()) -> list[Program]:
    """One :class:`Program` per distinct name, skipping spans taken by mechanisms."""
    seen: set[str] = set()
    out: list[Program] = []
    for name, start, end in find_program_names(ctx.text):
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
