"""Precedent search: which documents already did what a query (or a draft) is about.

:func:`find_precedents` searches the index :func:`write_precedent_index` writes
(``precedents.sqlite``, see :mod:`kg.research.precedent_index`) and returns one row per
document, best first.

**The query's entities.** A short query is matched against the names in the graph: every
mechanism label (alternative labels and local forms included), policy title and place
name that occurs in it, longest first; when no mechanism name occurs in it, a query of
four or more characters also matches the mechanisms and policies whose names contain it.
A draft given with ``file=`` is loaded (:func:`loaders.load_document`) and run through
the extractors (:func:`kg.pipeline.extract_document`, and
:func:`kg.extract.mechanisms.find_mechanisms` for every mechanism it names, adopted or
not): its mechanisms, cited policies and places are the query's. The words of the query, the names of its mechanisms (every label)
and the titles of its policies are the phrases looked for in the text. A phrase of three
or more characters is an FTS5 phrase. When there is none, each phrase of two characters
is every token of the index that begins with it (the trigrams of its occurrences, and
its passage-final form in the ``tail`` column), so it is found through the index; beside
a longer phrase it is left out. A query of one-character words only is matched by a scan
(``LIKE``). Each phrase is looked for on its own, and only the rowids of the passages it
is in are read: the index's ``spans`` table, read once per version of the file, gives
each passage's document and length, so the passages are scored in numpy, not by FTS5's
``bm25()`` row by row (at 100,000 documents that took 137 ms for the 24,000 passages
naming 吹哨报到, and reading the rowids 17 ms).

**The ranking.** For a document ``d`` and the query's mechanisms ``Mq``, policies ``Pq``
and places ``Lq``::

    score(d) = 1.00 · |Mq ∩ Md| / |Mq|  +  0.30 · |Pq ∩ Pd| / |Pq|  +  0.15 · |Lq ∩ Ld| / |Lq|
             + 0.25 · T(d) / max T

where ``Md`` are the (canonical) mechanisms adopted in ``d``, ``Pd`` the policies it cites,
``Ld`` the places it mentions (a fraction is 0 when the query has none of that kind), and
``T(d)`` is the sum of the BM25 scores of its three best passages (``max T`` is the best
document's). A passage's score sums, over the phrases found in it, the phrase's
``idf = ln(1 + (N - n + 0.5) / (n + 0.5))`` (``N`` passages, ``n`` of them holding it)
times ``(k1 + 1) / (1 + k1 · (1 - b + b · len / avglen))`` (:data:`BM25_K1`, :data:`BM25_B`;
``len`` in characters): a phrase counts once in a passage, which is a sentence. The
mechanism term outweighs all the others together, so a document adopting every mechanism
of the query ranks above any that adopts none; ties go by file name.

**Passages** are the one to three best matching sentences, the matches in 【…】, joined
with `` … ``; ``offsets`` gives each one's ``start-end`` in ``documents/<doc_id>.txt``
(without the markers, ``text[start:end]`` is the passage). **Neighbours** are the
documents (file names, most links first, at most ten) citing a policy it cites, from its
issuer, or answering a proposal on a mechanism its proposal is on.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kg.errors import QueryError, StoreError
from kg.research.precedent_index import (
    INDEX_VERSION,
    LENGTH_TYPE,
    PRECEDENT_FILE,
    write_precedent_index,
)
from kg.research.precedent_text import (
    MAX_PHRASES,
    MAX_QUERY_CHARS,
    fts_expression,
    fts_phrase,
    highlight,
    like_pattern,
    long_phrases,
    query_terms,
)
from kg.thesaurus import norm_label

__all__ = ["BM25_B", "BM25_K1", "MAX_NEIGHBOURS", "PRECEDENT_COLUMNS", "WEIGHTS", "find_precedents",
           "write_precedent_index"]

#: The columns of :func:`find_precedents`' answer.
PRECEDENT_COLUMNS = ["doc", "doc_id", "title", "issuer", "published", "kind", "score", "why", "passages",
                     "offsets", "neighbours"]
#: The weights of the ranking formula (see the module docstring).
WEIGHTS = {"mechanism": 1.0, "policy": 0.3, "place": 0.15, "text": 0.25}
#: BM25's ``k1`` and ``b`` (the usual values, FTS5's and Lucene's too).
BM25_K1, BM25_B = 1.2, 0.75
#: At most this many neighbours are listed per document.
MAX_NEIGHBOURS = 10
_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
_SHARED = ("mechanism", "policy", "place")
_PLURAL = {"mechanism": "mechanisms", "policy": "policies", "place": "places"}


@dataclass
class _Entities:
    """What a query is about: key → label per kind, and the phrases to look for."""

    found: dict[str, dict[str, str]] = field(default_factory=lambda: {kind: {} for kind in _SHARED})
    phrases: list[str] = field(default_factory=list)


def _open(graph_dir: Path) -> sqlite3.Connection:
    """The index of ``graph_dir``, opened read-only."""
    path = graph_dir / PRECEDENT_FILE
    if not path.is_file():
        raise StoreError(f"no precedent index at {path}; build the graph with kg build "
                         "(or write one with kg.research.precedents.write_precedent_index)")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(f"{path} is not a precedent index ({exc}); rebuild the graph with kg build") from exc
    if version is None or version[0] != INDEX_VERSION:
        db.close()
        raise StoreError(f"{path} is a precedent index of another version; rebuild the graph with kg build")
    return db


@dataclass(frozen=True)
class _Names:
    """The index's ``labels`` table as a search uses it, made once per version of the file."""

    rows: tuple[tuple[str, str, str, str], ...]  # (kind, key, label, norm)
    #: the rows by their norm's first two characters (norms of two or more), in table order
    starts: dict[str, list[tuple[str, str, str, str]]]
    #: mechanism key → every label of it
    labels: dict[str, list[str]]
    #: the mechanism and policy rows, for a query a name contains
    named: tuple[tuple[str, str, str, str], ...]
    #: a place's label → the places of that label
    places: dict[str, list[str]]


@dataclass(frozen=True)
class _Spans:
    """The index's ``spans`` table, made once per version of the file: each document (by
    position), and each passage's document and length by its rowid."""

    docs: list[str]  # position → doc_id
    index: pd.Index  # doc_id → position (its get_indexer)
    owner: np.ndarray  # int32 by rowid: the passage's document (position); -1 where no passage is
    length: np.ndarray  # float32 by rowid: the passage's length in characters
    passages: int  # how many passages there are
    mean: float  # the mean passage length (BM25's ``avgdl``)

    def positions(self, doc_ids: list[str]) -> np.ndarray:
        """The positions of the documents ``doc_ids`` (one each, in order), those not here left out."""
        found = self.index.get_indexer(doc_ids) if doc_ids else np.empty(0, np.int64)
        return found[found >= 0]


def _version(graph_dir: Path) -> tuple[str, int, int]:
    """The index file of ``graph_dir`` and its version: the key of what is read once per version."""
    path = graph_dir / PRECEDENT_FILE
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _names(path: str, mtime_ns: int, size: int) -> _Names:
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = tuple(db.execute("SELECT kind, key, label, norm FROM labels"))
    finally:
        db.close()
    starts: dict[str, list[tuple[str, str, str, str]]] = {}
    labels: dict[str, list[str]] = {}
    places: dict[str, list[str]] = {}
    for kind, key, label, norm in rows:
        if len(norm) >= 2:
            starts.setdefault(norm[:2], []).append((norm, kind, key, label))
        if kind == "mechanism":
            labels.setdefault(key, []).append(label)
        elif kind == "place" and key not in places.setdefault(label, []):
            places[label].append(key)
    return _Names(rows, starts, labels, tuple(row for row in rows if row[0] in ("mechanism", "policy")), places)


@lru_cache(maxsize=8)
def _kinds(path: str, mtime_ns: int, size: int) -> list[str]:
    """The kinds of document in the index (答复, 复函 …), read once per version of the file."""
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(kind for (kind,) in db.execute("SELECT DISTINCT kind FROM documents") if kind)
    finally:
        db.close()


@lru_cache(maxsize=2)  # 32 MB at 100,000 documents
def _spans(path: str, mtime_ns: int, size: int) -> _Spans:
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT doc_id, first, lengths FROM spans ORDER BY first, doc_id").fetchall()
    finally:
        db.close()
    width = np.dtype(LENGTH_TYPE).itemsize
    counts = np.fromiter((len(blob) // width for _, _, blob in rows), dtype=np.int64, count=len(rows))
    lengths = np.frombuffer(b"".join(blob for _, _, blob in rows), dtype=LENGTH_TYPE)
    firsts = np.fromiter((first for _, first, _ in rows), dtype=np.int64, count=len(rows))
    starts = np.cumsum(counts) - counts  # where each document's lengths begin
    rowids = np.repeat(firsts - starts, counts) + np.arange(lengths.size)  # a document's passages follow its first
    owner = np.full(int(rowids.max(initial=0)) + 1, -1, dtype=np.int32)
    owner[rowids] = np.repeat(np.arange(len(rows), dtype=np.int32), counts)
    length = np.zeros(owner.size, dtype=np.float32)  # whole lengths, exact in float32
    length[rowids] = lengths
    docs = [doc_id for doc_id, _, _ in rows]
    return _Spans(docs, pd.Index(docs), owner, length, int(lengths.size),
                  float(lengths.mean()) if lengths.size else 1.0)


def _text_entities(names: _Names, query: str, into: _Entities) -> None:
    """Add the mechanisms, policies and places named in ``query`` (longest names first)."""
    wanted = norm_label(query)
    hits = [(i, i + len(norm), kind, key, label) for i in range(len(wanted) - 1)
            for norm, kind, key, label in names.starts.get(wanted[i:i + 2], ()) if wanted.startswith(norm, i)]
    taken: list[tuple[int, int]] = []
    for start, end, kind, key, label in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(end <= s or start >= e for s, e in taken) or (start, end) in taken:
            taken.append((start, end))
            into.found[kind].setdefault(key, label)
    if not into.found["mechanism"] and len(wanted) >= 4:
        for kind, key, label, norm in names.named:
            if wanted in norm:
                into.found[kind].setdefault(key, label)
    into.phrases.extend(query_terms(query))


def _file_entities(names: _Names, file: Path, into: _Entities) -> None:
    """Add the mechanisms, policies and places the extractors find in the draft ``file``."""
    from kg.extract.mechanisms import find_mechanisms
    from kg.pipeline import extract_document
    from kg.thesaurus import GKM_NS, load_thesaurus
    from kg.vocab import place_iri, policy_iri
    from loaders import load_document

    th = load_thesaurus()
    document = load_document(file)
    extraction = extract_document(document, thesaurus=th)
    by_norm: dict[tuple[str, str], str] = {(kind, norm): key for kind, key, _, norm in names.rows}
    # every mechanism named, adopted or not: a draft often has no place to tie an adoption to (我市)
    for mention in find_mechanisms(document.doc_id, document.text, thesaurus=th):
        key = (GKM_NS + th.canonical(mention.concept) if mention.concept is not None
               else by_norm.get(("mechanism", norm_label(mention.surface))))
        if key is not None:
            label = th.canonical_label(mention.concept) if mention.concept is not None else mention.surface
            into.found["mechanism"].setdefault(key, label or mention.surface)
        into.phrases.append(mention.surface)
    for policy in extraction.policies:
        key = by_norm.get(("policy", norm_label(policy.title)), str(policy_iri(policy.title, policy.place)))
        into.found["policy"].setdefault(key, policy.title)
        into.phrases.append(policy.title)
    for place in (*extraction.places, *([extraction.place] if extraction.place else [])):
        into.found["place"].setdefault(str(place_iri(place)), place.name)


def _entities(names: _Names, query: str | None, file: str | Path | None) -> _Entities:
    """What ``query`` and the draft ``file`` are about, and the phrases to look for: their words,
    every name of their mechanisms and the titles of their policies."""
    entities = _Entities()
    if query:
        _text_entities(names, query, entities)
    if file is not None:
        _file_entities(names, Path(file), entities)
    entities.phrases += [label for key in entities.found["mechanism"] for label in names.labels.get(key, ())]
    entities.phrases += list(entities.found["policy"].values())
    return entities


def _allowed(db: sqlite3.Connection, graph_dir: Path, version: tuple[str, int, int], *, place: str | None,
             issuer: str | None, since: str | None, until: str | None, kind: str | None) -> list[str] | None:
    """The documents the filters let through, or ``None`` when no filter is given."""
    clauses: list[str] = []
    params: list[object] = []
    if issuer:
        clauses.append("instr(issuer, ?) > 0")
        params.append(issuer)
    if kind:
        kinds = _kinds(*version)
        if kind not in kinds:
            raise QueryError(f"Unsupported kind {kind!r}. Kinds in the graph of {graph_dir}: {', '.join(kinds)}.")
        clauses.append("kind = ?")
        params.append(kind)
    for name, value, test in (("since", since, ">="), ("until", until, "<=")):
        if value:
            if not _DATE.fullmatch(value):
                raise QueryError(f"--{name} {value!r} is not a date; give YYYY, YYYY-MM or YYYY-MM-DD")
            clauses.append(f"substr(published, 1, ?) {test} ?")  # the operator is one of two constants
            params.extend([len(value), value])
    if place:
        keys = _place_keys(_names(*version), place)
        if not keys:
            raise QueryError(f"no place named {place!r} in the graph of {graph_dir}; give a place's full name "
                             "or a short form the gazetteer knows (银川, 红河州)")
        clauses.append(f"doc_id IN (SELECT doc_id FROM features WHERE kind = 'area' AND key IN "
                       f"({', '.join('?' * len(keys))}))")
        params.extend(keys)
    if not clauses:
        return None
    return _doc_ids(db, "FROM documents WHERE " + " AND ".join(clauses), params)


def _doc_ids(db: sqlite3.Connection, rest: str, params: list[object]) -> list[str]:
    """The ``doc_id`` of each row ``SELECT … rest`` (an SQL text of this module over ``params``) selects.

    They come as one string, not a row each (a tenth of the time for 100,000 rows).
    """
    (joined,) = db.execute(f"SELECT group_concat(doc_id, char(31)) {rest}", params).fetchone()
    return joined.split("\x1f") if joined else []


def _place_keys(names: _Names, name: str) -> list[str]:
    """The places a ``--place`` name stands for: by label, else by the gazetteer's full name."""
    keys = names.places.get(name, [])
    if not keys:
        from kg.queries import place_name

        keys = names.places.get(place_name(name), [])
    return keys


def _pair_tokens(db: sqlite3.Connection, phrases: list[str]) -> list[list[str]]:
    """For each two-character phrase, the index's tokens that begin with it: the trigrams of its
    every occurrence, and the phrase and :data:`~kg.research.precedent_index.TAIL_END` where it
    ends a passage (its ``tail`` column). Every occurrence of the pair is in one of them. The
    first :data:`~kg.research.precedent_text.MAX_PHRASES` pairs are looked for, as phrases are;
    a pair no token begins with is left out."""
    pairs = list(dict.fromkeys(p.strip().lower() for p in phrases if len(p.strip()) == 2))  # the tokenizer folds case
    pairs = pairs[:MAX_PHRASES]
    if not pairs:
        return []
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_terms USING fts5vocab(main, passages, 'row')")
    tokens = [[term for (term,) in db.execute(  # a range of the vocabulary: from the pair on, below its last continuation
        "SELECT term FROM temp.passage_terms WHERE term >= ? AND term < ?", (pair, pair + "\U0010ffff"))]
        for pair in pairs]
    return [found for found in tokens if found]


@dataclass(frozen=True)
class _Text:
    """The passages a query's phrases match, sorted by document (position), then best first:
    each one's document, rowid and BM25 score."""

    doc: np.ndarray
    rowid: np.ndarray
    score: np.ndarray

    @classmethod
    def none(cls) -> _Text:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))

    def totals(self, n: int) -> np.ndarray:
        """``T``: per document (of ``n``), the sum of its three best passages' scores."""
        if not self.doc.size:
            return np.zeros(n)
        first = np.flatnonzero(np.r_[True, self.doc[1:] != self.doc[:-1]])  # where each document's run begins
        rank = np.arange(self.doc.size) - np.repeat(first, np.diff(np.r_[first, self.doc.size]))
        best = rank < 3
        return np.bincount(self.doc[best], weights=self.score[best], minlength=n)

    def best(self, doc: int) -> list[int]:
        """The rowids of the document's (at most) three best passages, best first."""
        lo = int(np.searchsorted(self.doc, doc, side="left"))
        hi = int(np.searchsorted(self.doc, doc, side="right"))
        return self.rowid[lo:min(hi, lo + 3)].tolist()


def _matches(db: sqlite3.Connection, phrases: list[str]) -> list[np.ndarray]:
    """The rowids of the passages each phrase is found in (one array per phrase)."""
    # Beside a longer phrase, two-character ones are left out: a common one (社区) is in a quarter
    # of all passages, and at 100,000 documents scoring them all took a query with filters 0.38 → 3.2 s.
    found: list[np.ndarray] = []
    longer = long_phrases(phrases)
    for phrase in longer:
        found.append(_rowids(db, "passages MATCH ?", fts_phrase(phrase)))
    if longer:
        return found
    for tokens in _pair_tokens(db, phrases):
        found.append(_rowids(db, "passages MATCH ?", fts_expression(tokens)))
    if found:
        return found
    # only one-character words (a two-character one without a token occurs nowhere): LIKE, scanning
    for term in dict.fromkeys(p.strip() for p in phrases if len(p.strip()) == 1):
        found.append(_rowids(db, "text LIKE ? ESCAPE '\\'", like_pattern(term)))
    return found


def _rowids(db: sqlite3.Connection, where: str, value: str | None) -> np.ndarray:
    """The rowids of the passages ``where`` (a condition of this module, on one parameter) selects.

    They come as one string, not a row each: for the 634,589 passages holding 社区 at 100,000
    documents, 0.14 s instead of 0.38 s.
    """
    if not value:
        return np.empty(0, np.int64)
    (joined,) = db.execute(f"SELECT group_concat(rowid) FROM passages WHERE {where}", (value,)).fetchone()
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, np.int64)


def _text_match(db: sqlite3.Connection, spans: _Spans, phrases: list[str]) -> _Text:
    """The passages ``phrases`` are found in, scored by BM25.

    A passage's score is the sum, over the phrases found in it, of the phrase's
    ``idf = ln(1 + (N - n + 0.5) / (n + 0.5))`` (``N`` passages, ``n`` of them holding the
    phrase) times ``(k1 + 1) / (1 + k1 · (1 - b + b · len / avglen))``: BM25 with a phrase
    counted once per passage (a passage is a sentence), its length in characters.
    """
    found = [rowids for rowids in _matches(db, phrases) if rowids.size]
    if not found:
        return _Text.none()
    total = spans.passages
    idf = [np.log1p((total - r.size + 0.5) / (r.size + 0.5)) for r in found]
    if len(found) == 1:  # FTS5 and a scan give each passage once, in rowid order (checked: the ties need it)
        rowids = found[0] if np.all(found[0][1:] > found[0][:-1]) else np.unique(found[0])
        weight = np.full(rowids.size, idf[0])
    else:
        rowids, inverse = np.unique(np.concatenate(found), return_inverse=True)
        weight = np.bincount(inverse, weights=np.repeat(idf, [r.size for r in found]))
    doc = spans.owner[rowids]
    length = spans.length[rowids].astype(np.float64)
    score = weight * (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / spans.mean))
    order = np.lexsort((-score, doc))  # stable: ties stay in rowid order
    return _Text(doc[order], rowids[order], score[order])


def _shared(db: sqlite3.Connection, spans: _Spans, entities: _Entities) -> dict[str, np.ndarray]:
    """Per kind the query has entities of, how many of them each document (position) has.

    At 100,000 documents a common mechanism's adopters are a fifth of them, and only the
    documents listed need the names (:func:`_shared_names`).
    """
    shared: dict[str, np.ndarray] = {}
    n = len(spans.docs)
    for kind in _SHARED:
        keys = sorted(entities.found[kind])
        if not keys:
            continue
        doc_ids: list[str] = []
        for chunk in (keys[i:i + 500] for i in range(0, len(keys), 500)):
            # (doc_id, kind, key) is the primary key: one row per entity a document has
            doc_ids += _doc_ids(db, f"FROM features WHERE kind = ? AND key IN ({', '.join('?' * len(chunk))})",
                                [kind, *chunk])
        shared[kind] = np.bincount(spans.positions(doc_ids), minlength=n)
    return shared


def _shared_names(db: sqlite3.Connection, entities: _Entities, doc_id: str) -> dict[str, dict[str, str]]:
    """Per kind, the query's entities the document ``doc_id`` has (key → label)."""
    names: dict[str, dict[str, str]] = {}
    for kind, key, label in db.execute("SELECT kind, key, label FROM features WHERE doc_id = ?", (doc_id,)):
        if key in entities.found.get(kind, {}):
            names.setdefault(kind, {})[key] = label or entities.found[kind][key]
    return names


def _neighbours(db: sqlite3.Connection, doc_id: str) -> str:
    """The documents linked to ``doc_id`` by a cited policy, its issuer or a proposal's mechanism."""
    rows = db.execute(  # CROSS JOIN keeps SQLite to this order: the document's own features first
        "SELECT d.doc, COUNT(*) AS links FROM features AS f1 CROSS JOIN features AS f2 "
        "ON f2.kind = f1.kind AND f2.key = f1.key AND f2.doc_id <> f1.doc_id "
        "CROSS JOIN documents AS d ON d.doc_id = f2.doc_id "
        "WHERE f1.doc_id = ? AND f1.kind IN ('policy', 'issuer', 'proposal_mechanism') "
        "GROUP BY f2.doc_id ORDER BY links DESC, d.doc LIMIT ?", (doc_id, MAX_NEIGHBOURS))
    return ";".join(doc for doc, _ in rows)


def _why(shared: dict[str, dict[str, str]], marked: list[str]) -> str:
    """``mechanisms: 大党委; policies: …; places: …; text: …``: names joined with ``, ``."""
    parts = [f"{_PLURAL[kind]}: {', '.join(sorted(set(shared[kind].values())))}" for kind in _SHARED if shared.get(kind)]
    words = sorted({m for p in marked for m in re.findall(r"【(.*?)】", p)})
    if words:
        parts.append(f"text: {', '.join(words[:5])}")
    return "; ".join(parts)


def find_precedents(graph_dir: str | Path, query: str | None = None, *, file: str | Path | None = None,
                    place: str | None = None, issuer: str | None = None, since: str | None = None,
                    until: str | None = None, kind: str | None = None, limit: int = 20) -> pd.DataFrame:
    """The documents of the graph that are precedents for ``query`` or the draft ``file``, best first.

    Parameters
    ----------
    graph_dir : a folder ``kg build`` wrote (it holds ``precedents.sqlite``)
    query : words, a mechanism, a policy title, a place … (at most 1,000 characters)
    file : a draft document (.txt, .html, .pdf, .docx) whose entities and names are the query
    place : only documents mentioning this place or a place within it (full or short name)
    issuer : only documents whose issuer's name contains this
    since, until : only documents published in or after / in or before ``YYYY[-MM[-DD]]``
    kind : only documents of this kind (答复, 复函, 协办意见, 综述 …)
    limit : at most this many rows

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PRECEDENT_COLUMNS`, one row per document; empty when nothing matches.

    Raises
    ------
    QueryError
        No query and no file, a query too long, a malformed date, an unknown kind or place.
    StoreError
        The folder has no precedent index.

    Examples
    --------
    >>> import tempfile
    >>> find_precedents(tempfile.mkdtemp(), "")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: give a query (words, a mechanism, a policy title) or a draft file
    """
    if not (query or "").strip() and file is None:
        raise QueryError("give a query (words, a mechanism, a policy title) or a draft file")
    if query is not None and len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}; "
                         "give a long text as a file (--file)")
    if not isinstance(limit, int) or limit < 1:
        raise QueryError(f"limit must be a positive whole number, not {limit!r}")
    folder = Path(graph_dir)
    db = _open(folder)
    try:
        version = _version(folder)
        spans = _spans(*version)
        entities = _entities(_names(*version), query, file)
        allowed = _allowed(db, folder, version, place=place, issuer=issuer, since=since, until=until, kind=kind)
        text = _text_match(db, spans, entities.phrases)
        shared = _shared(db, spans, entities)
        n = len(spans.docs)
        raw = text.totals(n)
        candidate = raw > 0
        for counts in shared.values():
            candidate |= counts > 0
        if allowed is not None:
            let_through = np.zeros(n, dtype=bool)
            let_through[spans.positions(allowed)] = True
            candidate &= let_through
        docs = np.flatnonzero(candidate)
        best = raw[docs].max(initial=0.0) or 1.0
        scores = WEIGHTS["text"] * raw[docs] / best
        for shared_kind, counts in shared.items():
            scores += WEIGHTS[shared_kind] * counts[docs] / len(entities.found[shared_kind])
        return _rows(db, spans, docs, np.round(scores, 4), text, entities, limit)
    finally:
        db.close()


def _rows(db: sqlite3.Connection, spans: _Spans, docs: np.ndarray, scores: np.ndarray, text: _Text,
          entities: _Entities, limit: int) -> pd.DataFrame:
    """The answer: of the documents (positions) ``docs`` scoring ``scores``, the ``limit`` best,
    with their passages, reasons and neighbours."""
    if not docs.size:
        return pd.DataFrame(columns=PRECEDENT_COLUMNS)
    # Ties go by file name, so only the documents scoring at least the limit-th best score need
    # theirs: at 100,000 documents a mechanism's every adopter is a candidate.
    cut = np.partition(scores, -limit)[-limit] if scores.size > limit else scores.min()
    keep = scores >= cut
    score_of = {spans.docs[at]: (at, float(score)) for at, score in zip(docs[keep].tolist(), scores[keep].tolist())}
    top = list(score_of)
    meta = {row[0]: row for row in db.execute(
        f"SELECT doc_id, doc, title, issuer, published, kind FROM documents WHERE doc_id IN "
        f"({', '.join('?' * len(top))})", top)} if len(top) <= 900 else {
        row[0]: row for row in db.execute("SELECT doc_id, doc, title, issuer, published, kind FROM documents")}
    ranked = sorted(top, key=lambda doc: (-score_of[doc][1], meta[doc][1], doc))[:limit]
    rows = []
    for doc_id in ranked:
        best = text.best(score_of[doc_id][0])
        found = {r[0]: r[1:] for r in db.execute(
            f"SELECT rowid, text, start, end FROM passages WHERE rowid IN ({', '.join('?' * len(best))})", best)}
        marked = [highlight(found[r][0], entities.phrases) for r in best]
        _, doc, title, issuer, published, kind = meta[doc_id]
        rows.append({"doc": doc, "doc_id": doc_id, "title": title, "issuer": issuer, "published": published,
                     "kind": kind, "score": score_of[doc_id][1],
                     "why": _why(_shared_names(db, entities, doc_id), marked),
                     "passages": " … ".join(marked), "offsets": ";".join(f"{found[r][1]}-{found[r][2]}" for r in best),
                     "neighbours": _neighbours(db, doc_id)})
    return pd.DataFrame(rows, columns=PRECEDENT_COLUMNS)
