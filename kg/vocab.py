"""RDF terms: the project's own vocabulary as code, the reused ones, and IRI minting.

:class:`GK` lists every term of ``ontology/govkg.ttl``; with ``_fail = True`` a
misspelt term is an :class:`AttributeError`, not a new predicate. The ``*_iri``
functions mint the IRI of every node the build writes from a hash of what
identifies it, so the same records always give the same IRIs and the graph
needs no blank nodes.

Examples
--------
>>> GK.Adoption
rdflib.term.URIRef('https://w3id.org/govkg/ontology#Adoption')
>>> GK.adoptoin
Traceback (most recent call last):
...
AttributeError: term 'adoptoin' not in namespace 'https://w3id.org/govkg/ontology#'
>>> mechanism_iri("fengqiao")
rdflib.term.URIRef('https://w3id.org/govkg/mechanism/fengqiao')
>>> candidate_iri("红色物业") == candidate_iri("红色物业")
True
>>> key_hash("银川市", None) != key_hash("银川市", "")
True
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, QB, SH, SKOS, DefinedNamespace

from kg.records import Place, Span

__all__ = [
    "GK",
    "GKM",
    "GKID",
    "GKC",
    "GKS",
    "ID",
    "DCT",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "XSD",
    "PREFIXES",
    "new_graph",
    "STATUS",
    "AGENCY_KINDS",
    "key_hash",
    "doc_iri",
    "doc_node",
    "place_iri",
    "place_id",
    "agency_iri",
    "policy_iri",
    "program_iri",
    "observation_iri",
    "adoption_iri",
    "proposal_iri",
    "evidence_iri",
    "mechanism_iri",
    "candidate_iri",
    "zh",
    "date_literal",
    "year_literal",
]

DCT = DCTERMS


class GK(DefinedNamespace):
    """The govkg ontology, ``https://w3id.org/govkg/ontology#``."""

    _fail = True
    _NS = Namespace("https://w3id.org/govkg/ontology#")

    # classes
    Adoption: URIRef
    AdoptionStatus: URIRef
    Agency: URIRef
    AgencyKind: URIRef
    CandidateConcept: URIRef
    Document: URIRef
    Evidence: URIRef
    LocalForm: URIRef
    Place: URIRef
    Policy: URIRef
    Program: URIRef
    Proposal: URIRef
    # individuals
    implemented: URIRef
    piloting: URIRef
    planned: URIRef
    proposed: URIRef
    agencyKinds: URIRef
    governmentBody: URIRef
    partyBody: URIRef
    congressBody: URIRef
    cppccBody: URIRef
    courtBody: URIRef
    massOrganisation: URIRef
    socialOrganisation: URIRef
    university: URIRef
    otherBody: URIRef
    metrics: URIRef
    metricsStructure: URIRef
    # provenance
    evidence: URIRef
    sentence: URIRef
    start: URIRef
    end: URIRef
    mentionStart: URIRef
    mentionEnd: URIRef
    # documents
    indexNumber: URIRef
    docNumber: URIRef
    issuer: URIRef
    jurisdiction: URIRef
    signedDate: URIRef
    signedDateRaw: URIRef
    signedDateUncertain: URIRef
    respondsTo: URIRef
    mentions: URIRef
    # proposals
    body: URIRef
    level: URIRef
    term: URIRef
    session: URIRef
    number: URIRef
    proposalKind: URIRef
    proposer: URIRef
    handledBy: URIRef
    leadHandler: URIRef
    coHandler: URIRef
    handlerName: URIRef
    # places
    adminCode: URIRef
    adminLevel: URIRef
    within: URIRef
    parent: URIRef
    # adoptions and candidates
    place: URIRef
    mechanism: URIRef
    status: URIRef
    year: URIRef
    surfaceForm: URIRef
    cue: URIRef
    # metrics (RDF Data Cube components)
    refArea: URIRef
    refPeriod: URIRef
    indicator: URIRef
    value: URIRef
    unit: URIRef
    qualifier: URIRef


#: The mechanism thesaurus (ontology/mechanisms.ttl).
GKM = Namespace("https://w3id.org/govkg/mechanism/")
#: Instance data.
GKID = Namespace("https://w3id.org/govkg/id/")
#: Candidate mechanisms the thesaurus lacks.
GKC = Namespace("https://w3id.org/govkg/candidate/")
#: SHACL shapes (ontology/shapes.ttl).
GKS = Namespace("https://w3id.org/govkg/shapes#")

#: One namespace per kind of instance node, so Turtle can write ``doc:…``, ``place:…``.
ID: dict[str, Namespace] = {
    kind: Namespace(f"{GKID}{kind}/")
    for kind in ("doc", "place", "agency", "policy", "program", "obs", "adoption", "proposal", "evidence")
}

#: Every prefix the written graph binds, in a fixed order.
PREFIXES: dict[str, str] = {
    "gk": str(GK._NS),
    "gkm": str(GKM),
    "gkc": str(GKC),
    **{kind: str(ns) for kind, ns in ID.items()},
    "dct": str(DCTERMS._NS),
    "foaf": str(FOAF._NS),
    "org": str(ORG._NS),
    "owl": str(OWL._NS),
    "prov": str(PROV._NS),
    "qb": str(QB._NS),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "skos": str(SKOS._NS),
    "xsd": str(XSD._NS),
}


def new_graph() -> Graph:
    """An empty graph binding exactly :data:`PREFIXES`, none of rdflib's defaults.

    Examples
    --------
    >>> [prefix for prefix, _ in new_graph().namespaces()][:3]
    ['gk', 'gkm', 'gkc']
    """
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


#: :data:`kg.records.Status` values → the gk:AdoptionStatus individuals.
STATUS: dict[str, URIRef] = {"implemented": GK.implemented, "piloting": GK.piloting,
                             "planned": GK.planned, "proposed": GK.proposed}
#: :attr:`kg.records.Agency.kind` values → the gk:AgencyKind individuals.
AGENCY_KINDS: dict[str, URIRef] = {
    "government": GK.governmentBody, "party": GK.partyBody, "congress": GK.congressBody,
    "cppcc": GK.cppccBody, "court": GK.courtBody, "mass": GK.massOrganisation,
    "social": GK.socialOrganisation, "university": GK.university, "other": GK.otherBody,
}


def key_hash(*parts: object) -> str:
    """Return 16 hex digits of the SHA-256 of ``parts``; ``None`` and ``""`` differ.

    Examples
    --------
    >>> key_hash("银川市民政局")
    '9371c6c492a55e14'
    """
    text = "\x1f".join("\x00" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def doc_iri(doc_id: str) -> URIRef:
    """The document's IRI: its ``doc_id`` is already a content hash."""
    return ID["doc"][doc_id]


#: A document's IRI without its ``doc_id``.
_DOC = str(ID["doc"])


def doc_node(doc_id: str) -> str:
    """The document's node id in the property graph: ``str(doc_iri(doc_id))``, without making the IRI.

    Examples
    --------
    >>> doc_node("yinchuan-1") == str(doc_iri("yinchuan-1"))
    True
    """
    return _DOC + doc_id


def place_iri(place: Place) -> URIRef:
    """A coded place's IRI ends in its division code; any other in a hash of its key.

    Examples
    --------
    >>> place_iri(Place(name="银川市", code="640100", level="city"))
    rdflib.term.URIRef('https://w3id.org/govkg/id/place/640100')
    """
    return ID["place"][place.code or key_hash(place.key)]


_PLACE_NS = str(ID["place"])


def place_id(place: Place) -> str:
    """``str(place_iri(place))``, made without an rdflib term: the property graph names
    hundreds of thousands of places per 10,000 documents.

    Examples
    --------
    >>> town = Place(name="长征路街道", code=None, level="town", parent=Place(name="银川市", code="640100", level="city"))
    >>> place_id(town) == str(place_iri(town)), place_id(town.parent)
    (True, 'https://w3id.org/govkg/id/place/640100')
    """
    return _PLACE_NS + (place.code or _key_hash_of(place.key))


@lru_cache(maxsize=1 << 16)
def _key_hash_of(key: str) -> str:
    return key_hash(key)


def agency_iri(key: str) -> URIRef:
    """One IRI per :attr:`Agency.key`, however the agency is written."""
    return ID["agency"][key_hash(key)]


def policy_iri(title: str, place: Place | None) -> URIRef:
    """A policy is identified by its title and whose policy it is."""
    return ID["policy"][key_hash(title, place.key if place else None)]


def program_iri(name: str, place: Place | None) -> URIRef:
    """A programme is identified by its name and its place."""
    return ID["program"][key_hash(name, place.key if place else None)]


def observation_iri(doc_id: str, place: Place, indicator: str, value: float, unit: str,
                    date: str | None, qualifier: str | None) -> URIRef:
    """An observation is one document's statement of one figure."""
    return ID["obs"][key_hash(doc_id, place.key, indicator, repr(value), unit, date, qualifier)]


def adoption_iri(doc_id: str, place: Place, mechanism: URIRef, surface: str) -> URIRef:
    """One adoption per document, place and mechanism as the text names it."""
    return ID["adoption"][key_hash(doc_id, place.key, mechanism, surface)]


def proposal_iri(*, body: str | None, level: str | None, term: int | None, session: int | None,
                 number: int | None, kind: str | None, title: str | None) -> URIRef:
    """A numbered proposal is identified by its number in its body's session, else by title."""
    if number is not None and term is not None and session is not None:
        return ID["proposal"][key_hash(body, level, term, session, kind, number)]
    return ID["proposal"][key_hash(body, level, term, session, kind, number, title)]


def evidence_iri(evidence: Span, mention: Span | None = None) -> URIRef:
    """An evidence node is a sentence of a document, and the mention within it."""
    where = (mention.start, mention.end) if mention else (None, None)
    return ID["evidence"][key_hash(evidence.doc_id, evidence.start, evidence.end, *where)]


def mechanism_iri(concept: str) -> URIRef:
    """The thesaurus concept with local name ``concept``."""
    return GKM[concept]


def candidate_iri(key: str) -> URIRef:
    """A candidate mechanism's IRI: a hash of its key, the label in the form
    :func:`kg.thesaurus.norm_label` gives it (so ``１＋２＋Ｘ`` and ``1+2+X`` are one)."""
    return GKC[key_hash(key)]


_ISO = [(re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date), (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
        (re.compile(r"\d{4}"), XSD.gYear)]


def zh(text: str) -> Literal:
    """Chinese text as an ``@zh`` literal.

    Examples
    --------
    >>> zh("红色物业").n3()
    '"红色物业"@zh'
    """
    return Literal(text, lang="zh")


def date_literal(value: str) -> Literal:
    """An ISO date as ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``; anything else as a string.

    Examples
    --------
    >>> date_literal("2022-08-31").datatype == XSD.date
    True
    >>> date_literal("2022-08").datatype == XSD.gYearMonth
    True
    >>> date_literal("2022-02-30").n3()  # not a real day: kept as a plain string
    '"2022-02-30"'
    >>> date_literal("二〇二一年八月").datatype is None
    True
    """
    for pattern, datatype in _ISO:
        if pattern.fullmatch(value):
            try:
                date.fromisoformat(value + "-01-01"[len(value) - 4:])  # pad a year or month to a day
            except ValueError:
                break
            return Literal(value, datatype=datatype)
    return Literal(value)


def year_literal(year: int) -> Literal:
    """A year as ``xsd:gYear``.

    Examples
    --------
    >>> year_literal(2021).n3()
    '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    """
    return Literal(f"{year:04d}", datatype=XSD.gYear)
