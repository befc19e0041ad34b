"""Extraction rules, each on a short document written for the test (never seed text)."""

from __future__ import annotations

import pytest

from kg.extract.agencies import agency_key, common_name
from kg.extract.mechanisms import find_mechanisms
from kg.extract.policies import find_policy_titles
from kg.extract.sections import find_sections
from kg.gazetteer import load_gazetteer
from kg.pipeline import extract_document
from kg.records import Document, Extraction
from kg.text import fold
from kg.thesaurus import load_thesaurus


def _doc(body: str, *, issuer: str = "银川市民政局", title: str = "关于对市政协十二届二次会议第5号提案的答复") -> Document:
    text = f"{title}\n发布机构：{issuer}\n发布日期：2022-06-01\n张某等3位委员：\n{body}\n{issuer}\n2022年5月30日"
    return Document(doc_id="t", source="t.txt", path="t.txt", format="txt", encoding="utf-8", text=text)


def _extract(body: str, **kw: str) -> Extraction:
    return extract_document(_doc(body, **kw))


def _adoptions(ex: Extraction) -> set[tuple[str, str, str]]:
    return {(a.place.name, a.mechanism, a.status) for a in ex.adoptions}


# --- gazetteer and places ------------------------------------------------------------------
def test_gazetteer_leaves_an_ambiguous_district_unresolved_without_context() -> None:
    gaz = load_gazetteer()
    assert len(gaz.candidates("鼓楼区")) == 4
    assert gaz.resolve("鼓楼区") is None
    assert gaz.resolve("鼓楼区", context=[gaz.resolve("南京市")]).code == "320106"


def test_far_away_short_city_names_in_common_words_are_not_places() -> None:
    gaz = load_gazetteer()
    text = fold("确保社会长治久安,发挥新乡贤作用。")
    assert gaz.find(text, scope=gaz.resolve("银川市")) == []


def test_a_street_missing_from_the_gazetteer_is_kept_within_the_district_before_it() -> None:
    gaz = load_gazetteer()
    text = fold("平川区向阳路街道成立居民议事会。")
    hits = gaz.find(text, scope=gaz.resolve("白银市"))
    street = next(h.place for h in hits if h.place.level == "town")
    assert street.name == "向阳路街道" and street.parent is not None and street.parent.name == "平川区"


@pytest.mark.parametrize("phrase", ["推广街道吹哨、部门报到", "大力推行社区网格化管理", "持续深化村民自治", "开展乡镇联审",
                                    "率先试行社区积分制", "严格执行社区准入", "设立乡贤参事会"])
def test_a_verb_phrase_after_a_county_is_not_a_street_community_or_village(phrase: str) -> None:
    gaz = load_gazetteer()
    hits = gaz.find(fold(f"研究在平川区{phrase}的办法。"), scope=gaz.resolve("白银市"))
    assert [h.place.name for h in hits] == ["平川区"]
    ex = _extract(f"白银市民政局关于社区治理的答复\n研究在平川区{phrase}的办法。")
    assert all(p.level != "village" and p.level != "town" for p in ex.places)


def test_self_references_resolve_to_the_jurisdiction_or_the_heading_place() -> None:
    body = "一、全州情况\n全州推行网格化管理。\n二、蒙自市情况\n全市推行积分制。"
    ex = _extract(body, issuer="红河州民政局", title="红河州民政局关于政协红河州十二届四次会议第9号提案的答复")
    places = {a.surface: a.place.name for a in ex.adoptions}
    assert places["网格化管理"] == "红河哈尼族彝族自治州"
    assert places["积分制"] == "蒙自市"


# --- sections --------------------------------------------------------------------------------
def test_a_plan_heading_marks_its_section_and_the_reply_turn_ends_it() -> None:
    text = "一、工作情况\n已推行积分制。\n二、下一步工作打算\n继续推行积分制。\n关于你们提出的建议,我们认为可行。"
    sections = find_sections(text)
    assert [(s.title, s.planned) for s in sections] == [("一、工作情况", False), ("二、下一步工作打算", True), ("", False)]
    assert sections[1].end == text.index("关于你们")


# --- mechanisms ------------------------------------------------------------------------------
def test_labels_match_through_quotes_and_short_asides_and_keep_the_written_words() -> None:
    th = load_thesaurus()
    found = find_mechanisms("t", "全面建立社区(村)准入制度,推行“红色物业”。", thesaurus=th)
    assert [(m.surface, th.canonical_label(m.concept)) for m in found] == [
        ("社区(村)准入制度", "社区工作准入制度"),
        ("红色物业", "红色物业"),
    ]


def test_a_local_form_keeps_its_name_and_points_at_its_canonical_mechanism() -> None:
    th = load_thesaurus()
    (m,) = find_mechanisms("t", "深化新时代“海上枫桥”经验。", thesaurus=th)
    assert m.surface == "海上枫桥" and th.canonical_label(m.concept) == "枫桥经验"


@pytest.mark.parametrize(("text", "label"), [
    ("您建议“在全市推行积分制”，我们认为可行。", "积分制"),
    ("关于“大力推广网格化管理”的建议收悉。", "网格化管理"),
    ("您提出的“推广积分制管理”的建议很好。", "积分制管理"),
])
def test_a_quoted_suggestion_is_a_clause_and_the_label_inside_it_counts(text: str, label: str) -> None:
    th = load_thesaurus()
    assert [(m.surface, m.cue) for m in find_mechanisms("t", text, thesaurus=th)] == [(label, "thesaurus")]
    ex = _extract(f"市民政局关于市政协提案的答复\n{text}")
    assert label in {a.surface for a in ex.adoptions}


def test_a_quoted_coinage_after_a_verb_is_still_one_name() -> None:
    found = find_mechanisms("t", "推行“跑长制”，深化“五微力量”。", thesaurus=load_thesaurus())
    assert [(m.surface, m.concept, m.cue) for m in found] == [("跑长制", None, "quoted"), ("五微力量", None, "quoted")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("探索“三进三访”工作法,推广“一格三员”模式。", ["三进三访", "一格三员"]),
        ("推动工作从“粗放”到“精细”转变,打通服务群众的“最后一米”。", []),
        ("深化“平安守护”工程建设,开展“邻里守望”专项行动。", []),
        ("建立了“接单”事项清单和部门“报到”响应制度。", []),
        ("开展“社区接单”试点。", ["社区接单"]),
        ("吸纳“两代表一委员”参与调解。", []),
        ("开展“专职调解员”试点,形成“小事不出组、大事不出村、难事不出镇”的要求。", []),
        ("建立“村里点单、部门接单、群众评单”服务责任捆绑机制。", ["村里点单、部门接单、群众评单"]),
    ],
)
def test_quoted_names_count_only_when_their_context_marks_a_working_method(text: str, expected: list[str]) -> None:
    found = [m.surface for m in find_mechanisms("t", text) if m.cue == "quoted"]
    assert found == expected


def test_a_formula_keeps_the_explanation_that_follows_it_as_its_definition() -> None:
    (m,) = [m for m in find_mechanisms("t", "构建“1+3+N”(1个网格党支部+3支队伍+N个志愿团体)服务体系。") if m.cue == "formula"]
    assert m.surface == "1+3+N"
    assert m.definition == "1个网格党支部+3支队伍+N个志愿团体"


def test_a_formula_explanation_may_follow_a_few_words_later_and_hold_parentheses() -> None:
    text = "健全“2+3+N”的联动机制(2即镇村两级;3即公安、司法、综合执法(含城管)三个部门;N即其他单位)。"
    (m,) = [m for m in find_mechanisms("t", text) if m.cue == "formula"]
    assert m.definition == "2即镇村两级;3即公安、司法、综合执法(含城管)三个部门;N即其他单位"


def test_labels_after_deng_name_a_category_and_abolished_practices_are_not_adopted() -> None:
    th = load_thesaurus()
    found = find_mechanisms("t", "利用“院坝会”等议事协商机制;撤销了“一站式”服务大厅。", thesaurus=th)
    assert [m.surface for m in found] == ["院坝会"]


def test_a_label_inside_a_quoted_programme_name_does_not_count() -> None:
    found = find_mechanisms("t", "开展“党建+物业进小区”主题活动。")
    assert found == []


def test_an_unquoted_name_after_an_instituting_verb_is_a_candidate_unless_it_is_vague() -> None:
    text = "建立网格员轮岗交流机制,完善年终绩效考核机制,强化条块联动,创新基层社会治理模式。"
    found = [m.surface for m in find_mechanisms("t", text) if m.cue == "suffix"]
    assert found == ["网格员轮岗交流机制", "条块联动"]


# --- adoptions -------------------------------------------------------------------------------
def test_adoption_status_follows_what_the_text_says_of_it() -> None:
    body = (
        "一、工作情况\n全市推行“积分制”管理,在兴庆区开展“时间银行”试点。\n"
        "二、下步打算\n将全面推广“红色物业”。\n"
        "关于你们提出的推行“五社联动”的建议,我们将认真研究。"
    )
    got = _adoptions(_extract(body))
    assert ("银川市", "积分制", "implemented") in got
    assert ("兴庆区", "时间银行", "piloting") in got
    assert ("银川市", "红色物业", "planned") in got
    assert ("银川市", "五社联动", "proposed") in got


def test_places_listed_together_all_adopt_and_the_strongest_status_wins() -> None:
    body = "西夏区、金凤区均推行“红色物业”。下一步,全市将推广“红色物业”。全市已推行“红色物业”。"
    got = _adoptions(_extract(body))
    assert {("西夏区", "红色物业", "implemented"), ("金凤区", "红色物业", "implemented")} <= got
    assert ("银川市", "红色物业", "implemented") in got


def test_every_adoption_mention_lies_inside_its_evidence_sentence() -> None:
    ex = _extract("全市推行网格化管理,建立“六员联动”机制。")
    assert ex.adoptions
    for a in ex.adoptions:
        text = ex.document.text
        assert text[a.evidence.start : a.evidence.end] == a.evidence.text
        assert a.evidence.start <= a.mention.start < a.mention.end <= a.evidence.end


def test_a_source_citation_line_states_no_fact() -> None:
    ex = _extract("全市推行网格化管理。\n资料来源：据北京市人民政府网站关于“接诉即办”和“红色物业”的报道改写，覆盖率达95%。")
    assert {a.mechanism for a in ex.adoptions} == {"网格化管理"}
    assert not ex.metrics and "北京市人民政府" not in {a.name for a in ex.agencies}


# --- agencies --------------------------------------------------------------------------------
def test_agency_names_take_the_place_the_context_implies() -> None:
    ex = _extract("市委、市政府高度重视,市民政局会同市财政局、人社局推进。自治区民政厅给予指导。")
    names = {a.name for a in ex.agencies}
    assert {"银川市委", "银川市政府", "银川市民政局", "银川市财政局", "银川市人社局", "宁夏回族自治区民政厅"} <= names


def test_congress_cppcc_national_and_party_bodies_are_named_in_full() -> None:
    ex = _extract(
        "该提案经政协红河州十二届四次会议立案,九三学社红河州委提出;民政部、中央政法委给予指导。",
        issuer="红河州民政局",
        title="红河州民政局关于提案的答复",
    )
    names = {a.name for a in ex.agencies}
    assert {"政协红河州委员会", "九三学社红河州委", "民政部", "中央政法委", "红河州民政局"} <= names


def test_generic_bodies_and_people_are_not_agencies() -> None:
    ex = _extract("全市社区居委会、调委会和党支部积极参与,市委书记带头;民政部门牵头。")
    names = {a.name for a in ex.agencies}
    assert not any(n.endswith(("居委会", "调委会", "党支部")) for n in names)
    assert "银川市委" not in names and "民政部" not in names


def test_one_key_per_organisation_however_it_is_written() -> None:
    assert agency_key("中共银川市委组织部") == agency_key("银川市委组织部")
    assert agency_key("银川市人民政府") == agency_key("银川市政府")
    assert agency_key("银川市住房和城乡建设局") == agency_key("银川市住建局")
    gaz = load_gazetteer()
    assert common_name(gaz.resolve("红河州")) == "红河州"


# --- programmes ------------------------------------------------------------------------------
def test_programmes_are_quoted_projects_apps_and_named_platforms_but_not_mechanisms() -> None:
    from kg.extract.programs import find_program_names

    text = (
        "开展“邻里守望”专项行动,依托“智慧楼道”平台和“美丽乡村”APP,建设全县基层治理信息平台,"
        "打造“红色老娘舅”调解品牌,打通服务群众的“最后一百米”,推行“红色物业”。"
    )
    assert [n for n, _, _ in find_program_names(text)] == [
        "邻里守望专项行动", "智慧楼道", "美丽乡村APP", "全县基层治理信息平台", "红色老娘舅"
    ]
    ex = _extract(text)
    assert "红色物业" not in {p.name for p in ex.programs}


# --- policies --------------------------------------------------------------------------------
def test_policy_titles_survive_missing_brackets_and_newspapers_are_not_policies() -> None:
    text = "据《人民日报》报道,印发《社区工作准入清单》,修订社区议事规则》,形成《实施办法(征求意见稿),拟报批。"
    assert [t for t, _, _ in find_policy_titles(text)] == ["社区工作准入清单", "社区议事规则", "实施办法(征求意见稿)"]


def test_policy_year_comes_from_the_title_or_the_sentence_that_issues_it() -> None:
    ex = _extract("2019年,市委印发《关于加强社区治理的意见》;出台《2021年社区工作要点》。")
    years = {p.title: p.year for p in ex.policies}
    assert years == {"关于加强社区治理的意见": 2019, "2021年社区工作要点": 2021}
