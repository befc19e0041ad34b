"""Tests of kg.stores.ladybug and kg.stores.networkx over the seed graph.

The seeds are extracted and written once per module; every store must hold the same
nodes and edges as the tables, answer with parameters only, and stay unchanged by
hostile input.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kg.errors import QueryError, StoreError
from kg.export import export_csv
from kg.graph import PropertyGraph, build_graph, graph_change
from kg.pipeline import extract_documents
from kg.records import Extraction
from kg.stores import networkx as networkx_store
from kg.stores.ladybug import (
    query_ladybug,
    read_ladybug,
    schema_statements,
    update_ladybug,
    write_ladybug,
)
from kg.stores.networkx import (
    NETWORKX_FILE,
    read_networkx,
    to_networkx,
    write_networkx,
    write_networkx_layout,
)
from kg.thesaurus import load_thesaurus

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"
ADOPTERS = "MATCH (p:Place)-[a:ADOPTED]->(m:Mechanism) WHERE m.label = $name RETURN p.label, a.status"
HOSTILE = ["'}) DETACH DELETE n //", '" . } DROP ALL #', "x" * 10_000, "", "三社联动' OR 1=1 //", "{}", "$name"]


@pytest.fixture(scope="module")
def seed_extractions() -> list[Extraction]:
    extractions, failures = extract_documents(sorted(SEEDS.glob("*")))
    assert not failures
    return extractions


@pytest.fixture(scope="module")
def seed_graph(seed_extractions: list[Extraction]) -> PropertyGraph:
    return build_graph(seed_extractions, thesaurus=load_thesaurus())


@pytest.fixture(scope="module")
def seed_db(seed_graph: PropertyGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ladybug") / "graph.lbug"
    write_ladybug(seed_graph, path)
    return path


def _count(db: Path, pattern: str) -> int:
    return int(query_ladybug(db, f"MATCH {pattern} RETURN count(*) AS n")["n"].iloc[0])


def _totals(db: Path) -> tuple[int, int]:
    return _count(db, "(n)"), _count(db, "()-[r]->()")


# ------------------------------------------------------------------ the same graph in every store


def test_stores_hold_the_same_counts_as_the_tables(seed_graph: PropertyGraph, seed_db: Path) -> None:
    g = to_networkx(seed_graph)
    node_kinds = pd.Series([kind for _, kind in g.nodes(data="kind")]).value_counts()
    edge_types = pd.Series([kind for _, _, kind in g.edges(data="type")]).value_counts()
    for label, table in seed_graph.nodes.items():
        assert _count(seed_db, f"(n:{label})") == node_kinds.get(label, 0) == len(table) > 0, label
    for kind, table in seed_graph.edges.items():
        assert _count(seed_db, f"()-[r:{kind}]->()") == edge_types.get(kind, 0) == len(table) > 0, kind


def test_stores_hold_one_adoption_per_exported_row(seed_db: Path, seed_extractions: list[Extraction],
                                                  tmp_path: Path) -> None:
    export_csv(seed_extractions, tmp_path)
    with (tmp_path / "adoptions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert _count(seed_db, "(:Place)-[:ADOPTED]->(:Mechanism)") == len(rows)
    coded = query_ladybug(seed_db, "MATCH (p:Place) WHERE p.level IN $levels RETURN p.code AS code",
                          {"levels": ["province", "city", "county"]})
    assert len(coded) >= 20 and coded["code"].str.fullmatch(r"\d{6}").all()


def test_networkx_has_the_nodes_and_edges_of_the_tables(seed_graph: PropertyGraph) -> None:
    g = to_networkx(seed_graph)
    for label, table in seed_graph.nodes.items():
        for row in table.astype(object).where(table.notna(), None).to_dict("records"):
            attrs = g.nodes[row.pop("id")]
            assert attrs == {"kind": label, **row}
    edges = sorted((s, d, t) for s, d, t in g.edges(data="type"))
    assert edges == sorted((s, d, kind) for kind, table in seed_graph.edges.items()
                           for s, d in zip(table["src"], table["dst"]))
    parallel = [key for _, _, key in g.edges(keys=True) if ":" in key]
    assert parallel and all(key.startswith("ADOPTED:") for key in parallel)


def test_networkx_round_trips_through_node_link_json(seed_graph: PropertyGraph, tmp_path: Path) -> None:
    path = write_networkx(seed_graph, tmp_path)
    assert path == tmp_path / NETWORKX_FILE
    g, back = to_networkx(seed_graph), read_networkx(tmp_path)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(g.edges(keys=True, data=True))
    first = path.read_bytes()
    write_networkx(seed_graph, tmp_path)
    assert path.read_bytes() == first
    # streamed in batches, byte for byte what one json.dumps writes
    data = json.loads(first)
    whole = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert first == (whole + "\n").encode("utf-8")
    # node_link_data's values, written from the tables: its nodes in its order, its edges in the
    # order to_networkx added them (each type's table in turn)
    expected = nx.node_link_data(g, edges="edges")
    assert {k: v for k, v in data.items() if k != "edges"} == {k: v for k, v in expected.items() if k != "edges"}
    def canonical(edge: dict[str, object]) -> str:
        return json.dumps(edge, sort_keys=True)

    assert sorted(data["edges"], key=canonical) == sorted(expected["edges"], key=canonical)
    assert [edge["type"] for edge in data["edges"]] == [kind for kind, table in seed_graph.edges.items()
                                                        for _ in range(len(table))]


def test_networkx_file_is_the_same_written_in_small_chunks(seed_graph: PropertyGraph, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    whole = write_networkx(seed_graph, tmp_path / "whole").read_bytes()
    monkeypatch.setattr(networkx_store, "_CHUNK", 7)  # tables of hundreds of rows, in many chunks
    assert max(len(t) for t in (*seed_graph.nodes.values(), *seed_graph.edges.values())) > 7 * 20
    assert write_networkx(seed_graph, tmp_path / "chunks").read_bytes() == whole


def test_networkx_file_written_from_the_last_one_is_the_file_written_anew(seed_extractions: list[Extraction],
                                                                         tmp_path: Path) -> None:
    th = load_thesaurus()
    before = build_graph(seed_extractions[:3], thesaurus=th)
    after = build_graph(seed_extractions[1:], thesaurus=th)  # one document went, two came
    adopted = after.edges["ADOPTED"]
    first = adopted.iloc[[0]].assign(id="a")  # sorts before its twin: the twin's key becomes ADOPTED:1
    renumbered = replace(after, edges={**after.edges, "ADOPTED": pd.concat([adopted, first]).sort_values(
        ["src", "dst", "id"], kind="stable").reset_index(drop=True)})

    def anew(pg: PropertyGraph) -> bytes:
        return write_networkx(pg, tmp_path / "anew").read_bytes()

    layout = write_networkx_layout(before, tmp_path)
    for old, new in ((before, after), (after, renumbered), (renumbered, before)):
        layout = write_networkx_layout(new, tmp_path, (old, graph_change(old, new), layout))
        assert (tmp_path / NETWORKX_FILE).read_bytes() == anew(new)
        assert layout.size == (tmp_path / NETWORKX_FILE).stat().st_size
    data = (tmp_path / NETWORKX_FILE).read_bytes()
    node = json.loads(data[layout.starts["Place"][3]:layout.ends["Place"][3]])  # the layout says where each row is
    assert node["id"] == before.nodes["Place"]["id"][3]
    (tmp_path / NETWORKX_FILE).write_bytes(data + b" ")  # written since: the layout no longer fits, and is not used
    write_networkx_layout(after, tmp_path, (before, graph_change(before, after), layout))
    assert (tmp_path / NETWORKX_FILE).read_bytes() == anew(after)


def test_read_networkx_without_a_graph_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        read_networkx(tmp_path)
    assert str(err.value) == (f"no networkx graph at {tmp_path / NETWORKX_FILE}; "
                              "write one with write_networkx (kg build)")


# ------------------------------------------------------------------ LadybugDB


def test_ladybug_finds_the_adopters_of_three_social_linkage(seed_db: Path) -> None:
    found = query_ladybug(seed_db, ADOPTERS, {"name": "三社联动"})
    assert list(found.columns) == ["p.label", "a.status"]
    assert sorted(zip(found["p.label"], found["a.status"])) == sorted(
        [("红河哈尼族彝族自治州", "implemented"), ("舟山市", "implemented"), ("白银市", "implemented")])


@pytest.mark.parametrize("value", HOSTILE, ids=["cypher-delete", "sparql-drop", "long", "empty", "quote", "braces",
                                                "dollar"])
def test_ladybug_hostile_parameters_find_nothing_and_change_nothing(seed_db: Path, value: str) -> None:
    before, digest = _totals(seed_db), hashlib.sha256(seed_db.read_bytes()).hexdigest()
    assert query_ladybug(seed_db, ADOPTERS, {"name": value}).empty
    assert query_ladybug(seed_db, "MATCH (n) WHERE n.label CONTAINS $name AND size($name) > 200 RETURN n.id",
                         {"name": value}).empty
    assert _totals(seed_db) == before and hashlib.sha256(seed_db.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("cypher", ["MATCH (n) DETACH DELETE n", "CREATE (p:Place {id: 'x', label: 'x'})",
                                    "MATCH (p:Place) SET p.label = 'x'", "DROP TABLE ADOPTED"])
def test_ladybug_queries_cannot_write(seed_db: Path, cypher: str) -> None:
    before = _totals(seed_db)
    with pytest.raises(QueryError) as err:
        query_ladybug(seed_db, cypher)
    assert str(err.value).startswith("Cypher query failed: ")
    assert _totals(seed_db) == before


def test_ladybug_errors_name_what_was_wrong(seed_db: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError) as err:
        query_ladybug(seed_db, "MATCH (p:Place RETURN p")
    assert str(err.value).startswith("Cypher query failed: Parser exception: ")
    with pytest.raises(QueryError) as err:
        query_ladybug(seed_db, "MATCH (p:Place) RETURN p.id; MATCH (m:Mechanism) RETURN m.id")
    assert str(err.value) == "Send one Cypher statement at a time, not 2."
    with pytest.raises(QueryError) as err:
        query_ladybug(seed_db, ADOPTERS, {"name": pd.DataFrame({"x": [1]})})
    assert str(err.value) == ("Unsupported value for parameter 'name': DataFrame. "
                              "Parameters take str, int, float, bool, None or a list of them.")
    with pytest.raises(QueryError) as err:
        query_ladybug(seed_db, ADOPTERS, {"name) RETURN 1 //": "x"})
    assert str(err.value) == ("Unsupported parameter name 'name) RETURN 1 //': "
                              "use letters, digits and _ (as in $name).")
    with pytest.raises(StoreError) as missing:
        query_ladybug(tmp_path / "none.lbug", ADOPTERS, {"name": "三社联动"})
    assert str(missing.value) == (f"no LadybugDB database at {tmp_path / 'none.lbug'}; "
                                  "write one with write_ladybug (kg build)")


def test_ladybug_writing_twice_gives_the_same_answers(seed_graph: PropertyGraph, seed_db: Path,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "graph.lbug"
    queries = ["MATCH (n) RETURN n.id AS id, n.label AS label ORDER BY id",
               ("MATCH (p:Place)-[a:ADOPTED]->(m:Mechanism) RETURN p.id, m.id, a.id, a.status, a.year, "
                "a.sentence_start, a.mention_end ORDER BY a.id"),
               "MATCH (d:Document)-[r:MENTIONS]->(x) RETURN d.id, x.id, r.count ORDER BY d.id, x.id"]
    write_ladybug(seed_graph, path)
    write_ladybug(seed_graph, path)  # over the first one
    for cypher in queries:
        pd.testing.assert_frame_equal(query_ladybug(path, cypher), query_ladybug(seed_db, cypher))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.lbug"]


def _same_tables(left: PropertyGraph, right: PropertyGraph) -> None:
    for label in left.nodes:
        pd.testing.assert_frame_equal(left.nodes[label], right.nodes[label], obj=label)
    for kind in left.edges:
        pd.testing.assert_frame_equal(left.edges[kind], right.edges[kind], obj=kind)


def test_ladybug_changed_in_place_holds_what_a_new_database_would(seed_extractions: list[Extraction],
                                                                    tmp_path: Path) -> None:
    th = load_thesaurus()
    before = build_graph(seed_extractions[:3], thesaurus=th)
    after = build_graph(seed_extractions[1:], thesaurus=th)  # one document went, two came
    path = tmp_path / "graph.lbug"
    write_ladybug(before, path)
    update_ladybug(path, before, after)
    _same_tables(read_ladybug(path), after)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.lbug"]
    update_ladybug(path, after, before)  # and back: every row that came goes again
    _same_tables(read_ladybug(path), before)
    places, mentions = before.nodes["Place"].copy(), before.edges["MENTIONS"].copy()
    places.loc[0, ["label", "alt_labels"]] = ["另一个名字", places.loc[0, "label"]]  # a node renamed
    mentions.loc[0, "count"] += 1  # an edge's property changed
    renamed = replace(before, nodes={**before.nodes, "Place": places}, edges={**before.edges, "MENTIONS": mentions})
    update_ladybug(path, before, renamed)
    _same_tables(read_ladybug(path), renamed)
    assert _count(path, "(p:Place)") == len(places) and _count(path, "()-[r:WITHIN]->()") == len(before.edges["WITHIN"])


@pytest.mark.parametrize("how", ["written anew", "changed"])
def test_ladybug_a_failed_write_leaves_the_old_database(seed_graph: PropertyGraph, tmp_path: Path, how: str) -> None:
    path = tmp_path / "graph.lbug"
    write_ladybug(seed_graph, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    edges = dict(seed_graph.edges)
    edges["WITHIN"] = pd.concat([edges["WITHIN"], pd.DataFrame({"src": [edges["WITHIN"]["src"][0]],
                                                               "dst": ["https://w3id.org/govkg/id/place/none"]})],
                                ignore_index=True)
    with pytest.raises(StoreError) as err:
        if how == "changed":
            update_ladybug(path, seed_graph, replace(seed_graph, edges=edges))
        else:
            write_ladybug(replace(seed_graph, edges=edges), path)
    assert "WITHIN joins ('Place', None)" in str(err.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.lbug"]


def test_ladybug_schema_and_graph_must_agree(seed_graph: PropertyGraph, tmp_path: Path) -> None:
    assert len(schema_statements()) == len(seed_graph.nodes) + len(seed_graph.edges)
    nodes = dict(seed_graph.nodes)
    nodes["Program"] = nodes["Program"].assign(extra="x")
    with pytest.raises(StoreError) as err:
        write_ladybug(replace(seed_graph, nodes=nodes), tmp_path / "graph.lbug")
    assert str(err.value).endswith("gives Program the columns ['id', 'label'], but the graph has "
                                   "['id', 'label', 'extra']; COPY maps columns by position, so they must agree")
    assert not (tmp_path / "graph.lbug").exists()


def test_stores_ladybug_query_after_a_rebuild_reads_the_new_database(tmp_path):
    """The open database kept between queries is dropped when a build replaces the file."""
    from kg.pipeline import build
    from kg.stores.ladybug import LADYBUG_FILE, query_ladybug

    doc = tmp_path / "a.txt"
    cypher = "MATCH (p:Place)-[:ADOPTED]->(m:Mechanism) WHERE m.label = $name RETURN p.label AS place"
    for place in ("银川市", "舟山市"):
        doc.write_text(f"{place}全面推行“三社联动”工作机制。\n", encoding="utf-8")
        build([doc], tmp_path / "kg-out")
        found = query_ladybug(tmp_path / "kg-out" / LADYBUG_FILE, cypher, {"name": "三社联动"})
        assert found["place"].tolist() == [place]
