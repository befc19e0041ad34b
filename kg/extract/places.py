"""Find the places a document names and resolve them to administrative divisions.

Besides names (银川市, 红河州, 平川区长征路街道), a document refers to its own
jurisdiction with words such as 全市, 我州, 本区; those resolve to the issuer's
jurisdiction (or, for 全省 / 全自治区 in a city's document, to its province).

Examples
--------
>>> from kg.gazetteer import load_gazetteer
>>> gaz = load_gazetteer()
>>> yinchuan = gaz.resolve("银川市")
>>> text = "全市划分网格。兴庆区大新镇推行积分制。"
>>> [(text[m.span.start:m.span.end], m.place.name) for m in find_place_mentions("d", text, yinchuan)]
[('全市', '银川市'), ('兴庆区', '兴庆区'), ('大新镇', '大新镇')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from kg.extract.context import PlaceMention
from kg.extract.sections import Section, find_sections, section_at
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.records import Place, Span
from kg.text import fold

__all__ = ["find_place_mentions", "jurisdiction_of", "SELF_REFERENCE"]

#: 全市 / 我州 / 本区 … : the document's own jurisdiction, by its level word.
SELF_REFERENCE = re.compile(r"(?:全|我|本)(?:自治区|自治州|省|市|州|县|区|旗|盟)(?![委政级长])")

_LEVEL_WORDS = {
    "province": ("省", "自治区", "区"),
    "city": ("市", "州", "自治州", "盟"),
    "county": ("县", "区", "市", "旗"),
}


def jurisdiction_of(name: str | None, *, gazetteer: Gazetteer | None = None) -> Place | None:
    """Resolve the issuer's jurisdiction name (银川市, 红河州) to a division."""
    if not name:
        return None
    gaz = gazetteer or load_gazetteer()
    return gaz.resolve(name)


def _self_place(word: str, jurisdiction: Place | None) -> Place | None:
    if jurisdiction is None:
        return None
    level_word = word[1:]
    for place in jurisdiction.lineage():
        if level_word in _LEVEL_WORDS.get(place.level, ()):
            if level_word == "区" and place.level == "province" and not place.name.endswith("自治区"):
                continue
            return place
    return None


def _heading_places(sections: list[Section], mentions: list[PlaceMention]) -> dict[int, Place]:
    """The place each section's heading (or the nearest enclosing heading) names, by section start."""
    starts = [m.span.start for m in mentions]
    own: dict[int, Place] = {}
    for section in sections:
        i = bisect_left(starts, section.start)
        j = bisect_left(starts, section.start + len(section.title))
        if j > i:
            own[section.start] = mentions[j - 1].place
    out: dict[int, Place] = {}
    for section in sections:
        node: Section | None = section
        while node is not None and node.start not in own:
            node = node.parent
        if node is not None:
            out[section.start] = own[node.start]
    return out


def find_place_mentions(
    doc_id: str,
    text: str,
    jurisdiction: Place | None,
    *,
    gazetteer: Gazetteer | None = None,
    folded: str | None = None,
    sections: list[Section] | None = None,
) -> list[PlaceMention]:
    """Every place ``text`` names, resolved in the context of ``jurisdiction``, in text order."""
    gaz = gazetteer or load_gazetteer()
    folded = fold(text) if folded is None else folded
    mentions = [
        PlaceMention(span=Span.of(text, doc_id, h.start, h.end), place=h.place)
        for h in gaz.find(folded, scope=jurisdiction)
    ]
    taken_starts = [m.span.start for m in mentions]
    if sections is None:
        sections = find_sections(text, folded)
    starts = [s.start for s in sections]
    headings = _heading_places(sections, mentions)
    for m in SELF_REFERENCE.finditer(folded):
        # 全市 under a heading about 蒙自市 is 蒙自市, though the document is 红河州's
        section = section_at(sections, m.start(), starts)
        heading = headings.get(section.start) if section is not None else None
        place = (heading and _self_place(m.group(), heading)) or _self_place(m.group(), jurisdiction)
        i = bisect_right(taken_starts, m.start()) - 1
        inside = i >= 0 and mentions[i].span.end > m.start()
        if place is not None and not inside:
            mentions.append(PlaceMention(span=Span.of(text, doc_id, m.start(), m.end()), place=place))
    mentions.sort(key=lambda m: m.span.start)
    return mentions
