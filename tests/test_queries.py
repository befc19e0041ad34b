"""Tests of kg.queries: each named question answers the same on Oxigraph, LadybugDB and networkx.

The seeds are built once per module with :func:`kg.pipeline.build`, which writes every
store; the answers of the three engines must be equal DataFrames (``DataFrame.equals``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from kg.errors import QueryError
from kg.graph import build_graph
from kg.pipeline import build
from kg.queries import ENGINES, QUESTIONS, ask
from kg.stores.networkx import NETWORKX_FILE, read_networkx, write_networkx
from kg.thesaurus import load_thesaurus

ADOPTERS_COLUMNS = ["name", "place", "code", "form", "status", "year", "document", "evidence"]
#: Names the seeds answer: preferred labels, alt labels (新时代枫桥经验, 四平台), a local form
#: (塞上枫桥), local forms reached through a narrower concept (区域化党建 → 大党委 → 大工委),
#: stated years (社区体制改革), places without a code (智慧社区) and a candidate (1141+X).
MECHANISMS = ["枫桥经验", "三社联动", "吹哨报到", "大党委", "网格化管理", "四平台", "新时代枫桥经验",
              "塞上枫桥", "区域化党建", "社区体制改革", "智慧社区", "1141+X"]
HOSTILE_NAMES = [
    "'}) DETACH DELETE n //",
    '" . } DROP ALL #',
    "} ; DELETE WHERE { ?s ?p ?o } #",
    "三社联动' OR 1=1 //",
    "枫桥经验\\",
    "|",
    "x" * 10_000,
    "",
]


@pytest.fixture(scope="module")
def seed_graph(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built into a graph folder holding every store."""
    out = tmp_path_factory.mktemp("seed-graph")
    build([seeds_dir], out)
    return out


def digest(graph_dir: Path) -> dict[str, str]:
    """Every file of a graph folder → the SHA-256 of its bytes."""
    return {str(path.relative_to(graph_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(graph_dir.rglob("*")) if path.is_file()}


def answers(graph_dir: Path, mechanism: str) -> dict[str, pd.DataFrame]:
    return {engine: ask("adopters", graph_dir, engine=engine, mechanism=mechanism) for engine in ENGINES}


def pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["place"], frame["form"]))


# ------------------------------------------------------------------ the same answer on every engine


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_queries_adopters_is_the_same_on_every_engine(seed_graph, mechanism):
    found = answers(seed_graph, mechanism)
    sparql = found["sparql"]
    assert not sparql.empty
    assert list(sparql.columns) == ADOPTERS_COLUMNS
    for engine, frame in found.items():
        assert frame.equals(sparql), f"{engine} differs from sparql:\n{frame}\n{sparql}"
    assert set(sparql["name"]) == {mechanism}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_values_are_str_int_or_none_in_sorted_rows(seed_graph, engine):
    frame = ask("adopters", seed_graph, engine=engine, mechanism="社区体制改革")
    assert (frame.dtypes == object).all()
    for row in frame.to_dict("records"):
        assert all(type(row[c]) is str for c in ("name", "place", "code", "form", "status", "document"))
        assert type(row["year"]) is int and row["year"] == 2001
    assert frame["code"].tolist() == sorted(frame["code"])
    nameless = ask("adopters", seed_graph, engine=engine, mechanism="智慧社区")
    assert ("金湖南社区", None) in set(zip(nameless["place"], nameless["code"]))


# ------------------------------------------------------------------ what the seeds must answer


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_fengqiao_includes_yinchuan_and_zhoushan_local_forms(seed_graph, engine):
    frame = ask("adopters", seed_graph, engine=engine, mechanism="枫桥经验")
    assert {("银川市", "塞上枫桥"), ("舟山市", "海上枫桥")} <= pairs(frame)
    assert frame.loc[frame["form"] == "塞上枫桥", "evidence"].str.contains("塞上枫桥").all()


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_three_social_linkage_includes_honghe_zhoushan_baiyin(seed_graph, engine):
    places = set(ask("adopters", seed_graph, engine=engine, mechanism="三社联动")["place"])
    assert {"红河哈尼族彝族自治州", "舟山市", "白银市"} <= places


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_whistle_lists_yinchuan_and_mengzi_forms(seed_graph, engine):
    frame = ask("adopters", seed_graph, engine=engine, mechanism="吹哨报到")
    assert {("银川市", "街道吹哨、部门报到"), ("蒙自市", "市民吹哨、多元响应")} <= pairs(frame)


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_alt_label_answers_as_pref_label(seed_graph, engine):
    by_alt = ask("adopters", seed_graph, engine=engine, mechanism="四平台")
    by_pref = ask("adopters", seed_graph, engine=engine, mechanism="基层治理四平台")
    assert not by_alt.empty
    pd.testing.assert_frame_equal(by_alt.drop(columns="name"), by_pref.drop(columns="name"))


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_local_form_name_asks_for_that_form_alone(seed_graph, engine):
    frame = ask("adopters", seed_graph, engine=engine, mechanism="塞上枫桥")
    assert pairs(frame) == {("银川市", "塞上枫桥")}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_forms_are_the_mechanism_or_local_forms_never_narrower_concepts(seed_graph, engine):
    graph = read_networkx(seed_graph)
    local = {attrs["label"] for _, attrs in graph.nodes(data=True)
             if attrs.get("kind") == "Mechanism" and attrs.get("local_form")}
    frame = ask("adopters", seed_graph, engine=engine, mechanism="区域化党建")
    assert set(frame["form"]) <= {"区域化党建"} | local
    assert "大党委" not in set(frame["form"])  # narrower, adopted, but not a local form
    assert not ask("adopters", seed_graph, engine=engine, mechanism="大党委").empty


# ------------------------------------------------------------------ parameters only


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda name: repr(name[:20]))
def test_queries_adopters_hostile_name_finds_nothing_and_changes_nothing(seed_graph, name, engine):
    before = digest(seed_graph)
    frame = ask("adopters", seed_graph, engine=engine, mechanism=name)
    assert frame.empty
    assert list(frame.columns) == ADOPTERS_COLUMNS
    assert digest(seed_graph) == before
    assert {"银川市", "舟山市"} <= set(ask("adopters", seed_graph, engine=engine, mechanism="枫桥经验")["place"])


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_adopters_two_alt_labels_joined_by_bar_match_no_label(seed_graph, engine):
    graph = read_networkx(seed_graph)
    alts = next(alts for _, attrs in sorted(graph.nodes(data=True))
                if attrs.get("kind") == "Mechanism" and len(alts := (attrs.get("alt_labels") or "").split("|")) > 1
                and not ask("adopters", seed_graph, engine="networkx", mechanism=alts[0]).empty)
    assert not ask("adopters", seed_graph, engine=engine, mechanism=alts[0]).empty
    assert ask("adopters", seed_graph, engine=engine, mechanism="|".join(alts[:2])).empty


# ------------------------------------------------------------------ errors


def test_queries_unknown_question_lists_the_known_ones(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("adoptors", seed_graph, mechanism="枫桥经验")
    assert str(caught.value) == "Unknown question 'adoptors'. Known questions: adopters."


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_missing_parameter_names_it(seed_graph, engine):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, engine=engine)
    assert str(caught.value) == "Question 'adopters' needs the parameter 'mechanism'. Its parameters: mechanism."


def test_queries_unknown_parameter_lists_the_question_parameters(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, mechanism="枫桥经验", place="银川市")
    assert str(caught.value) == "Question 'adopters' has no parameter 'place'. Its parameters: mechanism."


def test_queries_unknown_engine_lists_the_engines(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, engine="gremlin", mechanism="枫桥经验")
    assert str(caught.value) == "Unknown engine 'gremlin'. Engines: sparql, cypher, networkx."


@pytest.mark.parametrize("value", [7, ["枫桥经验"]])
def test_queries_non_string_parameter_is_refused(seed_graph, value):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, mechanism=value)
    assert str(caught.value) == (
        f"Parameter 'mechanism' of question 'adopters' takes a string, not {type(value).__name__}.")


# ------------------------------------------------------------------ the registry and the cache


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_queries_every_question_ships_both_files_using_its_variables(name):
    question = QUESTIONS[name]
    sparql = files("queries").joinpath(question.sparql).read_text(encoding="utf-8")
    cypher = files("queries").joinpath(question.cypher).read_text(encoding="utf-8")
    for param in question.params:
        variable = question.variable(param)
        assert re.search(rf"\?{variable}\b", sparql) and re.search(rf"\${variable}\b", cypher)
    assert re.search(r"\$(?!name\b)\w+", re.sub(r"//.*", "", cypher)) is None  # no other parameter


def test_queries_networkx_rereads_a_rewritten_graph(seed_graph, tmp_path):
    shutil.copy(seed_graph / NETWORKX_FILE, tmp_path / NETWORKX_FILE)
    assert not ask("adopters", tmp_path, engine="networkx", mechanism="枫桥经验").empty
    write_networkx(build_graph([], thesaurus=load_thesaurus()), tmp_path)
    assert ask("adopters", tmp_path, engine="networkx", mechanism="枫桥经验").empty
