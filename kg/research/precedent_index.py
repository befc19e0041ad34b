"""The precedent index: a SQLite FTS5 full-text index of the documents, with their graph features.

:func:`write_precedent_index` reads what ``kg build`` wrote into a graph folder — the clean
texts ``documents/<doc_id>.txt``, and the graph: the tables ``kg build`` holds, or the
networkx projection ``graph.networkx.json`` — and writes ``precedents.sqlite`` beside
them, which :func:`kg.research.precedents.find_precedents` searches. The file holds:

``passages``
    An FTS5 table with the ``trigram`` tokenizer (every three characters are a token, so
    Chinese needs no word dictionary, and BM25 ranks matches): one row per passage — a
    sentence, cut after 。！？；!?; or a line break — with its ``doc_id`` and its character
    offsets ``[start, end)`` into the clean text (``text[start:end] == passage``). Its
    ``tail`` column holds the passage's last two characters and a line break
    (:data:`TAIL_END`): every two characters of a passage then start a token, so a
    two-character word is found through the index too (see
    :func:`kg.research.precedents.find_precedents`).
``documents``
    One row per document: ``doc_id``, ``doc`` (source file name), ``title``, ``issuer``,
    ``published``, ``kind`` (答复, 复函 …) and ``places`` (``;``-joined).
``features``
    The document's graph features, one row per (``doc_id``, ``kind``, ``key``): ``mechanism``
    (the canonical id of each mechanism a place adopts in it), ``policy`` (each policy it
    cites), ``place`` (each place it mentions, and its jurisdiction), ``area`` (those places
    and every place they lie within, for ``--place``), ``issuer`` (the issuing agency) and
    ``proposal_mechanism`` (for a reply to a proposal: the canonical mechanisms the
    proposal's title names, by any label).
``labels``
    Every name a query may use for a mechanism (labels and alternative labels of each
    concept and local form, keyed by the canonical id), a policy (its title) or a place.
``spans``
    One row per document: the ``rowid`` of its ``first`` passage (its passages have the
    rowids that follow, in the order of its text; 0 when it has none) and the ``lengths``
    of its passages in characters (unsigned 32-bit integers, little-endian). A search
    reads these once per version of the file, so it maps a matching passage to its
    document and scores it without reading the passage's row (see
    :func:`kg.research.precedents.find_precedents`).

The file is built in a temporary file in the same folder and renamed over the old one,
so a reader never sees half an index.

Examples
--------
>>> split_passages("全市推行“三社联动”。\\n  二、网格化管理！")
[(0, 11), (14, 22)]
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kg.errors import StoreError
from kg.graph import GraphChange, PropertyGraph
from kg.stores.networkx import node_items, read_networkx
from kg.thesaurus import norm_label
from kg.vocab import doc_node

__all__ = ["FEATURE_KINDS", "INDEX_VERSION", "LENGTH_TYPE", "PRECEDENT_FILE", "TAIL_END", "indexed_documents",
           "split_passages", "touched_documents", "write_precedent_index"]

#: The file :func:`write_precedent_index` writes into the graph folder.
PRECEDENT_FILE = "precedents.sqlite"
#: The schema version, kept in the ``meta`` table; a reader refuses another.
INDEX_VERSION = "3"
#: What ends a passage's ``tail`` (its last two characters): a character no query word holds.
TAIL_END = "\n"
#: The numpy type of the ``spans`` table's passage lengths.
LENGTH_TYPE = "<u4"
#: The kinds of row in the ``features`` table.
FEATURE_KINDS = ("mechanism", "policy", "place", "area", "issuer", "proposal_mechanism")

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")

_SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents(doc_id TEXT PRIMARY KEY, doc TEXT, title TEXT, issuer TEXT, published TEXT,
                       kind TEXT, places TEXT);
CREATE TABLE features(doc_id TEXT, kind TEXT, key TEXT, label TEXT, PRIMARY KEY (doc_id, kind, key))
    WITHOUT ROWID;
CREATE TABLE labels(kind TEXT, key TEXT, label TEXT, norm TEXT);
CREATE TABLE spans(doc_id TEXT PRIMARY KEY, first INTEGER, lengths BLOB);
CREATE VIRTUAL TABLE passages USING fts5(text, tail, doc_id UNINDEXED, start UNINDEXED, end UNINDEXED,
                                         tokenize = 'trigram');
"""
#: Made once the features are in: at 100,000 documents, inserting 2.6M features took 19.6 s with
#: this index in place and 7.5 s with the index made after.
_FEATURE_INDEX = "CREATE INDEX features_by_key ON features(kind, key)"


def split_passages(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` offsets of the sentences of ``text``, surrounding blanks left out.

    A sentence ends after 。！？；!?; (however many) or at a line break.

    Examples
    --------
    >>> text = "一、总体情况\\n银川市推行“大党委”。各社区建立准入制度；"
    >>> [text[s:e] for s, e in split_passages(text)]
    ['一、总体情况', '银川市推行“大党委”。', '各社区建立准入制度；']
    """
    spans = []
    for match in _SENTENCE.finditer(text):
        piece = match.group()
        start = match.start() + len(piece) - len(piece.lstrip())
        end = match.end() - (len(piece) - len(piece.rstrip()))
        if end > start:
            spans.append((start, end))
    return spans


def _labels(attrs: Mapping[str, Any]) -> list[str]:
    alt = attrs.get("alt_labels") or ""
    return sorted({label for label in (attrs.get("label"), *alt.split("|")) if label})


def _within(parents: dict[str, list[str]], place: str) -> set[str]:
    """``place`` and every place its ``WITHIN`` chain reaches (``parents``: place → the places it is within)."""
    found, todo = {place}, [place]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


@dataclass(frozen=True)
class _Graph:
    """What the index reads of a graph: node id → attributes (``kind`` among them), and
    ``(source, target, type, doc_id)`` per edge (``doc_id`` ``None`` on a type without one)."""

    nodes: Mapping[str, Mapping[str, Any]]
    edges: list[tuple[str, str, str, str | None]]

    @classmethod
    def of(cls, graph: nx.MultiDiGraph | PropertyGraph) -> _Graph:
        if isinstance(graph, nx.MultiDiGraph):
            return cls(graph.nodes, [(src, dst, attrs.get("type"), attrs.get("doc_id"))
                                     for src, dst, attrs in graph.edges(data=True)])
        edges: list[tuple[str, str, str, str | None]] = []
        for kind, table in graph.edges.items():
            doc_ids = table["doc_id"].tolist() if "doc_id" in table else repeat(None)
            edges.extend(zip(table["src"].tolist(), table["dst"].tolist(), repeat(kind), doc_ids))
        return cls(dict(node_items(graph, labels=_READ_LABELS, columns=_READ_COLUMNS)), edges)


#: The nodes and attributes the index reads; of a property graph, only these are taken (at
#: 10,000 documents, 0.17 s instead of 0.41 s for every node's every column).
_READ_LABELS = ("Document", "Agency", "Place", "Mechanism", "Policy", "Proposal")
_READ_COLUMNS = ("label", "alt_labels", "title", "canonical_id", "doc_id", "source", "issuer", "published",
                 "doc_type")


_NONE: Mapping[str, Any] = {}


def _features(graph: _Graph) -> Iterator[tuple[str, str, str, str | None]]:
    """``(doc_id, kind, key, label)`` for every graph feature of every document."""
    yield from _edge_features(graph)
    yield from _proposal_features(graph)


def _edge_features(graph: _Graph, docs: set[str] | None = None) -> Iterator[tuple[str, str, str, str | None]]:
    """The features of :func:`_features` but those a proposal's title names (of ``docs``, when given)."""
    nodes = graph.nodes

    def of(node: str) -> Mapping[str, Any]:
        # an edge's end with no attributes here: a node of a label the index does not read, or one
        # networkx added bare
        return nodes.get(node, _NONE)

    doc_of = {node: attrs["doc_id"] for node, attrs in nodes.items()
              if attrs.get("kind") == "Document" and (docs is None or attrs["doc_id"] in docs)}
    doc_ids = set(doc_of.values())
    # WITHIN edges first: following them through out_edges would walk a city's every ADOPTED edge too
    parents: dict[str, list[str]] = {}
    for src, dst, kind, _ in graph.edges:
        if kind == "WITHIN":
            parents.setdefault(src, []).append(dst)
    areas: dict[str, set[str]] = {}
    for src, dst, kind, doc_id in graph.edges:
        if kind == "ADOPTED" and doc_id is not None and doc_id in doc_ids:
            canonical = of(dst).get("canonical_id") or dst
            label = nodes[canonical].get("label") if canonical in nodes else of(dst).get("label")
            yield doc_id, "mechanism", canonical, label or ""
        elif src not in doc_of:
            continue
        elif kind == "CITES":
            yield doc_of[src], "policy", dst, of(dst).get("title") or of(dst).get("label") or ""
        elif kind in ("MENTIONS", "JURISDICTION") and of(dst).get("kind") == "Place":
            yield doc_of[src], "place", dst, of(dst).get("label") or ""
            if dst not in areas:
                areas[dst] = _within(parents, dst)
            for area in areas[dst]:
                yield doc_of[src], "area", area, of(area).get("label") or ""
        elif kind == "ISSUED_BY":
            yield doc_of[src], "issuer", dst, of(dst).get("label") or ""


def _proposal_features(graph: _Graph) -> Iterator[tuple[str, str, str, str | None]]:
    """``(doc_id, "proposal_mechanism", key, label)``: the mechanisms a reply's proposal title names."""
    nodes = graph.nodes
    doc_of = {node: attrs["doc_id"] for node, attrs in nodes.items() if attrs.get("kind") == "Document"}

    def of(node: str) -> Mapping[str, Any]:
        return nodes.get(node, _NONE)

    by_label = {norm_label(label): attrs.get("canonical_id") or node for node, attrs in nodes.items()
                if attrs.get("kind") == "Mechanism" for label in _labels(attrs) if len(norm_label(label)) >= 2}
    starts = _label_starts(by_label)
    for src, dst, kind, _ in graph.edges:
        if kind != "RESPONDS_TO" or src not in doc_of:
            continue
        title = norm_label(of(dst).get("title") or "")
        for key in sorted(_named_in(title, starts)):
            yield doc_of[src], "proposal_mechanism", key, nodes[key].get("label") if key in nodes else key


def _label_starts(by_label: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """``by_label``'s ``(label, value)`` pairs grouped by the label's first two characters."""
    starts: dict[str, list[tuple[str, str]]] = {}
    for label, value in by_label.items():
        if len(label) >= 2:
            starts.setdefault(label[:2], []).append((label, value))
    return starts


def _named_in(text: str, starts: Mapping[str, list[tuple[str, str]]]) -> set[str]:
    """The values whose label (see :func:`_label_starts`) occurs in ``text``, overlapping or not.

    Each position of ``text`` is tried against the few labels that begin with its two
    characters: testing every label against every proposal title took 12 s at 100,000
    documents.

    Examples
    --------
    >>> starts = _label_starts({"网格化": "a", "网格化管理": "b", "三社联动": "c", "联动": "d", "吹哨": "e"})
    >>> sorted(_named_in("推行网格化管理和三社联动", starts))
    ['a', 'b', 'c', 'd']
    """
    return {value for i in range(len(text) - 1) for label, value in starts.get(text[i : i + 2], ())
            if text.startswith(label, i)}


def _name_rows(graph: _Graph) -> Iterator[tuple[str, str, str, str]]:
    """``(kind, key, label, normalised label)`` for every name of a mechanism, policy or place."""
    for node, attrs in graph.nodes.items():
        kind = attrs.get("kind")
        if kind == "Mechanism":
            names, key, kind = _labels(attrs), attrs.get("canonical_id") or node, "mechanism"
        elif kind == "Policy":
            names, key, kind = [attrs.get("title") or attrs.get("label") or ""], node, "policy"
        elif kind == "Place":
            names, key, kind = _labels(attrs), node, "place"
        else:
            continue
        for name in names:
            if name:
                yield kind, key, name, norm_label(name)


def _fill(db: sqlite3.Connection, graph_dir: Path, graph: _Graph, *, have: set[str],
          stamp: str | None, touched: set[str] | None = None) -> int:
    """Write every table of the index into ``db``; the number of documents indexed.

    ``db`` is empty, or (``have`` not empty) a copy of an index whose passages of the
    documents ``have`` are kept: only the other documents' texts are read and split.
    ``touched`` (with ``have``): the documents besides the new ones whose features may
    have changed, all others' being kept as they are; ``None`` compares every feature."""
    doc_ids = {attrs["doc_id"] for attrs in graph.nodes.values() if attrs.get("kind") == "Document"}
    if have:
        db.executescript("DELETE FROM meta; DELETE FROM documents; DELETE FROM labels;"
                         "CREATE TEMP TABLE gone(doc_id TEXT PRIMARY KEY);")
        db.executemany("INSERT INTO gone VALUES (?)", [(doc_id,) for doc_id in sorted(have - doc_ids)])
        db.execute("DELETE FROM passages WHERE doc_id IN (SELECT doc_id FROM gone)")
        db.execute("DELETE FROM spans WHERE doc_id IN (SELECT doc_id FROM gone)")
        if touched is None:
            db.execute("DROP TABLE gone")
            # the features' change only: at 10,000 documents, inserting all 0.49M rows again took 1.4 s
            _change_rows(db, set(_features(graph)), "")
        else:  # write the features of the new and touched documents anew; keep the others'
            redo = (doc_ids - have) | (touched & doc_ids)
            db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", [(doc_id,) for doc_id in sorted(redo)])
            db.execute("DELETE FROM features WHERE doc_id IN (SELECT doc_id FROM gone) "
                       "AND kind != 'proposal_mechanism'")
            db.execute("DROP TABLE gone")
            db.executemany("INSERT INTO features VALUES (?, ?, ?, ?)", sorted(set(_edge_features(graph, redo))))
            # any mechanism's new name may change what a proposal's title names: those are compared whole
            _change_rows(db, set(_proposal_features(graph)), " WHERE kind = 'proposal_mechanism'")
        places = _places(db.execute("SELECT doc_id, kind, key, label FROM features WHERE kind = 'place'"))
    else:
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO passages(passages, rank) VALUES ('automerge', 0)")  # one merge at the end
        features = sorted(set(_features(graph)))
        db.executemany("INSERT INTO features VALUES (?, ?, ?, ?)", features)
        db.execute(_FEATURE_INDEX)
        places = _places(features)
    db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?)", sorted(set(_name_rows(graph))))
    count = 0
    last = db.execute("SELECT rowid FROM passages ORDER BY rowid DESC LIMIT 1").fetchone()
    rowid = last[0] if last else 0  # a new document's passages take the rowids after every kept one's
    for _, attrs in sorted(graph.nodes.items(), key=lambda item: item[0]):
        if attrs.get("kind") != "Document":
            continue
        doc_id = attrs["doc_id"]
        db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (doc_id, attrs.get("source") or doc_id, attrs.get("title"), attrs.get("issuer"),
                    attrs.get("published"), attrs.get("doc_type"), ";".join(sorted(places.get(doc_id, ())))))
        count += 1
        if doc_id in have:
            continue
        path = graph_dir / "documents" / f"{doc_id}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise StoreError(f"no clean text at {path} for document {doc_id}; rebuild the graph with kg build") from exc
        spans = split_passages(text)
        db.executemany("INSERT INTO passages(rowid, text, tail, doc_id, start, end) VALUES (?, ?, ?, ?, ?, ?)",
                       ((rowid + i, text[s:e], text[max(s, e - 2):e] + TAIL_END, doc_id, s, e)
                        for i, (s, e) in enumerate(spans, 1)))
        db.execute("INSERT INTO spans VALUES (?, ?, ?)",
                   (doc_id, rowid + 1 if spans else 0, _lengths(spans)))
        rowid += len(spans)
    meta = [("version", INDEX_VERSION), ("documents", str(count))]
    db.executemany("INSERT INTO meta VALUES (?, ?)", [*meta, *([("stamp", stamp)] if stamp else [])])
    if not have:  # a copy keeps its merged segments; FTS5 merges the new ones as it goes
        db.execute("INSERT INTO passages(passages) VALUES ('optimize')")
        db.execute("INSERT INTO passages(passages, rank) VALUES ('automerge', 4)")  # FTS5's default, for changes
    return count


def _lengths(spans: list[tuple[int, int]]) -> bytes:
    """The ``spans`` table's ``lengths``: each ``[start, end)``'s length as :data:`LENGTH_TYPE`.

    Examples
    --------
    >>> _lengths([(0, 3), (5, 7)])
    b'\\x03\\x00\\x00\\x00\\x02\\x00\\x00\\x00'
    """
    return np.fromiter((end - start for start, end in spans), dtype=LENGTH_TYPE, count=len(spans)).tobytes()


def _change_rows(db: sqlite3.Connection, new: set[tuple[str, str, str, str | None]], where: str) -> None:
    """Make the ``features`` rows ``where`` selects (an SQL literal of this module) be ``new``."""
    old = set(db.execute(f"SELECT doc_id, kind, key, label FROM features{where}"))  # noqa: S608 (a literal)
    db.executemany("DELETE FROM features WHERE doc_id = ? AND kind = ? AND key = ?",
                   sorted(row[:3] for row in old - new))
    db.executemany("INSERT INTO features VALUES (?, ?, ?, ?)", sorted(new - old))


def _places(features: Iterable[tuple[str, str, str, str | None]]) -> dict[str, set[str]]:
    """doc_id → the labels of the places it names, from its features."""
    places: dict[str, set[str]] = {}
    for doc_id, kind, _, label in features:
        if kind == "place":
            places.setdefault(doc_id, set()).add(label or "")
    return places


def touched_documents(graph: PropertyGraph, change: GraphChange) -> set[str]:
    """The documents of ``graph`` whose features may differ from those of the graph
    ``change`` starts from, besides the documents that came: each with an edge to a node
    whose row changed (a place, agency, mechanism, policy or proposal), to a mechanism
    whose canonical one changed, or to a place below a place or ``WITHIN`` edge that changed."""
    nodes: set[str] = set()
    for label in ("Place", "Agency", "Mechanism", "Policy", "Proposal"):
        nodes.update(change.stale[label]["id"])
        nodes.update(change.fresh[label]["id"])
    mechanisms = graph.nodes["Mechanism"]
    nodes.update(mechanisms.loc[mechanisms["canonical_id"].isin(nodes), "id"])
    within = [change.stale["WITHIN"], change.fresh["WITHIN"]]
    places = {*nodes.intersection(graph.nodes["Place"]["id"]), *change.stale["Place"]["id"],
              *(src for table in within for src in table["src"])}
    if places:  # their areas changed, and so did those of every place below them
        children: dict[str, list[str]] = {}
        for table in (graph.edges["WITHIN"], *within):
            for src, dst in zip(table["src"].tolist(), table["dst"].tolist()):
                children.setdefault(dst, []).append(src)
        todo = list(places)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in places:
                    places.add(child)
                    todo.append(child)
        nodes |= places
    docs: set[str] = set()
    prefix = len(doc_node(""))
    for kind in ("CITES", "MENTIONS", "JURISDICTION", "ISSUED_BY", "RESPONDS_TO"):
        table = graph.edges[kind]
        docs.update(src[prefix:] for src in table.loc[table["dst"].isin(nodes), "src"] if src.startswith(doc_node("")))
    adopted = graph.edges["ADOPTED"]
    docs.update(adopted.loc[adopted["dst"].isin(nodes), "doc_id"])
    return docs


def _graph_token(path: Path) -> str | None:
    """The token of the graph the index at ``path`` was written from, if it says."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE name = 'graph'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def indexed_documents(graph_dir: str | Path, stamp: str | None) -> set[str]:
    """The documents whose passages the index in ``graph_dir`` holds, if it was written with
    ``stamp`` (see :func:`write_precedent_index`); else none."""
    path = Path(graph_dir) / PRECEDENT_FILE
    if stamp is None or not path.is_file():
        return set()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT name, value FROM meta"))
            if meta.get("version") != INDEX_VERSION or meta.get("stamp") != stamp:
                return set()
            return {doc_id for (doc_id,) in db.execute("SELECT doc_id FROM documents")}
        finally:
            db.close()
    except sqlite3.Error:
        return set()


def write_precedent_index(graph_dir: str | Path, *, graph: PropertyGraph | nx.MultiDiGraph | None = None,
                          stamp: str | None = None, reuse: bool = True, token: str | None = None,
                          change: tuple[str, set[str]] | None = None) -> Path:
    """Write ``graph_dir/precedents.sqlite``, the index :func:`~kg.research.precedents.find_precedents` searches.

    Parameters
    ----------
    graph_dir : a folder ``kg build`` wrote (``documents/``, ``graph.networkx.json``)
    graph : the graph of that folder, when the caller has it: its property graph (``kg build``
        passes its tables) or its networkx graph; read from the folder if not
    stamp : what made the clean texts (``kg build`` passes its code fingerprint). When the
        index there was written with the same stamp, the passages of the documents it
        already holds are kept (the file is copied and changed) and only new documents'
        texts are split; the other tables are written afresh either way.
    reuse : ``False`` writes the index from nothing whatever the stamp (``kg build --full``)
    token : a name for the state of ``graph`` (``kg build`` passes its graph's), kept in the index
    change : ``(token, touched)``: when the index kept there was written from the graph named
        ``token``, only the features of the documents ``touched`` (:func:`touched_documents`)
        and of the new documents are written anew, the rest kept; else every document's
        features are compared

    Returns
    -------
    Path
        The index file. It is built in a temporary file and renamed over any old one.

    Raises
    ------
    StoreError
        The folder holds no graph, or a document's clean text is missing.

    Examples
    --------
    >>> import tempfile
    >>> from kg.graph import build_graph
    >>> from kg.thesaurus import load_thesaurus
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_precedent_index(folder, graph=build_graph([], thesaurus=load_thesaurus())).name
    'precedents.sqlite'
    """
    folder = Path(graph_dir)
    view = _Graph.of(read_networkx(folder) if graph is None else graph)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{PRECEDENT_FILE}.", suffix=".tmp", dir=folder)
    os.close(fd)
    target = folder / PRECEDENT_FILE
    try:
        have = indexed_documents(folder, stamp) if reuse else set()
        touched = None
        if have:
            if change is not None and _graph_token(target) == change[0]:
                touched = change[1]
            shutil.copyfile(target, tmp)
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            with db:
                _fill(db, folder, view, have=have, stamp=stamp, touched=touched)
                if token is not None:
                    db.execute("INSERT INTO meta VALUES ('graph', ?)", (token,))
        finally:
            db.close()
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
