"""What ``kg build`` remembers between builds: a manifest of content hashes and the extractions.

A graph folder keeps these for the next build of the same inputs:

- ``manifest.json`` lists every input file loaded, with its size, modification time and
  ``doc_id`` (the content hash, :func:`loaders.load_document`), and which file each
  cached document was extracted from. A file whose size and time are unchanged is not
  read again; any other is read and hashed.
- ``cache/<aa>/<doc_id>.pickle.z`` holds one document's :class:`CacheEntry`: its
  :class:`~kg.records.Extraction` and its share of the RDF graph
  (:class:`~kg.rdf.RdfPart`), each pickled and compressed on its own, so that the
  property graph's half of a build reads the extraction without the RDF lines (five
  sixths of the bytes): :func:`read_extraction`. A document whose ``doc_id`` and file are
  unchanged is not extracted again.
- ``cache/shared.nt`` holds the lines of ``graph.nt`` no one document owns (the merged
  names of places and agencies, the thesaurus …) as the Oxigraph store holds them, under
  a token the manifest repeats (:func:`write_shared`). With them and the cached lines of
  the documents that came and went, the next build changes the store instead of
  reloading it; a missing file or another token means a reload.
- ``cache/rdf-state.pickle`` and ``cache/graph-state.pickle`` hold what the last build
  merged across documents (:class:`~kg.rdf.RdfMerge`, :class:`~kg.graph.GraphState` and
  the property graph's tables) and where each document's or row's bytes lie in the files
  written from them (:class:`Layout`, :class:`~kg.stores.networkx.JsonLayout`), under
  the same kind of token: the next build takes out the documents that went, adds the
  new ones and copies the rest (:func:`write_rdf_state`, :func:`write_graph_state`).

All are tied to a **fingerprint** of the code and data extraction depends on (the
``kg`` and ``loaders`` sources, the ontology and thesaurus, the gazetteer's version): when
it changes, the cache is dropped and every document is extracted afresh. A cache entry
that cannot be read is treated as missing. The cache is the build's own scratch space,
read only by ``kg build``: like any pickle, an entry must not come from anyone else.

Examples
--------
>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> manifest = read_manifest(out)            # no earlier build: an empty manifest
>>> manifest.files, manifest.fingerprint == code_fingerprint()
({}, True)
>>> _ = write_manifest(out, Manifest(code_fingerprint(), {"a.txt": FileState(5, 1, "d1")}, {"d1": "a.txt"}))
>>> read_manifest(out).documents
{'d1': 'a.txt'}
"""

from __future__ import annotations

import hashlib
import json
import pickle
import struct
import sys
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io import fsync_dir, open_atomic, write_atomic
from kg.rdf import RdfMerge, RdfPart
from kg.records import Extraction

if TYPE_CHECKING:
    from kg.graph import GraphState, PropertyGraph
    from kg.stores.networkx import JsonLayout

__all__ = ["CACHE_DIR", "GRAPH_STATE_FILE", "MANIFEST", "RDF_STATE_FILE", "SHARED_FILE", "CacheEntry", "FileState",
           "Layout", "Manifest", "code_fingerprint", "entry_path", "forget_graph_state", "forget_rdf_state",
           "forget_shared",
           "prune_entries", "read_entry", "read_extraction", "read_graph_state", "read_manifest", "read_rdf_state",
           "read_shared", "write_entry", "write_graph_state", "write_manifest", "write_rdf_state", "write_shared"]

#: The manifest's file name in a graph folder.
MANIFEST = "manifest.json"
#: The cache's folder in a graph folder.
CACHE_DIR = "cache"
_FORMAT = 4  # bump when CacheEntry, its file or the manifest change shape
_LENGTH = struct.Struct("<Q")  # an entry file: the length of the extraction's part, the part, the RDF part
#: The shared lines of ``graph.nt``, kept for the next build's change to the Oxigraph store.
SHARED_FILE = "shared.nt"
_TOKEN = "# govkg store token "
#: The property graph's merged state, kept for the next build (:func:`write_graph_state`).
GRAPH_STATE_FILE = "graph-state.pickle"
#: The RDF graph's merge and the layout of the files written from it (:func:`write_rdf_state`).
RDF_STATE_FILE = "rdf-state.pickle"
_STATE_TOKEN = "# govkg state "


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One document as extracted: the records, and its share of the RDF graph."""

    extraction: Extraction
    rdf: RdfPart


@dataclass(frozen=True, slots=True)
class FileState:
    """An input file as the last build saw it."""

    size: int
    mtime_ns: int
    doc_id: str


@dataclass(slots=True)
class Manifest:
    """The inputs of the last build: file → :class:`FileState`, ``doc_id`` → the file its
    cache entry was extracted from, and store → the token of the state it was left in."""

    fingerprint: str
    files: dict[str, FileState] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    stores: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of everything an extraction depends on besides the document itself."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}|{sys.version_info[:2]}".encode())
    for pattern in ("kg/**/*.py", "loaders/**/*.py", "ontology/*.ttl"):
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    for package in ("jionlp", "rdflib"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


def read_manifest(out_dir: Path | str) -> Manifest:
    """The manifest of the last build into ``out_dir``; an empty one when there is none,
    it cannot be read, or the code has changed since (:func:`code_fingerprint`)."""
    fresh = Manifest(code_fingerprint())
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or data.get("fingerprint") != fresh.fingerprint:
            return fresh
        files = {path: FileState(**state) for path, state in data["files"].items()}
        return Manifest(fresh.fingerprint, files, dict(data["documents"]), dict(data.get("stores", {})))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return fresh


def write_manifest(out_dir: Path | str, manifest: Manifest) -> Path:
    """Write ``out_dir/manifest.json`` atomically."""
    path = Path(out_dir) / MANIFEST
    data = {"format": _FORMAT, "fingerprint": manifest.fingerprint,
            "files": {p: asdict(s) for p, s in sorted(manifest.files.items())},
            "documents": dict(sorted(manifest.documents.items())), "stores": dict(sorted(manifest.stores.items()))}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def entry_path(out_dir: Path | str, doc_id: str) -> Path:
    """Where the cache entry of ``doc_id`` lives."""
    return Path(out_dir) / CACHE_DIR / doc_id[:2] / f"{doc_id}.pickle.z"


def _pack(value: object) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def write_entry(out_dir: Path | str, entry: CacheEntry) -> Path:
    """Store ``entry``: atomically, without fsync (a crash loses a cache entry, never a graph)."""
    path = entry_path(out_dir, entry.extraction.document.doc_id)
    extraction = _pack(entry.extraction)
    with open_atomic(path, durable=False) as fh:
        fh.write(_LENGTH.pack(len(extraction)) + extraction + _pack(entry.rdf))
    return path


#: What reading a damaged or foreign entry may raise; such an entry counts as missing.
_UNREADABLE = (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
               ValueError, IndexError, struct.error)


def _parts(out_dir: Path | str, doc_id: str, *, rdf: bool) -> tuple[object, object] | None:
    """The unpickled extraction and (when ``rdf``) RDF part of an entry file, or ``None``."""
    try:
        data = entry_path(out_dir, doc_id).read_bytes()  # small: the cost is in unpacking, not reading
        (length,) = _LENGTH.unpack_from(data)
        start, end = _LENGTH.size, _LENGTH.size + length
        if end > len(data):
            return None
        return (pickle.loads(zlib.decompress(data[start:end])),  # noqa: S301 (our own cache)
                pickle.loads(zlib.decompress(data[end:])) if rdf else None)
    except _UNREADABLE:
        return None


def read_extraction(out_dir: Path | str, doc_id: str) -> Extraction | None:
    """The cached extraction of ``doc_id`` alone, or ``None`` when it is missing or unreadable."""
    parts = _parts(out_dir, doc_id, rdf=False)
    if parts is None or not isinstance(parts[0], Extraction) or parts[0].document.doc_id != doc_id:
        return None
    return parts[0]


def read_entry(out_dir: Path | str, doc_id: str) -> CacheEntry | None:
    """The cache entry of ``doc_id``, or ``None`` when it is missing or unreadable.

    Examples
    --------
    >>> import tempfile
    >>> from kg.records import Document, DocumentMeta
    >>> from kg.rdf import RdfPart, RdfState
    >>> out = Path(tempfile.mkdtemp())
    >>> doc = Document(doc_id="d1", source="a.txt", path="a.txt", format="txt", encoding="utf-8", text="文")
    >>> ex = Extraction(document=doc, meta=DocumentMeta(), place=None)
    >>> path = write_entry(out, CacheEntry(ex, RdfPart("d1", "<a> <b> <c> .\\n", (), RdfState())))
    >>> read_entry(out, "d1").rdf.local, read_extraction(out, "d1") == ex
    ('<a> <b> <c> .\\n', True)
    >>> _ = path.write_bytes(path.read_bytes()[:-5])  # a cut-off file counts as missing
    >>> read_entry(out, "d1") is None, read_entry(out, "d2") is None
    (True, True)
    """
    parts = _parts(out_dir, doc_id, rdf=True)
    if parts is None:
        return None
    extraction, rdf = parts
    if not isinstance(extraction, Extraction) or extraction.document.doc_id != doc_id or not isinstance(rdf, RdfPart):
        return None
    return CacheEntry(extraction, rdf)


def write_shared(out_dir: Path | str, token: str, lines: Iterable[str]) -> Path:
    """Keep ``lines`` (the shared block of ``graph.nt``) as ``cache/shared.nt``, under ``token``.

    Written atomically and durably: the store it describes is already in place, and the
    manifest that names ``token`` comes next."""
    path = Path(out_dir) / CACHE_DIR / SHARED_FILE
    with open_atomic(path) as fh:
        fh.write(f"{_TOKEN}{token}\n".encode())
        for line in lines:
            fh.write(line.encode("utf-8"))
    return path


def read_shared(out_dir: Path | str, token: str | None) -> set[str] | None:
    """The lines :func:`write_shared` kept under ``token``; ``None`` when there are none, or
    they were kept under another token (the store may have changed since).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = write_shared(out, "t1", ["<a:x> <a:y> <a:z> .\\n"])
    >>> read_shared(out, "t1"), read_shared(out, "t2"), forget_shared(out), read_shared(out, "t1")
    ({'<a:x> <a:y> <a:z> .\\n'}, None, None, None)
    """
    if token is None:
        return None
    try:
        with open(Path(out_dir) / CACHE_DIR / SHARED_FILE, encoding="utf-8", newline="") as fh:
            if fh.readline() != f"{_TOKEN}{token}\n":
                return None
            return set(fh)
    except (OSError, UnicodeDecodeError):
        return None


def forget_shared(out_dir: Path | str) -> None:
    """Remove ``cache/shared.nt`` durably, before the store it describes is replaced or changed."""
    path = Path(out_dir) / CACHE_DIR / SHARED_FILE
    if path.exists():
        path.unlink()
        fsync_dir(path.parent)


@dataclass(slots=True)
class Layout:
    """Where each document's share lies in the ``graph.nt`` and CSVs a build wrote: each
    file holds ``heads`` bytes, then each document's bytes in ``order``, then (``graph.nt``)
    the shared block."""

    order: list[str]  #: doc_ids, in file order
    sizes: dict[str, tuple[int, ...]]  #: doc_id → its bytes in graph.nt, then in each CSV
    stats: dict[str, tuple[int, ...]]  #: doc_id → what a build counts of it (lines, facts, characters)
    heads: tuple[int, ...]  #: each file's bytes before the first document
    totals: tuple[int, ...] = ()  #: each file's size, to tell the files from others written since

    def offsets(self) -> dict[str, tuple[int, ...]]:
        """doc_id → where its bytes start in each file.

        Examples
        --------
        >>> Layout(["a", "b"], {"a": (3, 1), "b": (2, 2)}, {}, (0, 5)).offsets()
        {'a': (0, 5), 'b': (3, 6)}
        """
        at, found = list(self.heads), {}
        for doc_id in self.order:
            found[doc_id] = tuple(at)
            at = [a + n for a, n in zip(at, self.sizes[doc_id])]
        return found


def write_rdf_state(out_dir: Path | str, token: str, merge: RdfMerge, layout: Layout) -> Path:
    """Keep the RDF graph's merge (:class:`~kg.rdf.RdfMerge`) and where each document lies in
    the files written from it as ``cache/rdf-state.pickle``, under ``token``: the next build
    takes the documents that went out of the merge and copies the rest of the files.
    Written without an fsync, as :func:`write_graph_state`.

    Examples
    --------
    >>> import tempfile
    >>> from kg.rdf import RdfMerge
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = write_rdf_state(out, "t1", RdfMerge(), Layout([], {}, {}, (0,), (0,)))
    >>> merge, layout = read_rdf_state(out, "t1")
    >>> merge.documents, layout.heads, read_rdf_state(out, "t2")
    (0, (0,), None)
    """
    return _keep(Path(out_dir) / CACHE_DIR / RDF_STATE_FILE, token, (merge, layout))


def read_rdf_state(out_dir: Path | str, token: str | None) -> tuple[RdfMerge, Layout] | None:
    """What :func:`write_rdf_state` kept under ``token``; ``None`` when there is nothing, it
    cannot be read, or it was kept under another token."""
    kept = _kept(Path(out_dir) / CACHE_DIR / RDF_STATE_FILE, token)
    return kept if isinstance(kept, tuple) and len(kept) == 2 else None


def forget_rdf_state(out_dir: Path | str) -> None:
    """Remove ``cache/rdf-state.pickle`` durably, before the files it describes are replaced."""
    _forget(Path(out_dir) / CACHE_DIR / RDF_STATE_FILE)


def forget_graph_state(out_dir: Path | str) -> None:
    """Remove ``cache/graph-state.pickle`` durably, before the stores it describes are changed."""
    _forget(Path(out_dir) / CACHE_DIR / GRAPH_STATE_FILE)


def _forget(path: Path) -> None:
    if path.exists():
        path.unlink()
        fsync_dir(path.parent)


def _keep(path: Path, token: str, payload: object) -> Path:
    with open_atomic(path, durable=False) as fh:
        fh.write(f"{_STATE_TOKEN}{token}\n".encode())
        pickle.dump(payload, fh, protocol=5)
    return path


def _kept(path: Path, token: str | None) -> object:
    if token is None:
        return None
    try:
        with open(path, "rb") as fh:
            if fh.readline() != f"{_STATE_TOKEN}{token}\n".encode():
                return None
            return pickle.load(fh)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, IndexError, pickle.UnpicklingError):
        return None


def write_graph_state(out_dir: Path | str, token: str, state: GraphState, graph: PropertyGraph,
                      layout: JsonLayout | None = None) -> Path:
    """Keep the property graph's merged ``state``, its tables and where its rows lie in
    ``graph.networkx.json`` (``layout``) as ``cache/graph-state.pickle``, under ``token``:
    the next build changes them instead of reading every document again.

    The tables go in as Arrow IPC (Feather) bytes: a pickle of their string columns
    would pickle every string on its own. Written without an fsync: the build syncs once
    before it writes the manifest that names ``token``.

    Examples
    --------
    >>> import tempfile
    >>> from kg.graph import GraphState, build_graph
    >>> from kg.thesaurus import load_thesaurus
    >>> out, pg = Path(tempfile.mkdtemp()), build_graph([], thesaurus=load_thesaurus())
    >>> _ = write_graph_state(out, "t1", GraphState(), pg)
    >>> state, again, layout = read_graph_state(out, "t1")
    >>> again.counts() == pg.counts(), layout, read_graph_state(out, "t2")
    (True, None, None)
    """
    import pyarrow as pa
    from pyarrow import feather

    tables = {}
    for kind, table in (*graph.nodes.items(), *graph.edges.items()):
        sink = pa.BufferOutputStream()
        feather.write_feather(table, sink, compression="uncompressed")
        tables[kind] = sink.getvalue()
    return _keep(Path(out_dir) / CACHE_DIR / GRAPH_STATE_FILE, token, (state, tables, layout))


def read_graph_state(out_dir: Path | str,
                     token: str | None) -> tuple[GraphState, PropertyGraph, JsonLayout | None] | None:
    """What :func:`write_graph_state` kept under ``token``; ``None`` when there is nothing,
    it cannot be read, or it was kept under another token."""
    import pyarrow as pa
    from pyarrow import feather

    from kg.graph import EDGE_COLUMNS, NODE_COLUMNS, PropertyGraph

    kept = _kept(Path(out_dir) / CACHE_DIR / GRAPH_STATE_FILE, token)
    if kept is None:
        return None
    try:
        state, tables, layout = kept  # type: ignore[misc]
        read = {kind: feather.read_feather(pa.BufferReader(data)) for kind, data in tables.items()}
        graph = PropertyGraph(nodes={label: read[label] for label in NODE_COLUMNS},
                              edges={kind: read[kind] for kind in EDGE_COLUMNS}, skipped=dict(state.skipped))
    except (ValueError, TypeError, KeyError, AttributeError, pa.ArrowException):
        return None
    return state, graph, layout


def prune_entries(out_dir: Path | str, keep: set[str]) -> int:
    """Remove every cache entry whose ``doc_id`` is not in ``keep``; return how many."""
    root = Path(out_dir) / CACHE_DIR
    removed = 0
    if not root.is_dir():
        return 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.removesuffix(".pickle.z") not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed

