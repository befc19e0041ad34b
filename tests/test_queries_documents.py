"""Tests of the document questions replies, agency and documents (kg.queries.documents).

The seeds are built once per module with :func:`kg.pipeline.build`, which writes every
store; each question's answers on Oxigraph, LadybugDB and networkx must be equal
DataFrames (``DataFrame.equals``), and the seeds' own facts must come back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kg.errors import QueryError
from kg.pipeline import build
from kg.queries import ENGINES, QUESTIONS, ask
from tests.conftest import digest
from kg.stores.networkx import read_networkx

YINCHUAN_REPLY = "000_4e22a5ca7caa542c.txt"  # 银川市民政局 answers 市政协 第162号提案 (2022-08-31)
HONGHE_REPLY = "001_2c99edcca57b6fa5.txt"  # 红河州民政局 answers 政协红河州 第77号提案 (2021-11-02)
ZHOUSHAN_REPLY = "002_0e9deacc55aac3d8.txt"  # 舟山 复函 on 市人大 第1号议案 (2020-09-02)
BAIYIN_SURVEY = "003_d900f653fe6bde40.txt"  # 白银市民政局's survey: answers no proposal (2021-03-18)
NINGXIA_OPINION = "004_f1e1a5b4393ea3bc.txt"  # 银川市民政局 co-handles 自治区政协 第43号提案 (2017-08-22)
HOSTILE = ["'}) DETACH DELETE n //", '" . } DROP ALL #', "} ; DELETE WHERE { ?s ?p ?o } #", "|", "x" * 10_000, ""]
#: Each question → parameter sets the seeds answer (every answer has rows).
SPREAD: dict[str, list[dict[str, object]]] = {
    # no filter, each filter alone (a short level, a level the loader completed, an abbreviated
    # one), parts of names, and filters together
    "replies": [{}, {"body": "人大"}, {"body": "政协"}, {"level": "红河州"}, {"level": "银川"}, {"level": "宁夏"},
                {"level": "舟山市"}, {"proposer": "九三学社"}, {"proposer": "代表"}, {"handler": "公安局"},
                {"handler": "民政"}, {"body": "政协", "handler": "民政厅"},
                {"body": "政协", "level": "银川市", "proposer": "委员", "handler": "银川市民政局"}],
    # issuers, lead and co-handlers, an issuer of a document that answers no proposal
    "agency": [{"name": a} for a in ("银川市民政局", "舟山市人民政府办公室", "宁夏回族自治区民政厅", "银川市公安局",
                                       "白银市民政局", "红河州民政局")],
    # a mechanism and a short place name, local forms (枫桥经验), an alt label, a candidate, a policy
    # in 《》, a programme, an agency, a county, several entities at once
    "documents": [{"entity": e} for e in (["三社联动", "红河州"], ["枫桥经验"], ["新时代枫桥经验"], ["1141+X"],
                                          ["《社区工作准入目录(试行)》"], ["雪亮工程"], ["银川市民政局"], ["蒙自市"],
                                          ["银川"], ["三社联动"], ["网格化管理", "舟山市", "枫桥经验"])],
}
#: Each question → its parameters that take a name (the hostile strings go into each).
NAMED = {"replies": ("body", "level", "proposer", "handler"), "agency": ("name",), "documents": ("entity",)}


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


# ------------------------------------------------------------------ the same answer on every engine


def test_queries_documents_questions_are_registered_after_citations():
    names = list(QUESTIONS)
    assert names.index("citations") < names.index("replies") < names.index("agency") < names.index("documents")


@pytest.mark.parametrize("question", sorted(SPREAD))
@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_examples_answer_on_the_seeds(seed_graph, question, engine):
    for example in QUESTIONS[question].examples:
        assert not ask(question, seed_graph, engine=engine, **example).empty, example


# ------------------------------------------------------------------ replies


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_without_filters_lists_every_reply_newest_first(seed_graph, engine):
    frame = ask("replies", seed_graph, engine=engine)
    graph = read_networkx(seed_graph)
    responding = {src for src, _, kind in graph.edges(data="type") if kind == "RESPONDS_TO"}
    assert len(frame) == len(responding) == 4
    assert frame["document"].tolist() == [YINCHUAN_REPLY, HONGHE_REPLY, ZHOUSHAN_REPLY, NINGXIA_OPINION]
    assert frame["published"].tolist() == sorted(frame["published"], reverse=True)
    assert set(frame[["body", "level", "proposer", "handler"]].to_numpy().ravel()) == {""}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_people_s_congress_is_the_zhoushan_reply(seed_graph, engine):
    frame = ask("replies", seed_graph, engine=engine, body="人大")
    assert rows(frame, "body", "document", "assembly", "kind", "number", "lead") == [
        ("人大", ZHOUSHAN_REPLY, "舟山市人大", "议案", 1, "舟山市人民政府办公室")]
    assert frame.loc[0, "proposal"] == "关于创新基层社会治理 加快推进全域治理现代化的议案"
    assert (frame.loc[0, "term"], frame.loc[0, "session"], frame.loc[0, "co_handlers"]) == (7, 5, "")


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_handler_public_security_finds_yinchuan_co_handled_proposal(seed_graph, engine):
    frame = ask("replies", seed_graph, engine=engine, handler="公安局")
    assert frame["document"].tolist() == [YINCHUAN_REPLY]
    row = frame.iloc[0]
    assert (row["handler"], row["lead"], row["number"], row["assembly"]) == ("公安局", "银川市民政局", 162, "银川市政协")
    assert row["co_handlers"] == "|".join(sorted(["银川市委组织部", "银川市委政法委", "银川市妇联", "银川市公安局",
                                                  "银川市司法局", "银川市住建局", "银川市网络信息化局"]))
    assert row["issuer"] == "银川市民政局" and row["proposers"] == "陈春娥等8委员"


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_handler_matches_lead_and_co_handlers(seed_graph, engine):
    assert ask("replies", seed_graph, engine=engine, handler="民政厅")["document"].tolist() == [NINGXIA_OPINION]
    co = ask("replies", seed_graph, engine=engine, handler="银川市民政局")  # lead of 162号, co-handler of 43号
    assert co["document"].tolist() == [YINCHUAN_REPLY, NINGXIA_OPINION]
    assert ask("replies", seed_graph, engine=engine, handler="民政局办公室").empty


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("level", "document"), [("红河州", HONGHE_REPLY), ("银川", YINCHUAN_REPLY),
                                                 ("银川市", YINCHUAN_REPLY), ("宁夏", NINGXIA_OPINION),
                                                 ("宁夏回族自治区", NINGXIA_OPINION), ("舟山", ZHOUSHAN_REPLY)])
def test_queries_replies_level_as_typed_or_as_the_full_name(seed_graph, engine, level, document):
    frame = ask("replies", seed_graph, engine=engine, level=level)
    assert frame["document"].tolist() == [document]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_level_echoes_the_names_matched(seed_graph, engine):
    honghe = ask("replies", seed_graph, engine=engine, level="红河州")
    assert rows(honghe, "level", "assembly") == [("红河州|红河哈尼族彝族自治州", "红河州政协")]
    # the level of 77号 is stored as the document writes it (红河州); the graph does not link it
    # to the division, so the full name alone does not find it
    assert ask("replies", seed_graph, engine=engine, level="红河哈尼族彝族自治州").empty
    assert ask("replies", seed_graph, engine=engine, level="银川")["level"].tolist() == ["银川|银川市"]
    # '|' separates alternatives: either level
    both = ask("replies", seed_graph, engine=engine, level="红河州|舟山市")
    assert both["document"].tolist() == [HONGHE_REPLY, ZHOUSHAN_REPLY]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_proposer_is_part_of_a_proposer_name(seed_graph, engine):
    frame = ask("replies", seed_graph, engine=engine, proposer="九三学社")
    assert rows(frame, "document", "proposers") == [(HONGHE_REPLY, "九三学社红河州委"),
                                                    (NINGXIA_OPINION, "九三学社宁夏区委会")]
    assert ask("replies", seed_graph, engine=engine, proposer="九三学社|金峰").empty


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_replies_filters_combine(seed_graph, engine):
    assert ask("replies", seed_graph, engine=engine, body="人大", handler="民政局").empty
    assert ask("replies", seed_graph, engine=engine, body="政协", level="舟山").empty
    frame = ask("replies", seed_graph, engine=engine, body="政协", proposer="九三学社", handler="红河")
    assert frame["document"].tolist() == [HONGHE_REPLY]


# ------------------------------------------------------------------ agency


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_agency_civil_affairs_bureau_issued_and_handled(seed_graph, engine):
    frame = ask("agency", seed_graph, engine=engine, name="银川市民政局")
    assert rows(frame, "role", "document", "proposal") == [
        ("issued", YINCHUAN_REPLY, "关于加强基层治理建设平安社区的提案"),
        ("lead", YINCHUAN_REPLY, "关于加强基层治理建设平安社区的提案"),  # 市政协 第162号
        ("co", NINGXIA_OPINION, "关于促进社区服务业发展的建议"),  # 自治区政协 第43号
        ("issued", NINGXIA_OPINION, "关于促进社区服务业发展的建议")]
    assert set(frame["name"]) == set(frame["agency"]) == {"银川市民政局"}
    assert frame["published"].tolist() == ["2022-08-31", "2022-08-31", "2017-08-22", "2017-08-22"]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_agency_roles_of_others(seed_graph, engine):
    assert rows(ask("agency", seed_graph, engine=engine, name="白银市民政局"), "role", "document", "proposal") == [
        ("issued", BAIYIN_SURVEY, None)]
    assert rows(ask("agency", seed_graph, engine=engine, name="宁夏回族自治区民政厅"), "role", "document") == [
        ("lead", NINGXIA_OPINION)]
    assert rows(ask("agency", seed_graph, engine=engine, name="舟山市人民政府办公室"), "role", "document") == [
        ("issued", ZHOUSHAN_REPLY), ("lead", ZHOUSHAN_REPLY)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["民政局", "银川市民政", "银川市民政局 ", "舟山市政府办公室"])
def test_queries_agency_name_is_matched_whole(seed_graph, engine, name):
    assert ask("agency", seed_graph, engine=engine, name=name).empty


# ------------------------------------------------------------------ documents


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_three_social_linkage_in_honghe_is_one_document(seed_graph, engine):
    frame = ask("documents", seed_graph, engine=engine, entity=["三社联动", "红河州"])
    assert set(frame["document"]) == {HONGHE_REPLY}
    assert rows(frame, "entity", "kind", "matched") == [("三社联动", "Mechanism", "三社联动"),
                                                        ("红河哈尼族彝族自治州", "Place", "红河哈尼族彝族自治州")]
    assert frame.equals(ask("documents", seed_graph, engine=engine, entity=["红河哈尼族彝族自治州", "三社联动"]))


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_newest_first(seed_graph, engine):
    frame = ask("documents", seed_graph, engine=engine, entity=["三社联动"])
    assert len(set(frame["document"])) >= 3
    assert frame["published"].tolist() == sorted(frame["published"], reverse=True)
    assert set(frame["document"]) > {HONGHE_REPLY}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_mechanism_includes_its_local_forms(seed_graph, engine):
    frame = ask("documents", seed_graph, engine=engine, entity=["枫桥经验"])
    assert {("塞上枫桥", YINCHUAN_REPLY), ("海上枫桥", ZHOUSHAN_REPLY)} <= set(rows(frame, "matched", "document"))
    by_alt = ask("documents", seed_graph, engine=engine, entity=["新时代枫桥经验"])
    assert by_alt.drop(columns="entity").equals(frame.drop(columns="entity"))
    alone = ask("documents", seed_graph, engine=engine, entity=["塞上枫桥"])
    assert rows(alone, "matched", "document") == [("塞上枫桥", YINCHUAN_REPLY)]


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_policy_programme_agency_and_candidate(seed_graph, engine):
    policy = ask("documents", seed_graph, engine=engine, entity=["《社区工作准入目录(试行)》"])
    assert rows(policy, "entity", "kind", "document") == [("社区工作准入目录(试行)", "Policy", HONGHE_REPLY)]
    assert policy.equals(ask("documents", seed_graph, engine=engine, entity=[" 社区工作准入目录(试行) "]))
    assert set(ask("documents", seed_graph, engine=engine, entity=["雪亮工程"])["kind"]) == {"Program"}
    agency = ask("documents", seed_graph, engine=engine, entity=["银川市民政局"])
    assert set(rows(agency, "kind", "document")) == {("Agency", YINCHUAN_REPLY), ("Agency", NINGXIA_OPINION)}
    assert set(ask("documents", seed_graph, engine=engine, entity=["1141+X"])["kind"]) == {"Candidate"}


@pytest.mark.parametrize("engine", ENGINES)
def test_queries_documents_an_entity_no_document_mentions_empties_the_answer(seed_graph, engine):
    assert ask("documents", seed_graph, engine=engine, entity=["三社联动", "没有这个机制"]).empty
    assert ask("documents", seed_graph, engine=engine, entity=["社区工作准入"]).empty  # part of a title


def test_queries_documents_needs_an_entity(seed_graph):
    with pytest.raises(QueryError) as caught:
        ask("documents", seed_graph, entity=[])
    assert str(caught.value) == ("Question 'documents' needs the parameter 'entity' (one or more names). "
                                 "Its parameters: entity.")


# ------------------------------------------------------------------ hostile strings


def _blank(question: str, param: str) -> str:
    return f"Parameter {param!r} of question {question!r} is blank; give a name or leave it out."


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", HOSTILE, ids=lambda name: repr(name[:20]))
@pytest.mark.parametrize(("question", "param"), [(q, p) for q, params in NAMED.items() for p in params])
def test_queries_documents_hostile_names_find_nothing_and_change_nothing(seed_graph, question, param, name, engine):
    before = digest(seed_graph)
    values: list[object] = [[name], ["三社联动", name]] if param == "entity" else [name]
    for value in values:
        try:
            frame = ask(question, seed_graph, engine=engine, **{param: value})
        except QueryError as err:  # only a blank optional parameter is refused
            assert param in QUESTIONS[question].optional and not name.strip()
            assert str(err) == _blank(question, param)
        else:
            assert frame.empty, frame
            assert list(frame.columns) == list(QUESTIONS[question].columns)
    assert digest(seed_graph) == before
    assert not ask(question, seed_graph, engine=engine, **SPREAD[question][1]).empty


# ------------------------------------------------------------------ known disagreement


@pytest.fixture(scope="module")
def two_replies_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two replies to 市政协 第162号提案 that give it different titles and proposers."""
    folder = tmp_path_factory.mktemp("two-replies")
    for file, title, proposer, day in (("a.txt", "关于加强社区建设的提案", "陈春娥", 29),
                                       ("b.txt", "关于加强基层治理的提案", "王明", 30)):
        (folder / file).write_text(
            f"关于对市政协十四届一次会议第162号“{title}”的答复\n\n{proposer}委员：\n您提出的{title}收悉。现答复如下：\n"
            f"银川市推行“三社联动”。\n银川市民政局\n2021年8月{day}日\n", encoding="utf-8")
    build([folder], folder / "kg-out")
    return folder / "kg-out"


def test_queries_replies_one_proposal_titled_differently_by_two_replies(two_replies_graph):
    found = {engine: ask("replies", two_replies_graph, engine=engine) for engine in ENGINES}
    assert found["cypher"].equals(found["networkx"])
    assert found["sparql"].equals(found["cypher"])
