"""The query commands, run as a user runs them, on a build of the seed documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import build
from kg.queries import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "kg-out"
    build([SEEDS], out)
    return out


def test_kg_sparql_runs_a_named_question_file_with_a_bound_parameter(graph: Path) -> None:
    query = "@" + str(ROOT / "queries" / "adopters.rq")
    result = CliRunner().invoke(main, ["sparql", query, "--param", "name=枫桥经验", "--graph", str(graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    forms = {(r["place"], r["form"]) for r in rows}
    assert {("银川市", "塞上枫桥"), ("舟山市", "海上枫桥")} <= forms


def test_kg_sparql_treats_a_hostile_parameter_as_a_plain_string(graph: Path) -> None:
    query = "@" + str(ROOT / "queries" / "adopters.rq")
    for hostile in ["'}) DETACH DELETE n //", '" . } DROP ALL #', "x" * 10_000]:
        result = CliRunner().invoke(main, ["sparql", query, "--param", f"name={hostile}", "--graph", str(graph), "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0].startswith("name,place")
        assert len(result.output.splitlines()) == 1  # the header only
    again = CliRunner().invoke(main, ["sparql", query, "--param", "name=三社联动", "--graph", str(graph), "--format", "json"])
    assert len(json.loads(again.output)) == 3  # the store is unchanged


def test_kg_sparql_reports_a_bad_query_and_a_missing_store(graph: Path, tmp_path: Path) -> None:
    bad = CliRunner().invoke(main, ["sparql", "SELEC nothing", "--graph", str(graph)])
    assert bad.exit_code == 1 and "invalid SPARQL query" in bad.output
    missing = CliRunner().invoke(main, ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(tmp_path)])
    assert missing.exit_code == 1 and "run `kg build` first" in missing.output
    malformed = CliRunner().invoke(main, ["sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--param", "oops", "--graph", str(graph)])
    assert malformed.exit_code == 2 and "NAME=VALUE" in malformed.output


def test_kg_cypher_answers_with_bound_parameters_and_refuses_writes(graph: Path) -> None:
    query = "MATCH (p:Place)-[a:ADOPTED]->(m:Mechanism) WHERE m.label = $name RETURN p.label AS place, a.status AS status"
    result = CliRunner().invoke(main, ["cypher", query, "--param", "name=三社联动", "--graph", str(graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {r["place"] for r in json.loads(result.output)} >= {"舟山市", "白银市"}
    hostile = CliRunner().invoke(main, ["cypher", query, "--param", "name='}) DETACH DELETE n //", "--graph", str(graph), "--format", "json"])
    assert hostile.exit_code == 0 and json.loads(hostile.output) == []
    write = CliRunner().invoke(main, ["cypher", "MATCH (n:Place) DETACH DELETE n", "--graph", str(graph)])
    assert write.exit_code == 1 and "Cypher query failed" in write.output
    again = CliRunner().invoke(main, ["cypher", query, "--param", "name=三社联动", "--graph", str(graph), "--format", "json"])
    assert json.loads(again.output) == json.loads(result.output)


@pytest.mark.parametrize("engine", ["sparql", "cypher", "networkx"])
def test_kg_query_answers_a_named_question_on_every_engine(graph: Path, engine: str) -> None:
    args = ["query", "adopters", "--mechanism", "吹哨报到", "--engine", engine, "--graph", str(graph), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    forms = {(r["place"], r["form"]) for r in json.loads(result.output)}
    assert {("银川市", "街道吹哨、部门报到"), ("蒙自市", "市民吹哨、多元响应")} <= forms


@pytest.mark.parametrize("within", [["--within"], ["--within", "true"], ["--within=true"]])
def test_kg_query_within_as_a_bare_flag_or_with_true(graph: Path, within: list[str]) -> None:
    base = ["query", "mechanisms", "--graph", str(graph), "--format", "json"]
    alone = CliRunner().invoke(main, [*base, "--place", "红河州"])
    inside = CliRunner().invoke(main, [*base, *within, "--place", "红河州"])
    last = CliRunner().invoke(main, [*base, "--place", "红河州", *within])
    assert alone.exit_code == inside.exit_code == last.exit_code == 0, inside.output
    assert {r["place"] for r in json.loads(alone.output)} == {"红河哈尼族彝族自治州"}
    assert {"红河哈尼族彝族自治州", "蒙自市"} <= {r["place"] for r in json.loads(inside.output)}
    assert json.loads(last.output) == json.loads(inside.output)
    refused = CliRunner().invoke(main, [*base, "--place", "红河州", "--within", "maybe"])
    assert refused.exit_code == 1 and "takes true or false, not 'maybe'" in refused.output


def test_kg_query_names_unknown_questions_and_missing_parameters(graph: Path) -> None:
    unknown = CliRunner().invoke(main, ["query", "nope", "--graph", str(graph)])
    assert unknown.exit_code == 1 and f"Unknown question 'nope'. Known questions: {', '.join(QUESTIONS)}." in unknown.output
    missing = CliRunner().invoke(main, ["query", "adopters", "--graph", str(graph)])
    assert missing.exit_code == 1 and "needs the parameter 'mechanism'" in missing.output
    dangling = CliRunner().invoke(main, ["query", "adopters", "--graph", str(graph), "--mechanism"])
    assert dangling.exit_code == 2 and "--mechanism needs a value" in dangling.output


def test_kg_query_repeated_entity_asks_for_documents_mentioning_all(graph: Path) -> None:
    base = ["query", "documents", "--graph", str(graph), "--format", "json"]
    one = CliRunner().invoke(main, [*base, "--entity", "三社联动"])
    both = CliRunner().invoke(main, [*base, "--entity", "三社联动", "--entity", "红河州"])
    assert one.exit_code == both.exit_code == 0, both.output
    assert {r["document"] for r in json.loads(both.output)} == {"001_2c99edcca57b6fa5.txt"}
    assert len({r["document"] for r in json.loads(one.output)}) > 1
    twice = CliRunner().invoke(main, ["query", "adopters", "--mechanism", "三社联动", "--mechanism", "枫桥经验",
                                      "--graph", str(graph)])
    assert twice.exit_code == 2 and "--mechanism is given twice; give it once" in twice.output


def test_kg_query_agency_takes_name_like_any_parameter(graph: Path) -> None:
    result = CliRunner().invoke(main, ["query", "agency", "--name", "银川市民政局", "--graph", str(graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {"issued", "lead"} <= {r["role"] for r in json.loads(result.output)}


def test_kg_query_optional_parameters_left_out_or_blank(graph: Path) -> None:
    every = CliRunner().invoke(main, ["query", "replies", "--graph", str(graph), "--format", "json"])
    assert every.exit_code == 0 and len({r["document"] for r in json.loads(every.output)}) == 4
    blank = CliRunner().invoke(main, ["query", "metrics", "--indicator", " ", "--graph", str(graph)])
    assert blank.exit_code == 1 and "Parameter 'indicator' of question 'metrics' is blank" in blank.output


def test_kg_stats_counts_match_the_exports(graph: Path) -> None:
    import csv

    result = CliRunner().invoke(main, ["stats", "--graph", str(graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = {(r["element"], r["name"]): r["count"] for r in json.loads(result.output)}
    with (graph / "export" / "adoptions.csv").open(encoding="utf-8", newline="") as fh:
        adoptions = sum(1 for _ in csv.DictReader(fh))
    with (graph / "export" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        documents = sum(1 for _ in csv.DictReader(fh))
    assert counts[("relationship", "ADOPTED")] == adoptions
    assert counts[("node", "Document")] == documents == 5
    assert counts[("node", "Mechanism")] >= 189  # the whole thesaurus, plus candidates


def test_kg_stats_without_a_graph_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--graph", str(tmp_path)])
    assert result.exit_code == 1 and "run `kg build` first" in result.output
