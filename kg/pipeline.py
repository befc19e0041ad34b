"""The one-way pipeline: load → extract → resolve → build → store.

:func:`extract_document` turns one loaded document into an :class:`~kg.records.Extraction`;
:func:`build` runs the whole chain over files and folders and writes the outputs.

Outputs of ``build(inputs, out)`` (every file written atomically; the same input
gives byte-identical files):

- ``documents/<doc_id>.txt`` — each document's clean text, which evidence offsets point into;
- ``export/*.csv`` — one row per fact with its evidence (see :mod:`kg.export`);
- ``graph.ttl`` and ``graph.jsonld`` — the RDF graph (see :mod:`kg.rdf`);
- ``oxigraph/`` — the same graph in an embedded Oxigraph store, for SPARQL
  (see :mod:`kg.stores.oxigraph`);
- ``graph.lbug`` — the property graph (:mod:`kg.graph`) in an embedded LadybugDB
  database, for Cypher (see :mod:`kg.stores.ladybug`);
- ``graph.networkx.json`` — the property graph as node-link JSON for networkx
  (see :mod:`kg.stores.networkx`);
- ``precedents.sqlite`` — the full-text index precedent search reads
  (see :mod:`kg.research.precedent_index`);
- ``site/`` — the browsable HTML site (see :mod:`kg.views.site`), unless ``site=False``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kg.errors import LoadError
from kg.export import export_csv
from kg.extract.adoptions import build_adoptions
from kg.extract.agencies import extract_agencies
from kg.extract.context import DocContext
from kg.extract.mechanisms import find_mechanisms
from kg.extract.metrics import extract_metrics
from kg.extract.places import find_place_mentions, jurisdiction_of
from kg.extract.policies import extract_policies
from kg.extract.programs import extract_programs
from kg.extract.sections import find_sections
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.io import write_atomic
from kg.records import Candidate, Document, Extraction, Failure
from kg.text import fold
from kg.thesaurus import Thesaurus, load_thesaurus
from loaders import iter_document_paths, load_document
from loaders.metadata import extract_metadata

__all__ = ["extract_document", "extract_documents", "build", "BuildReport"]

T = TypeVar("T")


@dataclass(slots=True)
class BuildReport:
    """What a build did: documents loaded and failed, facts per kind, time taken."""

    out_dir: Path
    loaded: int = 0
    failures: list[Failure] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    characters: int = 0
    site: Path | None = None

    def summary(self) -> str:
        facts = ", ".join(f"{n} {kind}" for kind, n in self.facts.items())
        return (
            f"{self.loaded} documents loaded, {len(self.failures)} failed; {facts}; "
            f"{self.seconds:.1f} s → {self.out_dir}"
        )


def extract_document(
    doc: Document, *, thesaurus: Thesaurus | None = None, gazetteer: Gazetteer | None = None
) -> Extraction:
    """Extract every fact of one document, each with its evidence."""
    th = thesaurus or load_thesaurus()
    gaz = gazetteer or load_gazetteer()
    folded = fold(doc.text)
    meta = extract_metadata(doc, folded=folded)
    jurisdiction = jurisdiction_of(meta.place, gazetteer=gaz)
    sections = find_sections(doc.text, folded)
    mentions = find_place_mentions(doc.doc_id, doc.text, jurisdiction, gazetteer=gaz, folded=folded, sections=sections)
    ctx = DocContext(
        doc=doc, meta=meta, jurisdiction=jurisdiction, place_mentions=mentions, folded=folded, sections=sections
    )
    mechanisms = find_mechanisms(doc.doc_id, doc.text, thesaurus=th, folded=folded)
    adoptions = build_adoptions(ctx, mechanisms, th)
    candidates = []
    seen: set[str] = set()
    for mm in mechanisms:
        if mm.concept is None and mm.surface not in seen:
            seen.add(mm.surface)
            candidates.append(
                Candidate(
                    doc_id=doc.doc_id,
                    label=mm.surface,
                    cue=mm.cue,
                    definition=mm.definition,
                    mention=mm.span,
                    evidence=ctx.sentence_of(mm.span.start),
                )
            )
    taken = {(m.span.start, m.span.end) for m in mechanisms}
    return Extraction(
        document=doc,
        meta=meta,
        place=jurisdiction,
        adoptions=_body(adoptions),
        agencies=_body(extract_agencies(ctx)),
        policies=tuple(extract_policies(ctx)),
        programs=_body(extract_programs(ctx, taken, frozenset(m.surface for m in mechanisms))),
        metrics=_body(extract_metrics(ctx)),
        candidates=_body(candidates),
        places=tuple(sorted({m.place.key: m.place for m in mentions}.values(), key=lambda p: p.key)),
        place_mentions=tuple((m.place.key, m.span) for m in mentions),
    )


#: A line citing where the text comes from (资料来源：据…改写) describes the document; it states no fact.
_SOURCE_LINE = re.compile(r"^[(（]?(?:资料来源|信息来源|来源|原文链接|转载自|本文来源)[:：]")


def _body(facts: Iterable[T]) -> tuple[T, ...]:
    """Facts whose evidence is not a source-citation line."""
    return tuple(f for f in facts if not _SOURCE_LINE.match(f.evidence.text))  # type: ignore[attr-defined]


def extract_documents(
    paths: Sequence[Path],
    *,
    max_bytes: int | None = None,
    on_progress: Callable[[Path], None] | None = None,
) -> tuple[list[Extraction], list[Failure]]:
    """Load and extract each path; a file that cannot be loaded becomes a :class:`Failure`."""
    th, gaz = load_thesaurus(), load_gazetteer()
    extractions: list[Extraction] = []
    failures: list[Failure] = []
    seen: set[str] = set()
    for path in paths:
        try:
            doc = load_document(path) if max_bytes is None else load_document(path, max_bytes=max_bytes)
        except LoadError as err:
            failures.append(Failure(path=str(path), reason=err.reason))
        else:
            if doc.doc_id not in seen:  # the same bytes twice are one document
                seen.add(doc.doc_id)
                extractions.append(extract_document(doc, thesaurus=th, gazetteer=gaz))
        if on_progress is not None:
            on_progress(path)
    return extractions, failures


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    max_bytes: int | None = None,
    on_progress: Callable[[Path], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    site: bool = True,
) -> BuildReport:
    """Build the graph of ``inputs`` (files and folders) into ``out_dir``; ``site=False`` skips ``site/``."""
    from kg.graph import build_graph
    from kg.rdf import build_rdf, write_graph
    from kg.research.precedent_index import write_precedent_index
    from kg.stores.ladybug import LADYBUG_FILE, write_ladybug
    from kg.stores.networkx import write_networkx
    from kg.stores.oxigraph import write_oxigraph
    from kg.thesaurus import thesaurus_path

    started = time.perf_counter()
    out = Path(out_dir)
    paths = iter_document_paths(inputs)
    if on_start is not None:
        on_start(len(paths))
    extractions, failures = extract_documents(paths, max_bytes=max_bytes, on_progress=on_progress)
    graph = build_rdf(extractions, thesaurus=thesaurus_path())  # everything in memory before anything is written
    pg = build_graph(extractions, thesaurus=load_thesaurus())
    for ex in extractions:
        write_atomic(out / "documents" / f"{ex.document.doc_id}.txt", ex.document.text)
    kept = {f"{ex.document.doc_id}.txt" for ex in extractions}
    for stale in (out / "documents").glob("*.txt") if (out / "documents").is_dir() else ():
        if stale.name not in kept:  # a text from an earlier build of other input: it would mislead
            stale.unlink()
    export_csv(extractions, out / "export")
    write_graph(graph, out)
    write_oxigraph(out)
    write_ladybug(pg, out / LADYBUG_FILE)
    write_networkx(pg, out)
    write_precedent_index(out)
    report = BuildReport(out_dir=out, loaded=len(extractions), failures=failures)
    if site:
        from kg.views.site import write_site

        report.site = write_site(out)
    for kind in ("adoptions", "agencies", "policies", "programs", "metrics", "candidates"):
        report.facts[kind] = sum(len(getattr(ex, kind)) for ex in extractions)
    report.characters = sum(len(ex.document.text) for ex in extractions)
    report.seconds = time.perf_counter() - started
    return report
