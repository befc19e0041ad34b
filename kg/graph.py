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

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from rdflib import URIRef

from kg.errors import SpanError
from kg.export import format_value
from kg.records import STATUS_RANK, Document, Extraction, Place, Span
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

__all__ = ["PropertyGraph", "GraphBuilder", "build_graph", "NODE_COLUMNS", "EDGE_COLUMNS", "EDGE_KEYS", "ENDPOINTS"]

_Row = dict[str, object]
_Tuple = tuple[object, ...]
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


def _frame(rows: Iterable[_Row | _Tuple], columns: dict[str, str], keys: Sequence[str]) -> pd.DataFrame:
    table = pd.DataFrame.from_records(list(rows), columns=list(columns)).astype(columns)  # type: ignore[arg-type]
    return table.sort_values(list(keys), kind="stable").reset_index(drop=True)


class GraphBuilder:
    """Collects rows; merges what several documents say about one node.

    Feed it one :class:`~kg.records.Extraction` at a time with :meth:`add`, each
    ``doc_id`` once, in any order; :meth:`finish` makes the tables. ``kg build`` streams
    documents through it; :func:`build_graph` does the same for a list.
    """

    def __init__(self, thesaurus: Thesaurus) -> None:
        self.th = thesaurus
        # Rows that no later document changes are tuples in column order (every edge, every
        # Document and Observation): a dict per row took the builder to 0.60 GB at 10,000
        # documents, tuples to 0.49 GB.
        self.rows: dict[str, dict[str, _Row | _Tuple]] = {label: {} for label in NODE_COLUMNS}
        self.edges: dict[str, dict[_Tuple, _Tuple]] = {kind: {} for kind in EDGE_COLUMNS}
        self.names: defaultdict[str, Counter[str]] = defaultdict(Counter)  # node id → name → times seen
        self.kinds: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.cues: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.places: dict[str, Place] = {}
        self.skipped: Counter[str] = Counter()
        self.described: dict[str, str] = {}  # proposal → the doc_id that describes it (the smallest)
        self.definitions: dict[str, tuple[str, str]] = {}  # candidate → (doc_id, definition), smallest doc_id

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
            self.skipped[f"{what}: no evidence"] += 1
            return None
        for part in (span, mention):
            if part is not None:
                self.check(doc, part, what)
        if mention is not None and not span.start <= mention.start <= mention.end <= span.end:
            mention = None  # kg.rdf drops the offsets of a mention outside its sentence too
        return {"sentence": span.text, "sentence_start": span.start, "sentence_end": span.end,
                "mention_start": mention and mention.start, "mention_end": mention and mention.end}

    def place(self, place: Place) -> str:
        for ancestor in place.lineage():
            node = place_id(ancestor)
            known = self.places.get(node)
            if known is None or (known.parent is None and ancestor.parent is not None):
                self.places[node] = ancestor  # the fullest lineage wins, whatever the order
            self.names[node][ancestor.name] += 1
        return place_id(place)

    def jurisdiction(self, node: str, place: Place | None) -> None:
        if place is not None:
            self.edge("JURISDICTION", node, self.place(place))

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
        self.jurisdiction(d, ex.place)
        places = {place.key: self.place(place) for place in ex.places}
        for key, span in ex.place_mentions:
            if key in places and span.start < span.end:
                self.mention(doc, places[key], span)
            else:
                self.skipped["MENTIONS Place: no mention of a listed place"] += 1
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
                row = self.rows["Policy"].setdefault(node, {"id": node, "label": policy.title,
                                                            "title": policy.title})
                years = [y for y in (row.get("year"), policy.year) if y is not None]
                row["year"] = min(years) if years else None  # type: ignore[type-var]
                self.jurisdiction(node, policy.place)
                self.edge("CITES", d, node, **ev)
                self.mention(doc, node, policy.mention)
        for program in ex.programs:
            if self.evidence(doc, program.evidence, program.mention, "Program") is not None:
                node = str(program_iri(program.name, program.place))
                self.rows["Program"][node] = {"id": node, "label": program.name}
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
        doc, found = ex.document, {}
        for agency in ex.agencies:
            if self.evidence(doc, agency.evidence, agency.mention, "Agency") is None:
                continue
            node = str(agency_iri(agency.key))
            found[agency.name] = node
            found.setdefault(agency.key, node)
            self.names[node][agency.name] += 1
            self.kinds[node][agency.kind] += 1
            self.rows["Agency"].setdefault(node, {"id": node, "key": agency.key})
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
        known = self.described.get(node)
        if known is None or ex.document.doc_id < known:  # the smallest doc_id describes it, whatever the order
            self.described[node] = ex.document.doc_id
            self.rows["Proposal"][node] = {
                "id": node, "label": prop.title or f"{prop.level or ''}{prop.body or ''}{number}{prop.kind or ''}",
                "body": prop.body, "level": prop.level, "term": prop.term, "session": prop.session,
                "number": prop.number, "proposal_kind": prop.kind, "title": prop.title,
                "proposers": "|".join(prop.proposers), "handlers": "|".join(prop.handlers)}
        self.edge("RESPONDS_TO", d, node, **{k: ev[k] for k in _SENTENCE})
        for i, handler in enumerate(prop.handlers):
            if handler in agencies:
                self.edge("HANDLED_BY", node, agencies[handler], role="lead" if i == 0 else "co",
                          doc_id=ex.document.doc_id)
            else:
                self.skipped["HANDLED_BY: the handler is not among the document's agencies"] += 1

    def candidate(self, label: str, cue: str | None = None, definition: str | None = None,
                  doc_id: str = "") -> str:
        """One candidate node per normalised label: ``１＋２＋Ｘ`` and ``1+2+X`` are one."""
        node = str(candidate_iri(norm_label(label)))
        self.names[node][label] += 1
        if cue:
            self.cues[node][cue] += 1
        self.rows["Mechanism"].setdefault(node, {"id": node, "local_form": False, "canonical_id": node,
                                                 "candidate": True, "definition": None})
        known = self.definitions.get(node)
        if definition and (known is None or doc_id < known[0]):  # the smallest doc_id's definition
            self.definitions[node] = (doc_id, definition)
        return node

    def metrics(self, ex: Extraction) -> None:
        doc = ex.document
        for m in ex.metrics:
            if (ev := self.evidence(doc, m.evidence, m.mention, "Observation")) is None:
                continue
            if not math.isfinite(m.value):
                self.skipped["Observation: the value is not a finite number"] += 1
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
                self.skipped["Adoption: the concept is not in the thesaurus"] += 1
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

    def finish(self) -> PropertyGraph:
        """Name the merged nodes, add the thesaurus and the place tree, and make the tables."""
        for node, place in self.places.items():
            label, alt = _pick(self.names[node])
            self.rows["Place"][node] = {"id": node, "label": label, "alt_labels": alt, "key": place.key,
                                        "code": place.code, "level": place.level}
            if place.parent is not None:
                self.edge("WITHIN", node, str(place_iri(place.parent)))
        for label, column, values in (("Agency", "classification", self.kinds), ("Mechanism", "cue", self.cues)):
            for node, row in self.rows[label].items():  # mechanisms: only candidates so far
                row["label"], row["alt_labels"] = _pick(self.names[node])
                row[column] = _pick(values[node])[0] if values[node] else None
        for node, (_, definition) in self.definitions.items():
            self.rows["Mechanism"][node]["definition"] = definition
        for concept in self.th.concepts.values():
            node = str(mechanism_iri(concept.id))
            canonical = str(mechanism_iri(self.th.canonical(concept.id)))
            self.rows["Mechanism"][node] = {
                "id": node, "label": concept.label, "alt_labels": "|".join(concept.labels[1:]),
                "local_form": concept.local_form, "canonical_id": canonical, "candidate": False,
                "definition": concept.definition, "cue": None}
            if concept.broader in self.th.concepts:
                self.edge("BROADER", node, str(mechanism_iri(concept.broader)))
        nodes = {label: _frame(rows.values(), NODE_COLUMNS[label], ["id"]) for label, rows in self.rows.items()}
        edges = {kind: _frame(rows.values(), EDGE_COLUMNS[kind], ["src", "dst", *EDGE_KEYS.get(kind, ())])
                 for kind, rows in self.edges.items()}
        return PropertyGraph(nodes=nodes, edges=edges, skipped=dict(sorted(self.skipped.items())))


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
