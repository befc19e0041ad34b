"""Tests of kg.queries: each named question answers the same on Oxigraph, LadybugDB and networkx.

The seeds are built once per module with :func:`kg.pipeline.build`, which writes every
store; the answers of the three engines must be equal DataFrames (``DataFrame.equals``).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from importlib.resources import files
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kg.errors import QueryError
from kg.graph import build_graph
from kg.pipeline import build
from kg.queries import ENGINES, QUESTIONS, ask
from kg.queries.question import bind_params, normalise
from kg.queries.walk import KINDS, NAMED_KINDS, NAMES, index_nodes, named
from tests.conftest import digest
from tests.test_queries_documents import SPREAD as DOCUMENT_SPREAD
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
#: Each question → parameter sets the seeds answer (every answer has rows).
SPREAD: dict[str, list[dict[str, str]]] = {
    "adopters": [{"mechanism": m} for m in MECHANISMS],
    # local forms reached directly (吹哨报到, 枫桥经验), through a narrower concept (区域化党建),
    # by an alt label (新时代枫桥经验, 街道吹哨部门报到 of a local form) and by a local form's own name
    "variants": [{"mechanism": m} for m in ("吹哨报到", "枫桥经验", "区域化党建", "大党委", "网格化管理",
                                            "新时代枫桥经验", "塞上枫桥", "街道吹哨部门报到")],
    # a city alone and with what lies inside it, a short form (红河州), a county, a community
    # without a code, the whole country; --within as the CLI gives it ("true") and as a bool
    "mechanisms": [{"place": "银川市"}, {"place": "银川市", "within": "true"}, {"place": "红河州"},
                   {"place": "红河哈尼族彝族自治州", "within": True}, {"place": "蒙自市", "within": "false"},
                   {"place": "金湖南社区"}, {"place": "白银市", "within": True}, {"place": "中国", "within": True}],
    # publication years (三社联动), a stated year (社区体制改革), local forms counted (枫桥经验)
    "timeline": [{"mechanism": m} for m in ("三社联动", "社区体制改革", "枫桥经验", "智慧社区", "网格化管理",
                                            "吹哨报到", "四平台", "塞上枫桥", "1141+X")],
    # a whole title in 《》, words from titles cited by one or by several documents, a year;
    # documents adopting a mechanism (through a local form too), and both filters at once
    "citations": [{"policy": t} for t in ("《社区工作准入目录(试行)》", "和谐社区建设", "网格化管理、组团式服务", "准入",
                                          "银川市", "实施意见", "养老服务设施布局规划", "2020")]
                 + [{"mechanism": m} for m in ("三社联动", "枫桥经验", "塞上枫桥", "四平台")]
                 + [{"policy": "意见", "mechanism": "网格化管理"}],
    # a mechanism, an alt label, a local form (counted under its concept), a candidate
    "co-adoption": [{"mechanism": m} for m in ("三社联动", "网格化管理", "四平台", "塞上枫桥", "枫桥经验", "1141+X")],
    # a city alone and with its districts, a short form, an indicator alone, both, the whole country
    "metrics": [{"place": "银川市"}, {"place": "银川市", "within": "true"}, {"place": "红河州"},
                {"indicator": "网格"}, {"indicator": "社会组织"}, {"place": "红河州", "indicator": "社区", "within": True},
                {"place": "中国", "within": True}],
}


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


@pytest.mark.parametrize(("question", "params"), [(q, p) for q, spread in (SPREAD | DOCUMENT_SPREAD).items()
                                                  for p in spread],
                         ids=lambda value: value if isinstance(value, str) else "-".join(map(str, value.values())))
def test_queries_every_question_is_the_same_on_every_engine(seed_graph, question, params):
    found = {engine: ask(question, seed_graph, engine=engine, **params) for engine in ENGINES}
    sparql = found["sparql"]
    assert not sparql.empty
    assert list(sparql.columns) == list(QUESTIONS[question].columns)
    for engine, frame in found.items():
        assert frame.equals(sparql), f"{engine} differs from sparql:\n{frame}\n{sparql}"


def test_queries_every_question_has_a_spread_of_parameters():
    assert set(SPREAD) | set(DOCUMENT_SPREAD) == set(QUESTIONS)


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


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_whistle_lists_yinchuan_and_mengzi_forms(seed_graph, engine):
    frame = ask("variants", seed_graph, engine=engine, mechanism="吹哨报到")
    assert {("银川市", "街道吹哨、部门报到"), ("蒙自市", "市民吹哨、多元响应")} <= pairs(frame)
    assert "吹哨报到" not in set(frame["form"])  # the mechanism itself is not a local form


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_fengqiao_lists_saishang_yinchuan_and_haishang_zhoushan(seed_graph, engine):
    frame = ask("variants", seed_graph, engine=engine, mechanism="枫桥经验")
    assert {("银川市", "塞上枫桥"), ("舟山市", "海上枫桥")} <= pairs(frame)
    row = frame.loc[frame["form"] == "海上枫桥"].iloc[0]
    assert (row["code"], row["documents"], row["first_document"]) == ("330900", 1, "002_0e9deacc55aac3d8.txt")


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_counts_documents_and_names_the_first_published(seed_graph, engine):
    frame = ask("variants", seed_graph, engine=engine, mechanism="区域化党建")  # via 大党委
    row = frame.loc[frame["form"] == "大工委"].iloc[0].to_dict()
    assert row == {"name": "区域化党建", "form": "大工委", "place": "银川市", "code": "640100", "documents": 2,
                   "first_document": "004_f1e1a5b4393ea3bc.txt", "first_published": "2017-08-22"}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_of_a_mechanism_without_local_forms_is_empty(seed_graph, engine):
    assert not ask("adopters", seed_graph, engine=engine, mechanism="三社联动").empty
    assert ask("variants", seed_graph, engine=engine, mechanism="三社联动").empty


@pytest.fixture(scope="module")
def dated_graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Graphs of documents adopting 塞上枫桥: ``"mixed"`` (b.txt has a publication date, a.txt
    and c.txt have none) and ``"undated"`` (a.txt and c.txt alone)."""
    texts = {"a.txt": "银川市打造“塞上枫桥”品牌。\n", "b.txt": "发布日期：2020-01-02\n银川市打造“塞上枫桥”。\n",
             "c.txt": "银川市推行“塞上枫桥”。\n"}
    graphs = {}
    for name, files_ in (("mixed", ["a.txt", "b.txt", "c.txt"]), ("undated", ["a.txt", "c.txt"])):
        folder = tmp_path_factory.mktemp(name)
        for file in files_:
            (folder / file).write_text(texts[file], encoding="utf-8")
        build([folder], folder / "kg-out")
        graphs[name] = folder / "kg-out"
    return graphs


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_first_document_is_the_first_published_else_the_first_by_name(dated_graphs, engine):
    mixed = ask("variants", dated_graphs["mixed"], engine=engine, mechanism="枫桥经验")
    assert mixed[["documents", "first_document", "first_published"]].to_dict("records") == [
        {"documents": 3, "first_document": "b.txt", "first_published": "2020-01-02"}]
    undated = ask("variants", dated_graphs["undated"], engine=engine, mechanism="枫桥经验")
    assert undated[["documents", "first_document", "first_published"]].to_dict("records") == [
        {"documents": 2, "first_document": "a.txt", "first_published": None}]


@pytest.fixture(scope="module")
def namesake_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two documents, each adopting 塞上枫桥 in a community named 南苑社区: one in 兴庆区, one in 金凤区."""
    folder = tmp_path_factory.mktemp("namesakes")
    for file, district in (("a.txt", "兴庆区"), ("b.txt", "金凤区")):
        (folder / file).write_text(f"关于社区治理的答复\n{district}南苑社区推行“塞上枫桥”工作法。\n", encoding="utf-8")
    build([folder], folder / "kg-out", site=False)
    return folder / "kg-out"


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_variants_two_places_of_one_name_are_two_rows(namesake_graph, engine):
    places = ask("adopters", namesake_graph, engine="cypher", mechanism="塞上枫桥")
    assert places[["place", "code", "document"]].values.tolist() == [["南苑社区", None, "a.txt"],
                                                                   ["南苑社区", None, "b.txt"]]
    frame = ask("variants", namesake_graph, engine=engine, mechanism="枫桥经验")
    assert frame[["form", "place", "code", "documents", "first_document"]].values.tolist() == [
        ["塞上枫桥", "南苑社区", None, 1, "a.txt"], ["塞上枫桥", "南苑社区", None, 1, "b.txt"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_mechanisms_of_yinchuan_include_red_property_and_one_core_many(seed_graph, engine):
    frame = ask("mechanisms", seed_graph, engine=engine, place="银川市")
    assert {"红色物业", "一核多元"} <= set(frame["mechanism"])
    assert set(frame["place"]) == {"银川市"} and set(frame["code"]) == {"640100"}
    assert frame["within"].tolist() == [False] * len(frame)
    fengqiao = set(zip(frame["mechanism"], frame["form"]))
    assert {("枫桥经验", "塞上枫桥"), ("枫桥经验", "枫桥经验"), ("吹哨报到", "街道吹哨、部门报到")} <= fengqiao


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_mechanisms_within_adds_the_places_inside(seed_graph, engine):
    alone = ask("mechanisms", seed_graph, engine=engine, place="银川市")
    inside = ask("mechanisms", seed_graph, engine=engine, place="银川市", within="true")
    assert {"银川市", "金凤区", "西夏区", "兴庆区"} <= set(inside["place"])
    assert inside.loc[inside["place"] == "银川市"].drop(columns="within").reset_index(drop=True).equals(
        alone.drop(columns="within"))
    honghe = ask("mechanisms", seed_graph, engine=engine, place="红河州", within=True)
    assert {"红河哈尼族彝族自治州", "蒙自市", "金湖南社区"} <= set(honghe["place"])  # a community, two levels down
    assert ask("mechanisms", seed_graph, engine=engine, place="宁夏回族自治区").empty
    assert "银川市" in set(ask("mechanisms", seed_graph, engine=engine, place="宁夏回族自治区", within=True)["place"])


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_mechanisms_short_place_name_answers_as_the_full_name(seed_graph, engine):
    full = ask("mechanisms", seed_graph, engine=engine, place="红河哈尼族彝族自治州")
    assert not full.empty
    assert ask("mechanisms", seed_graph, engine=engine, place="红河州").equals(full)
    assert set(full["name"]) == {"红河哈尼族彝族自治州"}


@pytest.mark.parametrize("value", ["false", "False", False])
def test_queries_mechanisms_within_false_is_the_default(seed_graph, value):
    assert ask("mechanisms", seed_graph, place="蒙自市", within=value).equals(ask("mechanisms", seed_graph, place="蒙自市"))


@pytest.mark.parametrize("value", ["yes", "", 1, None])
def test_queries_flag_takes_true_or_false_only(seed_graph, value):
    with pytest.raises(QueryError) as caught:
        ask("mechanisms", seed_graph, place="蒙自市", within=value)
    assert str(caught.value) == f"Parameter 'within' of question 'mechanisms' takes true or false, not {value!r}."


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_timeline_three_social_linkage_by_publication_year(seed_graph, engine):
    frame = ask("timeline", seed_graph, engine=engine, mechanism="三社联动")
    # 舟山 (published 2020-09-02), then 红河州 (2021-11-02) and 白银 (2021-03-18)
    assert frame.to_dict("records") == [
        {"name": "三社联动", "year": 2020, "adoptions": 1, "places": 1, "cumulative": 1},
        {"name": "三社联动", "year": 2021, "adoptions": 2, "places": 2, "cumulative": 3}]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_timeline_counts_what_adopters_lists_in_the_stated_year(seed_graph, engine):
    adopters = ask("adopters", seed_graph, engine=engine, mechanism="社区体制改革")
    frame = ask("timeline", seed_graph, engine=engine, mechanism="社区体制改革")
    assert frame[["year", "adoptions", "places", "cumulative"]].to_dict("records") == [
        {"year": 2001, "adoptions": len(adopters), "places": adopters["place"].nunique(), "cumulative": len(adopters)}]
    fengqiao = ask("timeline", seed_graph, engine=engine, mechanism="枫桥经验")  # 塞上枫桥 and 海上枫桥 included
    assert fengqiao["cumulative"].iloc[-1] == fengqiao["adoptions"].sum() == len(
        ask("adopters", seed_graph, engine=engine, mechanism="枫桥经验"))


@pytest.fixture(scope="module")
def years_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Adoptions of 三社联动 published in 1965, 1987, 2013 (with 2009 stated), 2013, 2024 and never:
    every digit of a publication year is read, and a stated year wins."""
    folder = tmp_path_factory.mktemp("years")
    texts = {"a.txt": "发布日期：1987-06-05\n蒙自市推行“三社联动”。\n",
             "b.txt": "发布日期：2013-04-09\n2009年起，白银市推行“三社联动”工作机制。\n",
             "c.txt": "舟山市全面推行“三社联动”。\n",
             "d.txt": "发布日期：2013-12-01\n银川市推行“三社联动”。\n",
             "e.txt": "发布日期：1965-04-01\n个旧市推行“三社联动”。\n",
             "f.txt": "发布日期：2024-07-08\n个旧市推行“三社联动”。\n"}
    for file, text in texts.items():
        (folder / file).write_text(text, encoding="utf-8")
    build([folder], folder / "kg-out")
    return folder / "kg-out"


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_timeline_stated_year_else_publication_year_else_a_row_without_year(years_graph, engine):
    frame = ask("timeline", years_graph, engine=engine, mechanism="三社联动")
    assert [tuple(row) for row in frame[["year", "adoptions", "places", "cumulative"]].itertuples(index=False)] == [
        (None, 1, 1, None), (1965, 1, 1, 1), (1987, 1, 1, 2), (2009, 1, 1, 3), (2013, 1, 1, 4), (2024, 1, 1, 5)]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_citations_finds_every_policy_whose_title_contains_the_words(seed_graph, engine):
    frame = ask("citations", seed_graph, engine=engine, policy="和谐社区建设")
    honghe = "001_2c99edcca57b6fa5.txt"
    assert {("关于加强和谐社区建设的实施意见", honghe), ("关于解决全州和谐社区建设中几个突出问题的意见", honghe)} <= set(
        zip(frame["policy"], frame["document"]))
    assert all("和谐社区建设" in policy for policy in frame["policy"])
    assert all(f"《{policy}》" in evidence for policy, evidence in zip(frame["policy"], frame["evidence"]))
    assert set(frame["published"]) == {"2021-11-02"}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_citations_of_a_whole_title_with_or_without_brackets(seed_graph, engine):
    bare = ask("citations", seed_graph, engine=engine, policy="舟山市“网格化管理、组团式服务”标准化建设管理规范")
    bracketed = ask("citations", seed_graph, engine=engine, policy=" 《舟山市“网格化管理、组团式服务”标准化建设管理规范》")
    assert bare["document"].tolist() == ["002_0e9deacc55aac3d8.txt"]
    assert bracketed.equals(bare)
    plan = ask("citations", seed_graph, engine=engine, policy="养老服务设施布局规划")
    assert plan[["policy", "year"]].to_dict("records") == [{"policy": "银川市养老服务设施布局规划(2020-2035)", "year": 2020}]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_citations_spaced_words_find_nothing(seed_graph, engine):
    assert ask("citations", seed_graph, engine=engine, policy="和谐 社区").empty


@pytest.mark.parametrize("words", ["", "   ", "《》"])
def test_queries_citations_blank_words_are_refused(seed_graph, words):
    with pytest.raises(QueryError) as caught:
        ask("citations", seed_graph, policy=words)
    assert str(caught.value) == "Parameter 'policy' of question 'citations' is blank; give a name or leave it out."


def test_queries_citations_needs_words_or_a_mechanism(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("citations", seed_graph)
    assert str(caught.value) == ("Question 'citations' needs one of the parameters policy, mechanism. "
                                 "Its parameters: policy, mechanism.")


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_citations_by_mechanism_are_the_documents_adopting_it(seed_graph, engine):
    adopting = set(ask("adopters", seed_graph, engine=engine, mechanism="三社联动")["document"])
    frame = ask("citations", seed_graph, engine=engine, mechanism="三社联动")
    assert set(frame["document"]) == adopting  # each of them cites some policy
    assert set(frame["words"]) == {""} and set(frame["mechanism"]) == {"三社联动"}
    both = ask("citations", seed_graph, engine=engine, policy="和谐社区", mechanism="三社联动")
    by_words = ask("citations", seed_graph, engine=engine, policy="和谐社区")
    assert set(both["policy"]) == set(by_words.loc[by_words["document"].isin(adopting), "policy"]) != set()
    fengqiao = ask("citations", seed_graph, engine=engine, mechanism="枫桥经验")
    assert "002_0e9deacc55aac3d8.txt" in set(fengqiao["document"])  # 舟山 adopts it as 海上枫桥


# ------------------------------------------------------------------ co-adoption


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_co_adoption_counts_places_adopting_both(seed_graph, engine):
    frame = ask("co-adoption", seed_graph, engine=engine, mechanism="三社联动")
    adopters = set(ask("adopters", seed_graph, engine=engine, mechanism="三社联动")["place"])
    assert "三社联动" not in set(frame["mechanism"])
    assert frame["places"].tolist() == sorted(frame["places"], reverse=True)
    for row in frame.to_dict("records"):
        places = row["place_names"].split("|")
        assert row["places"] == len(places) and set(places) <= adopters
        also = set(ask("adopters", seed_graph, engine=engine, mechanism=row["mechanism"])["place"])
        assert set(places) == adopters & also, row["mechanism"]
    grid = frame.loc[frame["mechanism"] == "网格化管理"].iloc[0]
    assert grid["places"] >= 2


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_co_adoption_counts_local_forms_under_their_concept(seed_graph, engine):
    frame = ask("co-adoption", seed_graph, engine=engine, mechanism="三社联动")
    assert "海上枫桥" not in set(frame["mechanism"])
    fengqiao = frame.loc[frame["mechanism"] == "枫桥经验"]
    assert "舟山市" in fengqiao["place_names"].iloc[0].split("|")  # 舟山 adopted it as 海上枫桥
    own = ask("co-adoption", seed_graph, engine=engine, mechanism="塞上枫桥")
    assert "枫桥经验" not in set(own["mechanism"]) and not own.empty


# ------------------------------------------------------------------ metrics


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_metrics_of_a_place_have_values_units_and_evidence(seed_graph, engine):
    frame = ask("metrics", seed_graph, engine=engine, place="银川市")
    assert not frame.empty and set(frame["place"]) == {"银川市"}
    for row in frame.to_dict("records"):
        assert type(row["value"]) is float and row["unit"] and row["evidence"]
    assert any("网格员" in i and v == 330.0 for i, v in zip(frame["indicator"], frame["value"]))  # 新招聘330名网格员
    inside = ask("metrics", seed_graph, engine=engine, place="银川", within=True)
    assert len(inside) > len(frame) and set(frame["evidence"]) <= set(inside["evidence"])


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_metrics_by_indicator_words_and_by_both(seed_graph, engine):
    grid = ask("metrics", seed_graph, engine=engine, indicator="网格")
    assert not grid.empty and all("网格" in i for i in grid["indicator"])
    honghe = ask("metrics", seed_graph, engine=engine, place="红河州", indicator="社区", within=True)
    assert all("社区" in i for i in honghe["indicator"])
    inside = set(ask("mechanisms", seed_graph, engine="networkx", place="红河州", within=True)["place"])
    graph = read_networkx(seed_graph)
    places = {attrs["label"]: node for node, attrs in graph.nodes(data=True) if attrs.get("kind") == "Place"}
    honghe_node = places["红河哈尼族彝族自治州"]
    assert "红河哈尼族彝族自治州" in set(honghe["place"]) and inside
    for place in set(honghe["place"]):  # the state itself or a place whose WITHIN chain reaches it
        assert place == "红河哈尼族彝族自治州" or nx.has_path(graph, places[place], honghe_node), place
    assert ask("metrics", seed_graph, engine=engine, indicator="并不存在的指标").empty


def test_queries_metrics_needs_a_place_or_an_indicator(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("metrics", seed_graph, within=True)
    assert str(caught.value) == ("Question 'metrics' needs one of the parameters place, indicator. "
                                 "Its parameters: place, indicator, within.")


# ------------------------------------------------------------------ parameters only


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda name: repr(name[:20]))
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_queries_every_question_finds_nothing_for_hostile_names_and_changes_nothing(
        seed_graph, question, name, engine):
    before = digest(seed_graph)
    q = QUESTIONS[question]
    params: dict[str, object] = {param: name for param in (*q.params, *q.optional)}
    params |= {q.each: [name]} if q.each else {}
    params |= {flag: True for flag in q.flags}  # --within: look inside too
    if q.optional and not name.strip():
        with pytest.raises(QueryError, match="is blank; give a name or leave it out"):
            ask(question, seed_graph, engine=engine, **params)
    else:
        frame = ask(question, seed_graph, engine=engine, **params)
        assert frame.empty
        assert list(frame.columns) == list(q.columns)
    assert digest(seed_graph) == before
    assert not ask(question, seed_graph, engine=engine, **q.examples[0]).empty


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
    assert str(caught.value) == f"Unknown question 'adoptors'. Known questions: {', '.join(QUESTIONS)}."


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_missing_parameter_names_it(seed_graph, engine):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, engine=engine)
    assert str(caught.value) == "Question 'adopters' needs the parameter 'mechanism'. Its parameters: mechanism."


def test_queries_unknown_parameter_lists_the_question_parameters(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("adopters", seed_graph, mechanism="枫桥经验", place="银川市")
    assert str(caught.value) == "Question 'adopters' has no parameter 'place'. Its parameters: mechanism."
    with pytest.raises(QueryError) as caught:
        ask("mechanisms", seed_graph, place="银川市", inside="true")
    assert str(caught.value) == "Question 'mechanisms' has no parameter 'inside'. Its parameters: place, within."


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
    variables = {question.variable(param) for param in question.accepted}
    for variable in variables:
        assert re.search(rf"\?{variable}\b", sparql) and re.search(rf"\${variable}\b", cypher)
    assert set(re.findall(r"\$(\w+)", re.sub(r"//.*", "", cypher))) == variables  # no other parameter


@pytest.fixture(scope="module")
def seed_networkx(seed_graph) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """The seeds' networkx graph as read (every walk scans its nodes) and as ``ask`` reads it (indexed)."""
    return read_networkx(seed_graph), index_nodes(read_networkx(seed_graph))


@pytest.mark.parametrize(("question", "params"), [(q, p) for q, spread in (SPREAD | DOCUMENT_SPREAD).items()
                                                  for p in spread],
                         ids=lambda value: value if isinstance(value, str) else "-".join(map(str, value.values())))
def test_queries_networkx_answers_the_same_from_the_node_index_as_from_every_node(seed_networkx, question, params):
    scanned, indexed = seed_networkx
    q = QUESTIONS[question]
    bound = bind_params(question, q, params)
    runs = ([bound] if q.each is None else
            [{**bound, q.variable(q.each): value} for value in bound[q.variable(q.each)]])
    for run in runs:
        plain, fast = (normalise(pd.DataFrame(q.networkx(g, **run), columns=list(q.columns), dtype=object), q, question)
                       for g in (scanned, indexed))
        assert not plain.empty and fast.equals(plain)
    assert KINDS in indexed.graph and KINDS not in scanned.graph


def test_queries_node_index_lists_each_kind_and_only_names_of_named_kinds(seed_networkx):
    scanned, indexed = seed_networkx
    kinds = indexed.graph[KINDS]
    assert {kind: len(nodes) for kind, nodes in kinds.items()} == dict(
        Counter(kind for _, kind in scanned.nodes(data="kind")))
    assert {kind for kind, _ in indexed.graph[NAMES]} == NAMED_KINDS
    assert named(indexed, "新时代枫桥经验", "Mechanism") == named(scanned, "新时代枫桥经验", "Mechanism") != []
    observation = kinds["Observation"][0]  # not a named kind: looked for by scanning
    label = indexed.nodes[observation]["label"]
    assert named(indexed, label, "Observation") == named(scanned, label, "Observation") == [observation]


def test_queries_networkx_rereads_a_rewritten_graph(seed_graph, tmp_path):
    shutil.copy(seed_graph / NETWORKX_FILE, tmp_path / NETWORKX_FILE)
    assert not ask("adopters", tmp_path, engine="networkx", mechanism="枫桥经验").empty
    write_networkx(build_graph([], thesaurus=load_thesaurus()), tmp_path)
    assert ask("adopters", tmp_path, engine="networkx", mechanism="枫桥经验").empty
