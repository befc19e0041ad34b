"""What every extractor of one document shares: its sentences, its jurisdiction, its places.

A :class:`DocContext` is built once per document by the pipeline. Extractors ask it
for the sentence around an offset and for the place a passage is about.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

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
    _starts: list[int] = field(default_factory=list)
    _place_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folded = fold(self.doc.text)
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

    def place_for(self, start: int, end: int | None = None) -> Place | None:
        """The place a passage at ``[start, end)`` is about.

        The nearest place named before it in the same clause, else the first place
        named in its sentence before it, else the jurisdiction.
        """
        sent = self.sentence_of(start)
        before = [m for m in self.places_between(sent.start, start)]
        clause_start = max(
            (i + 1 for i in range(sent.start, start) if self.folded[i] in ",;:。"), default=sent.start
        )
        in_clause = [m for m in before if m.span.start >= clause_start]
        if in_clause:
            return in_clause[-1].place
        if before:
            return before[0].place
        return self.jurisdiction
