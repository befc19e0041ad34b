"""What every extractor of one document shares: its sentences, its jurisdiction, its places.

A :class:`DocContext` is built once per document by the pipeline. Extractors ask it
for the sentence around an offset and for the place a passage is about.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from kg.extract.sections import Section, find_sections, section_at
from kg.records import Document, DocumentMeta, Place, Span
from kg.text import fold, sentences

__all__ = ["DocContext", "PlaceMention"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceMention:
    """A place named in the text: where, and what it resolved to."""

    span: Span
    place: Place


@dataclass(slots=True, kw_only=True)
class DocContext:
    """One document's shared state for extraction.

    Parameters
    ----------
    doc : the loaded document
    meta : its metadata
    jurisdiction : the issuer's jurisdiction (全市/我市/全州 resolve to it)
    place_mentions : resolved place mentions, in text order
    """

    doc: Document
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    jurisdiction: Place | None = None
    place_mentions: list[PlaceMention] = field(default_factory=list)
    folded: str = ""
    sentences: list[Span] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    _section_starts: list[int] = field(default_factory=list)
    _by_sentence: dict[int, list[tuple[PlaceMention, int]]] = field(default_factory=dict)
    _places_memo: dict[tuple[int, int, tuple[int, ...]], list[Place]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    _place_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.folded) != len(self.doc.text):
            self.folded = fold(self.doc.text)
        if not self.sections:
            self.sections = find_sections(self.doc.text, self.folded)
        self._section_starts = [s.start for s in self.sections]
        self.sentences = list(sentences(self.doc.doc_id, self.doc.text))
        self._starts = [s.start for s in self.sentences]
        self.place_mentions.sort(key=lambda m: m.span.start)
        self._place_starts = [m.span.start for m in self.place_mentions]

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def doc_id(self) -> str:
        return self.doc.doc_id

    def span(self, start: int, end: int) -> Span:
        """A checked span of the document text."""
        return Span.of(self.doc.text, self.doc.doc_id, start, end)

    def sentence_of(self, offset: int) -> Span:
        """The sentence that holds ``offset``."""
        if not self.sentences:
            return self.span(0, len(self.doc.text))
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self.sentences[i]

    def places_between(self, start: int, end: int) -> list[PlaceMention]:
        """Place mentions that start within ``[start, end)``."""
        i = bisect_right(self._place_starts, start - 1)
        out = []
        while i < len(self.place_mentions) and self.place_mentions[i].span.start < end:
            out.append(self.place_mentions[i])
            i += 1
        return out

    def section_of(self, offset: int) -> Section | None:
        """The innermost numbered section holding ``offset``."""
        return section_at(self.sections, offset, self._section_starts)

    def section_place(self, offset: int) -> Place | None:
        """The place named in the heading of the section (or an enclosing one) around ``offset``."""
        section = self.section_of(offset)
        while section is not None:
            named = self.places_between(section.start, section.start + len(section.title))
            if named:
                return _chain_end(named, 0)
            section = section.parent
        return None

    def places_for(self, start: int) -> list[Place]:
        """The places a passage starting at ``start`` is about, most specific first.

        The nearest place named before it in the same clause (with places coordinated
        with it: 西夏区、金凤区均…), else the nearest place within the jurisdiction named
        earlier in its sentence, else the place of its section heading, else the
        jurisdiction. Places inside a 《》 title or inside a closed parenthesis before
        the passage (州府所在地蒙自市…) do not count.
        """
        sent = self.sentence_of(start)
        before = [
            m for m, closes in self._sentence_places(sent) if m.span.start < start and (closes == -1 or closes >= start)
        ]
        f, lo = self.folded, sent.start
        clause_start = max(lo, f.rfind(",", lo, start) + 1, f.rfind(";", lo, start) + 1, f.rfind(":", lo, start) + 1)
        key = (sent.start, clause_start, tuple(m.span.start for m in before))
        cached = self._places_memo.get(key)
        if cached is None:
            cached = self._places_memo[key] = self._places_for(start, before, clause_start)
        return cached

    def _places_for(self, start: int, before: list[PlaceMention], clause_start: int) -> list[Place]:
        in_clause = [i for i, m in enumerate(before) if m.span.start >= clause_start]
        if in_clause:
            return _coordinated(before, in_clause[-1], self.folded)
        # an earlier clause's place counts when it lies within the jurisdiction (在浙江考察时… is not)
        local = [i for i, m in enumerate(before) if self._local(m.place)]
        if local:
            return _coordinated(before, local[-1], self.folded)
        place = self.section_place(start) or self.jurisdiction
        return [place] if place is not None else []

    def _title_at(self, offset: int) -> int | None:
        """Start of the 《…》 title holding ``offset``, if any: a title's places name the policy, not the passage."""
        left = self.folded.rfind("《", max(0, offset - 120), offset)
        if left == -1 or self.folded.find("》", left, offset) != -1 or "》" not in self.folded[offset : offset + 80]:
            return None
        return left

    def _sentence_places(self, sent: Span) -> list[tuple[PlaceMention, int]]:
        """A sentence's place mentions outside 《》 titles, each with where its enclosing (…) closes.

        A mention inside a parenthesis counts only for passages inside that parenthesis;
        mentions not in one get ``-1``.
        """
        cached = self._by_sentence.get(sent.start)
        if cached is None:
            cached = []
            for m in self.places_between(sent.start, sent.end):
                if self._title_at(m.span.start) is not None:
                    continue
                left = self.folded.rfind("(", sent.start, m.span.start)
                closes = -1
                if left != -1 and self.folded.find(")", left, m.span.start) == -1:
                    close = self.folded.find(")", m.span.start, sent.end)
                    closes = close if close != -1 else -1
                cached.append((m, closes))
            self._by_sentence[sent.start] = cached
        return cached

    def _local(self, place: Place) -> bool:
        if self.jurisdiction is None:
            return True
        key = self.jurisdiction.key
        node: Place | None = place
        while node is not None:
            if node.key == key:
                return True
            node = node.parent
        return False

    def place_for(self, start: int, end: int | None = None) -> Place | None:
        """The first of :meth:`places_for`, or None."""
        places = self.places_for(start)
        return places[0] if places else None


def _chain_last(mentions: list[PlaceMention], i: int) -> int:
    """Index of the last mention of the chain starting at ``i`` (平川区长征路街道: one chain)."""
    while i + 1 < len(mentions) and mentions[i + 1].span.start == mentions[i].span.end:
        i += 1
    return i


def _chain_end(mentions: list[PlaceMention], i: int) -> Place:
    return mentions[_chain_last(mentions, i)].place


def _coordinated(mentions: list[PlaceMention], i: int, folded: str) -> list[Place]:
    """The place at ``i`` and the places listed with it (X、Y和Z), most recent first."""
    out = [mentions[i].place]
    j = i
    while j > 0:
        gap = folded[mentions[j - 1].span.end : mentions[j].span.start]
        if gap not in ("、", "和", "及", "与", ",", "以及"):
            break
        j -= 1
        out.append(mentions[j].place)
    k = i
    while k + 1 < len(mentions):
        gap = folded[mentions[k].span.end : mentions[k + 1].span.start]
        if gap not in ("、", "和", "及", "与", "以及"):
            break
        k += 1
        out.append(mentions[k].place)
    return out
