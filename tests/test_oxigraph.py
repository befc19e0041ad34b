"""Tests of kg.stores.oxigraph and queries/adopters.rq, on the seed graph in a real Oxigraph store.

The seeds are built once per module with :func:`kg.pipeline.build`; tests that rebuild
or break a store work on a copy of its ``graph.nt``.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from rdflib import BNode, Graph, URIRef

from kg.errors import QueryError, StoreError
from kg.pipeline import build
from kg.stores.oxigraph import STORE_DIR, query_sparql, read_oxigraph, write_oxigraph
from kg.vocab import zh

ADOPTERS_COLUMNS = ["name", "place", "code", "form", "status", "year", "document", "evidence"]
HOSTILE_NAMES = [
    "'}) DETACH DELETE n //",
    '" . } DROP ALL #',
    "} ; DELETE WHERE { ?s ?p ?o } #",
    '枫桥经验"@zh } UNION { ?s ?p ?o } #',
    "枫桥经验\\",
    "x" * 10_000,
    "",
]


def read(name: str) -> str:
    """The text of a named question shipped in the ``queries`` package."""
    return files("queries").joinpath(name).read_text(encoding="utf-8")


def triple_count(graph_dir: Path) -> int:
    store = read_oxigraph(graph_dir)
    return len(store)


def adopters(graph_dir: Path, name: object) -> pd.DataFrame:
    return query_sparql(graph_dir, read("adopters.rq"), {"name": name})


@pytest.fixture(scope="module")
def seed_graph(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built into a graph folder, with its Oxigraph store."""
    out = tmp_path_factory.mktemp("seed-graph")
    build([seeds_dir], out)
    write_oxigraph(out)
    return out


@pytest.fixture()
def graph_copy(seed_graph: Path, tmp_path: Path) -> Path:
    """A graph folder holding only a copy of the seeds' ``graph.nt``."""
    shutil.copy(seed_graph / "graph.nt", tmp_path / "graph.nt")
    return tmp_path


# ------------------------------------------------------------------ the store


def test_oxigraph_store_holds_every_triple_of_graph_ttl(seed_graph):
    expected = len(Graph().parse(seed_graph / "graph.ttl", format="turtle"))
    assert len((seed_graph / "graph.nt").read_text(encoding="utf-8").splitlines()) == expected  # no repeats
    assert expected > 10_000
    assert triple_count(seed_graph) == expected
    every = query_sparql(seed_graph, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(every) == expected


def test_oxigraph_write_returns_store_folder_and_leaves_no_temporary_folder(graph_copy):
    path = write_oxigraph(graph_copy)
    assert path == graph_copy / STORE_DIR and path.is_dir()
    assert sorted(p.name for p in graph_copy.iterdir()) == ["graph.nt", STORE_DIR]


def test_oxigraph_rebuild_replaces_store_with_identical_results(seed_graph, graph_copy):
    write_oxigraph(graph_copy)
    first = adopters(graph_copy, "枫桥经验")
    count = triple_count(graph_copy)
    write_oxigraph(graph_copy)
    assert triple_count(graph_copy) == count
    pd.testing.assert_frame_equal(adopters(graph_copy, "枫桥经验"), first)
    pd.testing.assert_frame_equal(adopters(seed_graph, "枫桥经验"), first)
    assert not list(graph_copy.glob(f".{STORE_DIR}.*"))


def test_oxigraph_failed_rebuild_keeps_old_store(graph_copy):
    write_oxigraph(graph_copy)
    count = triple_count(graph_copy)
    (graph_copy / "graph.nt").write_text("<https://w3id.org/govkg/id/doc/x> a \n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"graph\.nt is not valid N-Triples \(.+\); rebuild it with `kg build`$"):
        write_oxigraph(graph_copy)
    assert triple_count(graph_copy) == count
    assert not list(graph_copy.glob(f".{STORE_DIR}.*"))


def test_oxigraph_loaded_in_small_blocks_holds_the_same_triples(seed_graph, graph_copy):
    size = (graph_copy / "graph.nt").stat().st_size
    write_oxigraph(graph_copy, block=4096)  # the seeds' graph.nt in over a hundred blocks
    assert size > 100 * 4096
    every = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    blocks, whole = query_sparql(graph_copy, every), query_sparql(seed_graph, every)
    assert len(blocks) == len(whole) == triple_count(seed_graph)
    assert set(blocks.itertuples(index=False)) == set(whole.itertuples(index=False))


def test_oxigraph_bad_line_in_a_later_block_names_where_and_keeps_old_store(graph_copy):
    write_oxigraph(graph_copy)
    count = triple_count(graph_copy)
    source = graph_copy / "graph.nt"
    lines = source.read_bytes().splitlines(keepends=True)
    bad = len(lines) // 2
    lines[bad] = b"<https://w3id.org/govkg/id/doc/x> a \n"
    source.write_bytes(b"".join(lines))
    with pytest.raises(StoreError, match=r"; line 1 there is line \d+ of the file\); rebuild") as caught:
        write_oxigraph(graph_copy, block=4096)
    first = int(caught.value.args[0].rsplit("line 1 there is line ", 1)[1].split(" ")[0])
    assert 1 < first <= bad + 1 < first + 4096  # the block that holds the bad line, not the file's start
    assert triple_count(graph_copy) == count
    assert not list(graph_copy.glob(f".{STORE_DIR}.*"))


def test_oxigraph_write_without_graph_nt_names_the_fix(tmp_path):
    with pytest.raises(StoreError) as caught:
        write_oxigraph(tmp_path)
    assert str(caught.value) == f"no graph.nt in {tmp_path}; run `kg build` first"


def test_oxigraph_write_clears_leftovers_of_an_interrupted_load(graph_copy):
    leftover = graph_copy / f".{STORE_DIR}.abc123.tmp"
    leftover.mkdir()
    (leftover / "000001.sst").write_bytes(b"half a store")
    write_oxigraph(graph_copy)
    assert not leftover.exists()


def test_oxigraph_query_without_store_names_the_fix(tmp_path):
    with pytest.raises(QueryError) as caught:
        query_sparql(tmp_path, "SELECT ?s WHERE { ?s ?p ?o }")
    assert str(caught.value) == f"no Oxigraph store at {tmp_path / 'oxigraph'}; run `kg build` first"


# ------------------------------------------------------------------ adopters.rq


def test_oxigraph_adopters_fengqiao_includes_yinchuan_and_zhoushan_local_forms(seed_graph):
    frame = adopters(seed_graph, "枫桥经验")
    assert list(frame.columns) == ADOPTERS_COLUMNS
    pairs = set(zip(frame["place"], frame["form"]))
    assert {("银川市", "塞上枫桥"), ("舟山市", "海上枫桥")} <= pairs
    assert set(frame["name"]) == {"枫桥经验"}


def test_oxigraph_adopters_three_social_linkage_includes_honghe_zhoushan_baiyin(seed_graph):
    places = set(adopters(seed_graph, "三社联动")["place"])
    assert {"舟山市", "白银市"} <= places
    assert any(place.startswith("红河") and place.endswith("州") for place in places)


def test_oxigraph_adopters_matches_alternative_label(seed_graph):
    by_pref = adopters(seed_graph, "枫桥经验").drop(columns="name")
    by_alt = adopters(seed_graph, "新时代枫桥经验").drop(columns="name")
    pd.testing.assert_frame_equal(by_alt, by_pref)


def test_oxigraph_adopters_local_form_name_asks_for_that_form_alone(seed_graph):
    frame = adopters(seed_graph, "塞上枫桥")
    assert set(zip(frame["place"], frame["form"])) == {("银川市", "塞上枫桥")}


def test_oxigraph_adopters_zh_literal_parameter_matches_like_plain_string(seed_graph):
    pd.testing.assert_frame_equal(adopters(seed_graph, zh("三社联动")), adopters(seed_graph, "三社联动"))


def test_oxigraph_adopters_values_are_plain_python(seed_graph):
    frame = adopters(seed_graph, "枫桥经验")
    assert not frame.empty
    for row in frame.to_dict("records"):
        assert isinstance(row["code"], str) and len(row["code"]) == 6
        assert row["status"] in {"implemented", "piloting", "planned", "proposed"}
        assert row["year"] is None or isinstance(row["year"], int)
        assert row["document"].endswith(".txt")
        assert isinstance(row["evidence"], str) and row["evidence"]
    assert frame.loc[frame["form"] == "塞上枫桥", "evidence"].str.contains("塞上枫桥").all()


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda name: repr(name[:20]))
def test_oxigraph_adopters_hostile_name_finds_nothing_and_changes_nothing(seed_graph, name):
    before = triple_count(seed_graph)
    frame = adopters(seed_graph, name)
    assert frame.empty
    assert list(frame.columns) == ADOPTERS_COLUMNS
    assert triple_count(seed_graph) == before
    assert set(adopters(seed_graph, "枫桥经验")["place"]) >= {"银川市", "舟山市"}


# ------------------------------------------------------------------ parameters and values


def test_oxigraph_uriref_parameter_is_an_iri_and_a_string_is_not(seed_graph):
    sparql = "SELECT ?place ?label WHERE { ?place rdfs:label ?label }"
    iri = "https://w3id.org/govkg/id/place/640100"
    frame = query_sparql(seed_graph, sparql, {"place": URIRef(iri)})
    assert frame.to_dict("records") == [{"place": iri, "label": "银川市"}]
    assert query_sparql(seed_graph, sparql, {"place": iri}).empty


def test_oxigraph_typed_literals_become_python_values(seed_graph):
    sparql = """SELECT ?int ?dec ?dbl ?bool ?year ?date ?zh ?iri ?bad ?none WHERE {
      VALUES (?int ?dec ?dbl ?bool ?year ?date ?zh ?iri ?bad ?none) {
        (7 "2.5"^^xsd:decimal 1.0e3 true "2021"^^xsd:gYear "2021-03-18"^^xsd:date "银川"@zh
         <https://w3id.org/govkg/id/place/640100> "abc"^^xsd:integer UNDEF) } }"""
    (row,) = query_sparql(seed_graph, sparql).to_dict("records")
    assert row == {"int": 7, "dec": 2.5, "dbl": 1000.0, "bool": True, "year": 2021, "date": "2021-03-18",
                   "zh": "银川", "iri": "https://w3id.org/govkg/id/place/640100", "bad": "abc", "none": None}
    assert type(row["int"]) is int and type(row["dec"]) is float


def test_oxigraph_int_parameter_is_a_typed_literal(seed_graph):
    sparql = "SELECT ?start (COUNT(?e) AS ?n) WHERE { ?e gk:start ?start } GROUP BY ?start"
    frame = query_sparql(seed_graph, sparql, {"start": 0})
    assert frame["start"].tolist() == [0] and frame["n"].iloc[0] > 0


def test_oxigraph_empty_result_keeps_columns(seed_graph):
    frame = query_sparql(seed_graph, "SELECT ?a ?b WHERE { ?a gk:noSuchTerm ?b }")
    assert frame.empty and list(frame.columns) == ["a", "b"]


# ------------------------------------------------------------------ errors


def test_oxigraph_malformed_query_names_line_and_fix(seed_graph):
    with pytest.raises(QueryError) as caught:
        query_sparql(seed_graph, "SELECT ?x WHERE {\n  ?x ?p\n}")
    assert str(caught.value) == (
        "invalid SPARQL query at line 3, column 2 ('}'): expected one of LATERAL, SERVICE, [_]. "
        "Fix the query; only SPARQL 1.1 SELECT queries run here, never updates")


def test_oxigraph_undeclared_prefix_lists_the_predeclared_ones(seed_graph):
    with pytest.raises(QueryError, match=r"a prefix is not declared; declare it with PREFIX, or use one of gk, gkm, "):
        query_sparql(seed_graph, "SELECT ?x WHERE { ?x foo:bar ?y }")


def test_oxigraph_update_is_refused_and_changes_nothing(seed_graph):
    before = triple_count(seed_graph)
    for update in ("DELETE WHERE { ?s ?p ?o }", "DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        with pytest.raises(QueryError, match=r"^invalid SPARQL query at line 1, .*never updates$"):
            query_sparql(seed_graph, update)
    assert triple_count(seed_graph) == before


def test_oxigraph_ask_query_is_refused(seed_graph):
    with pytest.raises(QueryError) as caught:
        query_sparql(seed_graph, "ASK { ?s ?p ?o }")
    assert str(caught.value) == "query_sparql runs SELECT queries only, and this is an ASK query; rewrite it as SELECT"


def test_oxigraph_parameter_not_selected_names_the_fix(seed_graph):
    with pytest.raises(QueryError) as caught:
        query_sparql(seed_graph, "SELECT ?s WHERE { ?s rdfs:label ?label }", {"label": "银川市"})
    assert str(caught.value) == (
        "parameter 'label' is not a variable the query selects; Oxigraph substitutes only selected "
        "variables: add ?label to the SELECT clause or drop the parameter")


@pytest.mark.parametrize("value, kind", [(None, "NoneType"), (["银川市"], "list"), (BNode("b1"), "BNode")])
def test_oxigraph_unsupported_parameter_type_lists_the_supported_ones(seed_graph, value, kind):
    with pytest.raises(QueryError) as caught:
        query_sparql(seed_graph, "SELECT ?x WHERE { ?x ?p ?o }", {"x": value})
    assert str(caught.value) == (
        f"parameter 'x' has unsupported type {kind}; use str, int, float, bool, datetime.date, an rdflib "
        f"Literal (for a language tag or datatype) or an rdflib URIRef (for an IRI)")


@pytest.mark.parametrize("name", ["?x", "a b", "", "x}"])
def test_oxigraph_invalid_parameter_name_is_refused(seed_graph, name):
    with pytest.raises(QueryError) as caught:
        query_sparql(seed_graph, "SELECT ?x WHERE { ?x ?p ?o }", {name: "银川市"})
    assert str(caught.value) == (
        f"invalid parameter name {name!r}: a SPARQL variable name is letters, digits and underscores, "
        f"given without '?'")


def test_oxigraph_invalid_iri_parameter_is_refused(seed_graph):
    with pytest.raises(QueryError, match=r"^parameter 'x' is not a valid RDF term: "):
        query_sparql(seed_graph, "SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("http://a b")})


def test_oxigraph_query_after_a_rebuild_reads_the_new_store(tmp_path):
    """The open store kept between queries is dropped when a build replaces the folder."""
    doc = tmp_path / "a.txt"
    doc.write_text("银川市全面推行“三社联动”工作机制。\n", encoding="utf-8")
    build([doc], tmp_path / "kg-out")
    assert set(adopters(tmp_path / "kg-out", "三社联动")["place"]) == {"银川市"}
    doc.write_text("舟山市全面推行“三社联动”工作机制。\n", encoding="utf-8")
    build([doc], tmp_path / "kg-out")
    assert set(adopters(tmp_path / "kg-out", "三社联动")["place"]) == {"舟山市"}
