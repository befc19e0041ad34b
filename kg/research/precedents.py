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
its passage-final form in the ``tail`` column), so it is found through the index and
ranked by BM25 like the others; beside a longer phrase it is left out. A query of
one-character words only is matched by a scan (``LIKE``), each match scoring 1.

**The ranking.** For a document ``d`` and the query's mechanisms ``Mq``, policies ``Pq``
and places ``Lq``::

    score(d) = 1.00 · |Mq ∩ Md| / |Mq|  +  0.30 · |Pq ∩ Pd| / |Pq|  +  0.15 · |Lq ∩ Ld| / |Lq|
             + 0.25 · T(d) / max T

where ``Md`` are the (canonical) mechanisms adopted in ``d``, ``Pd`` the policies it cites,
``Ld`` the places it mentions (a fraction is 0 when the query has none of that kind), and
``T(d)`` is the sum of ``-bm25()`` of its three best passages (FTS5's BM25; ``max T`` is the
best document's). The mechanism term outweighs all the others together, so a document
adopting every mechanism of the query ranks above any that adopts none; ties go by file name.

**Passages** are the one to three best matching sentences, the matches in 【…】, joined
with `` … ``; ``offsets`` gives each one's ``start-end`` in ``documents/<doc_id>.txt``
(without the markers, ``text[start:end]`` is the passage). **Neighbours** are the
documents (file names, most links first, at most ten) citing a policy it cites, from its
issuer, or answering a proposal on a mechanism its proposal is on.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kg.errors import QueryError, StoreError
from kg.research.precedent_index import (
    INDEX_VERSION,
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
    query_terms,
)
from kg.thesaurus import norm_label

__all__ = ["MAX_NEIGHBOURS", "PRECEDENT_COLUMNS", "WEIGHTS", "find_precedents", "write_precedent_index"]

#: The columns of :func:`find_precedents`' answer.
PRECEDENT_COLUMNS = ["doc", "doc_id", "title", "issuer", "published", "kind", "score", "why", "passages",
                     "offsets", "neighbours"]
#: The weights of the ranking formula (see the module docstring).
WEIGHTS = {"mechanism": 1.0, "policy": 0.3, "place": 0.15, "text": 0.25}
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


@lru_cache(maxsize=8)
def _names(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, str, str, str], ...]:
    """``(kind, key, label, norm)`` rows of the index's ``labels`` table, read once per version of the file."""
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return tuple(db.execute("SELECT kind, key, label, norm FROM labels"))
    finally:
        db.close()


def _names_of(graph_dir: Path) -> tuple[tuple[str, str, str, str], ...]:
    stat = (graph_dir / PRECEDENT_FILE).stat()
    return _names(str(graph_dir / PRECEDENT_FILE), stat.st_mtime_ns, stat.st_size)


def _text_entities(names: tuple[tuple[str, str, str, str], ...], query: str, into: _Entities) -> None:
    """Add the mechanisms, policies and places named in ``query`` (longest names first)."""
    wanted = norm_label(query)
    hits = []
    for kind, key, label, norm in names:
        if len(norm) >= 2 and norm in wanted:
            start = wanted.find(norm)
            while start >= 0:
                hits.append((start, start + len(norm), kind, key, label))
                start = wanted.find(norm, start + 1)
    taken: list[tuple[int, int]] = []
    for start, end, kind, key, label in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(end <= s or start >= e for s, e in taken) or (start, end) in taken:
            taken.append((start, end))
            into.found[kind].setdefault(key, label)
    if not into.found["mechanism"] and len(wanted) >= 4:
        for kind, key, label, norm in names:
            if kind in ("mechanism", "policy") and wanted in norm:
                into.found[kind].setdefault(key, label)
    into.phrases.extend(query_terms(query))


def _file_entities(names: tuple[tuple[str, str, str, str], ...], file: Path, into: _Entities) -> None:
    """Add the mechanisms, policies and places the extractors find in the draft ``file``."""
    from kg.extract.mechanisms import find_mechanisms
    from kg.pipeline import extract_document
    from kg.thesaurus import GKM_NS, load_thesaurus
    from kg.vocab import place_iri, policy_iri
    from loaders import load_document

    th = load_thesaurus()
    document = load_document(file)
    extraction = extract_document(document, thesaurus=th)
    by_norm: dict[tuple[str, str], str] = {(kind, norm): key for kind, key, _, norm in names}
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


def _allowed(db: sqlite3.Connection, graph_dir: Path, *, place: str | None, issuer: str | None,
             since: str | None, until: str | None, kind: str | None) -> set[str] | None:
    """The documents the filters let through, or ``None`` when no filter is given."""
    clauses: list[str] = []
    params: list[object] = []
    if issuer:
        clauses.append("instr(issuer, ?) > 0")
        params.append(issuer)
    if kind:
        kinds = sorted(k for (k,) in db.execute("SELECT DISTINCT kind FROM documents") if k)
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
        keys = _place_keys(db, place)
        if not keys:
            raise QueryError(f"no place named {place!r} in the graph of {graph_dir}; give a place's full name "
                             "or a short form the gazetteer knows (银川, 红河州)")
        clauses.append(f"doc_id IN (SELECT doc_id FROM features WHERE kind = 'area' AND key IN "
                       f"({', '.join('?' * len(keys))}))")
        params.extend(keys)
    if not clauses:
        return None
    sql = "SELECT doc_id FROM documents WHERE " + " AND ".join(clauses)
    return {doc_id for (doc_id,) in db.execute(sql, params)}


def _place_keys(db: sqlite3.Connection, name: str) -> list[str]:
    """The places a ``--place`` name stands for: by label, else by the gazetteer's full name."""
    query = "SELECT DISTINCT key FROM labels WHERE kind = 'place' AND label = ?"
    keys = [key for (key,) in db.execute(query, (name,))]
    if not keys:
        from kg.queries import place_name

        keys = [key for (key,) in db.execute(query, (place_name(name),))]
    return keys


def _pair_tokens(db: sqlite3.Connection, phrases: list[str]) -> list[str]:
    """The index's tokens that begin with a two-character phrase: the trigrams of its every
    occurrence, and the phrase and :data:`~kg.research.precedent_index.TAIL_END` where it ends a
    passage (its ``tail`` column). Every occurrence of the pair is in one of them. The first
    :data:`~kg.research.precedent_text.MAX_PHRASES` pairs are looked for, as phrases are."""
    pairs = list(dict.fromkeys(p.strip().lower() for p in phrases if len(p.strip()) == 2))  # the tokenizer folds case
    pairs = pairs[:MAX_PHRASES]
    if not pairs:
        return []
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_terms USING fts5vocab(main, passages, 'row')")
    tokens: list[str] = []
    for pair in pairs:  # a range of the vocabulary: every token from the pair on, below its last continuation
        tokens.extend(term for (term,) in db.execute(
            "SELECT term FROM temp.passage_terms WHERE term >= ? AND term < ?", (pair, pair + "\U0010ffff")))
    return tokens


def _text_scores(db: sqlite3.Connection, phrases: list[str]) -> dict[str, list[tuple[float, int]]]:
    """Per document, its matching passages as ``(score, rowid)``, best first."""
    found: dict[str, list[tuple[float, int]]] = defaultdict(list)
    # Beside a longer phrase, two-character ones are left out: a common one (社区) is in a quarter
    # of all passages, and at 100,000 documents scoring them all took a query with filters 0.38 → 3.2 s.
    expression = fts_expression(phrases) or " OR ".join(fts_phrase(token) for token in _pair_tokens(db, phrases))
    if expression:
        rows = db.execute("SELECT rowid, doc_id, bm25(passages) FROM passages WHERE passages MATCH ?",
                          (expression,))
        for rowid, doc_id, rank in rows:
            found[doc_id].append((-rank, rowid))
    else:  # only one-character words (a two-character one without a token occurs nowhere): LIKE, scanning
        for term in (p for p in phrases if len(p.strip()) == 1):
            for rowid, doc_id in db.execute("SELECT rowid, doc_id FROM passages WHERE text LIKE ? ESCAPE '\\'",
                                            (like_pattern(term),)):
                found[doc_id].append((1.0, rowid))
    for matches in found.values():
        matches.sort(key=lambda m: (-m[0], m[1]))
    return found


def _shared(db: sqlite3.Connection, entities: _Entities) -> dict[str, dict[str, int]]:
    """Per document, per kind it shares any of, how many of the query's entities of that kind it has.

    Counted by SQLite: at 100,000 documents a common mechanism's adopters are a fifth of them,
    and only the documents listed need the names (:func:`_shared_names`).
    """
    shared: dict[str, dict[str, int]] = {}
    for kind in _SHARED:
        keys = sorted(entities.found[kind])
        for chunk in (keys[i:i + 500] for i in range(0, len(keys), 500)):
            sql = (f"SELECT doc_id, COUNT(*) FROM features WHERE kind = ? AND key IN ({', '.join('?' * len(chunk))}) "
                   "GROUP BY doc_id")  # (doc_id, kind, key) is the primary key: one row per entity
            for doc_id, count in db.execute(sql, (kind, *chunk)):
                counts = shared.setdefault(doc_id, {})
                counts[kind] = counts.get(kind, 0) + count
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
        names = _names_of(folder)
        entities = _Entities()
        if query:
            _text_entities(names, query, entities)
        if file is not None:
            _file_entities(names, Path(file), entities)
        labels: dict[str, list[str]] = {key: [] for key in entities.found["mechanism"]}  # every name of a query mechanism is looked for
        for name_kind, key, label, _ in names:
            if name_kind == "mechanism" and key in labels:
                labels[key].append(label)
        entities.phrases += [label for found in labels.values() for label in found]
        entities.phrases += list(entities.found["policy"].values())
        allowed = _allowed(db, folder, place=place, issuer=issuer, since=since, until=until, kind=kind)
        text = _text_scores(db, entities.phrases)
        shared = _shared(db, entities)
        candidates = set(text) | set(shared)
        if allowed is not None:
            candidates &= allowed
        raw = {doc: sum(score for score, _ in text.get(doc, [])[:3]) for doc in candidates}
        best = max(raw.values(), default=0.0) or 1.0
        scores = {}
        for doc in candidates:
            score = WEIGHTS["text"] * raw[doc] / best
            has = shared.get(doc, {})
            for shared_kind in _SHARED:
                if entities.found[shared_kind]:
                    score += (WEIGHTS[shared_kind] * has.get(shared_kind, 0)
                              / len(entities.found[shared_kind]))
            scores[doc] = round(score, 4)
        return _rows(db, scores, text, entities, limit)
    finally:
        db.close()


def _rows(db: sqlite3.Connection, scores: dict[str, float], text: dict[str, list[tuple[float, int]]],
          entities: _Entities, limit: int) -> pd.DataFrame:
    """The answer: the ``limit`` best documents with their passages, reasons and neighbours."""
    if not scores:
        return pd.DataFrame(columns=PRECEDENT_COLUMNS)
    # Ties go by file name, so only the documents scoring at least the limit-th best score need
    # theirs: at 100,000 documents a mechanism's every adopter is a candidate.
    cut = heapq.nlargest(limit, scores.values())[-1]
    top = [doc for doc, score in scores.items() if score >= cut]
    meta = {row[0]: row for row in db.execute(
        f"SELECT doc_id, doc, title, issuer, published, kind FROM documents WHERE doc_id IN "
        f"({', '.join('?' * len(top))})", top)} if len(top) <= 900 else {
        row[0]: row for row in db.execute("SELECT doc_id, doc, title, issuer, published, kind FROM documents")}
    ranked = sorted(top, key=lambda doc: (-scores[doc], meta[doc][1], doc))[:limit]
    rows = []
    for doc_id in ranked:
        best = [rowid for _, rowid in text.get(doc_id, [])[:3]]
        found = {r[0]: r[1:] for r in db.execute(
            f"SELECT rowid, text, start, end FROM passages WHERE rowid IN ({', '.join('?' * len(best))})", best)}
        marked = [highlight(found[r][0], entities.phrases) for r in best]
        _, doc, title, issuer, published, kind = meta[doc_id]
        rows.append({"doc": doc, "doc_id": doc_id, "title": title, "issuer": issuer, "published": published,
                     "kind": kind, "score": scores[doc_id], "why": _why(_shared_names(db, entities, doc_id), marked),
                     "passages": " … ".join(marked), "offsets": ";".join(f"{found[r][1]}-{found[r][2]}" for r in best),
                     "neighbours": _neighbours(db, doc_id)})
    return pd.DataFrame(rows, columns=PRECEDENT_COLUMNS)
