"""The embedded RDF store: Oxigraph on disk, bulk-loaded from ``graph.nt``, queried in SPARQL 1.1.

:func:`write_oxigraph` bulk-loads the built graph into ``<graph_dir>/oxigraph/``;
:func:`query_sparql` runs a ``SELECT`` query on it and returns a
:class:`pandas.DataFrame`; :func:`read_oxigraph` opens the store read-only.

The store is **replaced whole**: it is built in a hidden sibling folder, closed, then
renamed into place, so a crash mid-load never leaves half a store. POSIX cannot swap
two folders in one rename, so a rebuild moves the old store aside first; a crash
between the two renames leaves no store at all (never a partial one), and the next
:func:`write_oxigraph` clears the leftovers.

**Parameters are never formatted into the query text.** Each value is turned into an
RDF term and handed to Oxigraph as a substitution (`SEP-0007
<https://github.com/w3c/sparql-dev/blob/main/SEP/SEP-0007/sep-0007.md>`_): the query
is parsed first, then the variable stands for that one term wherever it occurs, as
if bound by ``VALUES``. Oxigraph substitutes only variables the ``SELECT`` clause
projects, so a parameter comes back as a column holding the value passed. A ``str``
becomes a plain literal; a language tag or datatype needs an rdflib
:class:`~rdflib.term.Literal` (``kg.vocab.zh("…")``), and an IRI an rdflib
:class:`~rdflib.term.URIRef` — a string is never read as an IRI.

Examples
--------
>>> import tempfile
>>> from kg.rdf_files import write_graph
>>> from kg.records import Place
>>> from kg.vocab import GK, RDF, RDFS, new_graph, place_iri, zh
>>> g = new_graph()
>>> yinchuan = place_iri(Place(name="银川市", code="640100", level="city"))
>>> _ = g.add((yinchuan, RDF.type, GK.Place))
>>> _ = g.add((yinchuan, RDFS.label, zh("银川市")))
>>> _ = g.add((yinchuan, GK.adminCode, Literal("640100")))
>>> with tempfile.TemporaryDirectory() as out:
...     _ = write_graph(g, Path(out))
...     print(write_oxigraph(out).name)
...     frame = query_sparql(out, "SELECT ?name ?code WHERE { ?p rdfs:label ?name ; gk:adminCode ?code }",
...                          {"name": zh("银川市")})
oxigraph
>>> frame.to_dict("records")
[{'name': '银川市', 'code': '640100'}]
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError, StoreError
from kg.io import replace_dir
from kg.rdf_files import NT_FILE
from kg.vocab import PREFIXES

__all__ = ["STORE_DIR", "query_sparql", "read_oxigraph", "update_oxigraph", "write_oxigraph"]

#: The store's folder inside a graph folder.
STORE_DIR = "oxigraph"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_LEFTOVERS = (f".{STORE_DIR}.*.tmp", f".{STORE_DIR}.*.old")


def _year(text: str) -> int:
    match = re.match(r"-?\d{4,}", text)  # xsd:gYear may carry a time zone: 2021Z, 2021+08:00
    if match is None:
        raise ValueError(text)
    return int(match.group())


def _boolean(text: str) -> bool:
    return {"true": True, "1": True, "false": False, "0": False}[text]


#: Datatype IRI → conversion of the lexical form; any other literal stays a ``str``.
_CONVERT: dict[str, Callable[[str], object]] = {
    **{_XSD + name: int for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte")},
    **{_XSD + name: float for name in ("decimal", "double", "float")},
    _XSD + "gYear": _year,
    _XSD + "boolean": _boolean,
}


#: ``graph.nt`` is bulk-loaded this many bytes at a time. One ``bulk_load`` of the whole file
#: held 1.6 GB more at 10,000 documents (3.7M triples, 12 s); 8 MB blocks held 0.13 GB, in the
#: same time (``benchmarks/README.md``).
_LOAD_BLOCK = 8 << 20


def _blocks(path: Path, size: int) -> Iterator[bytes]:
    """``path``'s bytes in blocks of whole lines, each about ``size`` bytes (longer if a line is).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "lines.nt"
    >>> _ = path.write_bytes(b"a\\nbb\\nccc\\nd")
    >>> list(_blocks(path, 4))
    [b'a\\n', b'bb\\n', b'ccc\\n', b'd']
    """
    rest = b""
    with path.open("rb") as lines:
        while block := lines.read(size):
            cut = block.rfind(b"\n") + 1
            if not cut:  # no line ends in it: keep reading
                rest += block
                continue
            yield rest + block[:cut]
            rest = block[cut:]
    if rest:
        yield rest


def write_oxigraph(graph_dir: str | Path, *, block: int = _LOAD_BLOCK) -> Path:
    """Bulk-load ``graph_dir/graph.nt`` into a new Oxigraph store at ``graph_dir/oxigraph``.

    The store is built in a hidden sibling folder and renamed into place; an existing
    store is replaced, and leftovers of an interrupted earlier load are removed.

    Parameters
    ----------
    graph_dir : str or Path
        A graph folder written by ``kg build``.
    block : int
        Load the file this many bytes at a time, in whole lines: Oxigraph's bulk loader holds
        a whole call's triples in memory.

    Returns
    -------
    Path
        The store's folder, ``graph_dir/oxigraph``.

    Raises
    ------
    StoreError
        If ``graph.nt`` is missing or is not valid N-Triples; any existing store is left as it was.
    """
    graph_dir = Path(graph_dir)
    source = graph_dir / NT_FILE
    if not source.is_file():
        raise StoreError(f"no {NT_FILE} in {graph_dir}; run `kg build` first")
    for pattern in _LEFTOVERS:
        for leftover in graph_dir.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.", suffix=".tmp", dir=graph_dir))
    line = 1  # the first line of the block being loaded
    try:
        store = ox.Store(str(building))
        try:
            for lines in _blocks(source, block):
                store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES)
                line += lines.count(b"\n")
            store.flush()
        finally:
            del store  # the last reference: RocksDB closes its files before the rename
        target = graph_dir / STORE_DIR
        replace_dir(building, target)
    except SyntaxError as err:
        shutil.rmtree(building, ignore_errors=True)
        raise StoreError(f"{source} is not valid N-Triples ({err}; line 1 there is line {line} of the file); "
                         f"rebuild it with `kg build`") from err
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def update_oxigraph(graph_dir: str | Path, *, remove: bytes, add: bytes) -> Path:
    """Change the store of ``graph_dir`` in place of reloading it: remove the N-Triples ``remove``, then add ``add``.

    An incremental build calls this with the triples of the documents it dropped and
    added. The change is made on a checkpoint of the store (RocksDB hard-links its
    immutable files, so nothing is copied) in a hidden sibling folder, which is then
    renamed into place as :func:`write_oxigraph` renames a new store: a crash leaves the
    old store or the new one, never a half-changed one.

    Parameters
    ----------
    graph_dir : a graph folder with a store :func:`write_oxigraph` wrote
    remove, add : N-Triples lines (UTF-8); a line to remove that is not there is ignored

    Raises
    ------
    StoreError
        There is no store, or ``remove`` or ``add`` is not valid N-Triples; the store is
        left as it was.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / NT_FILE).write_text('<https://a> <https://b> "旧" .\\n', encoding="utf-8")
    >>> _ = write_oxigraph(out)
    >>> _ = update_oxigraph(out, remove='<https://a> <https://b> "旧" .\\n'.encode(),
    ...                     add='<https://a> <https://b> "新" .\\n'.encode())
    >>> query_sparql(out, "SELECT ?o WHERE { ?s ?p ?o }")["o"].tolist()
    ['新']
    """
    graph_dir = Path(graph_dir)
    target = graph_dir / STORE_DIR
    if not target.is_dir():
        raise StoreError(f"no Oxigraph store at {target}; run `kg build` first")
    try:
        gone = list(ox.parse(input=remove, format=ox.RdfFormat.N_TRIPLES))
        new = list(ox.parse(input=add, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise StoreError(f"a change to {target} is not valid N-Triples ({err})") from err
    for pattern in _LEFTOVERS:
        for leftover in graph_dir.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    holder = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.", suffix=".tmp", dir=graph_dir))
    building = holder / STORE_DIR  # backup() makes the folder itself
    try:
        store = ox.Store(str(target))
        try:
            store.backup(str(building))
        finally:
            del store
        store = ox.Store(str(building))
        try:
            for quad in gone:
                store.remove(quad)
            store.extend(new)
            store.flush()
        finally:
            del store
        replace_dir(building, target)
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    return target


def read_oxigraph(graph_dir: str | Path) -> ox.Store:
    """Open the Oxigraph store of ``graph_dir`` read-only.

    Opening costs tens of milliseconds, more than most questions, so an open store is kept
    for the next call as long as it is the same folder on disk: a build writes a new store
    and renames it into place, which gives a new inode and so a fresh open.

    Raises
    ------
    StoreError
        If there is no store, or it cannot be opened.
    """
    path = (Path(graph_dir) / STORE_DIR).resolve()
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not path.is_dir():
        raise StoreError(f"no Oxigraph store at {path}; run `kg build` first")
    return _open_read_only(path, stat.st_ino, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _open_read_only(path: Path, inode: int, mtime_ns: int) -> ox.Store:
    """A read-only store, one per version of the folder (``inode`` and ``mtime_ns`` key the cache)."""
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"cannot open the Oxigraph store at {path} ({err}); rebuild it with `kg build`") from err


def query_sparql(graph_dir: str | Path, sparql: str,
                 params: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Run a SPARQL 1.1 ``SELECT`` query on the store of ``graph_dir``.

    The prefixes of :data:`kg.vocab.PREFIXES` (``gk:``, ``skos:``, ``dct:`` …) are
    predeclared; a ``PREFIX`` in the query overrides them.

    Parameters
    ----------
    graph_dir : str or Path
        A graph folder whose store :func:`write_oxigraph` wrote.
    sparql : str
        The query. Each parameter must be a variable of its ``SELECT`` clause.
    params : mapping of str to object, optional
        Variable name (without ``?``) → value. ``str`` is a plain literal; ``int``,
        ``float``, ``bool``, :class:`datetime.date` and :class:`datetime.datetime` are
        typed literals; an rdflib ``Literal`` keeps its language tag or datatype; an
        rdflib ``URIRef`` is an IRI.

    Returns
    -------
    pandas.DataFrame
        One column per selected variable, in order, of ``object`` dtype: ``str`` for IRIs
        and text (language tags dropped), ``int`` for integers and ``xsd:gYear``, ``float``
        for decimals and doubles, ``bool``, and ``None`` where a variable is unbound.
        No row: an empty frame with the same columns.

    Raises
    ------
    QueryError
        If there is no store, the query is not valid SPARQL or not a ``SELECT``, or a
        parameter is not a selected variable or has a value of an unsupported type.

    Notes
    -----
    A variable the caller leaves out of ``params`` stays free and matches anything, so
    whoever runs a named question must check that all its parameters are given.
    Oxigraph applies substitutions when it evaluates, after planning, so its planner
    cannot use the value to order joins; a parameterised query costs about as much as
    the same query with the variable left free.
    """
    substitutions = {_variable(name): _term(name, value) for name, value in (params or {}).items()}
    try:
        store = read_oxigraph(graph_dir)
    except StoreError as err:
        raise QueryError(str(err)) from err
    try:
        result = store.query(sparql, prefixes=PREFIXES, substitutions=substitutions)
    except SyntaxError as err:
        raise QueryError(_syntax_message(sparql, str(err))) from err
    except RuntimeError as err:  # raised when a substituted variable is not projected
        unknown = re.search(r"variable \?(\S+)", str(err))
        if unknown is None:
            raise QueryError(f"SPARQL query failed: {err}") from err
        raise QueryError(
            f"parameter {unknown.group(1)!r} is not a variable the query selects; Oxigraph substitutes "
            f"only selected variables: add ?{unknown.group(1)} to the SELECT clause or drop the parameter"
        ) from err
    except OSError as err:
        raise QueryError(f"reading the Oxigraph store of {graph_dir} failed ({err}); "
                         f"rebuild it with `kg build`") from err
    if not isinstance(result, ox.QuerySolutions):
        kind = "an ASK" if isinstance(result, ox.QueryBoolean) else "a CONSTRUCT or DESCRIBE"
        raise QueryError(f"query_sparql runs SELECT queries only, and this is {kind} query; "
                         f"rewrite it as SELECT")
    columns = [variable.value for variable in result.variables]
    rows = [[_python(solution[column]) for column in columns] for solution in result]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _variable(name: str) -> ox.Variable:
    try:
        return ox.Variable(name)
    except (TypeError, ValueError) as err:
        raise QueryError(f"invalid parameter name {name!r}: a SPARQL variable name is letters, digits "
                         f"and underscores, given without '?'") from err


def _term(name: str, value: object) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value stands for; only a marked IRI becomes a NamedNode."""
    try:
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            return value
        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
        if isinstance(value, Identifier):  # a blank node, a variable: no meaning outside one graph
            raise TypeError
        if isinstance(value, (str, bool, int, float)):
            return ox.Literal(value)
        if isinstance(value, datetime.datetime):
            return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "dateTime"))
        if isinstance(value, datetime.date):
            return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    except ValueError as err:
        raise QueryError(f"parameter {name!r} is not a valid RDF term: {err}") from err
    except TypeError:
        pass
    raise QueryError(
        f"parameter {name!r} has unsupported type {type(value).__name__}; use str, int, float, bool, "
        f"datetime.date, an rdflib Literal (for a language tag or datatype) or an rdflib URIRef (for an IRI)"
    )


def _python(term: object) -> object:
    """A result term as a plain Python value: see :func:`query_sparql`."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.language is not None:
            return term.value
        convert = _CONVERT.get(term.datatype.value)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except (ValueError, KeyError):  # an ill-typed literal ("abc"^^xsd:integer) stays text
            return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)  # an RDF-star triple, in N-Triples syntax


def _syntax_message(sparql: str, error: str) -> str:
    """Oxigraph's syntax error, on one line, with the line of the query it points at."""
    error = " ".join(error.split())
    where = re.match(r"error at (\d+):(\d+): (.*)", error)
    if where is None:
        detail = f": {_clip(error, 200)}"
    else:
        number, column, expected = int(where.group(1)), where.group(2), where.group(3)
        lines = sparql.splitlines() or [""]
        line = _clip(lines[min(number, len(lines)) - 1].strip(), 80)
        if "Prefix not found" in expected:  # Oxigraph lists every character it could have taken
            expected = f"a prefix is not declared; declare it with PREFIX, or use one of {', '.join(PREFIXES)}"
        else:
            expected = _clip(expected, 200)
        detail = f" at line {number}, column {column} ({line!r}): {expected}"
    return f"invalid SPARQL query{detail}. Fix the query; only SPARQL 1.1 SELECT queries run here, never updates"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
