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


def _heading_place(section: Section | None, mentions: list[PlaceMention]) -> Place | None:
    while section is not None:
        named = [m for m in mentions if section.start <= m.span.start < section.start + len(section.title)]
        if named:
            return named[-1].place
        section = section.parent
    return None


def find_place_mentions(
    doc_id: str,
    text: str,
    jurisdiction: Place | None,
    *,
    gazetteer: Gazetteer | None = None,
    folded: str | None = None,
) -> list[PlaceMention]:
    """Every place ``text`` names, resolved in the context of ``jurisdiction``, in text order."""
    gaz = gazetteer or load_gazetteer()
    folded = fold(text) if folded is None else folded
    mentions = [
        PlaceMention(span=Span.of(text, doc_id, h.start, h.end), place=h.place)
        for h in gaz.find(folded, scope=jurisdiction)
    ]
    taken = {(m.span.start, m.span.end) for m in mentions}
    sections = find_sections(text, folded)
    starts = [s.start for s in sections]
    for m in SELF_REFERENCE.finditer(folded):
        # 全市 under a heading about 蒙自市 is 蒙自市, though the document is 红河州's
        heading = _heading_place(section_at(sections, m.start(), starts), mentions)
        place = (heading and _self_place(m.group(), heading)) or _self_place(m.group(), jurisdiction)
        if place is not None and not any(s <= m.start() < e for s, e in taken):
            mentions.append(PlaceMention(span=Span.of(text, doc_id, m.start(), m.end()), place=place))
    mentions.sort(key=lambda m: m.span.start)
    return mentions
