"""Check a built graph against the SHACL shapes of ``ontology/shapes.ttl``.

:func:`validate_graph` reads ``graph.nt`` from a graph folder (what
:func:`kg.rdf.write_graph` wrote) and runs pySHACL over it with the shapes, the
ontology mixed in, and **no inference**:

- SHACL's own rules already follow ``rdfs:subClassOf`` for ``sh:targetClass`` and
  ``sh:class`` (SHACL 1.0 §3.2, "SHACL instance"), and the ontology is mixed into
  the data graph, so a ``gk:LocalForm`` is a ``skos:Concept`` and a
  ``gk:CandidateConcept`` is one too without a reasoner.
- RDFS inference would make the range checks vacuous: ``gk:place rdfs:range
  gk:Place`` would type *any* object of ``gk:place`` as a ``gk:Place``, so
  ``sh:class gk:Place`` could never fail. It would also be slower.

Examples
--------
>>> validate_graph("/nonexistent")
Traceback (most recent call last):
...
kg.errors.StoreError: no graph at /nonexistent/graph.nt; run `kg build` first
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import Graph

from kg.errors import StoreError
from kg.rdf_files import read_graph
from kg.vocab import GKS, RDF, SH
from ontology import ontology_path, shapes_path

__all__ = ["ValidationResult", "validate_graph", "validate_rdf", "INFERENCE"]

#: The inference pySHACL runs before validating: none (see the module docstring).
INFERENCE = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationResult:
    """The outcome of a SHACL validation.

    Attributes
    ----------
    conforms : whether the graph satisfies every shape
    text : pySHACL's report, one block per result, naming the source shape
    results : how many ``sh:ValidationResult`` the report holds
    """

    conforms: bool
    text: str
    results: int

    def __str__(self) -> str:
        return self.text


def _parse(path: Path, what: str) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read {what} {path}: {exc}") from exc


def validate_rdf(graph: Graph) -> ValidationResult:
    """Validate an in-memory graph against the shapes, with the ontology mixed in.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> from kg.vocab import GK
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://w3id.org/govkg/id/adoption/x"), RDF.type, GK.Adoption))
    >>> result = validate_rdf(g)
    >>> result.conforms, "gks:Adoption-place" in result.text
    (False, True)
    """
    shapes = _parse(shapes_path(), "the shapes")
    shapes.bind("gks", str(GKS))
    conforms, report, text = validate(
        graph,
        shacl_graph=shapes,
        ont_graph=_parse(ontology_path(), "the ontology"),
        inference=INFERENCE,
        abort_on_first=False,
        allow_warnings=False,
    )
    results = len(set(report.subjects(RDF.type, SH.ValidationResult)))
    return ValidationResult(conforms=bool(conforms), text=str(text), results=results)


def validate_graph(graph_dir: Path | str) -> ValidationResult:
    """Validate ``graph_dir/graph.nt`` against the SHACL shapes.

    Parameters
    ----------
    graph_dir : the folder ``kg build`` wrote the graph into

    Raises
    ------
    StoreError
        ``graph.nt`` is missing or is not N-Triples.
    """
    return validate_rdf(read_graph(graph_dir))
