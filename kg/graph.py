"""The in-memory property graph every store is written from.

:func:`build_graph` turns :class:`~kg.records.Extraction` records into a
:class:`PropertyGraph`: one pandas DataFrame per node label and one per relationship
type. The stores (LadybugDB, networkx, later Neo4j) only ever see these tables, so
they all hold the same nodes and edges. Each node's ``id`` is the IRI :mod:`kg.rdf`
gives the same entity, and its ``label`` the name a person reads; names are chosen as
:mod:`kg.rdf` chooses them (the most frequent, ties by sort order).

A fact whose evidence span is missing or empty is skipped and counted in
:attr:`PropertyGraph.skipped`; a span that does not slice its document's text raises
:class:`~kg.errors.SpanError`, as in :mod:`kg.rdf`. Rows are sorted, so the same
records (in any order) give the same tables.

There is no ``RUNS`` (Agency → Program) relationship: a Program record names its place, not who runs it.

Examples
--------
>>> from kg.records import Document, DocumentMeta, Extraction
>>> from kg.thesaurus import load_thesaurus
>>> doc = Document(doc_id="d1", source="a.txt", path="a.txt", format="txt", encoding="utf-8",
...                text="全市推行“三社联动”。")
>>> pg = build_graph([Extraction(document=doc, meta=DocumentMeta(title="答复"), place=None)],
...                  thesaurus=load_thesaurus())
>>> pg.nodes["Document"][["id", "label"]].to_dict("records")
[{'id': 'https://w3id.org/govkg/id/doc/d1', 'label': '答复'}]
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from rdflib import URIRef

from kg.errors import SpanError
from kg.export import format_value
from kg.records import STATUS_RANK, Document, Extraction, Place, Span, fuller
from kg.tally import add_count, merge_by_doc, merge_counts
from kg.thesaurus import Thesaurus, norm_label
from kg.vocab import (
    adoption_iri,
    agency_iri,
    candidate_iri,
    doc_node,
    mechanism_iri,
    observation_iri,
    place_id,
    place_iri,
    policy_iri,
    program_iri,
    proposal_iri,
)

__all__ = ["PropertyGraph", "GraphBuilder", "GraphChange", "GraphState", "build_graph", "graph_change", "own_rows",
           "without_documents",
           "NODE_COLUMNS", "EDGE_COLUMNS", "EDGE_KEYS", "ENDPOINTS", "OWN_TABLES"]

_Row = dict[str, object]
_Tuple = tuple[object, ...]
#: Node labels whose rows are the same whichever document names the node.
_SHARED_ROWS = ("Agency", "Policy", "Program", "Mechanism")
_S, _I, _F, _B = "object", "Int64", "float64", "bool"
_SENTENCE = {"sentence": _S, "sentence_start": _I, "sentence_end": _I}
_MENTION = {"mention_start": _I, "mention_end": _I}
#: Node label → column → pandas dtype (strings are ``object`` holding ``str`` or ``None``).
NODE_COLUMNS: dict[str, dict[str, str]] = {
    "Document": {"id": _S, "label": _S, "doc_id": _S, "source": _S, "title": _S, "doc_type": _S,
                 "issuer": _S, "published": _S, "signed": _S, "signed_raw": _S, "signed_uncertain": _B,
                 "index_no": _S, "doc_no": _S, "format": _S, "chars": _I},
    "Agency": {"id": _S, "label": _S, "alt_labels": _S, "key": _S, "classification": _S},
    "Place": {"id": _S, "label": _S, "alt_labels": _S, "key": _S, "code": _S, "level": _S},
    "Mechanism": {"id": _S, "label": _S, "alt_labels": _S, "local_form": _B, "canonical_id": _S,
                  "candidate": _B, "definition": _S, "cue": _S},
    "Policy": {"id": _S, "label": _S, "title": _S, "year": _I},
    "Program": {"id": _S, "label": _S},
    "Proposal": {"id": _S, "label": _S, "body": _S, "level": _S, "term": _I, "session": _I, "number": _I,
                 "proposal_kind": _S, "title": _S, "proposers": _S, "handlers": _S},
    "Observation": {"id": _S, "label": _S, "indicator": _S, "value": _F, "unit": _S, "date": _S,
                    "qualifier": _S, "doc_id": _S, **_SENTENCE, **_MENTION},
}
_ENDS = {"src": _S, "dst": _S}
#: Relationship type → column → pandas dtype; ``src`` and ``dst`` are node ids.
EDGE_COLUMNS: dict[str, dict[str, str]] = {
    "ISSUED_BY": {**_ENDS, **_MENTION},
    "RESPONDS_TO": {**_ENDS, **_SENTENCE},
    "HANDLED_BY": {**_ENDS, "role": _S, "doc_id": _S},
    "MENTIONS": {**_ENDS, "count": _I, **_MENTION},
    "ADOPTED": {**_ENDS, "id": _S, "doc_id": _S, "surface": _S, "status": _S, "year": _I, **_SENTENCE, **_MENTION},
    "CITES": {**_ENDS, **_SENTENCE, **_MENTION},
    **{kind: dict(_ENDS) for kind in ("WITHIN", "BROADER", "MEASURED", "JURISDICTION")},  # no properties
}
#: Relationship type → the (source label, target label) pairs it may join.
ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ISSUED_BY": (("Document", "Agency"),),
    "RESPONDS_TO": (("Document", "Proposal"),),
    "HANDLED_BY": (("Proposal", "Agency"),),
    "MENTIONS": tuple(("Document", t) for t in ("Place", "Agency", "Mechanism", "Policy", "Program")),
    "ADOPTED": (("Place", "Mechanism"),),
    "CITES": (("Document", "Policy"),),
    "WITHIN": (("Place", "Place"),),
    "BROADER": (("Mechanism", "Mechanism"),),
    "MEASURED": (("Observation", "Place"),),
    "JURISDICTION": tuple((s, "Place") for s in ("Document", "Agency", "Policy", "Program")),
}
#: Relationship type → the columns that, with ``src`` and ``dst``, identify one edge; an edge of
#: another type is one per (``src``, ``dst``). Repeats are merged (first evidence, summed count).
EDGE_KEYS: dict[str, tuple[str, ...]] = {"ADOPTED": ("id",), "HANDLED_BY": ("role", "doc_id")}


@dataclass(frozen=True)
class PropertyGraph:
    """Nodes and edges as DataFrames: ``nodes[label]`` and ``edges[type]``.

    Attributes
    ----------
    nodes : one table per node label, columns :data:`NODE_COLUMNS`, sorted by ``id``
    edges : one table per relationship type, columns :data:`EDGE_COLUMNS`, sorted
    skipped : facts left out and why (``"Adoption: no evidence"`` → how many)
    """

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    skipped: dict[str, int]

    def labels(self) -> dict[str, str]:
        """Every node id → its node label (``Place``, ``Mechanism`` …)."""
        return {node_id: label for label, table in self.nodes.items() for node_id in table["id"]}

    def counts(self) -> dict[str, int]:
        """Rows per node label and per relationship type."""
        return {name: len(table) for name, table in (*self.nodes.items(), *self.edges.items())}


def _pick(counts: Counter[str]) -> tuple[str, str]:
    """The most frequent value (ties by sort order, as :mod:`kg.rdf` picks) and the others, ``|``-joined."""
    first = min(counts, key=lambda value: (-counts[value], value))
    return first, "|".join(sorted(set(counts) - {first}))


#: Relationship type → column → its place in a row (rows of edges are tuples in column order).
_AT: dict[str, dict[str, int]] = {kind: {c: i for i, c in enumerate(cols)} for kind, cols in EDGE_COLUMNS.items()}
#: Relationship type → its columns after ``src`` and ``dst``.
_PROPS: dict[str, tuple[str, ...]] = {kind: tuple(cols)[2:] for kind, cols in EDGE_COLUMNS.items()}


def _frame(rows: Iterable[_Row | _Tuple], columns: dict[str, str], keys: Sequence[str],
           base: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table of ``rows`` and the rows of ``base``, sorted by ``keys`` (which no two rows share)."""
    table = pd.DataFrame.from_records(list(rows), columns=list(columns)).astype(columns)  # type: ignore[arg-type]
    if base is not None and len(base):
        table = pd.concat([base, table], ignore_index=True) if len(table) else base
    return table.sort_values(list(keys), kind="stable").reset_index(drop=True)


#: The tables whose rows each belong to one document, and the column that names it: ``doc_id``
#: holds its ``doc_id``; ``src`` its Document node (its Observation node, for MEASURED). Of
#: JURISDICTION, only the rows from a Document. Every other row is made from :class:`GraphState`.
OWN_TABLES: dict[str, str] = {
    "Document": "doc_id", "Observation": "doc_id", "HANDLED_BY": "doc_id", "ADOPTED": "doc_id",
    **{kind: "src" for kind in ("ISSUED_BY", "RESPONDS_TO", "MENTIONS", "CITES", "MEASURED", "JURISDICTION")}}
_DOC_PREFIX = doc_node("")


def own_rows(graph: PropertyGraph) -> dict[str, pd.DataFrame]:
    """The rows of ``graph`` that each belong to one document (:data:`OWN_TABLES`), by table:
    what :meth:`GraphBuilder.finish` takes as ``base`` to make the graph again without
    reading those documents."""
    own = {kind: graph.nodes[kind] if kind in graph.nodes else graph.edges[kind] for kind in OWN_TABLES}
    places = own["JURISDICTION"]
    own["JURISDICTION"] = places[places["src"].str.startswith(_DOC_PREFIX)].reset_index(drop=True)
    return own


def without_documents(own: dict[str, pd.DataFrame], doc_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
    """``own`` (as :func:`own_rows` gives it) without the rows of ``doc_ids``."""
    owned = _owned(own, doc_ids)
    return {kind: own[kind][~mask].reset_index(drop=True) if mask.any() else own[kind]
            for kind, mask in owned.items()}


def _owned(tables: dict[str, pd.DataFrame], doc_ids: Iterable[str]) -> dict[str, pd.Series]:
    """Of each table in :data:`OWN_TABLES`, which rows belong to ``doc_ids`` (a boolean mask)."""
    docs = set(doc_ids)
    nodes = {doc_node(d) for d in docs}
    observations = tables["Observation"]
    nodes.update(observations.loc[observations["doc_id"].isin(docs), "id"])
    return {kind: tables[kind][column].isin(docs if column == "doc_id" else nodes)
            for kind, column in OWN_TABLES.items()}


@dataclass(frozen=True)
class GraphChange:
    """How a new property graph differs from an old one, table by table (node labels and
    relationship types): ``stale`` holds the old graph's rows the new one lacks, ``fresh``
    the new graph's rows the old one lacks. A row that changed is in both (under the same
    ``id``, or the same ``src``, ``dst`` and :data:`EDGE_KEYS`)."""

    stale: dict[str, pd.DataFrame]
    fresh: dict[str, pd.DataFrame]


def graph_change(old: PropertyGraph, new: PropertyGraph, documents: Iterable[str] | None = None) -> GraphChange:
    """How ``new`` differs from ``old``.

    Rows are compared by a hash of all their values. ``documents``, when given, are the
    only documents whose own rows (:data:`OWN_TABLES`) may differ, those that came or
    went: an incremental build knows them, and their rows are taken without comparing
    every row (JURISDICTION, whose rows are not all a document's own, is compared whole).

    Examples
    --------
    >>> from kg.thesaurus import load_thesaurus
    >>> pg = build_graph([], thesaurus=load_thesaurus())
    >>> change = graph_change(pg, pg)
    >>> sum(len(t) for t in (*change.stale.values(), *change.fresh.values()))
    0
    """
    old_tables, new_tables = {**old.nodes, **old.edges}, {**new.nodes, **new.edges}
    stale, fresh = {}, {}
    if documents is not None:
        docs = set(documents)
        owned_old, owned_new = _owned(old_tables, docs), _owned(new_tables, docs)
    for kind, table in new_tables.items():
        if documents is not None and kind in OWN_TABLES and kind != "JURISDICTION":
            stale[kind], fresh[kind] = old_tables[kind][owned_old[kind]], table[owned_new[kind]]
        else:
            stale[kind], fresh[kind] = _differing(old_tables[kind], table)
    return GraphChange(stale, fresh)


def _differing(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``old`` that ``new`` lacks, and those of ``new`` that ``old`` lacks."""
    if old.empty or new.empty:
        return old, new
    before = pd.util.hash_pandas_object(old, index=False)
    after = pd.util.hash_pandas_object(new, index=False)
    return old[~before.isin(after).to_numpy()], new[~after.isin(before).to_numpy()]


@dataclass(slots=True)
class GraphState:
    """What documents say of the nodes several of them may name, kept as counts.

    One document's share (what :meth:`GraphBuilder.add` put in) can be taken out again
    with :meth:`merge` and ``sign=-1``, leaving the state as if it had never been added:
    an incremental build changes the last build's state by the documents that came and
    went instead of reading every document again.
    """

    names: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # node → name → times
    kinds: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # agency → kind → times
    cues: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # candidate → cue → times
    places: defaultdict[str, Counter[Place]] = field(default_factory=lambda: defaultdict(Counter))  # node → readings
    #: label → node → row, of the nodes whose rows are the same whoever names them (Agency,
    #: Policy, Program, candidate Mechanism); ``refs`` counts what keeps each alive.
    rows: dict[str, dict[str, _Row]] = field(default_factory=lambda: {k: {} for k in _SHARED_ROWS})
    refs: Counter[str] = field(default_factory=Counter)
    years: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))  # policy → years
    links: Counter[tuple[str, str]] = field(default_factory=Counter)  # JURISDICTION of a shared node → times
    proposals: defaultdict[str, dict[str, _Row]] = field(default_factory=lambda: defaultdict(dict))  # → doc_id → row
    definitions: defaultdict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # → doc_id → text
    skipped: Counter[str] = field(default_factory=Counter)

    def merge(self, other: GraphState, sign: int = 1) -> None:
        """Add what ``other`` holds (``sign=1``), or take it out (``sign=-1``).

        Raises
        ------
        ValueError
            ``sign=-1`` and ``other`` holds more of something than this state does.
        """
        for mine, theirs in ((self.names, other.names), (self.kinds, other.kinds), (self.cues, other.cues),
                             (self.places, other.places), (self.years, other.years)):
            merge_counts(mine, theirs, sign)  # type: ignore[arg-type]
        for label, rows in other.rows.items():
            for node, row in rows.items():
                if add_count(self.refs, node, sign * other.refs[node]):
                    self.rows[label].setdefault(node, row)
                else:
                    del self.rows[label][node]
        for link, n in other.links.items():
            add_count(self.links, link, sign * n)
        merge_by_doc(self.proposals, other.proposals, sign)
        merge_by_doc(self.definitions, other.definitions, sign)
        for what, n in other.skipped.items():
            add_count(self.skipped, what, sign * n)


class GraphBuilder:
    """Collects rows; merges what several documents say about one node.

    Feed it one :class:`~kg.records.Extraction` at a time with :meth:`add`, each
    ``doc_id`` once, in any order; :meth:`finish` makes the tables. ``kg build`` streams
    documents through it; :func:`build_graph` does the same for a list.

    The rows that belong to one document (:data:`OWN_TABLES`) are kept here; what several
    documents may say of one node is kept in :attr:`state` (a :class:`GraphState`), which
    can outlive the builder: a builder made with the last build's ``state``, fed only the
    new documents and finished on the last graph's :func:`own_rows` (without those of the
    documents that went, whose share was taken out of ``state``), makes the same tables
    as one fed every document.
    """

    def __init__(self, thesaurus: Thesaurus, state: GraphState | None = None) -> None:
        self.th = thesaurus
        self.state = state if state is not None else GraphState()
        # Rows are tuples in column order: a dict per row took the builder to 0.60 GB at
        # 10,000 documents, tuples to 0.49 GB.
        self.rows: dict[str, dict[str, _Tuple]] = {"Document": {}, "Observation": {}}
        self.edges: dict[str, dict[_Tuple, _Tuple]] = {kind: {} for kind in EDGE_COLUMNS}

    @property
    def skipped(self) -> Counter[str]:
        """Facts left out and why, as :attr:`PropertyGraph.skipped` will hold them."""
        return self.state.skipped

    def edge(self, kind: str, src: str, dst: str, **props: object) -> None:
        """Add an edge; a repeat of the same edge adds its ``count`` and keeps the earliest mention."""
        key = (src, dst, *(props[k] for k in EDGE_KEYS.get(kind, ())))
        table = self.edges[kind]
        known = table.get(key)
        if known is None:
            table[key] = (src, dst, *(props[column] for column in _PROPS[kind]))
        elif "count" in props:  # a repeated mention: count it and keep the earliest offsets
            at, row = _AT[kind], list(known)
            row[at["count"]] = int(known[at["count"]]) + 1  # type: ignore[call-overload]
            if int(props["mention_start"]) < int(known[at["mention_start"]]):  # type: ignore[call-overload]
                for column in _MENTION:
                    row[at[column]] = props[column]
            table[key] = tuple(row)

    def check(self, doc: Document, span: Span, what: str) -> None:
        """Raise :class:`SpanError` unless ``span`` slices ``doc``'s text to its own text."""
        if span.doc_id != doc.doc_id or span.start < 0 or doc.text[span.start:span.end] != span.text:
            raise SpanError(f"{span.doc_id}[{span.start}:{span.end}] is {doc.text[span.start:span.end]!r} "
                            f"in {doc.doc_id}, not {span.text!r} ({what})")

    def evidence(self, doc: Document, span: Span | None, mention: Span | None, what: str) -> _Row | None:
        """The evidence columns of a fact, or ``None`` (counted) when it has no evidence."""
        if span is None or span.start == span.end:
            self.state.skipped[f"{what}: no evidence"] += 1
            return None
        for part in (span, mention):
            if part is not None:
                self.check(doc, part, what)
        if mention is not None and not span.start <= mention.start <= mention.end <= span.end:
            mention = None  # kg.rdf drops the offsets of a mention outside its sentence too
        return {"sentence": span.text, "sentence_start": span.start, "sentence_end": span.end,
                "mention_start": mention and mention.start, "mention_end": mention and mention.end}

    def place(self, place: Place) -> str:
        st = self.state
        for ancestor in place.lineage():
            node = place_id(ancestor)
            st.places[node][ancestor] += 1  # the fullest reading wins when the tables are made
            st.names[node][ancestor.name] += 1
        return place_id(place)

    def jurisdiction(self, node: str, place: Place | None, *, own: bool = False) -> None:
        """``node`` lies in ``place``: a Document's edge (``own``), or a shared node's, counted."""
        if place is None:
            return
        if own:
            self.edge("JURISDICTION", node, self.place(place))
        else:
            self.state.links[(node, self.place(place))] += 1

    def shared(self, label: str, node: str, row: _Row) -> _Row:
        """The row of a node several documents may name, kept alive by this mention."""
        self.state.refs[node] += 1
        return self.state.rows[label].setdefault(node, row)

    def mention(self, doc: Document, node: str, span: Span) -> None:
        self.check(doc, span, "mention")
        self.edge("MENTIONS", doc_node(doc.doc_id), node, count=1,
                  mention_start=span.start, mention_end=span.end)

    def add(self, ex: Extraction) -> None:
        """Add one document and every fact extracted from it that has evidence."""
        doc, meta = ex.document, ex.meta
        d = doc_node(doc.doc_id)
        self.rows["Document"][d] = (  # the order of NODE_COLUMNS["Document"]
            d, meta.title or doc.source, doc.doc_id, doc.source, meta.title, meta.kind, meta.issuer,
            meta.published, meta.signed, meta.signed_raw, meta.signed_uncertain, meta.index_no, meta.doc_no,
            doc.format, len(doc.text))
        self.jurisdiction(d, ex.place, own=True)
        places = {place.key: self.place(place) for place in ex.places}
        for key, span in ex.place_mentions:
            if key in places and span.start < span.end:
                self.mention(doc, places[key], span)
            else:
                self.state.skipped["MENTIONS Place: no mention of a listed place"] += 1
        agencies = self.agencies(ex)
        if meta.issuer and meta.issuer in agencies:
            node, stated = agencies[meta.issuer], dict(meta.spans).get("issuer")
            if stated is not None and stated.start < stated.end:
                self.check(doc, stated, "issuer")
                self.edge("ISSUED_BY", d, node, mention_start=stated.start, mention_end=stated.end)
            else:  # the issuer's own mention in the text is the evidence
                first = self.edges["MENTIONS"][(d, node)]
                self.edge("ISSUED_BY", d, node, **{k: first[_AT["MENTIONS"][k]] for k in _MENTION})
        self.proposal(ex, d, agencies)
        for policy in ex.policies:
            if (ev := self.evidence(doc, policy.evidence, policy.mention, "Policy")) is not None:
                node = str(policy_iri(policy.title, policy.place))
                self.shared("Policy", node, {"id": node, "label": policy.title, "title": policy.title})
                if policy.year is not None:
                    self.state.years[node][policy.year] += 1  # the earliest wins
                self.jurisdiction(node, policy.place)
                self.edge("CITES", d, node, **ev)
                self.mention(doc, node, policy.mention)
        for program in ex.programs:
            if self.evidence(doc, program.evidence, program.mention, "Program") is not None:
                node = str(program_iri(program.name, program.place))
                self.shared("Program", node, {"id": node, "label": program.name})
                self.jurisdiction(node, program.place)
                self.mention(doc, node, program.mention)
        for cand in ex.candidates:
            if self.evidence(doc, cand.evidence, cand.mention, "Candidate") is not None:
                node = self.candidate(cand.label, cand.cue, cand.definition, doc.doc_id)
                self.mention(doc, node, cand.mention)
        self.metrics(ex)
        self.adoptions(ex)

    def agencies(self, ex: Extraction) -> dict[str, str]:
        """Add the document's agencies; return name or key → node id, for issuer and handlers."""
        doc, found, st = ex.document, {}, self.state
        for agency in ex.agencies:
            if self.evidence(doc, agency.evidence, agency.mention, "Agency") is None:
                continue
            node = str(agency_iri(agency.key))
            found[agency.name] = node
            found.setdefault(agency.key, node)
            st.names[node][agency.name] += 1
            st.kinds[node][agency.kind] += 1
            self.shared("Agency", node, {"id": node, "key": agency.key})
            self.jurisdiction(node, agency.place)
            self.mention(doc, node, agency.mention)
        return found

    def proposal(self, ex: Extraction, d: str, agencies: dict[str, str]) -> None:
        prop = ex.meta.responds_to
        if prop is None or (ev := self.evidence(ex.document, prop.evidence, None, "Proposal")) is None:
            return
        node = str(proposal_iri(body=prop.body, level=prop.level, term=prop.term, session=prop.session,
                                number=prop.number, kind=prop.kind, title=prop.title))
        number = f"第{prop.number}号" if prop.number is not None else ""
        self.state.proposals[node].setdefault(ex.document.doc_id, {  # the smallest doc_id describes it
            "id": node, "label": prop.title or f"{prop.level or ''}{prop.body or ''}{number}{prop.kind or ''}",
            "body": prop.body, "level": prop.level, "term": prop.term, "session": prop.session,
            "number": prop.number, "proposal_kind": prop.kind, "title": prop.title,
            "proposers": "|".join(prop.proposers), "handlers": "|".join(prop.handlers)})
        self.edge("RESPONDS_TO", d, node, **{k: ev[k] for k in _SENTENCE})
        for i, handler in enumerate(prop.handlers):
            if handler in agencies:
                self.edge("HANDLED_BY", node, agencies[handler], role="lead" if i == 0 else "co",
                          doc_id=ex.document.doc_id)
            else:
                self.state.skipped["HANDLED_BY: the handler is not among the document's agencies"] += 1

    def candidate(self, label: str, cue: str | None = None, definition: str | None = None,
                  doc_id: str = "") -> str:
        """One candidate node per normalised label: ``１＋２＋Ｘ`` and ``1+2+X`` are one."""
        node, st = str(candidate_iri(norm_label(label))), self.state
        st.names[node][label] += 1
        if cue:
            st.cues[node][cue] += 1
        self.shared("Mechanism", node, {"id": node, "local_form": False, "canonical_id": node, "candidate": True,
                                              "definition": None})
        if definition:  # the smallest doc_id's first definition wins
            st.definitions[node].setdefault(doc_id, definition)
        return node

    def metrics(self, ex: Extraction) -> None:
        doc = ex.document
        for m in ex.metrics:
            if (ev := self.evidence(doc, m.evidence, m.mention, "Observation")) is None:
                continue
            if not math.isfinite(m.value):
                self.state.skipped["Observation: the value is not a finite number"] += 1
                continue
            node = str(observation_iri(doc.doc_id, m.place, m.indicator, m.value, m.unit, m.date, m.qualifier))
            self.rows["Observation"].setdefault(node, (  # the order of NODE_COLUMNS["Observation"]
                node, f"{m.indicator} {m.qualifier or ''}{format_value(m.value)}{m.unit}", m.indicator,
                m.value, m.unit, m.date, m.qualifier, doc.doc_id, *(ev[k] for k in (*_SENTENCE, *_MENTION))))
            self.edge("MEASURED", node, self.place(m.place))

    def adoptions(self, ex: Extraction) -> None:
        """Add adoptions, merging repeats of one (place, mechanism, surface) in a document as
        :mod:`kg.rdf` does: the strongest status and the earliest year win; the first evidence is kept."""
        doc = ex.document
        merged: dict[str, _Row] = {}
        for a in ex.adoptions:
            if (ev := self.evidence(doc, a.evidence, a.mention, "Adoption")) is None:
                continue
            if a.candidate:
                mech = self.candidate(a.mechanism)
            elif a.concept in self.th.concepts:
                mech = str(mechanism_iri(a.concept))
            else:
                self.state.skipped["Adoption: the concept is not in the thesaurus"] += 1
                continue
            self.mention(doc, mech, a.mention)
            node = str(adoption_iri(doc.doc_id, a.place, URIRef(mech), a.surface))
            known = merged.setdefault(node, {"place": a.place, "dst": mech, "id": node, "doc_id": doc.doc_id,
                                             "surface": a.surface, "status": a.status, "year": a.year, **ev})
            years = [y for y in (known["year"], a.year) if y is not None]
            known["year"] = min(years) if years else None  # type: ignore[type-var]
            known["status"] = max(known["status"], a.status, key=STATUS_RANK.__getitem__)  # type: ignore[arg-type]
        for row in merged.values():
            self.edge("ADOPTED", self.place(row.pop("place")), **row)  # type: ignore[arg-type]

    def finish(self, base: dict[str, pd.DataFrame] | None = None) -> PropertyGraph:
        """Name the merged nodes, add the thesaurus and the place tree, and make the tables.

        ``base`` holds rows of documents not added to this builder (:func:`own_rows` of an
        earlier graph, :func:`without_documents` those that went), which join this
        builder's own. The builder is not changed: more documents may be added after."""
        st = self.state
        nodes: dict[str, dict[str, _Row | _Tuple]] = {label: {} for label in NODE_COLUMNS}
        nodes["Document"], nodes["Observation"] = self.rows["Document"], self.rows["Observation"]
        edges: dict[str, dict[_Tuple, _Tuple]] = {kind: dict(rows) for kind, rows in self.edges.items()}
        for node, readings in st.places.items():
            place = functools.reduce(fuller, readings)  # a node has at least one reading
            label, alt = _pick(st.names[node])
            nodes["Place"][node] = {"id": node, "label": label, "alt_labels": alt, "key": place.key,
                                    "code": place.code, "level": place.level}
            if place.parent is not None:
                up = str(place_iri(place.parent))
                edges["WITHIN"][(node, up)] = (node, up)
        for (node, place) in st.links:
            edges["JURISDICTION"][(node, place)] = (node, place)
        for label, column, values in (("Agency", "classification", st.kinds), ("Mechanism", "cue", st.cues)):
            for node, row in st.rows[label].items():  # mechanisms: only candidates so far
                label_, alt = _pick(st.names[node])
                seen = values.get(node)
                nodes[label][node] = {**row, "label": label_, "alt_labels": alt,
                                      column: _pick(seen)[0] if seen else None}
        for node, by_doc in st.definitions.items():
            nodes["Mechanism"][node]["definition"] = by_doc[min(by_doc)]  # type: ignore[index]
        for node, row in st.rows["Policy"].items():
            years = st.years.get(node)
            nodes["Policy"][node] = {**row, "year": min(years) if years else None}
        nodes["Program"] = st.rows["Program"]  # type: ignore[assignment]
        for node, by_doc in st.proposals.items():
            nodes["Proposal"][node] = by_doc[min(by_doc)]
        for concept in self.th.concepts.values():
            node = str(mechanism_iri(concept.id))
            canonical = str(mechanism_iri(self.th.canonical(concept.id)))
            nodes["Mechanism"][node] = {
                "id": node, "label": concept.label, "alt_labels": "|".join(concept.labels[1:]),
                "local_form": concept.local_form, "canonical_id": canonical, "candidate": False,
                "definition": concept.definition, "cue": None}
            if concept.broader in self.th.concepts:
                up = str(mechanism_iri(concept.broader))
                edges["BROADER"][(node, up)] = (node, up)
        base = base or {}
        tables = {label: _frame(rows.values(), NODE_COLUMNS[label], ["id"], base.get(label))
                  for label, rows in nodes.items()}
        tables.update({kind: _frame(rows.values(), EDGE_COLUMNS[kind], ["src", "dst", *EDGE_KEYS.get(kind, ())],
                                    base.get(kind)) for kind, rows in edges.items()})
        return PropertyGraph(nodes={label: tables[label] for label in NODE_COLUMNS},
                             edges={kind: tables[kind] for kind in EDGE_COLUMNS},
                             skipped=dict(sorted(st.skipped.items())))


def build_graph(extractions: Sequence[Extraction], *, thesaurus: Thesaurus) -> PropertyGraph:
    """Build the property graph of ``extractions``, thesaurus included.

    Parameters
    ----------
    extractions : what was extracted from each document; a repeated ``doc_id`` is counted
        in :attr:`PropertyGraph.skipped` and left out
    thesaurus : the mechanism thesaurus; every concept becomes a ``Mechanism`` node

    Returns
    -------
    PropertyGraph
        The same records, in any order, give equal tables.

    Raises
    ------
    SpanError
        An evidence or mention span does not slice its document's text to its own text.

    Examples
    --------
    >>> from kg.thesaurus import load_thesaurus
    >>> pg = build_graph([], thesaurus=load_thesaurus())
    >>> pg.counts()["Mechanism"] == len(load_thesaurus().concepts), pg.counts()["ADOPTED"]
    (True, 0)
    """
    builder = GraphBuilder(thesaurus)
    seen: set[str] = set()
    for ex in sorted(extractions, key=lambda e: e.document.doc_id):
        if ex.document.doc_id in seen:
            builder.skipped["Document: the same doc_id twice"] += 1
            continue
        seen.add(ex.document.doc_id)
        builder.add(ex)
    return builder.finish()
