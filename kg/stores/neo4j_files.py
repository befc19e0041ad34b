"""Neo4j files: CSV for ``neo4j-admin database import full`` and a cypher-shell script.

:func:`export_neo4j` writes into one folder:

- ``nodes/<Label>.csv`` — header and data in one file: ``id:ID`` (one ID space: ids are
  IRIs, unique across labels), the other columns with their types, then ``:LABEL``, e.g.
  ``id:ID,label,doc_id,…,signed_uncertain:boolean,…,chars:long,:LABEL``;
- ``relationships/<TYPE>.csv`` — ``:START_ID,:END_ID``, the properties, then ``:TYPE``;
- ``import.sh`` — the ``neo4j-admin database import full`` command for those files;
- ``constraints.cypher`` — the uniqueness constraints, to run once the import is done;
- ``graph.cypher`` — constraints, then the data as MERGE statements with literal values,
  for ``cypher-shell -f`` on small graphs.

The header follows the Neo4j Operations Manual, "Import → CSV header format": a field
is ``<name>:<field_type>``, ``:ID`` / ``:LABEL`` in node files, ``:START_ID`` /
``:END_ID`` / ``:TYPE`` in relationship files, property types ``long``, ``double``,
``boolean`` and ``string`` (the default, so left out). Every string is quoted, a quote
doubled (RFC 4180, the importer's default ``--quote``); a missing value is an empty
unquoted field, which the importer skips, while ``""`` is the empty string. Strings may
hold line breaks, hence ``--multiline-fields=true``. Multi-valued columns such as
``alt_labels`` stay ``|``-joined strings, as :func:`~kg.stores.neo4j.push_neo4j` writes them.

Examples
--------
>>> import_header("Observation")[:4], import_header("Observation")[-1]
(['id:ID', 'label', 'indicator', 'value:double'], ':LABEL')
>>> import_header("ADOPTED")[:3], import_header("ADOPTED")[-1]
([':START_ID', ':END_ID', 'id'], ':TYPE')
>>> [csv_field(v) for v in ["三社联动", 'a "b" c', "", None, 12, 0.5, False]]
['"三社联动"', '"a ""b"" c"', '""', '', '12', '0.5', 'false']
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kg.errors import StoreError
from kg.graph import EDGE_COLUMNS, NODE_COLUMNS, PropertyGraph
from kg.io import write_atomic
from kg.stores.neo4j import constraint_statements, script_statements

__all__ = ["Neo4jExport", "IMPORT_TYPES", "import_header", "csv_field", "import_command", "export_neo4j"]

#: pandas dtype of a :mod:`kg.graph` column → neo4j-admin import field type (``None``: string, the default).
IMPORT_TYPES: dict[str, str | None] = {"object": None, "Int64": "long", "float64": "double", "bool": "boolean"}
_SCRIPT_HEAD = """\
// The govkg property graph for cypher-shell (small graphs; large ones: kg neo4j push or import.sh).
//   cypher-shell -a bolt://localhost:7687 -u neo4j -d neo4j -f graph.cypher
// Written by `kg export neo4j`. One statement a line; every value is a Cypher literal.
// The MERGEs are those of `kg neo4j push` (queries/neo4j.cypher): running it twice changes nothing.
"""


@dataclass(frozen=True)
class Neo4jExport:
    """What :func:`export_neo4j` wrote.

    Attributes
    ----------
    out_dir : the folder written
    files : node label or relationship type → its CSV file
    rows : node label or relationship type → data rows in its file
    command : the ``neo4j-admin database import full`` command line, run in ``out_dir``
    """

    out_dir: Path
    files: dict[str, Path]
    rows: dict[str, int]
    command: str

    @property
    def nodes(self) -> int:
        """Node rows written, over every label."""
        return sum(n for name, n in self.rows.items() if name in NODE_COLUMNS)

    @property
    def relationships(self) -> int:
        """Relationship rows written, over every type."""
        return sum(n for name, n in self.rows.items() if name in EDGE_COLUMNS)


def _columns(name: str) -> dict[str, str]:
    if name in NODE_COLUMNS:
        return NODE_COLUMNS[name]
    if name in EDGE_COLUMNS:
        return EDGE_COLUMNS[name]
    raise StoreError(f"{name!r} is neither a node label nor a relationship type; "
                     f"choose from {', '.join([*NODE_COLUMNS, *EDGE_COLUMNS])}")


def import_header(name: str) -> list[str]:
    """The header fields of the import file of node label or relationship type ``name``."""
    fields = []
    for column, dtype in _columns(name).items():
        if name in NODE_COLUMNS and column == "id":
            fields.append("id:ID")
        elif name in EDGE_COLUMNS and column in ("src", "dst"):
            fields.append(":START_ID" if column == "src" else ":END_ID")
        else:
            kind = IMPORT_TYPES[dtype]
            fields.append(column if kind is None else f"{column}:{kind}")
    return [*fields, ":LABEL" if name in NODE_COLUMNS else ":TYPE"]


def csv_field(value: object) -> str:
    """One CSV field as neo4j-admin reads it: strings always quoted, ``None`` empty and unquoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError(f"{value!r} cannot be imported: a double property must be a finite number")
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    raise StoreError(f"{type(value).__name__} {value!r} cannot be written to an import CSV: "
                     "values are str, int, float, bool or None")


def _csv(name: str, table: pd.DataFrame) -> str:
    lines = [",".join(import_header(name))]
    plain = table.astype(object).where(table.notna(), None)
    for row in plain.itertuples(index=False, name=None):
        values = [v.item() if hasattr(v, "item") else v for v in row]
        lines.append(",".join([*map(csv_field, values), name]))  # the label or type: an identifier
    return "\n".join(lines) + "\n"


def _import_options(nodes: list[str], relationships: list[str]) -> list[str]:
    return [*(f"--nodes={shlex.quote(path)}" for path in nodes),
            *(f"--relationships={shlex.quote(path)}" for path in relationships), "--multiline-fields=true"]


def import_command(nodes: list[str], relationships: list[str], *, database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for node and relationship files.

    Each file holds its header in its first line, and its ``:LABEL`` or ``:TYPE`` column
    names its label or type, so the files are given as they are (no ``Label=`` prefix).

    Examples
    --------
    >>> import_command(["nodes/Place.csv"], ["relationships/WITHIN.csv"])
    'neo4j-admin database import full --nodes=nodes/Place.csv --relationships=relationships/WITHIN.csv --multiline-fields=true neo4j'
    """
    return " ".join(["neo4j-admin database import full", *_import_options(nodes, relationships),
                     shlex.quote(database)])


def _import_script(nodes: list[str], relationships: list[str]) -> str:
    options = "".join(f"  {option} \\\n" for option in _import_options(nodes, relationships))
    return f"""#!/bin/sh
# Bulk import of the govkg property graph into a new Neo4j 5 database (written by `kg export neo4j`).
#   sh import.sh [DATABASE]      default: neo4j
# The database must not exist yet (or be stopped and dropped): `import full` builds it from scratch.
# Afterwards (Neo4j Enterprise: CREATE DATABASE <name>), create the id indexes:
#   cypher-shell -d <name> -f constraints.cypher
set -eu
cd "$(dirname "$0")"
neo4j-admin database import full \\
{options}  "${{1:-neo4j}}"
"""


def export_neo4j(pg: PropertyGraph, out_dir: Path) -> Neo4jExport:
    """Write the neo4j-admin import files, ``import.sh``, ``constraints.cypher`` and ``graph.cypher``.

    Parameters
    ----------
    pg : the property graph to export
    out_dir : the folder to write into; made when missing. Every file is written atomically.

    Returns
    -------
    Neo4jExport
        The files, their row counts and the import command.

    Raises
    ------
    StoreError
        Two nodes share an id (the import has one ID space), or a value cannot be written.
    """
    out = Path(out_dir)
    ids = pd.concat([table["id"] for table in pg.nodes.values()])
    if ids.duplicated().any():
        raise StoreError(f"node ids {sorted(set(ids[ids.duplicated()]))[:3]} appear under two labels; "
                         "neo4j-admin import needs ids unique across labels")
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    written: dict[str, list[str]] = {}
    for folder, tables in (("nodes", pg.nodes), ("relationships", pg.edges)):
        written[folder] = []
        for name, table in tables.items():
            relative = f"{folder}/{name}.csv"
            write_atomic(out / relative, _csv(name, table))
            files[name], rows[name] = out / relative, len(table)
            written[folder].append(relative)
    write_atomic(out / "import.sh", _import_script(written["nodes"], written["relationships"]))
    constraints = "".join(f"{statement};\n" for statement in constraint_statements(pg.nodes))
    write_atomic(out / "constraints.cypher", constraints)
    data = "".join(f"{statement};\n" for statement in script_statements(pg))
    write_atomic(out / "graph.cypher", f"{_SCRIPT_HEAD}\n// constraints\n{constraints}\n// data\n{data}")
    (out / "import.sh").chmod(0o755)
    return Neo4jExport(out_dir=out, files=files, rows=rows,
                       command=import_command(written["nodes"], written["relationships"]))
