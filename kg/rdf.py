"""Build the RDF graph from extractions, and write it as Turtle and JSON-LD.

:func:`build_rdf` turns :class:`~kg.records.Extraction` records into one
:class:`rdflib.Graph` in the terms of ``ontology/govkg.ttl``, with the mechanism
thesaurus included so the graph answers SPARQL on its own. Every fact node
(adoption, observation, policy, programme, agency, proposal, candidate) carries
``gk:evidence`` → a ``gk:Evidence`` sentence with ``[start, end)`` offsets into the
document's clean text, and ``prov:wasDerivedFrom`` the document.

Evidence rules: a fact whose evidence span is missing or empty is **skipped** and
the reason logged (warning on the ``kg.rdf`` logger); a span that does not slice
its document's text to its own text, or belongs to another document, **raises**
:class:`~kg.errors.SpanError`, as a misaligned span is a bug, not a gap.

:func:`write_graph` writes ``graph.ttl`` and ``graph.jsonld`` atomically and
deterministically: nodes are IRIs minted from content hashes (no blank nodes),
triples are sorted before serialising, and JSON-LD node lists are sorted.

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

import json
import logging
import math
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import ExtractError, SpanError, StoreError
from kg.records import STATUS_RANK, Adoption, Document, Extraction, Place, Span
from kg.vocab import (DCT, GK, GKC, ORG, PREFIXES, PROV, QB, RDF, RDFS, SKOS, XSD, adoption_iri,
                      agency_iri, candidate_iri, doc_iri, evidence_iri, mechanism_iri,
                      date_literal, observation_iri, place_iri, policy_iri, program_iri,
                      proposal_iri, year_literal, zh)

__all__ = ["build_rdf", "write_graph", "GRAPH_FILES"]

log = logging.getLogger(__name__)

#: The files :func:`write_graph` writes, in order.
GRAPH_FILES = ("graph.ttl", "graph.jsonld")

_STATUS = {"implemented": GK.implemented, "piloting": GK.piloting,
           "planned": GK.planned, "proposed": GK.proposed}
_KINDS = {"government": GK.governmentBody, "party": GK.partyBody, "congress": GK.congressBody,
          "cppcc": GK.cppccBody, "court": GK.courtBody, "mass": GK.massOrganisation,
          "social": GK.socialOrganisation, "university": GK.university, "other": GK.otherBody}
_MEDIA = {"txt": "text/plain", "html": "text/html", "pdf": "application/pdf",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _add(graph: Graph, node: URIRef, *pairs: tuple[URIRef, object]) -> None:
    """Add ``node pred obj`` for every pair whose object is not ``None``."""
    for pred, obj in pairs:
        if obj is not None:
            graph.add((node, pred, obj))  # type: ignore[arg-type]


def _opt(value: str | int | None, make=Literal) -> Literal | None:
    """``make(value)``, or ``None`` for a missing or empty value."""
    return None if value is None or value == "" else make(value)


def _pick(counts: Counter[str]) -> str:
    """The most frequent value, ties broken by sort order, so input order never matters."""
    return min(counts, key=lambda value: (-counts[value], value))


class _Builder:
    """Accumulates one graph; merges what several documents say about one node."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.places: dict[URIRef, Place] = {}
        self.place_names: defaultdict[URIRef, Counter[str]] = defaultdict(Counter)
        self.agency_names: defaultdict[URIRef, Counter[str]] = defaultdict(Counter)
        self.agency_kinds: defaultdict[URIRef, Counter[str]] = defaultdict(Counter)
        self.policy_years: defaultdict[URIRef, set[int]] = defaultdict(set)
        self.used: set[URIRef] = set()  # ontology individuals the data points at

    # -- evidence -------------------------------------------------------------
    def evidence(self, doc: Document, span: Span | None, mention: Span | None, what: str) -> URIRef | None:
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
        node = evidence_iri(span, mention)
        _add(self.g, node, (RDF.type, GK.Evidence), (GK.sentence, zh(span.text)),
             (GK.start, Literal(span.start)), (GK.end, Literal(span.end)),
             (GK.mentionStart, _opt(mention and mention.start)), (GK.mentionEnd, _opt(mention and mention.end)),
             (PROV.wasDerivedFrom, doc_iri(doc.doc_id)))
        return node

    def fact(self, node: URIRef, doc: Document, evidence: URIRef) -> None:
        self.g.add((node, GK.evidence, evidence))
        self.g.add((node, PROV.wasDerivedFrom, doc_iri(doc.doc_id)))

    # -- nodes ----------------------------------------------------------------
    def place(self, place: Place) -> URIRef:
        node = place_iri(place)
        for ancestor in place.lineage():
            iri = place_iri(ancestor)
            known = self.places.get(iri)
            if known is None or (known.parent is None and ancestor.parent is not None):
                self.places[iri] = ancestor  # the fullest lineage wins, whatever the order
            self.place_names[iri][ancestor.name] += 1
        return node

    def entity(self, doc: Document, node: URIRef, cls: URIRef, evidence: URIRef,
               place: Place | None, *labels: tuple[URIRef, Literal]) -> None:
        """Add a fact node of class ``cls`` with its labels, its place and its evidence."""
        self.g.add((node, RDF.type, cls))
        for pred, label in labels:
            self.g.add((node, pred, label))
        if place is not None:
            self.g.add((node, GK.jurisdiction, self.place(place)))
        self.fact(node, doc, evidence)

    def add(self, ex: Extraction) -> None:
        """Add one document and everything extracted from it."""
        doc, meta, g = ex.document, ex.meta, self.g
        d = doc_iri(doc.doc_id)
        _add(g, d, (RDF.type, GK.Document), (DCT.identifier, Literal(doc.doc_id)),
             (DCT.source, Literal(doc.source)), (DCT["format"], Literal(_MEDIA.get(doc.format, doc.format))),
             (DCT.title, _opt(meta.title, zh)), (DCT.type, _opt(meta.kind, zh)),
             (GK.issuer, _opt(meta.issuer, zh)), (GK.indexNumber, _opt(meta.index_no)),
             (GK.docNumber, _opt(meta.doc_no)), (GK.signedDateRaw, _opt(meta.signed_raw)),
             (DCT.issued, _opt(meta.published, date_literal)), (GK.signedDate, _opt(meta.signed, date_literal)),
             (GK.signedDateUncertain, Literal(meta.signed_uncertain) if meta.signed or meta.signed_raw else None),
             (GK.jurisdiction, ex.place and self.place(ex.place)))
        for place in ex.places:
            g.add((d, GK.mentions, self.place(place)))

        agencies: dict[str, URIRef] = {}  # name or key → node, to link issuer and handlers
        for agency in ex.agencies:
            if agency.kind not in _KINDS:
                raise ExtractError(f"Unsupported agency kind {agency.kind!r} for {agency.name} in "
                                   f"{doc.source}. Supported kinds: {', '.join(_KINDS)}.")
            node = agency_iri(agency.key)
            agencies[agency.name] = node
            agencies.setdefault(agency.key, node)
            ev = self.evidence(doc, agency.evidence, agency.mention, f"agency {agency.name}")
            if ev is not None:
                self.agency_names[node][agency.name] += 1
                self.agency_kinds[node][agency.kind] += 1
                g.add((node, RDF.type, ORG.Organization))
                self.entity(doc, node, GK.Agency, ev, agency.place)
                g.add((d, GK.mentions, node))
        if meta.issuer and meta.issuer in agencies:
            g.add((d, DCT.publisher, agencies[meta.issuer]))
        self.proposal(ex, agencies)

        for policy in ex.policies:
            ev = self.evidence(doc, policy.evidence, policy.mention, f"policy 《{policy.title}》")
            if ev is not None:
                node = policy_iri(policy.title, policy.place)
                self.entity(doc, node, GK.Policy, ev, policy.place, (DCT.title, zh(policy.title)))
                if policy.year is not None:
                    self.policy_years[node].add(policy.year)
                g.add((d, DCT.references, node))
        for program in ex.programs:
            ev = self.evidence(doc, program.evidence, program.mention, f"programme {program.name}")
            if ev is not None:
                node = program_iri(program.name, program.place)
                self.entity(doc, node, GK.Program, ev, program.place, (RDFS.label, zh(program.name)))
                g.add((d, GK.mentions, node))
        for cand in ex.candidates:
            ev = self.evidence(doc, cand.evidence, cand.mention, f"candidate {cand.label}")
            if ev is not None:
                node = self.candidate(cand.label, doc, ev)
                g.add((node, GK.cue, Literal(cand.cue)))
                if cand.definition:
                    g.add((node, SKOS.definition, zh(cand.definition)))
                g.add((d, GK.mentions, node))
        self.metrics(ex)
        self.adoptions(doc, ex.adoptions)

    def metrics(self, ex: Extraction) -> None:
        """Add each metric as a ``qb:Observation`` in the data set ``gk:metrics``."""
        doc = ex.document
        for m in ex.metrics:
            what = f"metric {m.indicator}={m.value}{m.unit}"
            if not math.isfinite(m.value):
                log.warning("%s: %s not written: the value is not a finite number", doc.source, what)
                continue
            ev = self.evidence(doc, m.evidence, m.mention, what)
            if ev is None:
                continue
            node = observation_iri(doc.doc_id, m.place, m.indicator, m.value, m.unit, m.date, m.qualifier)
            self.entity(doc, node, QB.Observation, ev, None,
                        (QB.dataSet, GK.metrics), (GK.refArea, self.place(m.place)),
                        (GK.indicator, zh(m.indicator)), (GK.unit, zh(m.unit)),
                        (GK.value, Literal(Decimal(repr(m.value)), datatype=XSD.decimal)))
            _add(self.g, node, (GK.refPeriod, _opt(m.date, date_literal)), (GK.qualifier, _opt(m.qualifier, zh)))
            self.used.add(GK.metrics)

    def candidate(self, label: str, doc: Document, evidence: URIRef) -> URIRef:
        node = candidate_iri(label)
        self.g.add((node, RDF.type, SKOS.Concept))
        self.entity(doc, node, GK.CandidateConcept, evidence, None,
                    (SKOS.prefLabel, zh(label)), (SKOS.inScheme, GKC.scheme))
        self.used.add(GKC.scheme)
        return node

    def adoptions(self, doc: Document, adoptions: Iterable[Adoption]) -> None:
        """Add adoptions, merging repeats of one (place, mechanism, surface) in a document:
        the strongest status and the earliest year win, evidence accumulates."""
        merged: dict[URIRef, tuple[Adoption, list[URIRef]]] = {}
        for adoption in adoptions:
            ev = self.evidence(doc, adoption.evidence, adoption.mention,
                               f"adoption {adoption.place.name} × {adoption.surface}")
            if ev is None:
                continue
            if adoption.candidate:
                mech = self.candidate(adoption.mechanism, doc, ev)
            else:
                mech = mechanism_iri(adoption.concept)
                if (mech, None, None) not in self.g:
                    log.warning("%s: adoption of %s points at %s, which the thesaurus lacks",
                                doc.source, adoption.surface, mech)
            node = adoption_iri(doc.doc_id, adoption.place, mech, adoption.surface)
            if node in merged:
                first, evs = merged[node]
                years = [y for y in (first.year, adoption.year) if y is not None]
                status = max(first.status, adoption.status, key=STATUS_RANK.__getitem__)
                first = replace(first, status=status, year=min(years) if years else None)
                merged[node] = (first, evs + [ev])
            else:
                merged[node] = (adoption, [ev])
            self.g.add((node, GK.mechanism, mech))
        for node, (adoption, evs) in merged.items():
            _add(self.g, node, (RDF.type, GK.Adoption), (GK.place, self.place(adoption.place)),
                 (GK.status, _STATUS[adoption.status]), (GK.surfaceForm, zh(adoption.surface)),
                 (GK.year, _opt(adoption.year, year_literal)))
            for ev in evs:
                self.fact(node, doc, ev)
            self.used.add(_STATUS[adoption.status])

    def proposal(self, ex: Extraction, agencies_by_name: dict[str, URIRef]) -> None:
        prop, doc, g = ex.meta.responds_to, ex.document, self.g
        if prop is None:
            return
        ev = self.evidence(doc, prop.evidence, None, "proposal " + (prop.title or "(untitled)"))
        if ev is None:
            return
        node = proposal_iri(body=prop.body, level=prop.level, term=prop.term, session=prop.session,
                            number=prop.number, kind=prop.kind, title=prop.title)
        g.add((doc_iri(doc.doc_id), GK.respondsTo, node))
        self.fact(node, doc, ev)
        known = {p.name: p for top in (ex.place, *ex.places) if top for p in top.lineage()}
        level = self.place(known[prop.level]) if prop.level in known else _opt(prop.level, zh)
        _add(g, node, (RDF.type, GK.Proposal), (GK.body, _opt(prop.body, zh)),
             (GK.proposalKind, _opt(prop.kind, zh)), (DCT.title, _opt(prop.title, zh)),
             (GK.term, _opt(prop.term)), (GK.session, _opt(prop.session)),
             (GK.number, _opt(prop.number)), (GK.level, level))
        for proposer in prop.proposers:
            g.add((node, GK.proposer, zh(proposer)))
        for i, handler in enumerate(prop.handlers):
            if handler in agencies_by_name:
                g.add((node, GK.leadHandler if i == 0 else GK.coHandler, agencies_by_name[handler]))
            else:
                g.add((node, GK.handlerName, zh(handler)))

    def finish(self, ontology: Graph) -> None:
        """Write what needed every document first: names, kinds, years, the place tree."""
        g = self.g
        for node, place in self.places.items():
            _add(g, node, (RDF.type, GK.Place), (RDFS.label, zh(_pick(self.place_names[node]))),
                 (GK.adminLevel, Literal(place.level)), (DCT.identifier, Literal(place.key)),
                 (GK.adminCode, _opt(place.code)), (GK.parent, place.parent and place_iri(place.parent)))
            for ancestor in place.lineage()[1:]:  # the closure of gk:within, which is transitive
                g.add((node, GK.within, place_iri(ancestor)))
        for node, names in self.agency_names.items():
            label = _pick(names)
            g.add((node, RDFS.label, zh(label)))
            for other in names:
                if other != label:
                    g.add((node, SKOS.altLabel, zh(other)))
            kind = _KINDS[_pick(self.agency_kinds[node])]
            g.add((node, ORG.classification, kind))
            self.used.add(kind)
        for node, years in self.policy_years.items():
            g.add((node, GK.year, year_literal(min(years))))
        for individual in sorted(self.used):
            for _, p, o in ontology.triples((individual, None, None)):
                if not isinstance(o, BNode):
                    g.add((individual, p, o))


def _fresh_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def _read_thesaurus(path: Path) -> Graph:
    try:
        graph = Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the thesaurus {path}: {exc}") from exc
    blanks = {n for t in graph for n in t if isinstance(n, BNode)}
    if blanks:
        raise StoreError(f"the thesaurus {path} has {len(blanks)} blank nodes; give every node an "
                         "IRI so the written graph is byte-for-byte reproducible")
    return graph


def build_rdf(extractions: Sequence[Extraction], *, thesaurus: Path | None = None) -> Graph:
    """Build one graph of every extraction, with the thesaurus included.

    Parameters
    ----------
    extractions : what was extracted from each document
    thesaurus : the SKOS mechanism thesaurus to include; ``None`` includes the packaged
        ``ontology/mechanisms.ttl`` when it exists

    Raises
    ------
    SpanError
        An evidence or mention span does not slice its document's text to its own text.
    ExtractError
        An agency has a kind outside the closed list.
    StoreError
        The thesaurus cannot be read or has blank nodes.
    """
    from ontology import ontology_path, thesaurus_path

    graph = _fresh_graph()
    path = thesaurus if thesaurus is not None else thesaurus_path()
    if thesaurus is not None or path.exists():
        for triple in _read_thesaurus(Path(path)):
            graph.add(triple)
    else:
        log.warning("no thesaurus at %s: adoptions will point at undeclared concepts", path)
    builder = _Builder(graph)
    for extraction in extractions:
        builder.add(extraction)
    builder.finish(Graph().parse(ontology_path(), format="turtle"))
    return graph


def _canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` whose triples were inserted in sorted N-Triples order."""
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()))
    fresh = _fresh_graph()
    fresh.parse(data="\n".join(line for line in lines if line.strip()) + "\n", format="nt")
    return fresh


def _sort_json(value: object, key: str = "") -> object:
    """Sort JSON-LD value arrays (unordered sets in RDF) and node lists; keep ``@list``."""
    if isinstance(value, dict):
        return {k: _sort_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_graph(graph: Graph, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl`` and ``graph.jsonld`` into ``out_dir``; return their paths.

    Each file is written to a temporary file in ``out_dir``, synced, then renamed over
    the old one, so a reader sees the old graph or the new one, never half of one.
    The same graph always gives byte-identical files.

    Raises
    ------
    StoreError
        The graph has blank nodes, or ``out_dir`` cannot be written.
    """
    blanks = {n for t in graph for n in t if isinstance(n, BNode)}
    if blanks:
        raise StoreError(f"the graph has {len(blanks)} blank nodes; every node needs an IRI "
                         "for the written files to be reproducible")
    canonical = _canonical(graph)
    turtle = canonical.serialize(format="turtle", encoding="utf-8")
    context = {prefix: ns for prefix, ns in PREFIXES.items()}
    doc = json.loads(canonical.serialize(format="json-ld", context=context, auto_compact=True))
    jsonld = json.dumps(_sort_json(doc), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    out_dir = Path(out_dir)
    paths = [out_dir / name for name in GRAPH_FILES]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, data in zip(paths, (turtle, jsonld.encode("utf-8"))):
            _write_atomic(path, data)
    except OSError as exc:
        raise StoreError(f"cannot write the graph to {out_dir}: {exc.strerror or exc}") from exc
    return paths
