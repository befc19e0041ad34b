"""Turn mechanism mentions into adoptions: place × mechanism, with status and year.

Status, strongest context first:

- **proposed** — the sentence reports what the proposers suggest (你们提出的…建议,
  委员建议…) or what the writer recommends to a superior (向州委建议…), and the
  writer has not taken it up;
- **planned** — the sentence, or the section it sits in (下步打算, 下一步工作计划),
  says the writer's organisation will do it (将进一步, 拟, 计划, 力争, 到2030年…);
- **piloting** — 试点 in the same clause;
- **implemented** — otherwise: the text says it exists or runs.

A form that recurs in a document keeps its strongest status (implemented >
piloting > planned > proposed) and its earliest year.

Examples
--------
>>> status_of("下一步,我们将推行积分制", 0, planned_section=False)
'planned'
>>> status_of("建议在全州推行积分制", 4, planned_section=False)
'proposed'
>>> status_of("开展积分制试点工作", 2, planned_section=False)
'piloting'
>>> status_of("将社区事务纳入积分制管理", 8, planned_section=False)
'implemented'
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.context import DocContext
from kg.extract.mechanisms import MechanismMention
from kg.records import STATUS_RANK, Adoption, Status
from kg.thesaurus import Thesaurus, norm_label

__all__ = ["build_adoptions", "status_of", "year_of"]

_PROPOSED = re.compile(
    r"(?=[你您委代提议建向的])(?:(?:你们|您|委员|代表|提案|议案|建议人)[^。;]{0,30}?(?:提出|建议|所提)|建议(?:在|将|把|由|对|各|进一步)|"
    r"向[^。;,]{1,12}建议|的建议$|提出的[^。]{0,40}建议)"
)
_WILL = re.compile(
    r"(?=[下今将拟计力准即争着谋正])(?:下一步|下步|今后|将(?:进一步|继续|加快|全面|积极|大力|在|于|逐步|适时|持续|着力|重点|推动|推进|建立|开展|"
    r"启动|出台|制定|完善|深化|探索|实现|提升|加强|强化|按照|结合|不断|努力|研究|组织|会同)|拟|计划(?:在|于|启动|开展|实施|推|建|对)|"
    r"力争|准备|即将|争取在|着手|谋划|正在(?:研究|谋划|起草))"
)
_PILOT = re.compile(r"试点|试行|先行先试|试验区")
_FUTURE_YEAR = re.compile(r"到(20\d\d)年")
_START_YEAR = re.compile(
    r"(20\d\d|19\d\d|今年|本年)[年]?[^。;,]{0,12}?(?:起|开始|以来|始|启动|推行|建立|出台|制定|实施|印发)"
    r"|(?:始于|起于|自|从)(20\d\d|19\d\d|今年|本年)"
)


class _Cues:
    """Where a sentence's proposal and plan cues end, found once however many mechanisms it names."""

    __slots__ = ("proposed", "will", "future")

    def __init__(self, sentence: str) -> None:
        self.proposed = [m.end() for m in _PROPOSED.finditer(sentence)]
        self.will = [m.end() for m in _WILL.finditer(sentence)]
        future = _FUTURE_YEAR.search(sentence)
        self.future = int(future.group(1)) if future else None


def status_of(
    sentence: str, pos: int, *, planned_section: bool, published_year: int | None = None, cues: _Cues | None = None
) -> Status:
    """The status of a mechanism named at ``pos`` in ``sentence``."""
    cues = cues or _Cues(sentence)
    clause = _clause(sentence, pos)
    if any(e <= pos + 1 for e in cues.proposed) or _PROPOSED.search(clause):
        return "proposed"
    if cues.future and published_year and cues.future > published_year:
        return "planned"
    if any(e <= pos for e in cues.will) or _WILL.search(clause):
        return "planned"
    if _PILOT.search(clause):
        return "piloting"
    if planned_section:
        return "planned"
    return "implemented"


def year_of(sentence: str, pos: int, *, this_year: int | None = None) -> int | None:
    """The year the text gives for the start of what is named at ``pos``, if any.

    今年 (this year) is the document's own year, ``this_year``.

    >>> year_of("2019年起全面推行积分制", 8), year_of("从今年5月开始推行积分制", 9, this_year=2020)
    (2019, 2020)
    """
    for m in _START_YEAR.finditer(sentence, 0, pos):  # the cue comes before the name
        year = m.group(1) or m.group(2)
        return this_year if year in ("今年", "本年") else int(year)
    return None


def _clause(sentence: str, pos: int) -> str:
    start = max((sentence.rfind(ch, 0, pos) for ch in ",;:"), default=-1) + 1
    ends = [i for i in (sentence.find(ch, pos) for ch in ",;:") if i != -1]
    return sentence[start : min(ends) if ends else len(sentence)]


def build_adoptions(ctx: DocContext, mentions: list[MechanismMention], thesaurus: Thesaurus) -> list[Adoption]:
    """One adoption per (place, mechanism) in a document: strongest status, earliest year."""
    published_year = int(ctx.meta.published[:4]) if ctx.meta.published else None
    # the document's own year: the date it was signed, else published (今年 means that year)
    this_year = int(ctx.meta.signed[:4]) if ctx.meta.signed and not ctx.meta.signed_uncertain else published_year
    merged: dict[tuple[str, str], Adoption] = {}
    cues: dict[int, _Cues] = {}
    for mm in mentions:
        sentence = ctx.sentence_of(mm.span.start)
        pos = mm.span.start - sentence.start
        folded_sentence = ctx.folded[sentence.start : sentence.end]
        if sentence.start not in cues:
            cues[sentence.start] = _Cues(folded_sentence)
        section = ctx.section_of(mm.span.start)
        status = status_of(
            folded_sentence,
            pos,
            planned_section=bool(section and section.planned),
            published_year=published_year,
            cues=cues[sentence.start],
        )
        year = year_of(folded_sentence, pos, this_year=this_year)
        if mm.concept is not None:
            concept, label, candidate = mm.concept, thesaurus.canonical_label(mm.concept) or mm.surface, False
        else:
            concept, label, candidate = "candidate:" + norm_label(mm.surface), mm.surface, True
        for place in ctx.places_for(mm.span.start):
            key = (place.key, concept)
            fact = Adoption(
                doc_id=ctx.doc_id,
                place=place,
                concept=concept,
                mechanism=label,
                surface=mm.surface,
                status=status,
                year=year,
                candidate=candidate,
                mention=mm.span,
                evidence=sentence,
            )
            merged[key] = _stronger(merged.get(key), fact)
    return sorted(merged.values(), key=lambda a: (a.mention.start, a.place.key))


def _stronger(old: Adoption | None, new: Adoption) -> Adoption:
    if old is None:
        return new
    best = new if STATUS_RANK[new.status] > STATUS_RANK[old.status] else old
    years = [y for y in (old.year, new.year) if y is not None]
    return replace(best, year=min(years) if years else None)

