"""The graph folder on disk: ``graph.nt``, ``graph.ttl`` and ``graph.jsonld``, written and read.

``graph.nt`` (N-Triples) is the graph as ``kg build`` streams it out, one document's
lines after another and then the lines every document shares; the Oxigraph store is
bulk-loaded from it. :func:`write_rdf_files` turns it into ``graph.ttl`` and
``graph.jsonld`` in one pass each, without holding the graph in memory: consecutive
lines about one subject become one Turtle block or one JSON-LD node.

Every file is written **atomically** (a temporary file in the same folder, renamed over
the old one: a reader sees the old graph or the new one, never half of one) and
**deterministically**: the same lines give byte-identical files in any process. Every
node is an IRI minted from a content hash (:mod:`kg.vocab`); a graph with a blank node
is refused, as blank node labels change from run to run.

Examples
--------
>>> import tempfile
>>> from kg.vocab import GK, RDF, doc_iri, new_graph
>>> g = new_graph()
>>> _ = g.add((doc_iri("d1"), RDF.type, GK.Document))
>>> with tempfile.TemporaryDirectory() as out:
...     paths = write_graph(g, Path(out))
...     print((Path(out) / "graph.ttl").read_text().splitlines()[-1])
...     [p.name for p in paths], len(read_graph(out))
doc:d1 a gk:Document .
(['graph.nt', 'graph.ttl', 'graph.jsonld'], 1)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph

from kg.errors import StoreError
from kg.io import open_atomic
from kg.vocab import PREFIXES, new_graph

__all__ = ["GRAPH_FILES", "NT_FILE", "RDF_FORMATS", "write_graph", "write_rdf_files", "read_graph"]

#: The N-Triples file every other RDF output is made from.
NT_FILE = "graph.nt"
#: The files :func:`write_rdf_files` can write, by format name.
RDF_FORMATS = {"ttl": "graph.ttl", "jsonld": "graph.jsonld"}
#: The files :func:`write_graph` writes, in order.
GRAPH_FILES = (NT_FILE, *RDF_FORMATS.values())

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LINE = re.compile(r'<([^>]*)> <([^>]*)> (.*) \.')
_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?')
_UNESCAPE = re.compile(r"\\(.)")
_CONTROL = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


@lru_cache(maxsize=65536)
def _compact(iri: str) -> str | None:
    """``prefix:local`` for an IRI in one of :data:`kg.vocab.PREFIXES`, else ``None``."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if not local or _LOCAL_NAME.fullmatch(local):
                return f"{prefix}:{local}"
    return None


def _iri_turtle(iri: str) -> str:
    return _compact(iri) or f"<{iri}>"


def _parse(line: str) -> tuple[str, str, str]:
    match = _LINE.fullmatch(line.rstrip("\n"))
    if match is None:
        raise StoreError(f"not a line of N-Triples with IRI subject and predicate: {line[:120]!r}")
    return match.group(1), match.group(2), match.group(3)


def _subjects(lines: Iterable[str]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Consecutive lines about one subject, as ``(subject, [(predicate, object), …])``."""
    subject, pairs = None, []
    for line in lines:
        if not line.strip():
            continue
        s, p, o = _parse(line)
        if s != subject and subject is not None:
            yield subject, pairs
            pairs = []
        subject = s
        pairs.append((p, o))
    if subject is not None:
        yield subject, pairs


def _object_turtle(term: str) -> str:
    if term.startswith("<"):
        return _iri_turtle(term[1:-1])
    head, sep, datatype = term.rpartition("^^<")
    return f"{head}^^{_iri_turtle(datatype[:-1])}" if sep else term


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: _CONTROL.get(m.group(1), m.group(1)), text)


def _object_json(term: str) -> dict[str, str]:
    if term.startswith("<"):
        return {"@id": _compact(term[1:-1]) or term[1:-1]}
    match = _LITERAL.fullmatch(term)
    if match is None:
        raise StoreError(f"not an N-Triples term: {term[:120]!r}")
    value: dict[str, str] = {"@value": _unescape(match.group(1))}
    if match.group(2):
        value["@language"] = match.group(2)
    elif match.group(3):
        value["@type"] = _compact(match.group(3)) or match.group(3)
    return value


def _write_turtle(lines: Iterable[str], path: Path) -> None:
    with open_atomic(path) as fh:
        fh.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode("utf-8"))
        for subject, pairs in _subjects(lines):
            body = " ;\n    ".join(f"{'a' if p == _RDF_TYPE else _iri_turtle(p)} {_object_turtle(o)}"
                                   for p, o in pairs)
            fh.write(f"\n{_iri_turtle(subject)} {body} .\n".encode("utf-8"))


def _write_jsonld(lines: Iterable[str], path: Path) -> None:
    with open_atomic(path) as fh:
        context = json.dumps({"@context": PREFIXES}, ensure_ascii=False, indent=2)
        fh.write(f"{context[:-2]},\n  \"@graph\": [".encode("utf-8"))
        separator = "\n"
        for subject, pairs in _subjects(lines):
            node: dict[str, object] = {"@id": _compact(subject) or subject}
            for p, o in pairs:
                if p == _RDF_TYPE and o.startswith("<"):
                    node.setdefault("@type", []).append(_compact(o[1:-1]) or o[1:-1])  # type: ignore[union-attr]
                else:
                    node.setdefault(_compact(p) or p, []).append(_object_json(o))  # type: ignore[union-attr]
            fh.write(f"{separator}    {json.dumps(node, ensure_ascii=False, sort_keys=True)}".encode("utf-8"))
            separator = ",\n"
        fh.write(b"\n  ]\n}\n")


def _read_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        yield from fh


def write_rdf_files(graph_dir: Path | str, *, formats: Iterable[str] = tuple(RDF_FORMATS)) -> list[Path]:
    """Write ``graph.ttl`` and/or ``graph.jsonld`` from ``graph_dir/graph.nt``; return their paths.

    Each is one streaming pass over ``graph.nt``. Turtle and JSON-LD use the prefixes of
    :data:`kg.vocab.PREFIXES`; JSON-LD has one node object per block of lines about
    one subject (a subject met again later gets another node object, which JSON-LD
    merges with the first).

    Raises
    ------
    StoreError
        ``graph.nt`` is missing or malformed, a format is unknown, or a file cannot be written.
    """
    graph_dir = Path(graph_dir)
    source = graph_dir / NT_FILE
    if not source.is_file():
        raise StoreError(f"no graph at {source}; run `kg build` first")
    writers = {"ttl": _write_turtle, "jsonld": _write_jsonld}
    paths = []
    for name in formats:
        if name not in writers:
            raise StoreError(f"Unsupported RDF format {name!r}. Supported formats: {', '.join(writers)}.")
        path = graph_dir / RDF_FORMATS[name]
        try:
            writers[name](_read_lines(source), path)
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from exc
        paths.append(path)
    return paths


def write_graph(graph: Graph, out_dir: Path | str) -> list[Path]:
    """Write ``graph.nt`` (sorted), ``graph.ttl`` and ``graph.jsonld`` into ``out_dir``.

    Parameters
    ----------
    graph : a graph in memory, as :func:`kg.rdf.build_rdf` made it
    out_dir : the graph folder; made if missing

    Raises
    ------
    StoreError
        The graph has blank nodes, or ``out_dir`` cannot be written.
    """
    from kg.rdf import nt_line

    blanks = {node for triple in graph for node in triple if isinstance(node, BNode)}
    if blanks:
        raise StoreError(f"the graph has {len(blanks)} blank nodes; every node needs an IRI "
                         "for the written files to be reproducible")
    out_dir = Path(out_dir)
    try:
        with open_atomic(out_dir / NT_FILE) as fh:
            fh.write("".join(sorted(nt_line(triple) for triple in graph)).encode("utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot write the graph to {out_dir}: {exc.strerror or exc}") from exc
    return [out_dir / NT_FILE, *write_rdf_files(out_dir)]


def read_graph(graph_dir: Path | str) -> Graph:
    """Read ``graph_dir/graph.nt``, the graph ``kg build`` wrote, into memory.

    Raises
    ------
    StoreError
        ``graph.nt`` is missing (run ``kg build``) or is not N-Triples.

    Examples
    --------
    >>> read_graph("/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: no graph at /nonexistent/graph.nt; run `kg build` first
    """
    path = Path(graph_dir) / NT_FILE
    if not path.is_file():
        raise StoreError(f"no graph at {path}; run `kg build` first")
    try:
        return new_graph().parse(path, format="nt")
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the graph {path}: {exc}") from exc
