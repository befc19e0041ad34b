"""The graph folder on disk: ``graph.ttl`` and ``graph.jsonld``, written and read.

:func:`write_graph` is **atomic**: each file goes to a temporary file in the same
folder, is flushed and fsynced, then :func:`os.replace`-d over the old one, so a
reader sees the old graph or the new one, never half of one.

It is **deterministic**: the same graph gives byte-identical files in any process.

- Every node is an IRI minted from a content hash (:mod:`kg.vocab`); a graph with a
  blank node is refused, as blank node labels change from run to run.
- rdflib's memory store keeps triples in sets, so iteration order follows Python's
  per-process string hashing. Nothing may depend on it:
- the triples are copied (through sorted N-Triples) into a fresh graph binding
  :data:`kg.vocab.PREFIXES`, with any other predicate namespace given a generated
  prefix in sorted order (:func:`canonical_graph`);
- rdflib's Turtle writer sorts subjects, predicates and objects itself;
- its JSON-LD writer walks ``set(graph.subjects())``, so the JSON-LD is re-sorted:
  ``@graph`` nodes and every value array (unordered sets in RDF; ``@list`` arrays
  keep their order), and every object's keys.

Examples
--------
>>> import tempfile
>>> from rdflib import URIRef
>>> from kg.vocab import GK, RDF, doc_iri, new_graph
>>> g = new_graph()
>>> _ = g.add((doc_iri("d1"), RDF.type, GK.Document))
>>> with tempfile.TemporaryDirectory() as out:
...     paths = write_graph(g, Path(out))
...     [p.name for p in paths], len(read_graph(out))
(['graph.ttl', 'graph.jsonld'], 1)
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import BNode, Graph, URIRef

from kg.errors import StoreError
from kg.io import write_atomic
from kg.vocab import PREFIXES, new_graph

__all__ = ["GRAPH_FILES", "write_graph", "read_graph", "canonical_graph"]

#: The files :func:`write_graph` writes, in order.
GRAPH_FILES = ("graph.ttl", "graph.jsonld")


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` in a fresh graph whose prefixes do not depend on the run.

    It binds :data:`kg.vocab.PREFIXES`, then, in sorted order, a generated prefix
    (``ns1``, ``ns2``…) for each predicate namespace they miss. rdflib's Turtle writer
    would otherwise generate them in the order it meets the predicates, which follows
    the store's set iteration and so the process's string hashing.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> from kg.vocab import doc_iri
    >>> g = new_graph()
    >>> for ns in ("http://example.org/b#", "http://example.org/a#"):
    ...     _ = g.add((doc_iri("d"), URIRef(ns + "note"), Literal("x")))
    >>> sorted((p, str(n)) for p, n in canonical_graph(g).namespaces() if p.startswith("ns"))
    [('ns1', 'http://example.org/a#'), ('ns2', 'http://example.org/b#')]
    """
    lines = {line for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
             if line.strip()}
    fresh = new_graph()
    fresh.parse(data="\n".join(sorted(lines)) + "\n", format="nt")
    for predicate in sorted({p for p in fresh.predicates() if isinstance(p, URIRef)}):
        try:
            fresh.namespace_manager.compute_qname(predicate, generate=True)
        except ValueError:  # no namespace to split off: Turtle writes the full IRI
            pass
    return fresh


def _sort_json(value: object, key: str = "") -> object:
    """Sort JSON-LD arrays, which hold unordered RDF values, except ``@list`` arrays."""
    if isinstance(value, dict):
        return {k: _sort_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def write_graph(graph: Graph, out_dir: Path | str) -> list[Path]:
    """Write ``graph.ttl`` and ``graph.jsonld`` into ``out_dir``; return their paths.

    Parameters
    ----------
    graph : the graph to write, as :func:`kg.rdf.build_rdf` made it
    out_dir : the graph folder; made if missing

    Raises
    ------
    StoreError
        The graph has blank nodes, or ``out_dir`` cannot be written.
    """
    blanks = {node for triple in graph for node in triple if isinstance(node, BNode)}
    if blanks:
        raise StoreError(f"the graph has {len(blanks)} blank nodes; every node needs an IRI "
                         "for the written files to be reproducible")
    canonical = canonical_graph(graph)
    turtle = canonical.serialize(format="turtle", encoding="utf-8")
    doc = json.loads(canonical.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
    jsonld = json.dumps(_sort_json(doc), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    out_dir = Path(out_dir)
    paths = [out_dir / name for name in GRAPH_FILES]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, data in zip(paths, (turtle, jsonld.encode("utf-8")), strict=True):
            write_atomic(path, data)
    except OSError as exc:
        raise StoreError(f"cannot write the graph to {out_dir}: {exc.strerror or exc}") from exc
    return paths


def read_graph(graph_dir: Path | str) -> Graph:
    """Read ``graph_dir/graph.ttl``, the graph :func:`write_graph` wrote.

    Raises
    ------
    StoreError
        ``graph.ttl`` is missing (run ``kg build``) or is not Turtle.

    Examples
    --------
    >>> read_graph("/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: no graph at /nonexistent/graph.ttl; run `kg build` first
    """
    path = Path(graph_dir) / GRAPH_FILES[0]
    if not path.is_file():
        raise StoreError(f"no graph at {path}; run `kg build` first")
    try:
        return new_graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the graph {path}: {exc}") from exc
