"""Build the RDF graph from extractions, and write it as Turtle and JSON-LD.

:func:`build_rdf` turns :class:`~kg.records.Extraction` records into one graph in
the terms of ``ontology/govkg.ttl``, thesaurus included, so it answers SPARQL on its
own. Every fact node (adoption, observation, policy, programme, agency, proposal,
candidate) has ``gk:evidence`` → a ``gk:Evidence`` sentence with ``[start, end)``
offsets into the document's clean text, and ``prov:wasDerivedFrom`` the document.
A fact whose evidence span is missing or empty is **skipped**, with a warning on the
``kg.rdf`` logger; a span that does not slice its document's text to its own text
**raises** :class:`~kg.errors.SpanError`: a misaligned span is a bug, not a gap.

:func:`write_graph` writes ``graph.ttl`` and ``graph.jsonld`` atomically and
deterministically (see :mod:`kg.rdf_files`, re-exported here with :func:`read_graph`).

Examples
--------
>>> from kg.records import Document, DocumentMeta
>>> text = "全市推行“红色物业”。"
>>> doc = Document(doc_id="d1", source="a.txt", path="a.txt", format="txt", encoding="utf-8", text=text)
>>> g = build_rdf([Extraction(document=doc, meta=DocumentMeta(title="答复"), place=None)], thesaurus=None)
>>> (doc_iri("d1"), DCT.title, Literal("答复", lang="zh")) in g
True
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
import functools
from functools import lru_cache
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ExtractError, SpanError, StoreError
from kg.rdf_files import GRAPH_FILES, read_graph, write_graph
from kg.records import STATUS_RANK, Adoption, Document, Extraction, Place, Span, fuller
from kg.tally import add_count, merge_by_doc, merge_counts
from kg.thesaurus import norm_label
from kg.vocab import (
    AGENCY_KINDS,
    DCT,
    GK,
    GKC,
    ID,
    ORG,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    STATUS,
    XSD,
    adoption_iri,
    agency_iri,
    candidate_iri,
    date_literal,
    doc_iri,
    evidence_iri,
    mechanism_iri,
    new_graph,
    observation_iri,
    place_id,
    policy_iri,
    program_iri,
    proposal_iri,
    year_literal,
)
from ontology import ontology_path, thesaurus_path

__all__ = ["LOCAL_PREFIXES", "build_rdf", "rdf_part", "concept_iris", "nt_line", "RdfPart", "RdfMerge", "RdfState", "write_graph", "read_graph",
           "GRAPH_FILES"]

log = logging.getLogger(__name__)


_MEDIA = {"txt": "text/plain", "html": "text/html", "pdf": "application/pdf",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
#: IRIs of nodes only one document writes: its own, its evidence, adoptions and observations.
#: A line of :attr:`RdfPart.local` names one of them; a shared line never does.
LOCAL_PREFIXES: tuple[str, ...] = tuple(str(ID[kind]) for kind in ("doc", "evidence", "adoption", "obs"))


def _quoted(text: str) -> str:
    """``text`` as the quoted form of an N-Triples literal."""
    return '"' + text.translate(_ESCAPE) + '"'


def _nt_term(term: Node) -> str:
    if isinstance(term, Literal):
        text = _quoted(str(term))
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype else text
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise StoreError(f"the graph holds IRIs and literals only, not {term!r}: every node needs an IRI "
                     "for the written files to be reproducible")


def nt_line(triple: tuple[Node, Node, Node]) -> str:
    """One triple as a line of N-Triples.

    Examples
    --------
    >>> from kg.vocab import zh
    >>> print(nt_line((doc_iri("d1"), DCT.title, zh('关于"三社联动"的答复'))), end="")
    <https://w3id.org/govkg/id/doc/d1> <http://purl.org/dc/terms/title> "关于\\"三社联动\\"的答复"@zh .
    """
    s, p, o = triple
    return f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n"


# The builder below writes terms as N-Triples text (``<iri>``, ``"text"@zh``) without making
# rdflib terms: at 10,000 documents it writes 3.7 million lines, and making a term and
# encoding it took as long as extracting the document. The encoders give what ``_nt_term``
# gives for the rdflib term (``tests/test_rdf.py`` checks them against it).
_INTEGER = f"^^<{XSD.integer}>"
_TRUE, _FALSE = (_nt_term(Literal(flag)) for flag in (True, False))
#: :data:`LOCAL_PREFIXES` as N-Triples IRIs begin.
_LOCAL_TERMS = tuple("<" + prefix for prefix in LOCAL_PREFIXES)


def _iri(iri: str) -> str:
    """An IRI as N-Triples writes it."""
    return f"<{iri}>"


def _zh(text: str) -> str:
    """``_nt_term(zh(text))``: Chinese text as an ``@zh`` literal."""
    return _quoted(text) + "@zh"


def _lit(value: str | int) -> str:
    """``_nt_term(Literal(value))``: a plain string, an ``xsd:integer`` or an ``xsd:boolean``.

    Examples
    --------
    >>> print(_lit('a "b"'), _lit(True))
    "a \\"b\\"" "true"^^<http://www.w3.org/2001/XMLSchema#boolean>
    >>> print(_lit(7))
    "7"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if type(value) is int:
        return f'"{value}"{_INTEGER}'
    return _nt_term(Literal(value))


def _term(make: Callable[[Any], Node]) -> Callable[[Any], str]:
    """An encoder of what ``make`` makes, for the rarer literals (dates, years, decimals)."""
    return lambda value: _nt_term(make(value))


_date, _year = _term(date_literal), _term(year_literal)


class _Terms:
    """A namespace's terms as N-Triples IRIs, each made once: ``_Terms(GK).sentence``."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        term = _iri(self._namespace[name])
        setattr(self, name, term)
        return term


_gk, _dct, _org, _prov, _qb, _rdf, _rdfs, _skos = (_Terms(ns) for ns in (GK, DCT, ORG, PROV, QB, RDF, RDFS, SKOS))


def _place_term(place: Place) -> str:
    """``_iri(place_iri(place))``, made without an rdflib term."""
    return f"<{place_id(place)}>"


class _Sink(Protocol):
    def add(self, s: str, p: str, o: str) -> None: ...

    def add_line(self, line: str) -> None: ...


class _Lines:
    """A sink keeping a set of N-Triples lines."""

    def __init__(self, lines: set[str] | None = None) -> None:
        self.lines = lines if lines is not None else set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.add(f"{s} {p} {o} .\n")

    def add_line(self, line: str) -> None:
        self.lines.add(line)


class _DocSink:
    """A sink splitting one document's lines into its own and those about shared nodes."""

    def __init__(self) -> None:
        self.local: set[str] = set()
        self.shared: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        own = s.startswith(_LOCAL_TERMS) or o.startswith(_LOCAL_TERMS)  # a literal starts with '"'
        (self.local if own else self.shared).add(f"{s} {p} {o} .\n")

    def add_line(self, line: str) -> None:
        self.shared.add(line)


def _add(graph: _Sink, node: str, *pairs: tuple[str, str | None]) -> None:
    """Add ``node pred obj`` for every pair whose object is not ``None``."""
    for pred, obj in pairs:
        if obj is not None:
            graph.add(node, pred, obj)


def _opt(value: str | int | None, make: Callable[[Any], str] = _lit) -> str | None:
    """``make(value)``, or ``None`` for a missing or empty value."""
    return None if value is None or value == "" else make(value)


def _pick(counts: Counter[str]) -> str:
    """The most frequent value, ties broken by sort order, so input order never matters."""
    return min(counts, key=lambda value: (-counts[value], value))


@dataclass(slots=True)
class RdfState:
    """What several documents may say about one shared node, merged before it is written.

    Each document's :class:`RdfPart` carries its own; :meth:`merge` adds another's, or
    takes it out again, and the result does not depend on the order documents are merged in.
    """

    # Nodes are N-Triples IRIs, ``<https://w3id.org/govkg/id/place/640100>``: what is written.
    places: defaultdict[str, Counter[Place]] = field(default_factory=lambda: defaultdict(Counter))  # → readings
    place_names: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    agency_names: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    agency_kinds: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    policy_years: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    proposal_levels: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: proposal → doc_id → its description's N-Triples lines: the smallest doc_id describes it
    proposals: defaultdict[str, dict[str, tuple[str, ...]]] = field(default_factory=lambda: defaultdict(dict))
    candidate_labels: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    used: Counter[URIRef] = field(default_factory=Counter)  # ontology individuals the data points at

    def merge(self, other: RdfState, sign: int = 1) -> None:
        """Add what ``other`` holds (``sign=1``), or take it out (``sign=-1``).

        Raises
        ------
        ValueError
            ``sign=-1`` and ``other`` holds more of something than this state does.
        """
        for mine, theirs in ((self.places, other.places), (self.place_names, other.place_names),
                             (self.agency_names, other.agency_names), (self.agency_kinds, other.agency_kinds),
                             (self.candidate_labels, other.candidate_labels), (self.policy_years, other.policy_years),
                             (self.proposal_levels, other.proposal_levels)):
            merge_counts(mine, theirs, sign)  # type: ignore[arg-type]
        merge_by_doc(self.proposals, other.proposals, sign)
        for individual, n in other.used.items():
            add_count(self.used, individual, sign * n)


class _Builder:
    """Writes one document's triples to a sink and keeps what must be merged across documents.

    Nodes are written and kept as N-Triples terms (``<iri>``), the ontology individuals in
    :attr:`RdfState.used` as rdflib IRIs."""

    def __init__(self, sink: _Sink, concepts: frozenset[URIRef] | set[URIRef], state: RdfState | None = None) -> None:
        self.g = sink
        self.concepts = concepts
        self.state = state if state is not None else RdfState()
        st = self.state
        self.places, self.place_names = st.places, st.place_names
        self.agency_names, self.agency_kinds = st.agency_names, st.agency_kinds
        self.policy_years, self.proposal_levels = st.policy_years, st.proposal_levels
        self.candidate_labels, self.used = st.candidate_labels, st.used
        self.doc_node = ""  # the document being added

    # -- evidence -------------------------------------------------------------
    def evidence(self, doc: Document, span: Span | None, mention: Span | None, what: str) -> str | None:
        """Add the evidence node for ``span``; ``None`` (and a log line) when there is none."""
        if span is None or span.start == span.end:
            log.warning("%s: %s not written: it has no evidence span", doc.source, what)
            return None
        for part in (span, mention):
            if part is None:
                continue
            if part.doc_id != doc.doc_id:
                raise SpanError(f"{what}: span {part.doc_id}[{part.start}:{part.end}] "
                                f"belongs to another document than {doc.doc_id}")
            if doc.text[part.start:part.end] != part.text or part.start < 0:
                raise SpanError(f"{doc.doc_id}[{part.start}:{part.end}] is "
                                f"{doc.text[part.start:part.end]!r}, not {part.text!r} ({what})")
        if mention is not None and not span.start <= mention.start <= mention.end <= span.end:
            log.info("%s: %s: mention [%d:%d) lies outside its evidence [%d:%d); offsets not written",
                     doc.source, what, mention.start, mention.end, span.start, span.end)
            mention = None
        node = _iri(evidence_iri(span, mention))
        _add(self.g, node, (_rdf.type, _gk.Evidence), (_gk.sentence, _zh(span.text)),
             (_gk.start, _lit(span.start)), (_gk.end, _lit(span.end)),
             (_gk.mentionStart, _opt(mention.start if mention else None)),
             (_gk.mentionEnd, _opt(mention.end if mention else None)),
             (_prov.wasDerivedFrom, self.doc_node))
        return node

    def fact(self, node: str, evidence: str) -> None:
        self.g.add(node, _gk.evidence, evidence)
        self.g.add(node, _prov.wasDerivedFrom, self.doc_node)

    # -- nodes ----------------------------------------------------------------
    def place(self, place: Place) -> str:
        node = ""
        for ancestor in place.lineage():
            iri = _place_term(ancestor)
            node = node or iri
            self.places[iri][ancestor] += 1  # the fullest reading wins when the graph is finished
            self.place_names[iri][ancestor.name] += 1
        return node

    def entity(self, node: str, cls: str, evidence: str, place: Place | None, *labels: tuple[str, str]) -> None:
        """Add a fact node of class ``cls`` with its labels, its place and its evidence."""
        self.g.add(node, _rdf.type, cls)
        for pred, label in labels:
            self.g.add(node, pred, label)
        if place is not None:
            self.g.add(node, _gk.jurisdiction, self.place(place))
        self.fact(node, evidence)

    def add(self, ex: Extraction) -> None:
        """Add one document and everything extracted from it."""
        doc, meta, g = ex.document, ex.meta, self.g
        d = self.doc_node = _iri(doc_iri(doc.doc_id))
        _add(g, d, (_rdf.type, _gk.Document), (_dct.identifier, _lit(doc.doc_id)),
             (_dct.source, _lit(doc.source)), (_dct.format, _lit(_MEDIA.get(doc.format, doc.format))),
             (_dct.title, _opt(meta.title, _zh)), (_dct.type, _opt(meta.kind, _zh)),
             (_gk.issuer, _opt(meta.issuer, _zh)), (_gk.indexNumber, _opt(meta.index_no)),
             (_gk.docNumber, _opt(meta.doc_no)), (_gk.signedDateRaw, _opt(meta.signed_raw)),
             (_dct.issued, _opt(meta.published, _date)), (_gk.signedDate, _opt(meta.signed, _date)),
             (_gk.signedDateUncertain, _lit(meta.signed_uncertain) if meta.signed or meta.signed_raw else None),
             (_gk.jurisdiction, self.place(ex.place) if ex.place else None))
        for place in ex.places:
            g.add(d, _gk.mentions, self.place(place))

        agencies: dict[str, str] = {}  # name or key → node, to link issuer and handlers
        for agency in ex.agencies:
            if agency.kind not in AGENCY_KINDS:
                raise ExtractError(f"Unsupported agency kind {agency.kind!r} for {agency.name} in "
                                   f"{doc.source}. Supported kinds: {', '.join(AGENCY_KINDS)}.")
            ev = self.evidence(doc, agency.evidence, agency.mention, f"agency {agency.name}")
            if ev is not None:
                node = _iri(agency_iri(agency.key))
                agencies[agency.name] = node
                agencies.setdefault(agency.key, node)
                self.agency_names[node][agency.name] += 1
                self.agency_kinds[node][agency.kind] += 1
                g.add(node, _rdf.type, _org.Organization)
                self.entity(node, _gk.Agency, ev, agency.place)
                g.add(d, _gk.mentions, node)
        if meta.issuer and meta.issuer in agencies:
            g.add(d, _dct.publisher, agencies[meta.issuer])
        self.proposal(ex, agencies)

        for policy in ex.policies:
            ev = self.evidence(doc, policy.evidence, policy.mention, f"policy 《{policy.title}》")
            if ev is not None:
                node = _iri(policy_iri(policy.title, policy.place))
                self.entity(node, _gk.Policy, ev, policy.place, (_dct.title, _zh(policy.title)))
                if policy.year is not None:
                    self.policy_years[node][policy.year] += 1
                g.add(d, _dct.references, node)
        for program in ex.programs:
            ev = self.evidence(doc, program.evidence, program.mention, f"programme {program.name}")
            if ev is not None:
                node = _iri(program_iri(program.name, program.place))
                self.entity(node, _gk.Program, ev, program.place, (_rdfs.label, _zh(program.name)))
                g.add(d, _gk.mentions, node)
        for cand in ex.candidates:
            ev = self.evidence(doc, cand.evidence, cand.mention, f"candidate {cand.label}")
            if ev is not None:
                node = _iri(self.candidate(cand.label, ev))
                g.add(node, _gk.cue, _lit(cand.cue))
                if cand.definition:
                    g.add(node, _skos.definition, _zh(cand.definition))
                g.add(d, _gk.mentions, node)
        self.metrics(ex)
        self.adoptions(doc, ex.adoptions)

    def metrics(self, ex: Extraction) -> None:
        """Add each metric as a ``qb:Observation`` in the data set ``gk:metrics``."""
        doc = ex.document
        for m in ex.metrics:
            ev = self.evidence(doc, m.evidence, m.mention, f"metric {m.indicator}={m.value}{m.unit}")
            if ev is None or not math.isfinite(m.value):  # NaN has no xsd:decimal form
                continue
            node = _iri(observation_iri(doc.doc_id, m.place, m.indicator, m.value, m.unit, m.date, m.qualifier))
            self.entity(node, _qb.Observation, ev, None,
                        (_qb.dataSet, _gk.metrics), (_gk.refArea, self.place(m.place)),
                        (_gk.indicator, _zh(m.indicator)), (_gk.unit, _zh(m.unit)),
                        (_gk.value, _nt_term(Literal(Decimal(repr(m.value)), datatype=XSD.decimal))))
            _add(self.g, node, (_gk.refPeriod, _opt(m.date, _date)), (_gk.qualifier, _opt(m.qualifier, _zh)))
            self.used[GK.metrics] += 1

    def candidate(self, label: str, evidence: str) -> URIRef:
        """One candidate node per normalised label: ``１＋２＋Ｘ`` and ``1+2+X`` are one."""
        iri = candidate_iri(norm_label(label))
        node = _iri(iri)
        self.candidate_labels[node][label] += 1
        self.g.add(node, _rdf.type, _skos.Concept)
        self.entity(node, _gk.CandidateConcept, evidence, None, (_skos.inScheme, _iri(GKC.scheme)))
        self.used[GKC.scheme] += 1
        return iri

    def adoptions(self, doc: Document, adoptions: Iterable[Adoption]) -> None:
        """Add adoptions, merging repeats of one (place, mechanism, surface) in a document:
        the strongest status and the earliest year win, evidence accumulates."""
        merged: dict[str, tuple[Adoption, list[str]]] = {}
        for adoption in adoptions:
            ev = self.evidence(doc, adoption.evidence, adoption.mention,
                               f"adoption {adoption.place.name} × {adoption.surface}")
            if ev is None:
                continue
            if adoption.candidate:
                mech = self.candidate(adoption.mechanism, ev)
            else:
                mech = mechanism_iri(adoption.concept)
                if mech not in self.concepts:
                    log.warning("%s: adoption of %s points at %s, which the thesaurus lacks",
                                doc.source, adoption.surface, mech)
            node = _iri(adoption_iri(doc.doc_id, adoption.place, mech, adoption.surface))
            if node in merged:
                first, evs = merged[node]
                years = [y for y in (first.year, adoption.year) if y is not None]
                status = max(first.status, adoption.status, key=STATUS_RANK.__getitem__)
                first = replace(first, status=status, year=min(years) if years else None)
                merged[node] = (first, evs + [ev])
            else:
                merged[node] = (adoption, [ev])
            self.g.add(node, _gk.mechanism, _iri(mech))
        for node, (adoption, evs) in merged.items():
            _add(self.g, node, (_rdf.type, _gk.Adoption), (_gk.place, self.place(adoption.place)),
                 (_gk.status, _iri(STATUS[adoption.status])), (_gk.surfaceForm, _zh(adoption.surface)),
                 (_gk.year, _opt(adoption.year, _year)))
            for ev in evs:
                self.fact(node, ev)
            self.used[STATUS[adoption.status]] += 1

    def proposal(self, ex: Extraction, agencies_by_name: dict[str, str]) -> None:
        prop, doc, g = ex.meta.responds_to, ex.document, self.g
        if prop is None:
            return
        ev = self.evidence(doc, prop.evidence, None, "proposal " + (prop.title or "(untitled)"))
        if ev is None:
            return
        node = _iri(proposal_iri(body=prop.body, level=prop.level, term=prop.term, session=prop.session,
                                 number=prop.number, kind=prop.kind, title=prop.title))
        g.add(self.doc_node, _gk.respondsTo, node)
        self.fact(node, ev)
        if prop.level:
            self.proposal_levels[node][prop.level] += 1
        if doc.doc_id not in self.state.proposals.get(node, ()):  # as kg.graph does: the smallest doc_id describes it
            described = _Lines()
            _add(described, node, (_rdf.type, _gk.Proposal), (_gk.body, _opt(prop.body, _zh)),
                 (_gk.proposalKind, _opt(prop.kind, _zh)), (_dct.title, _opt(prop.title, _zh)),
                 (_gk.term, _opt(prop.term)), (_gk.session, _opt(prop.session)), (_gk.number, _opt(prop.number)))
            for proposer in prop.proposers:
                described.add(node, _gk.proposer, _zh(proposer))
            self.state.proposals[node][doc.doc_id] = tuple(sorted(described.lines))
        for i, handler in enumerate(prop.handlers):
            if handler in agencies_by_name:
                g.add(node, _gk.leadHandler if i == 0 else _gk.coHandler, agencies_by_name[handler])
            else:
                g.add(node, _gk.handlerName, _zh(handler))

    def labels(self, node: str, pred: str, names: Counter[str]) -> None:
        """The most frequent name as ``pred``, every other one as ``skos:altLabel``."""
        label = _pick(names)
        self.g.add(node, pred, _zh(label))
        for other in sorted(set(names) - {label}):
            self.g.add(node, _skos.altLabel, _zh(other))

    def finish(self, ontology: Graph) -> None:
        """Write what needed every document first: names, kinds, years, the place tree."""
        g, used = self.g, set(self.used)
        for by_doc in self.state.proposals.values():
            for line in by_doc[min(by_doc)]:
                g.add_line(line)
        for node, readings in self.places.items():
            place = functools.reduce(fuller, readings)  # a node has at least one reading
            self.labels(node, _rdfs.label, self.place_names[node])
            _add(g, node, (_rdf.type, _gk.Place),
                 (_gk.adminLevel, _lit(place.level)), (_dct.identifier, _lit(place.key)),
                 (_gk.adminCode, _opt(place.code)), (_gk.parent, place.parent and _place_term(place.parent)))
            for ancestor in place.lineage()[1:]:  # the closure of gk:within, which is transitive
                g.add(node, _gk.within, _place_term(ancestor))
        for node, names in self.agency_names.items():
            self.labels(node, _rdfs.label, names)
            kind = AGENCY_KINDS[_pick(self.agency_kinds[node])]
            g.add(node, _org.classification, _iri(kind))
            used.add(kind)
        for node, labels in self.candidate_labels.items():
            self.labels(node, _skos.prefLabel, labels)
        for node, years in self.policy_years.items():
            g.add(node, _gk.year, _year(min(years)))
        by_name: defaultdict[str, set[str]] = defaultdict(set)
        for node, names in self.place_names.items():
            by_name[_pick(names)].add(node)
        for node, levels in self.proposal_levels.items():
            for level in levels:  # the place of that name when exactly one was seen, else the name
                g.add(node, _gk.level, min(by_name[level]) if len(by_name[level]) == 1 else _zh(level))
        for individual in sorted(used):
            for _, p, o in ontology.triples((individual, None, None)):
                if not isinstance(o, BNode):
                    g.add(_iri(individual), _nt_term(p), _nt_term(o))


def _read_thesaurus(path: Path) -> Graph:
    try:
        graph = Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the thesaurus {path}: {exc}") from exc
    if blanks := len({n for triple in graph for n in triple if isinstance(n, BNode)}):
        raise StoreError(f"the thesaurus {path} has {blanks} blank nodes; give every node an "
                         "IRI so the written graph is byte-for-byte reproducible")
    return graph


@dataclass(frozen=True, slots=True)
class RdfPart:
    """One document's share of the graph, made where the document is extracted.

    ``local`` holds the N-Triples lines only this document can write: those about its
    own nodes (the document, its evidence, adoptions and observations) or pointing at
    them. ``shared`` holds lines about nodes other documents may also name (a place's
    type, an agency's jurisdiction); several documents may write the same one. ``state``
    holds what is merged across documents before it is written (names, years).
    """

    doc_id: str
    local: str
    shared: tuple[str, ...]
    state: RdfState


def rdf_part(ex: Extraction, *, concepts: frozenset[URIRef] | set[URIRef]) -> RdfPart:
    """The triples of one extraction, split as :class:`RdfPart` describes.

    Parameters
    ----------
    ex : one document's extraction
    concepts : the thesaurus concepts' IRIs; an adoption of another concept is logged

    Raises
    ------
    SpanError
        An evidence or mention span does not slice its document's text to its own text.
    ExtractError
        An agency has a kind outside the closed list.
    """
    sink = _DocSink()
    builder = _Builder(sink, concepts)
    builder.add(ex)
    return RdfPart(doc_id=ex.document.doc_id, local="".join(sorted(sink.local)),
                   shared=tuple(sorted(sink.shared)), state=builder.state)


@lru_cache(maxsize=4)
def concept_iris(thesaurus: Path | None = None) -> frozenset[URIRef]:
    """The IRIs of the thesaurus's concepts (the packaged one by default); empty when there is none."""
    path = thesaurus if thesaurus is not None else thesaurus_path()
    if thesaurus is None and not path.exists():
        return frozenset()
    return frozenset(s for s in _read_thesaurus(Path(path)).subjects() if isinstance(s, URIRef))


class RdfMerge:
    """Merges :class:`RdfPart` records into one graph, thesaurus and ontology included.

    Feed it every document's part (in any order) with :meth:`add`, which returns the
    part's local lines to write out; :meth:`finish` then returns every other line of the
    graph, sorted. :meth:`remove` takes a part out again: an incremental build keeps the
    merge of its last build and changes it by the documents that came and went.

    Raises
    ------
    StoreError
        The thesaurus cannot be read or has blank nodes.
    """

    def __init__(self, *, thesaurus: Path | None = None) -> None:
        path = thesaurus if thesaurus is not None else thesaurus_path()
        self.lines: Counter[str] = Counter()  # line → the documents (or the thesaurus) that write it
        self.concepts: frozenset[URIRef] = frozenset()
        if thesaurus is not None or path.exists():
            graph = _read_thesaurus(Path(path))
            self.lines = Counter({nt_line(triple) for triple in graph})
            self.concepts = frozenset(s for s in graph.subjects() if isinstance(s, URIRef))
        else:
            log.warning("no thesaurus at %s: adoptions will point at undeclared concepts", path)
        self.state = RdfState()
        self.documents = 0

    def add(self, part: RdfPart) -> str:
        self.lines.update(part.shared)
        self.state.merge(part.state)
        self.documents += 1
        return part.local

    def remove(self, part: RdfPart) -> None:
        """Take out a part :meth:`add` put in, as if it had never been added.

        Raises
        ------
        ValueError
            The part was not added.
        """
        for line in part.shared:
            add_count(self.lines, line, -1)
        self.state.merge(part.state, -1)
        self.documents -= 1

    def finish(self) -> list[str]:
        """Every line of the graph but the parts' local ones, sorted; the merge is not changed."""
        sink = _Lines(set(self.lines))
        _Builder(sink, self.concepts, self.state).finish(Graph().parse(ontology_path(), format="turtle"))
        return sorted(sink.lines)


def build_rdf(extractions: Sequence[Extraction], *, thesaurus: Path | None = None) -> Graph:
    """Build one graph of every extraction, with the thesaurus included.

    It is what ``kg build`` writes to ``graph.nt``, made in memory: through
    :func:`rdf_part` for each document and one :class:`RdfMerge`.

    Parameters
    ----------
    extractions : what was extracted from each document
    thesaurus : the SKOS mechanism thesaurus to include; ``None`` includes the packaged
        ``ontology/mechanisms.ttl`` when it exists

    Raises
    ------
    SpanError, ExtractError
        As :func:`rdf_part`.
    StoreError
        The thesaurus cannot be read or has blank nodes.
    """
    merge = RdfMerge(thesaurus=thesaurus)
    chunks = [merge.add(rdf_part(ex, concepts=merge.concepts)) for ex in extractions]
    chunks.append("".join(merge.finish()))
    graph = new_graph()
    graph.parse(data="".join(chunks), format="nt")
    return graph
