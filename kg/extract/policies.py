"""Policies: every 《…》 title a document cites, with its owner and year when the text gives them.

Typed text is not always balanced: a title may lose its closing 》 (then it runs
to the next comma or full stop) or its opening 《 (then it starts after the verb
that introduces it: 印发, 制定, 出台…). Newspapers and books in 《》 (《人民日报》)
are not policies.

Examples
--------
>>> text = "印发《乡镇赋权清单》《行政执法事项清单(试行)》,形成《实施办法(送审稿),拟提请研究。"
>>> [p for p, _, _ in find_policy_titles(text)]
['乡镇赋权清单', '行政执法事项清单(试行)', '实施办法(送审稿)']
>>> [p for p, _, _ in find_policy_titles("四是印发银川市整改方案》《监测方案》调整")]
['银川市整改方案', '监测方案']
"""

from __future__ import annotations

import re

from kg.extract.context import DocContext
from kg.records import Place, Policy
from kg.text import fold

__all__ = ["find_policy_titles", "extract_policies"]

_INTRO = re.compile(r"(?:印发|制定|出台|下发|发布|颁布|修订|修改|按照|根据|依据|执行|落实|贯彻|对|将|通过|形成|完善|起草|审议)(?:了|完成)?$")
_NOT_POLICY = re.compile(r"(?:日报|晚报|报|杂志|期刊|周刊|网|电视台|频道|栏目)$")
_YEAR_IN_TITLE = re.compile(r"(20\d\d|19\d\d)(?:年|—|-|－)")
_DOC_NO_AFTER = re.compile(r"^\s*\(?[\u4e00-\u9fff]{1,8}[〔\[(](20\d\d|19\d\d)[〕\])]")
_YEAR_BEFORE = re.compile(r"(?<![\d—\-~至到])(20\d\d|19\d\d)年(?![\d—\-~至到度])[^。;《]{0,20}$")
_CLAUSE_END = re.compile(r"[,;。\n、]")


def find_policy_titles(text: str, folded: str | None = None) -> list[tuple[str, int, int]]:
    """``(title, start, end)`` of each policy title; offsets slice ``text`` to the title."""
    folded = fold(text) if folded is None else folded
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(folded)
    while i < n:
        open_at = folded.find("《", i)
        close_at = folded.find("》", i)
        if open_at == -1 and close_at == -1:
            break
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            # a closing 》 without its opening: start after the introducing verb or clause break
            line_start = max(folded.rfind("\n", 0, close_at), folded.rfind("》", 0, close_at), i - 1) + 1
            start = close_at
            while start > line_start and folded[start - 1] not in ",;。:、\n":
                start -= 1
                if _INTRO.search(folded[line_start:start]):
                    break
            out.append((text[start:close_at], start, close_at))
            i = close_at + 1
            continue
        nxt = folded.find("《", open_at + 1)
        if close_at != -1 and (nxt == -1 or close_at < nxt) and "\n" not in folded[open_at:close_at]:
            out.append((text[open_at + 1 : close_at], open_at + 1, close_at))
            i = close_at + 1
            continue
        # an opening 《 that is never closed: the title runs to the end of the clause
        m = _CLAUSE_END.search(folded, open_at + 1)
        end = m.start() if m else n
        if nxt != -1:
            end = min(end, nxt)
        out.append((text[open_at + 1 : end], open_at + 1, end))
        i = end
    return [(t.strip(), s, e) for t, s, e in out if 2 < len(t.strip()) <= 120 and not _NOT_POLICY.search(t.strip())]


def _year(title: str, folded: str, start: int, end: int, sentence_start: int) -> int | None:
    m = _YEAR_IN_TITLE.search(fold(title))
    if m:
        return int(m.group(1))
    m = _DOC_NO_AFTER.match(folded, end + 1)
    if m:
        return int(m.group(1))
    m = _YEAR_BEFORE.search(folded, sentence_start, max(sentence_start, start - 1))
    return int(m.group(1)) if m else None


def _owner(ctx: DocContext, start: int, end: int) -> Place | None:
    inside = ctx.places_between(start, end)
    if inside:
        return inside[0].place
    before = ctx.folded[max(0, start - 4) : start]
    if re.search(r"(?:自治区|省)《?$", before) and ctx.jurisdiction is not None:
        return next((p for p in ctx.jurisdiction.lineage() if p.level == "province"), ctx.jurisdiction)
    return ctx.place_for(start)


def extract_policies(ctx: DocContext) -> list[Policy]:
    """One :class:`Policy` per distinct title in the document, at its first mention."""
    seen: set[str] = set()
    out: list[Policy] = []
    for title, start, end in find_policy_titles(ctx.text, ctx.folded):
        if title in seen:
            continue
        seen.add(title)
        while ctx.text[start].isspace():
            start += 1
        end = start + len(title)
        sentence = ctx.sentence_of(start)
        out.append(
            Policy(
                doc_id=ctx.doc_id,
                title=title,
                place=_owner(ctx, start, end),
                year=_year(title, ctx.folded, start, end, sentence.start),
                mention=ctx.span(start, end),
                evidence=sentence,
            )
        )
    return out
