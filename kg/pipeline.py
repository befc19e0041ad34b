"""The one-way pipeline: load → extract → resolve → build → store.

:func:`extract_document` turns one loaded document into an :class:`~kg.records.Extraction`;
:func:`build` runs the whole chain over files and folders and writes the outputs.

Outputs of ``build(inputs, out)`` (every file written atomically; the same input
gives byte-identical files):

- ``documents/<doc_id>.txt`` — each document's clean text, which evidence offsets point into;
- ``export/*.csv`` — one row per fact with its evidence (see :mod:`kg.export`);
- ``graph.nt`` — the RDF graph, streamed (see :mod:`kg.rdf`), and ``graph.ttl`` and
  ``graph.jsonld`` written from it (see :mod:`kg.rdf_files`; ``rdf_formats``);
- ``oxigraph/`` — the same graph bulk-loaded into an embedded Oxigraph store, for SPARQL
  (see :mod:`kg.stores.oxigraph`);
- ``graph.lbug`` — the property graph (:mod:`kg.graph`) in an embedded LadybugDB
  database, for Cypher (see :mod:`kg.stores.ladybug`);
- ``graph.networkx.json`` — the property graph as node-link JSON for networkx
  (see :mod:`kg.stores.networkx`);
- ``precedents.sqlite`` — the full-text index precedent search reads
  (see :mod:`kg.research.precedent_index`);
- ``site/`` — the browsable HTML site (see :mod:`kg.views.site`), unless ``site=False``;
- ``manifest.json`` and ``cache/`` — what the next build into the same folder reuses
  (see :mod:`kg.cache`).

A build extracts each changed document once, in ``jobs`` processes, and caches it; then
two passes, in export order, write the outputs: one the RDF files, the CSVs and
Oxigraph, the other (in a second process when ``jobs`` > 1, at the same time) the
property graph's stores, LadybugDB, networkx and the precedent index. An incremental
build changes what the last build wrote rather than writing it anew: the merged RDF
graph and property graph it kept have the share of each document that went taken out
and the new ones' put in (only new documents are read), ``graph.nt``, the CSVs and
``graph.networkx.json`` copy the kept documents' bytes from the old files, the Oxigraph
store and LadybugDB are changed by the triples and rows that differ (on a checkpoint or
copy swapped in whole), and the precedent index keeps unchanged documents' passages and
features. A token in the manifest names the state each was left in; when what was kept
is not the manifest's (a build stopped half-way), or a file was renamed, or many
documents changed, the output is written anew from every document. Memory holds the
merged graph (names, the property graph's rows), never every document at once. A file
whose size and modification time are unchanged is trusted to be unchanged, as ``make``
and ``rsync`` trust them.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, BinaryIO, Self, TypeVar

from kg.cache import (
    CacheEntry,
    FileState,
    Manifest,
    code_fingerprint,
    entry_path,
    read_manifest,
)
from kg.errors import ExtractError, LoadError
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
from kg.rdf_files import RDF_FORMATS
from kg.records import Candidate, Document, Extraction, Failure
from kg.text import fold
from kg.thesaurus import Thesaurus, load_thesaurus
from loaders import DEFAULT_MAX_BYTES, iter_document_paths, load_document
from loaders.metadata import extract_metadata

if TYPE_CHECKING:
    import pandas as pd

    from kg.cache import Layout
    from kg.graph import GraphBuilder, GraphChange, GraphState, PropertyGraph
    from kg.rdf import RdfMerge
    from kg.stores.networkx import JsonLayout

__all__ = ["SITE_MAX_DOCUMENTS", "BuildReport", "build", "extract_document", "extract_documents"]

T = TypeVar("T")
log = logging.getLogger(__name__)
#: Above this many documents ``build(site=None)`` skips the site (about 15 s and 260 MB per 1,000).
SITE_MAX_DOCUMENTS = 5000
_FACT_KINDS = ("adoptions", "agencies", "policies", "programs", "metrics", "candidates")


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
    extracted: int = 0  # documents extracted by this build
    reused: int = 0  # documents whose extraction an earlier build cached
    jobs: int = 1
    input_bytes: int = 0  # the size of the files this build extracted
    triples: int = 0  # lines of graph.nt
    rows: int = 0  # nodes and relationships of the property graph
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds
    notes: list[str] = field(default_factory=list)  # what the build chose not to do, and why
    updated: list[str] = field(default_factory=list)  # outputs changed from the last build's, not written anew
    stores: dict[str, str] = field(default_factory=dict)  # store → the token of the state this build left

    def lap(self, stage: str, since: float) -> float:
        """Record that ``stage`` ran from ``since`` until now; return now."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
        return now

    def summary(self) -> str:
        facts = ", ".join(f"{n} {kind}" for kind, n in self.facts.items())
        return (
            f"{self.loaded} documents loaded, {len(self.failures)} failed ({self.extracted} extracted, "
            f"{self.reused} unchanged); {facts}; {self.seconds:.1f} s → {self.out_dir}"
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


@dataclass(frozen=True, slots=True)
class _Done:
    """What a worker says of one file: its ``doc_id``, or why it failed."""

    path: str
    doc_id: str | None = None
    failure: Failure | None = None
    size: int = 0
    mtime_ns: int = 0


_WORKER: dict[str, object] = {}


def _start_worker(out_dir: str, max_bytes: int | None) -> None:
    """Load what every extraction needs once per process."""
    from kg.rdf import concept_iris

    _WORKER.update(out=out_dir, max_bytes=max_bytes, th=load_thesaurus(), gaz=load_gazetteer(),
                   concepts=concept_iris())


def _extract_file(path: str) -> _Done:
    """Load, extract and cache one file (in a worker process, or in this one)."""
    from kg.cache import write_entry
    from kg.rdf import rdf_part

    out, max_bytes = Path(str(_WORKER["out"])), _WORKER["max_bytes"]
    try:
        stat = os.stat(path)
        doc = load_document(path) if max_bytes is None else load_document(path, max_bytes=int(max_bytes))  # type: ignore[call-overload]
    except LoadError as err:
        return _Done(path, failure=Failure(path=path, reason=err.reason))
    except OSError as err:
        return _Done(path, failure=Failure(path=path, reason=f"cannot read: {err.strerror or err}"))
    ex = extract_document(doc, thesaurus=_WORKER["th"], gazetteer=_WORKER["gaz"])  # type: ignore[arg-type]
    part = rdf_part(ex, concepts=_WORKER["concepts"])  # type: ignore[arg-type]
    write_entry(out, CacheEntry(extraction=ex, rdf=part))
    _write_text(out, doc)
    return _Done(path, doc_id=doc.doc_id, size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def _write_text(out: Path, doc: Document) -> None:
    """``documents/<doc_id>.txt``, unless it is there: the name is a content hash, so it holds this text.

    Written without an fsync each; the build syncs once before it writes the manifest."""
    from kg.io import open_atomic

    path = out / "documents" / f"{doc.doc_id}.txt"
    if not path.is_file():
        with open_atomic(path, durable=False) as fh:
            fh.write(doc.text.encode("utf-8"))


def _run_workers(paths: Sequence[str], out: Path, *, max_bytes: int | None, jobs: int) -> Iterator[_Done]:
    """Extract ``paths`` across ``jobs`` processes (here when one is enough), in order, streaming."""
    workers = min(jobs, -(-len(paths) // _PER_WORKER))
    if workers <= 1:
        _start_worker(str(out), max_bytes)
        yield from map(_extract_file, paths)
        return
    # fork where there is one: "spawn" would make every script that calls build() guard its main
    # module; the children never touch a store handle the parent may hold open.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(str(out), max_bytes)) as pool:
        yield from pool.map(_extract_file, paths, chunksize=4)


def _cores() -> int:
    """The cores this process may run on (a container's limit, where the OS says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


#: A worker process costs about a second to start; give each at least this many files.
_PER_WORKER = 24


@dataclass(slots=True)
class _Plan:
    """Which files' documents are cached already, and which must be extracted."""

    kept: dict[str, str] = field(default_factory=dict)  # doc_id → the first file with those bytes
    todo: list[str] = field(default_factory=list)
    files: dict[str, FileState] = field(default_factory=dict)
    duplicates: int = 0


def _plan(paths: Sequence[Path], manifest: Manifest, out: Path, max_bytes: int | None) -> _Plan:
    """Hash the files that changed since the last build; keep the cached documents that did not."""
    plan = _Plan()
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES
    for path in map(str, paths):
        try:
            stat = os.stat(path)
        except OSError:
            plan.todo.append(path)  # the worker says what is wrong with it
            continue
        known = manifest.files.get(path)
        if known is not None and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            doc_id = known.doc_id
        elif _loadable(stat, limit):
            try:
                with open(path, "rb") as fh:
                    doc_id = hashlib.sha256(fh.read()).hexdigest()[:16]
            except OSError:
                plan.todo.append(path)
                continue
        else:
            plan.todo.append(path)
            continue
        if doc_id in plan.kept:
            plan.duplicates += 1  # the same bytes twice are one document
            plan.files[path] = FileState(stat.st_size, stat.st_mtime_ns, doc_id)
        elif manifest.documents.get(doc_id) == path and entry_path(out, doc_id).is_file():
            plan.kept[doc_id] = path
            plan.files[path] = FileState(stat.st_size, stat.st_mtime_ns, doc_id)
        else:
            plan.kept[doc_id] = ""  # reserved, so a later copy counts as a duplicate
            plan.todo.append(path)
    plan.kept = {doc_id: path for doc_id, path in plan.kept.items() if path}
    return plan


def _loadable(stat: os.stat_result, max_bytes: int) -> bool:
    """Whether a file of this size and type is worth hashing (the loader refuses the rest)."""
    return S_ISREG(stat.st_mode) and 0 < stat.st_size <= max_bytes


def _entry(out: Path, doc_id: str, path: str, max_bytes: int | None) -> CacheEntry:
    """The cache entry of one kept document; a lost or stale one is extracted again."""
    from kg.cache import read_entry

    entry = read_entry(out, doc_id)
    if entry is None or entry.extraction.document.path != path:
        _start_worker(str(out), max_bytes)
        redo = _extract_file(path)
        entry = read_entry(out, doc_id) if redo.doc_id == doc_id else None
        if entry is None:
            raise ExtractError(f"{path}: its document {doc_id} changed or vanished during the build; "
                               "run `kg build` again")
    return entry


def _extraction(out: Path, doc_id: str, path: str, max_bytes: int | None) -> Extraction:
    """The cached extraction of one kept document, without its RDF part; as :func:`_entry`."""
    from kg.cache import read_extraction

    ex = read_extraction(out, doc_id)
    if ex is None or ex.document.path != path:
        return _entry(out, doc_id, path, max_bytes).extraction
    return ex


def _texts(out: Path, order: list[tuple[str, str]], max_bytes: int | None) -> None:
    """Make ``documents/`` hold the text of every kept document, and only those."""
    folder = out / "documents"
    have = {p.name for p in folder.glob("*.txt")} if folder.is_dir() else set()
    for doc_id, path in order:
        if f"{doc_id}.txt" not in have:  # extracted by an earlier build whose texts were removed since
            _write_text(out, _extraction(out, doc_id, path, max_bytes).document)
    kept = {f"{doc_id}.txt" for doc_id, _ in order}
    for name in sorted(have - kept):  # a text from an earlier build of other input: it would mislead
        (folder / name).unlink()


def _write_outputs(out: Path, plan: _Plan, report: BuildReport, lap: float, *, last: Manifest,
                   incremental: bool, jobs: int, max_bytes: int | None, rdf_formats: list[str]) -> float:
    """Write every output but the site from every cached document. Return when it finished.

    The outputs come in two halves, each one stream over the cached documents in export
    order and then its stores: the RDF (``graph.nt``, the CSVs, Turtle and JSON-LD,
    Oxigraph) here, and the property graph (LadybugDB, networkx, the precedent index) in
    a forked process when ``jobs`` > 1, at the same time. ``last`` is the manifest of the
    build before, whose stores may be changed rather than written anew; the tokens of the
    stores' new states go into ``report``."""
    order = sorted(plan.kept.items(), key=lambda item: (Path(item[1]).name, item[0]))
    _texts(out, order, max_bytes)
    lap = report.lap("texts", lap)
    stamp = last.fingerprint
    methods = multiprocessing.get_all_start_methods()
    if jobs > 1 and "fork" in methods:
        # fork: the child needs this process's modules, not a fresh interpreter that would run the
        # caller's script again; it uses only LadybugDB, SQLite and networkx, never a store this
        # process holds open.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            half = pool.submit(_property_graph_outputs, out, order, max_bytes, stamp, incremental, last)
            lap = _rdf_outputs(out, order, report, lap, last=last, max_bytes=max_bytes, rdf_formats=rdf_formats)
            done = half.result()
        lap = report.lap("join", lap)  # waiting for the other half
    else:
        lap = _rdf_outputs(out, order, report, lap, last=last, max_bytes=max_bytes, rdf_formats=rdf_formats)
        done = _property_graph_outputs(out, order, max_bytes, stamp, incremental, last)
        lap = time.perf_counter()
    report.rows = done.rows
    report.updated.extend(done.updated)
    report.stores.update(done.stores)
    for stage, seconds in done.stages.items():
        report.stages[stage] = report.stages.get(stage, 0.0) + seconds
    return lap


def _rdf_outputs(out: Path, order: list[tuple[str, str]], report: BuildReport, lap: float, *, last: Manifest,
                 max_bytes: int | None, rdf_formats: list[str]) -> float:
    """Write ``graph.nt``, the CSVs, ``graph.ttl`` and ``graph.jsonld``, and the Oxigraph store.

    When few documents came or went since ``last``, ``graph.nt`` and the CSVs are made
    from the last build's: its merge (``cache/rdf-state.pickle``) with the share of each
    document that went taken out, each kept document's bytes copied from the old files,
    and only the new documents read."""
    from kg.cache import (
        Layout,
        forget_rdf_state,
        forget_shared,
        write_rdf_state,
        write_shared,
    )
    from kg.export import EXPORTS, CsvExport
    from kg.io import open_atomic
    from kg.rdf_files import NT_FILE, write_rdf_files
    from kg.stores.oxigraph import update_oxigraph, write_oxigraph

    kept = dict(order)
    added = kept.keys() - last.documents.keys()
    few = _few_changes(last.documents, kept)
    may_change = "oxigraph" in last.stores and few
    if not may_change:
        added = set()  # the store will be reloaded: keep nothing for a change
    files = [out / NT_FILE, *(out / "export" / f"{name}.csv" for name in EXPORTS)]
    rdf, before = _changed_merge(out, last, kept, files) if few else (None, None)
    forget_rdf_state(out)  # from here until write_rdf_state, the files match no kept layout
    if rdf is None:
        from kg.rdf import RdfMerge

        rdf = RdfMerge()
    else:
        report.updated.append("rdf")
    added_lines: list[str] = []  # the new documents' own lines, for a change to the Oxigraph store
    csv = CsvExport(out / "export")
    layout = Layout([doc_id for doc_id, _ in order], {}, {}, (0, *csv.heads))
    try:
        with open_atomic(out / NT_FILE) as nt, _Splice(files, [nt, *csv.files], before) as splice:
            for doc_id, path in order:
                if splice.keep(doc_id):
                    sizes, stats = before.sizes[doc_id], before.stats[doc_id]  # type: ignore[union-attr]
                else:
                    entry = _entry(out, doc_id, path, max_bytes)
                    ex = entry.extraction
                    local = rdf.add(entry.rdf)
                    if doc_id in added:
                        added_lines.append(local)
                    data = local.encode("utf-8")
                    nt.write(data)
                    sizes = (len(data), *csv.add(ex))
                    stats = (local.count("\n"), *(len(getattr(ex, kind)) for kind in _FACT_KINDS),
                             len(ex.document.text))
                layout.sizes[doc_id], layout.stats[doc_id] = sizes, stats
            splice.flush()
            rest = rdf.finish()
            nt.write("".join(rest).encode("utf-8"))
    except BaseException:
        csv.abort()
        raise
    csv.close()
    layout.totals = tuple(path.stat().st_size for path in files)
    for stats in layout.stats.values():
        report.triples += stats[0]
        for kind, n in zip(_FACT_KINDS, stats[1:]):
            report.facts[kind] = report.facts.get(kind, 0) + n
        report.characters += stats[-1]
    report.triples += len(rest)
    report.loaded = len(order)
    report.facts = {kind: report.facts.get(kind, 0) for kind in _FACT_KINDS}
    token = _state_token(kept, rest)
    write_rdf_state(out, token, rdf, layout)
    report.stores["rdf"] = token
    del rdf, layout, before
    lap = report.lap("stream", lap)
    write_rdf_files(out, formats=rdf_formats)
    for stale in set(RDF_FORMATS) - set(rdf_formats):  # a file from an earlier build would disagree
        (out / RDF_FORMATS[stale]).unlink(missing_ok=True)
    lap = report.lap("ttl/jsonld", lap)
    change = _oxigraph_change(out, last, kept, added_lines, rest) if may_change else None
    del added_lines
    forget_shared(out)  # from here until write_shared, the store matches no kept block
    if change is None:
        write_oxigraph(out)
    else:
        update_oxigraph(out, remove=change[0], add=change[1])
        report.updated.append("oxigraph")
    report.stores["oxigraph"] = token
    write_shared(out, report.stores["oxigraph"], rest)
    del rest
    return report.lap("oxigraph", lap)


def _changed_merge(out: Path, last: Manifest, kept: dict[str, str],
                   files: list[Path]) -> tuple[RdfMerge | None, Layout | None]:
    """The last build's RDF merge with the share of each document that went taken out,
    and the layout of its ``files``; ``(None, None)`` when there is none kept under
    ``last``'s token, the files are not the ones it describes, or a document that went
    can no longer be read."""
    from kg.cache import read_entry, read_rdf_state

    saved = read_rdf_state(out, last.stores.get("rdf"))
    if saved is None:
        return None, None
    merge, layout = saved
    try:
        if tuple(path.stat().st_size for path in files) != layout.totals:
            return None, None  # written since by something else
    except OSError:
        return None, None
    for doc_id in sorted(last.documents.keys() - kept.keys()):
        entry = read_entry(out, doc_id)
        if entry is None:
            return None, None
        merge.remove(entry.rdf)
    return merge, layout


class _Splice:
    """Copies kept documents' bytes from the last build's files into the new ones, a run
    of consecutive documents at a time: :meth:`keep` a document, :meth:`flush` before
    writing anything else to the new files."""

    def __init__(self, olds: list[Path], news: list[BinaryIO], layout: Layout | None) -> None:
        self.olds, self.news, self.layout = olds, news, layout
        self.at = layout.offsets() if layout is not None else {}
        self.handles: list[BinaryIO] = []
        self.start: tuple[int, ...] = ()
        self.end: tuple[int, ...] = ()

    def __enter__(self) -> Self:
        if self.layout is not None:
            self.handles = [open(path, "rb") for path in self.olds]  # noqa: SIM115 (closed in __exit__)
        return self

    def __exit__(self, *exc: object) -> None:
        for fh in self.handles:
            fh.close()

    def keep(self, doc_id: str) -> bool:
        """Copy ``doc_id``'s bytes (now or with the run it joins); ``False`` when the old files lack it."""
        start = self.at.get(doc_id)
        if start is None:
            self.flush()
            return False
        if start != self.end:
            self.flush()
            self.start = start
        self.end = tuple(a + n for a, n in zip(start, self.layout.sizes[doc_id]))  # type: ignore[union-attr]
        return True

    def flush(self) -> None:
        """Copy the run kept so far."""
        from kg.io import copy_range

        for old, new, a, b in zip(self.handles, self.news, self.start, self.end):
            if b > a:
                copy_range(old, new, a, b - a)
        self.start = self.end = ()


@dataclass(frozen=True, slots=True)
class _GraphDone:
    """What writing the property graph's stores did."""

    rows: int
    stages: dict[str, float]
    updated: list[str]
    stores: dict[str, str]


def _property_graph_outputs(out: Path, order: list[tuple[str, str]], max_bytes: int | None, stamp: str,
                            incremental: bool, last: Manifest) -> _GraphDone:
    """Write the property graph's stores: LadybugDB, networkx, the precedent index.

    The graph is made from the last build's merged state and rows (``cache/graph-state.pickle``)
    when ``last``'s token names them and few documents came or went; else from every document."""
    from kg.cache import forget_graph_state, read_graph_state, write_graph_state
    from kg.graph import GraphBuilder, graph_change
    from kg.research.precedent_index import (
        indexed_documents,
        touched_documents,
        write_precedent_index,
    )
    from kg.stores.ladybug import LADYBUG_FILE, write_ladybug
    from kg.stores.networkx import write_networkx_layout

    stages: dict[str, float] = {}
    updated: list[str] = []

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        stages[stage] = now - since
        return now

    with _no_cycle_collection():
        since = time.perf_counter()
        kept = dict(order)
        token = _state_token(kept, ())
        changed, old, layout = None, None, None
        if incremental and _few_changes(last.documents, kept):
            changed = _changed_graph(out, order, last, read_graph_state(out, last.stores.get("graph")), max_bytes)
        forget_graph_state(out)  # from here until write_graph_state, the stores match no kept state
        if changed is not None:
            pg, base, old, layout = changed
            updated.append("graph")
        else:
            pg, base = GraphBuilder(load_thesaurus()), None
            for doc_id, path in order:
                pg.add(_extraction(out, doc_id, path, max_bytes))
        since = lap("graph", since)
        graph = pg.finish(base=base)
        state = pg.state
        del base, pg
        rows = sum(graph.counts().values())
        since = lap("tables", since)
        change = None
        if old is not None:  # the documents that came or went are the only ones whose own rows changed
            change = graph_change(old, graph, documents=kept.keys() ^ last.documents.keys())
            since = lap("change", since)
        if _changed_ladybug(out / LADYBUG_FILE, old, graph, change):
            updated.append("ladybug")
        else:
            write_ladybug(graph, out / LADYBUG_FILE)
        since = lap("ladybug", since)
        since_last = (old, change, layout) if old is not None and change is not None and layout is not None else None
        layout = write_networkx_layout(graph, out, since_last)  # from the tables: no networkx graph is made
        if since_last is not None:
            updated.append("networkx")
        del old, since_last
        since = lap("networkx", since)
        if incremental and indexed_documents(out, stamp) & dict(order).keys():
            updated.append("precedents")
        touched = None
        if change is not None and last.stores.get("graph"):
            touched = (last.stores["graph"], touched_documents(graph, change))
        write_precedent_index(out, graph=graph, stamp=stamp, reuse=incremental, token=token, change=touched)
        since = lap("precedents", since)
        write_graph_state(out, token, state, graph, layout)
        lap("graph state", since)
    return _GraphDone(rows, stages, updated, {"graph": token})


def _changed_graph(out: Path, order: list[tuple[str, str]], last: Manifest,
                   saved: tuple[GraphState, PropertyGraph, JsonLayout | None] | None, max_bytes: int | None,
                   ) -> tuple[GraphBuilder, dict[str, pd.DataFrame], PropertyGraph, JsonLayout | None] | None:
    """The property graph of ``order`` from the last build's ``saved`` state and graph: a
    builder holding the new documents on that state, the share of each document that went
    taken out of it; the rows of the documents that stayed, for its ``finish``; the last
    graph, and where its rows lie in ``graph.networkx.json``. ``None`` when there is
    nothing saved, or a document that went can no longer be read."""
    from kg.cache import read_extraction
    from kg.graph import GraphBuilder, own_rows, without_documents

    if saved is None:
        return None
    th = load_thesaurus()
    state, before, layout = saved
    gone = sorted(last.documents.keys() - dict(order).keys())
    for doc_id in gone:
        ex = read_extraction(out, doc_id)
        if ex is None:
            return None
        part = GraphBuilder(th)
        part.add(ex)
        state.merge(part.state, -1)
    pg = GraphBuilder(th, state=state)
    for doc_id, path in order:
        if doc_id not in last.documents:
            pg.add(_extraction(out, doc_id, path, max_bytes))
    return pg, without_documents(own_rows(before), gone), before, layout


def _changed_ladybug(path: Path, old: PropertyGraph | None, new: PropertyGraph, change: GraphChange | None) -> bool:
    """Change the LadybugDB database at ``path`` from ``old`` (the last build's graph, which
    it holds) to ``new``; ``False`` when it must be written anew instead: no ``old``, no
    database, a write-ahead log beside it (it was not closed cleanly), or the change failed."""
    from kg.errors import StoreError
    from kg.stores.ladybug import update_ladybug

    if old is None or not path.is_file() or path.with_name(f"{path.name}.wal").exists():
        return False
    try:
        update_ladybug(path, old, new, change)
    except StoreError as err:
        log.warning("%s; writing it anew", err)
        return False
    return True


def _few_changes(last: dict[str, str], kept: dict[str, str]) -> bool:
    """Whether a store of the ``last`` build's documents may be changed to hold ``kept``
    rather than written anew: few came or went, and none was renamed."""
    churn = len(kept.keys() - last.keys()) + len(last.keys() - kept.keys())
    if churn > max(_CHANGE_MIN, _CHANGE_SHARE * len(kept)):
        return False
    return all(last[d] == kept[d] for d in kept.keys() & last.keys())


#: Change the outputs in place while at most this many documents, or this share of them, came or
#: went (a changed document counts twice); past both, write them from every document and reload
#: the stores. ``benchmarks/bench_changes.py`` at 10,000 documents: in place 7 s for 10 changed, 20 s
#: for 1,000 and 51 s for 3,000; reloaded 28, 33 and 40 s, so the two cost the same near 2,000
#: changed, a churn of 40 %.
_CHANGE_MIN, _CHANGE_SHARE = 100, 0.3


def _oxigraph_change(out: Path, last: Manifest, kept: dict[str, str], added: list[str],
                     shared: list[str]) -> tuple[bytes, bytes] | None:
    """The N-Triples to remove from and add to the Oxigraph store of ``last``'s build to make
    it hold this build's graph; ``None`` when it must be reloaded instead.

    The store holds the shared block ``last`` kept (``cache/shared.nt``) and each of its
    documents' own lines. Documents' own lines never overlap (they name the document's own
    nodes), so the change is: the lines of the documents that went, the new documents'
    lines, and the difference of the shared blocks."""
    from kg.cache import read_entry, read_shared
    from kg.rdf import LOCAL_PREFIXES
    from kg.stores.oxigraph import STORE_DIR

    if not (out / STORE_DIR).is_dir():
        return None  # no store
    gone = sorted(last.documents.keys() - kept.keys())
    before = read_shared(out, last.stores.get("oxigraph"))
    if before is None:
        return None  # a build stopped after changing the store, or the cache was cleared
    after = set(shared)
    dropped, new = before - after, after - before
    if any(prefix in line for line in (*dropped, *new) for prefix in LOCAL_PREFIXES):
        return None  # a shared line naming a document's own node: the simple difference would not hold
    remove = []
    for doc_id in gone:
        entry = read_entry(out, doc_id)
        if entry is None:
            return None
        remove.append(entry.rdf.local)
    remove.extend(sorted(dropped))
    return "".join(remove).encode("utf-8"), "".join([*added, *sorted(new)]).encode("utf-8")


def _state_token(doc_ids: Iterable[str], shared: Iterable[str]) -> str:
    """A name for what the Oxigraph store holds: its documents and its shared block. The
    same graph gets the same token, so two builds of the same input leave the same files."""
    digest = hashlib.sha256()
    for doc_id in sorted(doc_ids):
        digest.update(f"{doc_id}\n".encode())
    for line in shared:
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()[:32]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Run the block without Python's cycle collector.

    The stages after extraction hold millions of long-lived objects (the merged graph's
    rows, names and counters) and make millions more, and each full collection walks all
    of them: pausing it saved 5 s of a 60 s rebuild of 10,000 documents, most in the
    networkx and precedent stages. What they make has no cycles worth collecting, so the
    collector is paused, then started again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    max_bytes: int | None = None,
    on_progress: Callable[[Path], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    site: bool | None = None,
    jobs: int | None = None,
    rdf_formats: Iterable[str] = ("ttl", "jsonld"),
    incremental: bool = True,
) -> BuildReport:
    """Build the graph of ``inputs`` (files and folders) into ``out_dir``.

    Parameters
    ----------
    inputs : files and folders of documents
    out_dir : the graph folder
    max_bytes : refuse files larger than this (default :data:`loaders.DEFAULT_MAX_BYTES`)
    on_progress, on_start : called with each file as it is done, and with the number of files
    site : write ``site/``; ``None`` (the default) writes it for up to :data:`SITE_MAX_DOCUMENTS`
        documents, and says so in ``report.notes`` when it does not
    jobs : processes extracting in parallel (default: every core)
    rdf_formats : which of ``graph.ttl`` (``"ttl"``) and ``graph.jsonld`` (``"jsonld"``) to
        write besides ``graph.nt``
    incremental : reuse what the last build into ``out_dir`` extracted from unchanged
        files (``manifest.json`` and ``cache/``); ``False`` extracts everything again

    Every file is then written from all documents, cached and new alike, in export order,
    and the Oxigraph store and precedent index are changed to match or written anew, so
    the outputs are the same as a full rebuild's.
    """
    from kg.cache import prune_entries, write_manifest

    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs if jobs is not None else _cores())
    paths = iter_document_paths(inputs)
    if on_start is not None:
        on_start(len(paths))
    manifest = read_manifest(out) if incremental else Manifest(code_fingerprint())
    plan = _plan(paths, manifest, out, max_bytes)
    report = BuildReport(out_dir=out, reused=len(plan.kept), jobs=jobs)
    lap = report.lap("plan", started)
    done_paths = set(plan.files)
    if on_progress is not None:
        for path in done_paths:
            on_progress(Path(path))
    for done in _run_workers(plan.todo, out, max_bytes=max_bytes, jobs=jobs):
        if done.failure is not None:
            report.failures.append(done.failure)
        elif done.doc_id is not None:
            plan.files[done.path] = FileState(done.size, done.mtime_ns, done.doc_id)
            if done.doc_id in plan.kept:
                plan.duplicates += 1
            else:
                plan.kept[done.doc_id] = done.path
                report.extracted += 1
                report.input_bytes += done.size
        if on_progress is not None:
            on_progress(Path(done.path))

    lap = report.lap("extract", lap)
    with _no_cycle_collection():
        lap = _write_outputs(out, plan, report, lap, last=manifest, incremental=incremental, jobs=jobs,
                             max_bytes=max_bytes, rdf_formats=list(rdf_formats))
    if site is None and report.loaded > SITE_MAX_DOCUMENTS:
        site = False
        report.notes.append(
            f"site/ not written: {report.loaded:,} documents is more than {SITE_MAX_DOCUMENTS:,}, and a page "
            "per document, place and mechanism would take hours; use `kg view`, or `kg build --site` to write it")
    if site is not False:
        from kg.views.site import write_site

        report.site = write_site(out)
        lap = report.lap("site", lap)
    elif (out / "site").is_dir():  # an earlier build's pages would show a graph that is gone
        shutil.rmtree(out / "site")
        report.notes.append(f"removed {out / 'site'}: it showed an earlier build's graph")
    prune_entries(out, set(plan.kept))
    if hasattr(os, "sync"):
        os.sync()  # the document texts and cache entries, written without an fsync each
    write_manifest(out, Manifest(manifest.fingerprint, plan.files,
                                 {doc_id: path for doc_id, path in plan.kept.items()}, report.stores))
    report.lap("manifest", lap)
    report.seconds = time.perf_counter() - started
    return report
