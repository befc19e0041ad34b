"""The heading structure of a document: 一、… / (一)… / 1. … and what each section is about.

Government replies are organised under numbered headings; a heading often names
the place its section is about (三、蒙自市社区治理情况) or says that the section is a
plan (二、下步打算). Extractors use the section of an offset as context.

Examples
--------
>>> text = "一、基本情况\\n全州有网格。\\n二、下步打算\\n(一)蒙自市情况\\n推行积分制。"
>>> secs = find_sections(text)
>>> [(s.title, s.level, s.planned) for s in secs]
[('一、基本情况', 1, False), ('二、下步打算', 1, True), ('(一)蒙自市情况', 2, True)]
>>> section_at(secs, text.index("推行")).title
'(一)蒙自市情况'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from kg.text import fold

__all__ = ["Section", "find_sections", "section_at", "PLAN_HEADING"]

_NUM = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"^[ \t]*(?:(?P<l1>[{_NUM}]{{1,3}}[、.])|(?P<l2>\([{_NUM}]{{1,3}}\))|(?P<l3>\d{{1,2}}[、.](?!\d)))[^\n]{{1,60}}$",
    re.M,
)
#: A paragraph that turns to answering the proposal's own suggestions ends the report's sections.
_REPLY_TURN = re.compile(r"^[ \t]*(?:关于|对于|针对)(?:你们|您|委员|代表|提案|议案)[^\n]{0,6}(?:提出|所提)", re.M)
#: A heading that announces plans: 下步打算, 下一步工作计划, 今后…, 进一步深化.
PLAN_HEADING = re.compile(r"下一?步|打算|计划|展望|今后|进一步|努力方向|工作思路|意见建议")


@dataclass(frozen=True, slots=True)
class Section:
    start: int  #: offset of the heading
    end: int  #: offset where the section ends (next heading of the same or higher level)
    level: int  #: 1 for 一、, 2 for (一), 3 for 1.; 0 for the turn to answering the proposal
    title: str
    planned: bool  #: the heading (or an enclosing one) announces plans
    parent: Section | None


def find_sections(text: str, folded: str | None = None) -> list[Section]:
    """Headings of ``text`` in order, each with its extent and inherited flags."""
    folded = fold(text) if folded is None else folded
    found: list[tuple[int, int, str]] = []
    for m in _HEADING.finditer(folded):
        level = 1 if m.group("l1") else 2 if m.group("l2") else 3
        title = text[m.start() : m.end()].strip()
        if title.endswith("。") and len(title) > 30:  # a numbered sentence, not a heading
            continue
        found.append((m.start(), level, title))
    for m in _REPLY_TURN.finditer(folded):
        found.append((m.start(), 0, ""))
    found.sort()
    sections: list[Section] = []
    stack: list[Section] = []
    for i, (start, level, title) in enumerate(found):
        end = next((s for s, lv, _ in found[i + 1 :] if lv <= level), len(text))
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        planned = bool(PLAN_HEADING.search(title)) or bool(parent and parent.planned)
        section = Section(start=start, end=end, level=level, title=title, planned=planned, parent=parent)
        sections.append(section)
        stack.append(section)
    return sections


def section_at(sections: list[Section], offset: int, starts: list[int] | None = None) -> Section | None:
    """The innermost section holding ``offset`` (``starts``: the sections' starts, if at hand)."""
    i = bisect_right(starts if starts is not None else [s.start for s in sections], offset) - 1
    while i >= 0:
        s = sections[i]
        if s.start <= offset < s.end:
            return s
        i -= 1
    return None
