"""Precedent search (issue 5): ranking on the seeds against gold, filters, passages, neighbours, safety.

The mechanisms adopted in two or more seed documents are read from the gold files
(``../shared/gold/seeds``) at collection time and mapped to thesaurus concepts; no gold
text is copied here.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import SHARED, spans_hold_the_passages

from kg.cli import main
from kg.errors import KGError, QueryError, StoreError
from kg.pipeline import build
from kg.research.precedent_index import PRECEDENT_FILE, write_precedent_index
from kg.research.precedent_text import MARK_CLOSE, MARK_OPEN, MAX_PHRASES, strip_marks
from kg.research.precedents import PRECEDENT_COLUMNS, find_precedents
from kg.stores.networkx import read_networkx
from kg.thesaurus import load_thesaurus

GOLD = SHARED / "gold" / "seeds"


def gold_adopters() -> dict[str, set[str]]:
    """Canonical concept id → the seed files whose gold adoptions (optional rows left out) include it."""
    th = load_thesaurus()
    docs: dict[str, set[str]] = defaultdict(set)
    for path in sorted(GOLD.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        for adoption in gold.get("adoptions") or []:
            if adoption.get("optional") or str(adoption.get("note") or "").startswith("borderline"):
                continue  # a row the scorer neither rewards nor punishes (SCHEMA.md)
            concept = th.lookup(adoption["canonical"]) or th.lookup(adoption["mechanism"])
            if concept is not None:
                docs[th.canonical(concept)].add(gold["doc"])
    return docs


SHARED_MECHANISMS = sorted((cid, sorted(docs)) for cid, docs in gold_adopters().items() if len(docs) >= 2)


@pytest.fixture(scope="module")
def seeds_graph(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("precedents") / "kg-out"
    build([seeds_dir], out, site=False)
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(graph: Path) -> dict[str, str]:
    return {doc: date for doc, date in sqlite3.connect(graph / PRECEDENT_FILE).execute(
        "SELECT doc, published FROM documents")}


# ---------------------------------------------------------------- ranking against gold


def test_precedents_gold_has_mechanisms_shared_by_several_seeds() -> None:
    assert len(SHARED_MECHANISMS) >= 5


@pytest.mark.parametrize(("concept", "docs"), SHARED_MECHANISMS, ids=[c for c, _ in SHARED_MECHANISMS])
def test_precedents_mechanism_ranks_its_adopters_above_every_other_document(
    seeds_graph: Path, concept: str, docs: list[str]
) -> None:
    label = load_thesaurus().concepts[concept].label
    found = find_precedents(seeds_graph, label)
    assert list(found.columns) == PRECEDENT_COLUMNS
    ranked = list(found["doc"])
    assert set(ranked[: len(docs)]) == set(docs), (label, ranked)
    for doc in docs:  # why names the shared mechanism
        assert f"mechanisms: {label}" in found.set_index("doc").loc[doc, "why"]


def test_precedents_local_form_finds_the_canonical_mechanism(seeds_graph: Path) -> None:
    found = find_precedents(seeds_graph, "塞上枫桥")
    assert "mechanisms: 枫桥经验" in found["why"].iloc[0]


# ---------------------------------------------------------------- scores, by the formula


def scores_by_hand(graph: Path, query: str) -> dict[str, float]:
    """doc_id → the score the module docstring's formula gives, worked out from the index's
    passages and features in plain Python (only the query's entities and phrases are the module's)."""
    from kg.research.precedents import BM25_B, BM25_K1, WEIGHTS, _entities, _names, _version

    entities = _entities(_names(*_version(graph)), query, None)
    db = sqlite3.connect(graph / PRECEDENT_FILE)
    try:
        passages = list(db.execute("SELECT rowid, text, doc_id FROM passages"))
        features = set(db.execute("SELECT doc_id, kind, key FROM features"))
        docs = [doc_id for (doc_id,) in db.execute("SELECT doc_id FROM documents")]
    finally:
        db.close()
    words = list(dict.fromkeys(p.strip().lower() for p in entities.phrases))
    phrases = ([w for w in words if len(w) >= 3] or [w for w in words if len(w) == 2]
               or [w for w in words if len(w) == 1])
    mean = sum(len(text) for _, text, _ in passages) / len(passages)
    passage_scores: dict[str, list[float]] = defaultdict(list)
    holding = {phrase: [p for p in passages if phrase in p[1].lower()] for phrase in phrases}
    for rowid, text, doc_id in passages:
        weight = sum(math.log(1 + (len(passages) - len(holding[ph]) + 0.5) / (len(holding[ph]) + 0.5))
                     for ph in phrases if ph in text.lower())
        if weight:
            passage_scores[doc_id].append(
                weight * (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * len(text) / mean)))
    totals = {doc_id: sum(sorted(found, reverse=True)[:3]) for doc_id, found in passage_scores.items()}
    best = max(totals.values(), default=0.0) or 1.0
    scores = {}
    for doc_id in docs:
        score = WEIGHTS["text"] * totals.get(doc_id, 0.0) / best
        shared = False
        for kind, found in entities.found.items():
            have = sum((doc_id, kind, key) in features for key in found)
            shared = shared or have > 0
            score += WEIGHTS[kind] * have / len(found) if found else 0.0
        if doc_id in totals or shared:
            scores[doc_id] = round(score, 4)
    return scores


@pytest.mark.parametrize("query", ["大党委", "网格", "网格 协商", "银川市 三社联动", "社区工作准入清单", "议", "塞上枫桥 调解"])
def test_precedents_scores_follow_the_formula(seeds_graph: Path, query: str) -> None:
    found = find_precedents(seeds_graph, query, limit=100)
    expected = scores_by_hand(seeds_graph, query)
    assert len(expected) >= 2  # something to rank
    assert dict(zip(found["doc_id"], found["score"])) == pytest.approx(expected, abs=1e-4)
    assert list(found["score"]) == sorted(found["score"], reverse=True)


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("place", ["红河州", "红河哈尼族彝族自治州", "银川市"])
def test_precedents_place_keeps_documents_mentioning_it_or_a_place_within(seeds_graph: Path, place: str) -> None:
    from kg.queries import place_name

    graph = read_networkx(seeds_graph)
    target = next(n for n, a in graph.nodes(data=True) if a["kind"] == "Place" and a["label"] == place_name(place))
    within = {target} | {src for src, dst, kind in graph.edges(data="type") if kind == "WITHIN" and dst == target}
    while True:  # every place whose WITHIN chain reaches the target
        more = {src for src, dst, kind in graph.edges(data="type") if kind == "WITHIN" and dst in within} - within
        if not more:
            break
        within |= more
    expected = {graph.nodes[src]["source"] for src, dst, kind in graph.edges(data="type")
                if kind in ("MENTIONS", "JURISDICTION") and dst in within and graph.nodes[src]["kind"] == "Document"}
    everything = set(find_precedents(seeds_graph, "社区", limit=50)["doc"])
    kept = set(find_precedents(seeds_graph, "社区", place=place, limit=50)["doc"])
    assert kept and kept == everything & expected


def test_precedents_issuer_kind_and_dates_restrict(seeds_graph: Path) -> None:
    dates = published(seeds_graph)

    def docs(**filters: str) -> set[str]:
        return set(find_precedents(seeds_graph, "社区", limit=50, **filters)["doc"])

    everything = docs()
    assert len(everything) == 5
    assert docs(issuer="银川市民政局") == {"000_4e22a5ca7caa542c.txt", "004_f1e1a5b4393ea3bc.txt"}
    assert docs(kind="答复") == {"000_4e22a5ca7caa542c.txt", "001_2c99edcca57b6fa5.txt"}
    assert docs(since="2021") == {d for d in everything if dates[d] >= "2021"}
    assert docs(until="2020") == {d for d in everything if dates[d] <= "2020-12-31"}
    assert docs(since="2020-09", until="2021-03") == {d for d in everything if "2020-09" <= dates[d] <= "2021-03-31"}
    assert docs(since="2021-03-18", until="2021-03-18") == {"003_d900f653fe6bde40.txt"}
    assert docs(issuer="民政局", kind="答复", since="2022") == {"000_4e22a5ca7caa542c.txt"}


def test_precedents_bad_filters_are_errors_that_say_what_to_give(seeds_graph: Path) -> None:
    with pytest.raises(QueryError) as err:
        find_precedents(seeds_graph, "社区", since="2021/03")
    assert str(err.value) == "--since '2021/03' is not a date; give YYYY, YYYY-MM or YYYY-MM-DD"
    with pytest.raises(QueryError) as err:
        find_precedents(seeds_graph, "社区", kind="通知")
    assert str(err.value) == f"Unsupported kind '通知'. Kinds in the graph of {seeds_graph}: 协办意见, 复函, 答复, 综述."
    with pytest.raises(QueryError) as err:
        find_precedents(seeds_graph, "社区", place="火星市")
    assert str(err.value).startswith(f"no place named '火星市' in the graph of {seeds_graph}")


# ---------------------------------------------------------------- passages


@pytest.mark.parametrize("query", ["大党委", "社区工作准入清单", "网格", "银川市 三社联动"])
def test_precedents_passages_are_highlighted_substrings_of_the_clean_text(seeds_graph: Path, query: str) -> None:
    found = find_precedents(seeds_graph, query)
    assert len(found)
    for row in found.itertuples():
        text = (seeds_graph / "documents" / f"{row.doc_id}.txt").read_text(encoding="utf-8")
        passages, offsets = row.passages.split(" … "), row.offsets.split(";")
        assert 1 <= len(passages) == len(offsets) <= 3
        assert MARK_OPEN in passages[0] and MARK_CLOSE in passages[0]
        for passage, span in zip(passages, offsets):
            start, end = map(int, span.split("-"))
            assert strip_marks(passage) == text[start:end]
            assert strip_marks(passage) in text


def test_precedents_two_character_words_are_found_through_the_index_and_ranked(seeds_graph: Path) -> None:
    found = find_precedents(seeds_graph, "网格")
    having = {path.stem for path in (seeds_graph / "documents").glob("*.txt")
              if "网格" in path.read_text(encoding="utf-8")}
    assert set(found["doc_id"]) == having and len(having) == 4  # every document with the word, as a scan finds
    assert all("【网格" in p for p in found["passages"])
    assert set(found["why"]) == {"text: 网格"}
    assert found["score"].nunique() > 1  # ranked by BM25, not all alike
    mixed = find_precedents(seeds_graph, "网格 大党委", limit=50)  # beside a longer word it is left out
    assert list(mixed["doc_id"]) == list(find_precedents(seeds_graph, "大党委", limit=50)["doc_id"])


def test_precedents_two_character_words_past_the_phrase_limit_are_left_out(seeds_graph: Path) -> None:
    absent = [first + second for first in "αβ" for second in "αβγδεζηθικλμνξοπρστυφχψω"]
    assert len(set(absent)) == MAX_PHRASES == 48  # two-character words found in no seed
    assert find_precedents(seeds_graph, " ".join(absent)).empty
    assert find_precedents(seeds_graph, " ".join([*absent, "网格"])).empty  # the 49th is not looked for
    assert len(find_precedents(seeds_graph, " ".join(["网格", *absent]))) == 4


def test_precedents_two_character_word_ending_a_passage_is_found(tmp_path: Path) -> None:
    """The word's only occurrence ends a heading: no trigram of the text begins with it, the tail does."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "x.txt").write_text("关于社区工作的报告\n\n一、推进议事\n各社区建立了工作制度。\n", encoding="utf-8")
    (corpus / "y.txt").write_text("关于养老服务的报告\n\n全市新建老年食堂二十个。\n", encoding="utf-8")
    out = tmp_path / "kg-out"
    build([corpus], out, site=False)
    found = find_precedents(out, "议事")
    assert list(found["doc"]) == ["x.txt"] and found["passages"][0] == "一、推进【议事】"
    start, end = map(int, found["offsets"][0].split("-"))
    assert (out / "documents" / f"{found['doc_id'][0]}.txt").read_text(encoding="utf-8")[start:end] == "一、推进议事"
    one = find_precedents(out, "议")  # one character: a scan of the passages
    assert list(one["doc"]) == ["x.txt"] and "【议】" in one["passages"][0]


# ---------------------------------------------------------------- neighbours, on a hand-made corpus


HAND = {
    "a.txt": "关于对市政协十四届五次会议第12号提案的答复\n\n发布机构：银川市民政局\n发布日期：2021-06-01\n\n张某某委员：\n\n"
             "您提出的《关于推进社区网格化管理的提案》收悉。现答复如下：\n\n"
             "我局认真贯彻《银川市社区服务事项准入清单》，在全市推行网格化管理，划分网格500个。\n\n银川市民政局\n2021年5月30日\n",
    "b.txt": "关于做好城乡社区协商工作的通知\n\n发布机构：红河州民政局\n发布日期：2020-03-01\n\n各县市民政局：\n\n"
             "红河州参照《银川市社区服务事项准入清单》，各社区建立议事协商会议制度。\n\n红河州民政局\n2020年3月1日\n",
    "c.txt": "银川市民政局2022年社区养老服务工作总结\n\n发布机构：银川市民政局\n发布日期：2022-12-20\n\n"
             "2022年，银川市新建社区老年食堂20个，开展居家养老上门服务。\n\n银川市民政局\n2022年12月20日\n",
    "d.txt": "关于对市七届人大五次会议第3号建议的答复\n\n发布机构：舟山市人民政府办公室\n发布日期：2020-09-02\n\n王某某代表：\n\n"
             "您提出的《关于深化网格化管理的建议》收悉。现答复如下：\n\n"
             "舟山市推行“网格化管理、组团式服务”，全市划分网格2000个。\n\n舟山市人民政府办公室\n2020年8月31日\n",
    "e.txt": "邓州市推行“四议两公开”工作法综述\n\n发布机构：邓州市委组织部\n发布日期：2019-05-05\n\n"
             "邓州市在全市村级推行“四议两公开”工作法，村级重大事项均按程序决策。\n",
}


@pytest.fixture(scope="module")
def hand_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("hand")
    for name, text in HAND.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build([corpus], corpus / "kg-out", site=False)
    return corpus / "kg-out"


def test_precedents_neighbours_share_a_policy_an_issuer_or_a_proposal_mechanism(hand_graph: Path) -> None:
    found = find_precedents(hand_graph, "发布机构", limit=10)
    neighbours = {row.doc: set(filter(None, row.neighbours.split(";"))) for row in found.itertuples()}
    assert neighbours == {
        "a.txt": {"b.txt", "c.txt", "d.txt"},  # b cites its policy, c has its issuer, d answers a proposal on 网格化管理
        "b.txt": {"a.txt"},
        "c.txt": {"a.txt"},
        "d.txt": {"a.txt"},
        "e.txt": set(),
    }


# ---------------------------------------------------------------- a draft as the query


def test_precedents_file_uses_the_drafts_mechanisms_policies_and_places(seeds_graph: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("关于在我市全面推行社区“大党委”和社区工作准入制度的工作方案（征求意见稿）\n\n"
                     "为减轻社区负担，参照《关于全面推行社区“大党委”运行机制的实施意见》，"
                     "我市将全面推行社区“大党委”运行机制，建立社区工作准入制度。\n", encoding="utf-8")
    found = find_precedents(seeds_graph, file=draft)
    both = {doc for doc, docs in ((d, {c for c, ds in SHARED_MECHANISMS if d in ds})
                                  for d in {d for _, ds in SHARED_MECHANISMS for d in ds})
            if {"da-dangwei", "community-access-system"} <= docs}
    assert both and set(found["doc"][: len(both)]) == both
    top = found["why"].iloc[0]
    assert "大党委" in top and "社区工作准入制度" in top
    assert "policies: 关于全面推行社区“大党委”运行机制的实施意见" in found.set_index("doc").loc["004_f1e1a5b4393ea3bc.txt",
                                                                                           "why"]


# ---------------------------------------------------------------- hostile queries


HOSTILE = ['"', '""', "*", "NEAR(", 'NEAR("a" "b", 2)', "'); DROP TABLE passages; --", "\x00", "-", "^", ":",
           "{text}: 社区", '大党委" OR "', "AND OR NOT", "a" * 999, "网" * 1000, "社区" * 400]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_precedents_hostile_query_is_only_text_and_leaves_the_index_unchanged(seeds_graph: Path, query: str) -> None:
    before = digest(seeds_graph / PRECEDENT_FILE)
    found = find_precedents(seeds_graph, query)
    assert list(found.columns) == PRECEDENT_COLUMNS
    if not any(ch.isalnum() for ch in query):
        assert found.empty
    assert digest(seeds_graph / PRECEDENT_FILE) == before
    assert sqlite3.connect(seeds_graph / PRECEDENT_FILE).execute("SELECT count(*) FROM passages").fetchone()[0] > 100


@pytest.mark.parametrize("query", ["", "   ", "x" * 1001])
def test_precedents_empty_or_overlong_query_is_a_query_error(seeds_graph: Path, query: str) -> None:
    before = digest(seeds_graph / PRECEDENT_FILE)
    with pytest.raises(QueryError):
        find_precedents(seeds_graph, query)
    assert digest(seeds_graph / PRECEDENT_FILE) == before


def test_precedents_without_an_index_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        find_precedents(tmp_path, "大党委")
    assert str(err.value) == (f"no precedent index at {tmp_path / PRECEDENT_FILE}; build the graph with kg build "
                              "(or write one with kg.research.precedents.write_precedent_index)")


# ---------------------------------------------------------------- atomic rebuilds, fresh answers


def test_precedents_index_is_replaced_atomically_and_a_rebuild_answers_afresh(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg-out"
    build([seeds_dir / "002_0e9deacc55aac3d8.txt"], out, site=False)
    assert find_precedents(out, "大党委").empty
    reader = sqlite3.connect(f"{(out / PRECEDENT_FILE).resolve().as_uri()}?mode=ro", uri=True)
    build([seeds_dir], out, site=False)
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1  # the old file, still whole
    reader.close()
    assert set(find_precedents(out, "大党委")["doc"]) >= {"000_4e22a5ca7caa542c.txt", "001_2c99edcca57b6fa5.txt"}
    assert not list(out.glob(f".{PRECEDENT_FILE}.*"))
    before = digest(out / PRECEDENT_FILE)
    text = next((out / "documents").glob("*.txt"))
    text.rename(tmp_path / "moved.txt")  # a failed rewrite leaves the old index and no temporary file
    with pytest.raises(StoreError):
        write_precedent_index(out)
    assert digest(out / PRECEDENT_FILE) == before and not list(out.glob(f".{PRECEDENT_FILE}.*"))


def _index_rows(graph: Path, *, meta: bool = True) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the index in ``graph``, table by table (``meta=False``: without the stamp and
    the graph's token, which name how it was made)."""
    db = sqlite3.connect(graph / PRECEDENT_FILE)
    try:
        return {name: sorted(db.execute(sql)) for name, sql in (
            ("documents", "SELECT * FROM documents"), ("features", "SELECT * FROM features"),
            ("labels", "SELECT * FROM labels"), ("passages", "SELECT text, doc_id, start, end FROM passages"),
            ("spans", "SELECT doc_id, lengths FROM spans"),
            ("meta", "SELECT name, value FROM meta" + ("" if meta else " WHERE name NOT IN ('stamp', 'graph')")))}
    finally:
        db.close()


def test_precedents_index_from_the_tables_equals_the_one_from_the_networkx_file(seeds_graph: Path,
                                                                              tmp_path: Path) -> None:
    """kg build writes the index from its tables; written again from graph.networkx.json, it holds the same rows."""
    copy = tmp_path / "kg-out"
    shutil.copytree(seeds_graph, copy)
    (copy / PRECEDENT_FILE).unlink()
    write_precedent_index(copy, stamp="again", reuse=False)
    built, again = _index_rows(seeds_graph, meta=False), _index_rows(copy, meta=False)
    assert built == again
    assert {kind for _, kind, _, _ in built["features"]} >= {"mechanism", "policy", "place", "area", "issuer"}
    assert len(built["documents"]) == 5 and len(built["passages"]) > 100
    assert spans_hold_the_passages(seeds_graph) and spans_hold_the_passages(copy)


def test_precedents_index_written_in_bulk_is_left_as_fts5_keeps_an_index_it_changes(seeds_graph: Path) -> None:
    """Merging is off while a whole index is written (one merge at the end); left off, the
    segments an incremental build adds would pile up. The feature index is made after the rows."""
    db = sqlite3.connect(seeds_graph / PRECEDENT_FILE)
    try:
        config = dict(db.execute("SELECT k, v FROM passages_config"))
        indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(row[-1] for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT doc_id FROM features WHERE kind = 'mechanism' AND key = 'x'"))
    finally:
        db.close()
    assert config.get("automerge", 4) == 4
    assert "features_by_key" in indexes and "features_by_key" in plan


# ---------------------------------------------------------------- the command


def test_cli_precedents_prints_csv_and_json(seeds_graph: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["precedents", "吹哨报到", "--graph", str(seeds_graph), "--format", "json",
                                  "--limit", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 2 and all("mechanisms: 吹哨报到" in r["why"] for r in rows)
    result = runner.invoke(main, ["precedents", "社区", "--graph", str(seeds_graph), "--format", "csv",
                                  "--kind", "答复", "--since", "2022"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ",".join(PRECEDENT_COLUMNS)
    from io import StringIO

    frame = pd.read_csv(StringIO(result.output))
    assert list(frame["doc"]) == ["000_4e22a5ca7caa542c.txt"]


def test_cli_precedents_errors_are_one_line(seeds_graph: Path) -> None:
    result = CliRunner().invoke(main, ["precedents", "--graph", str(seeds_graph)])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: give a query (words, a mechanism, a policy title) or a draft file"
    result = CliRunner().invoke(main, ["precedents", "社区", "--graph", str(seeds_graph), "--until", "last year"])
    assert result.exit_code == 1 and "is not a date" in result.output
    assert isinstance(QueryError("x"), KGError)


def _mentioning(doc_id: str, text: str, *places: object) -> object:
    """An extraction of ``text`` that names ``places`` (each where its name first occurs)."""
    from kg.records import Document, DocumentMeta, Extraction, Span

    return Extraction(
        document=Document(doc_id=doc_id, source=f"{doc_id}.txt", path=f"{doc_id}.txt", format="txt",
                          encoding="utf-8", text=text),
        meta=DocumentMeta(), place=None, places=places,  # type: ignore[arg-type]
        place_mentions=tuple((p.key, Span.of(text, doc_id, text.index(p.name), text.index(p.name) + len(p.name)))
                             for p in places))  # type: ignore[attr-defined]


@pytest.mark.parametrize("how", ["a county renamed", "a town moved out of its county"])
def test_precedents_index_changed_for_the_touched_documents_equals_one_written_anew(
        tmp_path: Path, how: str) -> None:
    """An incremental build rewrites the features of the documents that came and of those
    a changed node reaches, down the WITHIN tree; every other document's stay."""
    from dataclasses import replace

    from kg.graph import build_graph, graph_change
    from kg.records import Place
    from kg.research.precedent_index import touched_documents
    from kg.vocab import place_iri

    city = Place(name="银川市", code="640100", level="city")
    county = Place(name="兴庆区", code="640104", level="county", parent=city)
    town = Place(name="长征路街道", code=None, level="town", parent=county)
    docs = [_mentioning("a1", "长征路街道推行网格化管理。", town), _mentioning("b2", "银川市推行吹哨报到。", city)]
    before = build_graph(docs, thesaurus=load_thesaurus())
    places, within = before.nodes["Place"].copy(), before.edges["WITHIN"]
    county_id = str(place_iri(county))
    if how == "a county renamed":  # no document names the county: a1 has it as an area only
        places.loc[places["id"] == county_id, "label"] = "改了名的区"
    else:
        within = within[within["dst"] != county_id].reset_index(drop=True)
    after = replace(before, nodes={**before.nodes, "Place": places}, edges={**before.edges, "WITHIN": within})
    touched = touched_documents(after, graph_change(before, after, documents=set()))
    assert touched == {"a1"}

    def index(name: str, *writes: tuple[object, dict[str, object]]) -> dict[str, list[tuple[object, ...]]]:
        out = tmp_path / name
        (out / "documents").mkdir(parents=True)
        for ex in docs:
            (out / "documents" / f"{ex.document.doc_id}.txt").write_text(ex.document.text, encoding="utf-8")
        for graph, options in writes:
            write_precedent_index(out, graph=graph, stamp="s", **options)
        return _index_rows(out)

    fresh = index("fresh", (after, {"token": "t2", "reuse": False}))
    assert index("changed", (before, {"token": "t1"}), (after, {"token": "t2", "change": ("t1", touched)})) == fresh
    # told nothing was touched, a1 would keep its old areas; an index of another graph is compared whole
    assert index("stale", (before, {"token": "t1"}), (after, {"token": "t2", "change": ("t1", set())})) != fresh
    assert index("other", (before, {"token": "t0"}), (after, {"token": "t2", "change": ("t1", set())})) == fresh
