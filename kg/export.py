"""CSV exports: one row per fact, every row with its evidence.

Each file has the columns ``../shared/gold/SCHEMA.md`` names ("What the scorer
reads"), plus ``doc_id`` and the evidence columns ``sentence``, ``start``, ``end``
(offsets into ``documents/<doc_id>.txt`` that slice it to ``sentence``) and
``mention_start``, ``mention_end`` (the words that name the fact).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from kg.io import open_atomic
from kg.records import Extraction, Place, Span

__all__ = ["export_csv", "CsvExport", "EXPORTS", "format_value"]

_EVIDENCE = ["sentence", "start", "end", "mention_start", "mention_end"]
EXPORTS: dict[str, list[str]] = {
    "documents": [
        "doc", "doc_id", "title", "issuer", "place", "place_code", "published", "signed", "signed_raw",
        "signed_uncertain", "index_no", "doc_no", "kind", "responds_body", "responds_level", "responds_term",
        "responds_session", "responds_number", "responds_kind", "responds_title", "proposers", "handlers",
        "format", "encoding", "chars", "sentence", "start", "end",
    ],
    "adoptions": ["doc", "doc_id", "place", "place_code", "mechanism", "concept", "surface", "status", "year",
                  "candidate", "evidence", *_EVIDENCE],
    "policies": ["doc", "doc_id", "title", "place", "place_code", "year", *_EVIDENCE],
    "agencies": ["doc", "doc_id", "name", "key", "kind", "place", "place_code", *_EVIDENCE],
    "programs": ["doc", "doc_id", "name", "place", "place_code", *_EVIDENCE],
    "metrics": ["doc", "doc_id", "place", "place_code", "indicator", "value", "unit", "date", "qualifier",
                *_EVIDENCE],
    "candidates": ["doc", "doc_id", "label", "cue", "definition", *_EVIDENCE],
}


def format_value(value: float) -> str:
    """A number as people write it: no trailing ``.0``.

    >>> format_value(5619.0), format_value(27.26), format_value(0.2)
    ('5619', '27.26', '0.2')
    """
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _place(place: Place | None) -> list[str]:
    return [place.name, place.code or ""] if place else ["", ""]


def _evidence(evidence: Span, mention: Span) -> list[object]:
    return [evidence.text, evidence.start, evidence.end, mention.start, mention.end]


def _rows(name: str, ex: Extraction) -> Iterable[list[object]]:
    doc = ex.document
    head = [doc.source, doc.doc_id]
    if name == "documents":
        m, p = ex.meta, ex.meta.responds_to
        title_span = dict(m.spans).get("title")
        yield [
            *head, m.title or "", m.issuer or "", *_place(ex.place), m.published or "", m.signed or "",
            m.signed_raw or "", "true" if m.signed_uncertain else "false", m.index_no or "", m.doc_no or "",
            m.kind or "", *(
                [p.body or "", p.level or "", p.term or "", p.session or "", p.number or "", p.kind or "",
                 p.title or "", "; ".join(p.proposers), "; ".join(p.handlers)]
                if p else [""] * 9
            ),
            doc.format, doc.encoding, len(doc.text),
            *([title_span.text, title_span.start, title_span.end] if title_span else ["", "", ""]),
        ]
    elif name == "adoptions":
        for a in ex.adoptions:
            yield [*head, *_place(a.place), a.mechanism, a.concept, a.surface, a.status, a.year or "",
                   "true" if a.candidate else "false", a.evidence.text, *_evidence(a.evidence, a.mention)]
    elif name == "policies":
        for p in ex.policies:
            yield [*head, p.title, *_place(p.place), p.year or "", *_evidence(p.evidence, p.mention)]
    elif name == "agencies":
        for a in ex.agencies:
            yield [*head, a.name, a.key, a.kind, *_place(a.place), *_evidence(a.evidence, a.mention)]
    elif name == "programs":
        for g in ex.programs:
            yield [*head, g.name, *_place(g.place), *_evidence(g.evidence, g.mention)]
    elif name == "metrics":
        for x in ex.metrics:
            yield [*head, *_place(x.place), x.indicator, format_value(x.value), x.unit, x.date or "",
                   x.qualifier or "", *_evidence(x.evidence, x.mention)]
    elif name == "candidates":
        for c in ex.candidates:
            yield [*head, c.label, c.cue, c.definition or "", *_evidence(c.evidence, c.mention)]


class CsvExport:
    """Streams the CSV exports: :meth:`add` one extraction at a time, then :meth:`close`.

    Rows go straight to temporary files in ``out_dir``; :meth:`close` renames them into
    place, so a build that fails part-way leaves the previous exports as they were
    (:meth:`abort` removes the temporary files). Rows come out in the order
    extractions are added. :meth:`add` says how many bytes each file got, so that a later
    build can copy one document's rows from these files (:attr:`files`, after
    :attr:`heads`, the header rows) instead of making them again.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._stack = ExitStack()
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        #: each export's file (binary, being written), in the order of :data:`EXPORTS`
        self.files: list[BinaryIO] = []
        #: the bytes of each file's header row
        self.heads: tuple[int, ...] = ()
        try:
            for name in EXPORTS:
                self.files.append(self._stack.enter_context(open_atomic(self.out_dir / f"{name}.csv")))
            self.heads = tuple(len(self._encode([columns])) for columns in EXPORTS.values())
            for fh, columns in zip(self.files, EXPORTS.values()):
                fh.write(self._encode([columns]))
        except BaseException:
            self.abort()
            raise

    def _encode(self, rows: Iterable[Sequence[object]]) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(rows)
        return self._buffer.getvalue().encode("utf-8")

    def rows(self, ex: Extraction) -> tuple[bytes, ...]:
        """The rows of ``ex`` in each file, encoded, in the order of :data:`EXPORTS`."""
        return tuple(self._encode(_rows(name, ex)) for name in EXPORTS)

    def add(self, ex: Extraction) -> tuple[int, ...]:
        """Write the rows of ``ex``; return the bytes each file got."""
        chunks = self.rows(ex)
        for fh, chunk in zip(self.files, chunks):
            fh.write(chunk)
        return tuple(map(len, chunks))

    def close(self) -> list[Path]:
        """Put every file in place; return their paths."""
        self.files.clear()
        self._stack.close()
        return [self.out_dir / f"{name}.csv" for name in EXPORTS]

    def abort(self) -> None:
        """Drop the temporary files; the earlier exports stay."""
        self.files.clear()
        try:
            self._stack.__exit__(RuntimeError, RuntimeError("export aborted"), None)
        except RuntimeError:
            pass


def export_csv(extractions: Sequence[Extraction], out_dir: Path) -> list[Path]:
    """Write ``out_dir/<name>.csv`` for every export, atomically, in document order
    (by file name, then ``doc_id``)."""
    export = CsvExport(out_dir)
    try:
        for ex in sorted(extractions, key=lambda e: (e.document.source, e.document.doc_id)):
            export.add(ex)
    except BaseException:
        export.abort()
        raise
    return export.close()
