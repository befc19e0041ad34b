"""Tests of kg.stores.neo4j (push) and kg.stores.neo4j_files (import CSV, cypher-shell script).

No Neo4j server is needed: every MERGE a push sends runs on a real LadybugDB database
made from queries/schema.cypher, through a runner as small as the driver's, and the
result must equal the database ``kg build`` loads with COPY. A live push runs only when
NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) names a server.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import ladybug
import pandas as pd
import pytest

from kg.errors import StoreError
from kg.graph import EDGE_COLUMNS, NODE_COLUMNS, PropertyGraph, build_graph
from kg.pipeline import build, extract_documents
from kg.stores.ladybug import LADYBUG_FILE, read_ladybug, schema_statements
from kg.stores.neo4j import (
    Runner,
    connect_neo4j,
    constraint_statements,
    cypher_literal,
    merge_graph,
    merge_statements,
    push_neo4j,
    script_statements,
)
from kg.stores.neo4j_files import (
    IMPORT_TYPES,
    csv_field,
    export_neo4j,
    import_command,
    import_header,
)
from kg.thesaurus import load_thesaurus

HOSTILE = ["'}) DETACH DELETE n //", 'say "hi" \\" \'', "back\\slash\\", "line\nbreak\r\nend", "tab\tand\x01\x7f",
           "\u2028para\u2029", "$rows {{label}} {id: row.id}", "", "\\u0041 \\n", "𠀀😀三社联动", "x" * 5_000]


@pytest.fixture(scope="module")
def built(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("neo4j") / "kg-out"
    build([seeds_dir], out)
    return out


@pytest.fixture(scope="module")
def seed_graph(built: Path) -> PropertyGraph:
    return read_ladybug(built / LADYBUG_FILE)


@pytest.fixture(scope="module")
def hostile_graph(seed_graph: PropertyGraph) -> PropertyGraph:
    """The seed graph with hostile strings in labels, alt labels, sentences and keys."""
    nodes, edges = dict(seed_graph.nodes), dict(seed_graph.edges)

    def spoil(table: pd.DataFrame, column: str) -> pd.DataFrame:
        table = table.copy()
        table[column] = [HOSTILE[i % len(HOSTILE)] + (f" {i}" if i >= len(HOSTILE) else "")
                         for i in range(len(table))]
        return table

    nodes["Program"] = spoil(nodes["Program"], "label")
    nodes["Place"] = spoil(nodes["Place"], "alt_labels")
    nodes["Mechanism"] = spoil(nodes["Mechanism"], "definition")
    edges["ADOPTED"] = spoil(edges["ADOPTED"], "sentence")
    edges["HANDLED_BY"] = spoil(edges["HANDLED_BY"], "doc_id")  # a key of the MERGE
    return replace(seed_graph, nodes=nodes, edges=edges)


@pytest.fixture()
def fresh(tmp_path: Path) -> Iterator[ladybug.Connection]:
    """A connection to a new, empty LadybugDB database made from queries/schema.cypher."""
    db = ladybug.Database(str(tmp_path / "pushed.lbug"))
    conn = ladybug.Connection(db)
    for statement in schema_statements():
        conn.execute(statement)
    yield conn
    conn.close()
    db.close()


def runner(conn: ladybug.Connection, sent: list[str] | None = None) -> Runner:
    """Run a statement on LadybugDB as the driver runs it on Neo4j; note it in ``sent``."""

    def run(statement: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if sent is not None:
            sent.append(statement)
        return conn.execute(statement, parameters=dict(params)).get_as_df().to_dict("records")  # type: ignore[union-attr]

    return run


def held(conn: ladybug.Connection, path: Path) -> PropertyGraph:
    """Every table of the database ``conn`` writes, read back with MATCH queries."""
    conn.execute("CHECKPOINT")
    return read_ladybug(path)


def assert_same_tables(got: PropertyGraph, want: PropertyGraph) -> None:
    assert list(got.nodes) == list(want.nodes) and list(got.edges) == list(want.edges)
    for label in want.nodes:
        pd.testing.assert_frame_equal(got.nodes[label], want.nodes[label], obj=label)
    for kind in want.edges:
        pd.testing.assert_frame_equal(got.edges[kind], want.edges[kind], obj=kind)


# ------------------------------------------------------------------ reading the built graph back


def test_read_ladybug_gives_the_tables_build_graph_made(built: Path, seeds_dir: Path) -> None:
    extractions, _ = extract_documents(sorted(seeds_dir.glob("*")))
    assert_same_tables(read_ladybug(built / LADYBUG_FILE), build_graph(extractions, thesaurus=load_thesaurus()))


def test_read_ladybug_without_a_database_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        read_ladybug(tmp_path / "graph.lbug")
    assert str(err.value) == f"no LadybugDB database at {tmp_path / 'graph.lbug'}; write one with write_ladybug (kg build)"


# ------------------------------------------------------------------ push, run on LadybugDB


@pytest.mark.parametrize("batch_size", [1000, 7, 1])
def test_push_on_ladybug_equals_the_copy_loaded_database(seed_graph: PropertyGraph, fresh: ladybug.Connection,
                                                         tmp_path: Path, batch_size: int) -> None:
    counts = merge_graph(seed_graph, runner(fresh), batch_size=batch_size)
    assert counts == seed_graph.counts()
    assert_same_tables(held(fresh, tmp_path / "pushed.lbug"), seed_graph)


def test_push_twice_changes_nothing(seed_graph: PropertyGraph, fresh: ladybug.Connection, tmp_path: Path) -> None:
    first = merge_graph(seed_graph, runner(fresh), batch_size=100)
    before = held(fresh, tmp_path / "pushed.lbug")
    second = merge_graph(seed_graph, runner(fresh), batch_size=33)  # other batches, same result
    assert first == second == seed_graph.counts()
    assert_same_tables(held(fresh, tmp_path / "pushed.lbug"), before)


def test_push_keeps_hostile_strings_as_they_are(hostile_graph: PropertyGraph, fresh: ladybug.Connection,
                                                tmp_path: Path) -> None:
    assert merge_graph(hostile_graph, runner(fresh), batch_size=50) == hostile_graph.counts()
    merge_graph(hostile_graph, runner(fresh), batch_size=50)
    back = held(fresh, tmp_path / "pushed.lbug")
    assert_same_tables(back, hostile_graph)
    assert set(HOSTILE) <= set(back.nodes["Program"]["label"])


def test_push_neo4j_sends_the_constraints_then_every_merge(seed_graph: PropertyGraph, fresh: ladybug.Connection) -> None:
    sent: list[str] = []
    on_ladybug = runner(fresh, sent)

    def run(statement: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if statement.startswith("CREATE CONSTRAINT"):  # Neo4j's; LadybugDB's primary keys do this
            sent.append(statement)
            return []
        return on_ladybug(statement, params)

    done: list[int] = []
    counts = push_neo4j(seed_graph, run, batch_size=200, progress=lambda rows, total: done.append(rows))
    merges = [s.text for s in merge_statements(seed_graph, batch_size=200)]
    constraints = constraint_statements()
    assert counts == seed_graph.counts()
    assert sent[:len(constraints)] == constraints and len(constraints) == len(NODE_COLUMNS)
    assert sent[len(constraints):len(constraints) + len(merges)] == merges
    assert all(s.startswith("MATCH") and "count(" in s for s in sent[len(constraints) + len(merges):])
    assert sum(done) == sum(seed_graph.counts().values()) and len(done) == len(merges)


def test_constraints_are_unique_ids_written_for_neo4j() -> None:
    assert constraint_statements(["Place", "Mechanism"]) == [
        "CREATE CONSTRAINT Place_id IF NOT EXISTS FOR (n:Place) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT Mechanism_id IF NOT EXISTS FOR (n:Mechanism) REQUIRE n.id IS UNIQUE"]


def test_merge_statements_hold_names_only_and_values_as_parameters(hostile_graph: PropertyGraph) -> None:
    statements = list(merge_statements(hostile_graph, batch_size=500))
    assert {s.name for s in statements} == {*NODE_COLUMNS, *EDGE_COLUMNS}
    for s in statements:
        assert re.fullmatch(r"[A-Za-z0-9_ \n(){}\[\]:.,=$>-]+", s.text), s.text  # no quote: no literal value
        assert s.text.startswith("UNWIND $rows AS row\n") and list(s.params) == ["rows"]
    adopted = next(s.text for s in statements if s.name == "ADOPTED")
    assert "MERGE (a)-[r:ADOPTED {id: row.id}]->(b)" in adopted and "r.status = row.status" in adopted
    handled = next(s.text for s in statements if s.name == "HANDLED_BY")
    assert "MERGE (a)-[r:HANDLED_BY {role: row.role, doc_id: row.doc_id}]->(b)" in handled
    assert "SET" not in handled  # both of its properties identify it
    within = next(s.text for s in statements if s.name == "WITHIN")
    assert within.endswith("MERGE (a)-[r:WITHIN]->(b)")
    mentions = {s.text.split("\n")[2] for s in statements if s.name == "MENTIONS"}
    assert mentions == {f"MATCH (b:{label} {{id: row.dst}})" for label in
                        ("Place", "Agency", "Mechanism", "Policy", "Program")}


def test_a_column_null_in_a_whole_batch_is_set_to_literal_null(seed_graph: PropertyGraph) -> None:
    batch = next(s for s in merge_statements(seed_graph, batch_size=1) if s.name == "Document"
                 and s.params["rows"][0]["doc_no"] is None)
    assert "n.doc_no = null" in batch.text and "n.title = row.title" in batch.text


def test_push_errors_name_the_value_and_the_fix(seed_graph: PropertyGraph) -> None:
    with pytest.raises(StoreError) as err:
        list(merge_statements(seed_graph, batch_size=0))
    assert str(err.value) == "batch_size must be at least 1, not 0"
    with pytest.raises(StoreError) as err:
        constraint_statements(["Place) DETACH DELETE n //"])
    assert str(err.value) == ("'Place) DETACH DELETE n //' is not a name Neo4j statements may hold: use letters, "
                              "digits and _ (labels, relationship types and columns come from kg.graph)")
    edges = dict(seed_graph.edges)
    edges["WITHIN"] = pd.concat([edges["WITHIN"], pd.DataFrame(
        {"src": [edges["WITHIN"]["src"][0]], "dst": ["https://w3id.org/govkg/id/place/none"]})])
    with pytest.raises(StoreError) as err:
        list(merge_statements(replace(seed_graph, edges=edges)))
    assert str(err.value) == "WITHIN joins ('Place', None); it may only join (('Place', 'Place'),)"


def test_push_fails_when_the_store_holds_fewer_than_were_sent(seed_graph: PropertyGraph,
                                                              fresh: ladybug.Connection) -> None:
    def run(statement: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if "r:BROADER" in statement and "MERGE" in statement:
            return []  # a server that dropped these writes
        return runner(fresh)(statement, params)

    with pytest.raises(StoreError) as err:
        merge_graph(seed_graph, run)
    assert str(err.value) == (f"the store holds fewer than were sent: BROADER (0 of {len(seed_graph.edges['BROADER'])}); "
                              "a relationship whose end nodes are missing is not written")


# ------------------------------------------------------------------ a real server, when there is one


def test_connect_neo4j_refuses_a_uri_that_is_not_bolt() -> None:
    with pytest.raises(StoreError) as err, connect_neo4j("http://localhost:7474", user="neo4j", password="x",
                                                        database="neo4j"):
        pass
    assert str(err.value) == ("Unsupported Neo4j URI 'http://localhost:7474': its scheme must be one of bolt, "
                              "bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc, as in bolt://localhost:7687")


def test_connect_neo4j_to_a_closed_port_fails_at_once_naming_the_server() -> None:
    with pytest.raises(StoreError) as err, connect_neo4j("bolt://127.0.0.1:9", user="reader",
                                                        password="pw-never-shown", database="kg"):
        pass
    message = str(err.value)
    assert message.startswith("cannot connect to Neo4j at bolt://127.0.0.1:9 (user 'reader', database 'kg'): ")
    assert "pw-never-shown" not in message


@pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                    reason="no Neo4j server: set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE to run")
def test_live_push_twice_gives_the_same_counts(seed_graph: PropertyGraph) -> None:
    """Writes the seed graph into NEO4J_DATABASE (MERGE: nothing there is deleted)."""
    with connect_neo4j(os.environ["NEO4J_URI"], user=os.environ.get("NEO4J_USER", "neo4j"),
                       password=os.environ["NEO4J_PASSWORD"], database=os.environ.get("NEO4J_DATABASE", "neo4j")) as run:
        first = push_neo4j(seed_graph, run)
        second = push_neo4j(seed_graph, run, batch_size=97)
        label = run("MATCH (m:Mechanism {id: $id}) RETURN m.label AS label",
                    {"id": "https://w3id.org/govkg/mechanism/three-social-linkage"})
    assert first == second
    assert all(first[name] >= sent for name, sent in seed_graph.counts().items())
    assert label == [{"label": "三社联动"}]


# ------------------------------------------------------------------ cypher literals and the script


@pytest.mark.parametrize("value", [*HOSTILE, "'", "\\", 0, -7, 2**62, 0.1, -2.5e-07, 1e16, True, False, None])
def test_cypher_literal_reads_back_unchanged_on_ladybug(value: object, fresh: ladybug.Connection) -> None:
    literal = cypher_literal(value)
    assert "\n" not in literal and "\r" not in literal
    got = fresh.execute(f"RETURN {literal} AS v").get_next()[0]  # type: ignore[union-attr]
    assert got == value and type(got) is type(value)


def test_cypher_literal_refuses_what_it_cannot_write() -> None:
    with pytest.raises(StoreError) as err:
        cypher_literal(float("inf"))
    assert str(err.value) == "inf has no Cypher literal: a property value must be a finite number"
    with pytest.raises(StoreError) as err:
        cypher_literal([1])
    assert str(err.value) == "list [1] has no Cypher literal: property values are str, int, float, bool or None"


def test_script_statements_on_ladybug_equal_the_graph(hostile_graph: PropertyGraph, fresh: ladybug.Connection,
                                                      tmp_path: Path) -> None:
    lines = list(script_statements(hostile_graph, batch_size=40))
    assert all("\n" not in line for line in lines)
    for line in lines * 2:  # twice: MERGE changes nothing the second time
        fresh.execute(line)
    assert_same_tables(held(fresh, tmp_path / "pushed.lbug"), hostile_graph)


# ------------------------------------------------------------------ neo4j-admin import files


def rfc4180(text: str) -> list[list[tuple[str, bool]]]:
    """The records of CSV ``text`` as (value, was it quoted) pairs: "" and an empty field differ."""
    records: list[list[tuple[str, bool]]] = []
    fields: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            match = re.compile(r'"((?:[^"]|"")*)"').match(text, i)
            assert match is not None, text[i:i + 40]
            fields.append((match.group(1).replace('""', '"'), True))
            i = match.end()
        else:
            end = min(j for j in (text.find(",", i), text.find("\n", i), len(text)) if j >= 0)
            fields.append((text[i:end], False))
            i = end
        if i < len(text) and text[i] == "\n":
            records.append(fields)
            fields = []
        i += 1
    return records


def typed(value: str, quoted: bool, field: str) -> object:
    """A field as neo4j-admin reads it under its header ``field``."""
    kind = field.split(":", 1)[1] if ":" in field else "string"
    if not quoted and value == "":
        return None
    return {"long": int, "double": float, "boolean": lambda v: v == "true"}.get(kind, str)(value)


@pytest.fixture(scope="module")
def exported(hostile_graph: PropertyGraph, tmp_path_factory: pytest.TempPathFactory) -> tuple[PropertyGraph, Path]:
    out = tmp_path_factory.mktemp("export") / "neo4j"
    export_neo4j(hostile_graph, out)
    return hostile_graph, out


def test_export_headers_follow_the_import_header_format(exported: tuple[PropertyGraph, Path]) -> None:
    pg, out = exported
    assert (out / "nodes" / "Document.csv").read_text(encoding="utf-8").split("\n")[0] == (
        "id:ID,label,doc_id,source,title,doc_type,issuer,published,signed,signed_raw,signed_uncertain:boolean,"
        "index_no,doc_no,format,chars:long,:LABEL")
    assert import_header("Observation")[3] == "value:double"
    assert import_header("MENTIONS") == [":START_ID", ":END_ID", "count:long", "mention_start:long",
                                         "mention_end:long", ":TYPE"]
    documented = {"int", "long", "float", "double", "boolean", "string"}
    for name in [*pg.nodes, *pg.edges]:
        folder = "nodes" if name in pg.nodes else "relationships"
        header = (out / folder / f"{name}.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
        assert header == import_header(name)
        special = [f for f in header if re.fullmatch(r"\w*:(ID|LABEL|START_ID|END_ID|TYPE)", f)]
        assert special == (["id:ID", ":LABEL"] if folder == "nodes" else [":START_ID", ":END_ID", ":TYPE"])
        for f in set(header) - set(special):
            assert re.fullmatch(r"[A-Za-z_]\w*", f) or f.split(":")[1] in documented, f
    assert set(IMPORT_TYPES.values()) - {None} <= documented


def test_export_csv_parses_back_to_the_graph(exported: tuple[PropertyGraph, Path]) -> None:
    pg, out = exported
    for name, table in [*pg.nodes.items(), *pg.edges.items()]:
        path = out / ("nodes" if name in pg.nodes else "relationships") / f"{name}.csv"
        text = path.read_bytes().decode("utf-8")  # as written: a \r inside a value stays
        with path.open(encoding="utf-8", newline="") as fh:
            plain = list(csv.reader(fh))  # the csv module reads the same rows
        records = rfc4180(text)
        assert len(records) == len(plain) == len(table) + 1, name
        header = [v for v, _ in records[0]]
        want = table.astype(object).where(table.notna(), None).values.tolist()
        for got, row, expected in zip(records[1:], plain[1:], want):
            assert [v for v, _ in got] == row
            assert [typed(v, q, f) for (v, q), f in zip(got, header)] == [*expected, name]


def test_export_writes_the_import_command_and_script(exported: tuple[PropertyGraph, Path], tmp_path: Path) -> None:
    pg, out = exported
    result = export_neo4j(pg, tmp_path / "again")
    nodes = [f"nodes/{label}.csv" for label in pg.nodes]
    relationships = [f"relationships/{kind}.csv" for kind in pg.edges]
    assert result.command == import_command(nodes, relationships)
    assert result.command.startswith("neo4j-admin database import full --nodes=nodes/Document.csv ")
    assert result.command.endswith(" --relationships=relationships/JURISDICTION.csv --multiline-fields=true neo4j")
    assert result.rows == pg.counts() and result.nodes + result.relationships == sum(pg.counts().values())
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert all(f"  --nodes={p} \\\n" in script for p in nodes)
    assert all(f"  --relationships={p} \\\n" in script for p in relationships)
    assert subprocess.run(["sh", "-n", str(out / "import.sh")], check=False).returncode == 0
    assert os.access(out / "import.sh", os.X_OK)
    for path in out.rglob("*"):  # the same graph gives the same bytes; no temporary file is left
        assert not path.name.endswith(".tmp")
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "again" / path.relative_to(out)).read_bytes(), path


def test_export_graph_cypher_is_constraints_then_data_that_ladybug_runs(
        exported: tuple[PropertyGraph, Path], fresh: ladybug.Connection, tmp_path: Path) -> None:
    pg, out = exported
    text = (out / "graph.cypher").read_text(encoding="utf-8")
    head, data = text.split("\n// data\n")
    constraints = [line[:-1] for line in head.split("\n// constraints\n")[1].split("\n") if line]
    assert constraints == constraint_statements()
    assert (out / "constraints.cypher").read_text(encoding="utf-8") == "".join(f"{c};\n" for c in constraints)
    lines = [line for line in data.split("\n") if line]
    assert all(line.endswith(";") for line in lines)
    for line in lines:
        fresh.execute(line[:-1])
    assert_same_tables(held(fresh, tmp_path / "pushed.lbug"), pg)


def test_export_refuses_an_id_under_two_labels(seed_graph: PropertyGraph, tmp_path: Path) -> None:
    nodes = dict(seed_graph.nodes)
    nodes["Program"] = pd.concat([nodes["Program"], nodes["Policy"][["id", "label"]].head(1)], ignore_index=True)
    with pytest.raises(StoreError) as err:
        export_neo4j(replace(seed_graph, nodes=nodes), tmp_path)
    assert str(err.value) == (f"node ids {[nodes['Policy']['id'][0]]} appear under two labels; "
                              "neo4j-admin import needs ids unique across labels")
    assert list(tmp_path.iterdir()) == []


def test_csv_field_quotes_every_string_and_leaves_none_empty() -> None:
    assert [csv_field(v) for v in ['a,"b"\nc', "", None, True, 3, 0.25]] == ['"a,""b""\nc"', '""', "", "true", "3", "0.25"]
