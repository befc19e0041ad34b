"""Tests of kg.extract.metrics: one rule per test on sentences written here, then the seeds.

The seed tests read the seed texts and their gold annotations at run time from
``../shared`` and score with the matching logic of ``../shared/tools/score.py``
(loaded with importlib), so the floor here is the number the project reports.
"""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

from kg.extract.cn_numbers import UNITS, dates_in, parse_cn, to_value
from kg.extract.context import DocContext, PlaceMention
from kg.extract.metrics import extract_metrics
from kg.records import Document, DocumentMeta, Metric, Place, Span

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_TEXTS = SHARED / "corpus" / "seeds"
SEED_GOLD = SHARED / "gold" / "seeds"
CITY = Place(name="临川市", code=None, level="city")


def _ctx(text: str, *, published: str | None = "2023-09-01", places: dict[str, Place] | None = None) -> DocContext:
    """A context for ``text`` about the invented city 临川市, with the given place names marked."""
    doc = Document(doc_id="t", source="t.txt", path="t.txt", format="txt", encoding="utf-8", text=text)
    mentions = []
    for name, place in (places or {}).items():
        mentions += [PlaceMention(span=Span.of(text, "t", m.start(), m.end()), place=place)
                     for m in re.finditer(re.escape(name), text)]
    return DocContext(doc=doc, meta=DocumentMeta(published=published), jurisdiction=CITY, place_mentions=mentions)


def _facts(text: str, **kwargs) -> list[tuple[float, str]]:
    return [(m.value, m.unit) for m in extract_metrics(_ctx(text, **kwargs))]


def _one(text: str, **kwargs) -> Metric:
    found = extract_metrics(_ctx(text, **kwargs))
    assert len(found) == 1, [(m.value, m.unit, m.mention.text) for m in found]
    return found[0]


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("全县登记志愿者2.3万人。", 23000, "人"),
    ("累计投入资金3.6亿元。", 360000000, "元"),
    ("发放补贴185.2万元。", 1852000, "元"),
    ("每年培训经费6千元。", 6000, "元/年"),
    ("全县共有网格员１，２０８名。", 1208, "名"),
    ("覆盖率达到９６．４％。", 96.4, "%"),
    ("服务时长12万小时。", 120000, "小时"),
])
def test_metrics_reads_multipliers_separators_and_full_width(text, value, unit):
    assert _facts(text) == [(value, unit)]


def test_metrics_bare_wan_is_money_only_next_to_a_money_word():
    assert _facts("区财政计划投入3000万用于改造。") == [(30000000, "元")]
    assert _facts("为2.1万户3.4万困难群众发放物资。") == [(21000, "户")]


@pytest.mark.parametrize(("text", "value", "qualifier"), [
    ("建成服务站120余个。", 120, "余"),
    ("投入资金2.5亿余元。", 250000000, "余"),
    ("捐赠物资折合360余万元。", 3600000, "余"),
    ("参与群众近8000人。", 8000, "近"),
    ("服务时数超12万小时。", 120000, "超"),
    ("满意率达97%以上。", 97, "以上"),
    ("每年化解纠纷900件左右。", 900, "左右"),
    ("受益家庭不低于300户。", 300, "不低于"),
    ("改造房屋600多户。", 600, "多"),
])
def test_metrics_keeps_the_qualifier_as_printed(text, value, qualifier):
    metric = _one(text)
    assert (metric.value, metric.qualifier) == (value, qualifier)


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("孵化社会组织百余家。", 100, "家"),
    ("开展培训二十余场。", 20, "场"),
    ("动员志愿者两千余人。", 2000, "人"),
])
def test_metrics_reads_approximate_chinese_numerals(text, value, unit):
    assert _facts(text) == [(value, unit)]


def test_metrics_skips_exact_chinese_numerals_as_prose():
    assert _facts("围绕三个方面,设立两个街道,建成十五个站点。") == []


def test_parse_cn_reads_chinese_numerals():
    assert [parse_cn(t) for t in ("三", "十五", "二十", "百", "一百零五", "三万五千")] == [3, 15, 20, 100, 105, 35000]
    assert to_value("百", None) == 100


# --- units and rates ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "unit"), [
    ("参训人员4100人(次)。", "人次"),
    ("开展宣讲300场(次)。", "场次"),
    ("社区用房平均达到650平米。", "平方米"),
    ("全县辖6镇。", "个"),
])
def test_metrics_normalises_printed_units(text, unit):
    assert _one(text).unit == unit


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("低保标准为每人每月520元。", 520, "元/人/月"),
    ("农村低保标准为每人每年4800元。", 4800, "元/人/年"),
    ("城市低保标准为450元/月。", 450, "元/月"),
    ("农村低保标准为2600元/年。", 2600, "元/年"),
    ("每年120万元专项资金列入预算。", 1200000, "元/年"),
    ("按照户均0.3平方米配建社区用房。", 0.3, "平方米/户"),
    ("每个村每年3万元办公经费。", 30000, "元"),
])
def test_metrics_reads_rates_from_the_first_each_word_of_the_clause(text, value, unit):
    assert _facts(text) == [(value, unit)]


def test_metrics_rate_words_do_not_touch_counts():
    assert _facts("每年调处纠纷900件。") == [(900, "件")]


# --- what is skipped ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "补贴标准为1500元到2600元不等。",
    "每个网格200-400户。",
    "社区规模控制在1000户至2000户之间。",
    "办公经费达到6-9万。",
])
def test_metrics_skips_both_ends_of_a_range(text):
    assert _facts(text) == []


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("城市低保标准由每人每月500元提高到540元。", 540, "元/人/月"),
    ("城市低保标准从420元/月提高到450元/月。", 450, "元/月"),
    ("社区事项由150项精简为30项。", 30, "项"),
    ("专职人员由40人增至65人。", 65, "人"),
])
def test_metrics_keeps_only_the_target_of_a_change(text, value, unit):
    assert _facts(text) == [(value, unit)]


@pytest.mark.parametrize("text", [
    "2023年8月15日召开会议。",
    "为75岁以上老人提供服务。",
    "连续3个月发放补贴。",
    "近十年来持续推进,至今已有20年。",
    "市政协十三届二次会议第45号提案,第三批试点,(二)完善机制。",
    "联系电话:0931-8812345。",
    "索引号:11620400/2023-00112。",
    "效率提高1.5倍。",
    "实行24小时值守,48小时内办结。",
])
def test_metrics_skips_dates_ages_durations_ordinals_and_codes(text):
    assert _facts(text) == []


@pytest.mark.parametrize("text", [
    "印发《关于新建200个村级服务站的通知》。",
    "承接“新增300张养老床位”任务。",
    "推行“1+3+N”工作法。",
])
def test_metrics_skips_numbers_inside_titles_and_quotes(text):
    assert _facts(text) == []


def test_metrics_counts_a_quoted_name_after_its_number():
    assert _facts("建设15个“1+N”服务站。") == [(15, "个")]


def test_metrics_skips_the_terms_of_a_formula():
    assert _facts("组建“1+2+N”队伍(1名书记+2名网格员+N名志愿者)。") == []
    assert _facts("健全“1+3+N”机制(3即公安、城管等3个部门常驻街道)。") == []


def test_metrics_skips_values_spread_by_fenbie():
    assert _facts("岗位补贴分别为500元、300元、200元。") == []


def test_metrics_skips_the_baseline_before_a_reform():
    assert _facts("改革前平均编制为40个,改革后平均编制为56个,较改革前增长40%。") == [(56, "个"), (40, "%")]


@pytest.mark.parametrize("text", [
    "对150个300平米以下社区进行改造。",
    "70%以上的村建有文化队伍。",
    "办公用房均在400平方米以上。",
])
def test_metrics_skips_thresholds_used_as_attributes(text):
    assert all(unit != "平方米" and unit != "%" for _, unit in _facts(text))


def test_metrics_skips_a_breakdown_by_category():
    text = "今年共受理事件2400件,其中治安类700件、交通类900件、环境类800件。"
    assert _facts(text) == [(2400, "件")]


def test_metrics_skips_numbers_run_together():
    assert _facts("全县低保对象共1234512345人。") == []


def test_metrics_skips_salutation_lines():
    assert _facts("张三等12名代表:\n你们的建议收悉。") == []


def test_metrics_skips_ranks_page_counters_and_proposers():
    assert _facts("综合考评位居全省前10位,排名前5名的社区获奖励。") == []
    assert _facts("浏览次数:235次") == []
    assert _facts("张三等12名代表,你们的建议收悉。") == []
    assert _facts("目前300余家社会组织参与服务。") == [(300, "家")]


def test_metrics_counts_places_listed_one_after_another():
    # regression: 3乡 and 3个 were read as one restated fact
    assert _facts("截至2023年5月,全县辖7镇3乡3个街道办事处。") == [(7, "个"), (3, "个"), (3, "个")]


def test_metrics_keeps_the_headline_of_a_chain():
    assert _facts("输送务工人员12批次30车2100余人。") == [(2100, "人")]
    assert _facts("安置群众2150户6830人。") == [(2150, "户"), (6830, "人")]
    assert _facts("发放补贴420人96.5万元。") == [(420, "人"), (965000, "元")]


def test_metrics_drops_a_restated_fact():
    text = "建设老年食堂42个。年内,全县老年食堂42个全部运营。"
    assert _facts(text) == [(42, "个")]


# --- dates, places, spans -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "date"), [
    ("截至2023年5月,全县有社区48个。", "2023-05"),
    ("截至6月30日,共发放补贴320万元。", "2023-06-30"),
    ("截至6月,累计救助1200人次。", "2023-06"),
    ("2023年上半年开展活动300余场。", "2023"),
    ("今年以来投入资金80万元。", "2023"),
    ("今年1至7月上报事件5200件。", "2023-07"),
    ("2019年以来建成站点40个。", None),
    ("截至目前,建成站点40个。", None),
])
def test_metrics_reads_the_as_of_date(text, date):
    assert _one(text, published="2023-09-01").date == date


def test_dates_in_ignores_years_inside_titles():
    assert dates_in("印发《2021年工作要点》,建成40个", 0, 20, published="2023-09-01") == []


def test_metrics_takes_the_place_of_the_clause():
    county = Place(name="青山县", code=None, level="county", parent=CITY)
    found = extract_metrics(_ctx("全市建成网格300个,青山县建成网格80个。", places={"青山县": county}))
    assert [(m.place.name, m.value) for m in found] == [("临川市", 300), ("青山县", 80)]


# --- indicators -----------------------------------------------------------------------------


def _names(text: str, **kwargs) -> list[str]:
    return [m.indicator for m in extract_metrics(_ctx(text, **kwargs))]


@pytest.mark.parametrize("text", [
    "全县建成农家书屋120个。",
    "全县农家书屋120个。",
    "全县120个农家书屋。",
    "全县共有120个农家书屋。",
])
def test_indicator_is_the_counted_noun_wherever_it_stands(text):
    assert _names(text) == ["农家书屋数"]


@pytest.mark.parametrize(("text", "name"), [
    ("一是新建村级便民服务站30个以上。", "新建村级便民服务站数"),
    ("二是全县配备专职调解员85名。", "专职调解员数"),
    ("(三)全县配备专职调解员85名。", "专职调解员数"),
    ("其中:村级文化广场45个。", "村级文化广场数"),
])
def test_indicator_drops_list_markers(text, name):
    assert _names(text) == [name]


@pytest.mark.parametrize(("text", "name"), [
    ("全县共建成文化广场45个。", "文化广场数"),
    ("目前已设立社区警务室28个。", "社区警务室数"),
    ("累计培训基层干部3200人次。", "培训基层干部人次"),
    ("农村自来水普及率达到98%。", "农村自来水普及率"),
    ("接诉即办响应率保持100%。", "接诉即办响应率"),
])
def test_indicator_drops_leading_and_trailing_verbs_and_adverbs(text, name):
    assert _names(text) == [name]


@pytest.mark.parametrize(("text", "name"), [
    ("2022年版目录共列明公共服务事项58项。", "目录列明公共服务事项数"),
    ("计划于2025年底前再建成驿站20个。", "驿站数"),
    ("发放5月份临时救助金40万元。", "发放临时救助金"),
    ("“十四五”期间建成农家书屋120个。", "农家书屋数"),
    ("至今已有20年,2016年全县社区增加到95个。", "社区数"),
])
def test_indicator_drops_dates_and_their_residue(text, name):
    assert _names(text) == [name]


@pytest.mark.parametrize(("text", "name"), [
    ("全市连续3个月发放生活补贴850万元。", "连续发放生活补贴"),
    ("开通12345热线分中心8个。", "开通12345热线分中心数"),
    ("建成5G基站1200个。", "5G基站数"),
    ("推行“1+3+N”工作法的社区42个。", "1+3+N工作法的社区数"),
])
def test_indicator_drops_other_numbers_with_units_but_keeps_names(text, name):
    assert _names(text) == [name]


def test_indicator_is_never_the_number():
    # regression: with nothing before the number, the number itself was the indicator
    assert _names("全区累计有1.5万余名志愿者到社区报到。") == ["到社区报到的志愿者数"]
    assert _names("全县共出动1200人。") == ["出动人数"]


def test_indicator_says_what_the_counted_noun_did_when_it_fits():
    assert _names("全县18个乡镇均建立了便民服务中心。") == ["建立便民服务中心的乡镇数"]
    assert _names("全县26人获评省级优秀村干部。") == ["获评省级优秀村干部的人数"]


def test_indicator_keeps_the_bare_noun_when_a_preposition_makes_it_an_object():
    assert _names("全县为150户困难家庭提供上门服务。") == ["困难家庭数"]


def test_indicator_skips_a_modifier_to_reach_the_head_noun():
    assert _names("为60名行动不便的老年人提供助浴服务。") == ["老年人数"]


def test_indicator_cuts_a_long_phrase_at_a_break_not_inside_a_word():
    # regression: the last 16 characters were kept, cutting 社会工作者 in half
    assert _names("持有执业资格证书的社区护理人员占比提高到41%。") == ["社区护理人员占比"]


@pytest.mark.parametrize(("text", "name"), [
    ("调解成功95%。", "调解成功率"),
    ("新增就业人数较上年增长12%。", "新增就业人数较上年增长率"),
    ("全县森林覆盖率较2020年提高3.5%。", "森林覆盖率提高幅度"),
    ("注册志愿者占常住人口的6%。", "注册志愿者占常住人口比例"),
    ("全县80%的村实现了集体经济收入。", "实现集体经济收入的村比例"),
    ("12345热线响应率保持100%,满意率为95.2%。", "12345热线响应率"),
])
def test_indicator_names_rates_with_their_noun(text, name):
    assert _names(text)[0] == name


@pytest.mark.parametrize(("text", "name"), [
    ("全年受理群众来电8600件。", "受理群众来电数"),
    ("开展政策宣讲活动60场。", "政策宣讲活动场次"),
    ("召开听证会12次。", "召开听证会次数"),
    ("今年以来全县新增市场主体3800户。", "新增市场主体户数"),
    ("区财政投入600万元。", "区财政投入"),
    ("投资1.2亿元。", "投资额"),
    ("全县建成综合服务用房面积8600平方米。", "综合服务用房面积"),
])
def test_indicator_suffix_follows_the_unit(text, name):
    assert _names(text) == [name]


def test_indicator_sub_items_take_the_noun_of_their_parent():
    assert _names("全县共建成养老服务站90个,其中市级12个、县级30个。") == [
        "养老服务站数", "市级养老服务站数", "县级养老服务站数"]
    assert _names("现有社会组织320家,其中登记85家、备案235家。") == ["社会组织数", "登记社会组织数", "备案社会组织数"]
    assert _names("护理员月补贴最低800元,最高1500元。") == ["护理员月补贴最低额", "护理员月补贴最高额"]


def test_indicator_names_each_metric_of_a_sentence():
    assert _names("全县划分网格880个,办结率达99.2%,建成42个党群服务中心。") == ["网格数", "办结率", "党群服务中心数"]


def test_indicator_naming_does_not_change_which_metrics_are_kept():
    # 驿站数 is inside 新建驿站数, but the printed words (建成驿站, 新建驿站) differ: both stay
    assert _facts("全县建成驿站20个。年内新建驿站20个。") == [(20, "个"), (20, "个")]


def test_metrics_spans_slice_the_text():
    text = "截至６月，全县建成服务站１２０余个，投入资金２．５亿元。"
    for metric in extract_metrics(_ctx(text)):
        assert text[metric.mention.start:metric.mention.end] == metric.mention.text
        assert metric.evidence.start <= metric.mention.start < metric.mention.end <= metric.evidence.end
    assert [m.mention.text for m in extract_metrics(_ctx(text))] == ["１２０余个", "２．５亿元"]


def test_metrics_runs_faster_than_two_megabytes_a_second():
    paragraph = ("近年来,全县坚持党建引领,围绕基层治理现代化建设,推进网格化管理,完善服务体系,"
                 "着力解决群众急难愁盼问题,提升群众的获得感、幸福感和安全感。2023年8月15日召开会议,"
                 "全县建成网格300个,配备专职网格员320名,办结率达99.2%,投入资金1.5亿元。"
                 "下一步,我们将继续深化改革,健全工作机制,推动各项工作落地见效。\n")
    contexts = [_ctx(paragraph * 250) for _ in range(24)]  # 24 documents of about 80 KB
    size = sum(len(ctx.text.encode()) for ctx in contexts)
    best = min(_timed(lambda: [extract_metrics(ctx) for ctx in contexts]) for _ in range(3))
    assert size / best > 2_000_000


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- the seeds, scored as the project is scored ---------------------------------------------


def _scorer():
    spec = importlib.util.spec_from_file_location("govkg_score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_context(gold: dict, score) -> DocContext:
    """The seed's context, with place mentions found the simple way the gazetteer will.

    The gold's place names (of every section) and their core names are marked where
    they occur, children of the jurisdiction; 全市/我州/本市 … mark the jurisdiction.
    """
    path = SEED_TEXTS / gold["doc"]
    text = path.read_text(encoding="utf-8")
    doc = Document(doc_id=path.stem, source=path.name, path=str(path), format="txt", encoding="utf-8", text=text)
    home = Place(name=gold["meta"]["place"], code=None, level="city")
    forms: dict[str, Place] = {}
    for section in ("adoptions", "policies", "programs", "agencies", "metrics"):
        for row in gold.get(section) or []:
            if isinstance(row, dict) and row.get("place"):
                name = str(row["place"])
                place = home if score.places_match(name, home.name) else Place(
                    name=name, code=None, level="county", parent=home)
                forms[name] = place
                if len(core := score.place_core(name)) >= 2:
                    forms.setdefault(core, place)
    pattern = re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))
    mentions = [PlaceMention(span=Span.of(text, doc.doc_id, m.start(), m.end()), place=forms[m.group()])
                for m in pattern.finditer(text)]
    mentions += [PlaceMention(span=Span.of(text, doc.doc_id, m.start(), m.end()), place=home)
                 for m in re.finditer(r"[全我本]" + home.name[-1], text)]
    meta = DocumentMeta(published=str(gold["meta"].get("published") or "") or None)
    return DocContext(doc=doc, meta=meta, jurisdiction=home, place_mentions=mentions)


def _seeds() -> list[dict]:
    import yaml

    if not SEED_GOLD.is_dir():
        pytest.fail(f"gold annotations not found at {SEED_GOLD}; the tests expect ../shared beside the repository")
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SEED_GOLD.glob("*.yaml"))]


def test_metrics_seed_spans_slice_the_text_exactly():
    score = _scorer()
    for gold in _seeds():
        ctx = _seed_context(gold, score)
        for metric in extract_metrics(ctx):
            for span in (metric.mention, metric.evidence):
                assert ctx.text[span.start:span.end] == span.text
            assert metric.evidence.start <= metric.mention.start and metric.mention.end <= metric.evidence.end


def test_metrics_seed_f1_is_at_least_085():
    score = _scorer()
    tp = n_system = n_gold = 0
    for gold in _seeds():
        rows = [r for r in gold.get("metrics") or [] if isinstance(r, dict)]
        wanted = [r for r in rows if not score.optional(r)]
        found = [{"place": m.place.name, "indicator": m.indicator, "value": str(m.value), "unit": m.unit}
                 for m in extract_metrics(_seed_context(gold, score))]
        pairs, _, extra = score.greedy(wanted, found, score.metric_match)
        _, _, extra = score.greedy([r for r in rows if score.optional(r)], extra, score.metric_match)
        tp, n_system, n_gold = tp + len(pairs), n_system + len(pairs) + len(extra), n_gold + len(wanted)
    precision, recall, f1 = score.prf(tp, n_system, n_gold)
    assert f1 >= 0.85, f"metrics f1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"


_DIGIT_UNIT = re.compile(r"\d[\d.,]*(?:余|多)?(?:千万|百万|[万亿千])?(?:余|多)? ?(?:%|" + "|".join(
    sorted(map(re.escape, UNITS), key=len, reverse=True)) + ")")
_BAD_START = ("一是", "二是", "三是", "其中", "共", "累计", "已", "全市", "目前", "、", "(")
_SETTING_UP = ("建立", "建成", "设立", "组建", "开展")


def test_metrics_seed_indicators_are_short_clean_noun_phrases():
    """2–16 characters, no number with its unit, no list marker, adverb or scope word in front,
    and a setting-up verb in front only as a relative clause (建立市民服务中心的街道数)."""
    score = _scorer()
    bad = []
    for gold in _seeds():
        for m in extract_metrics(_seed_context(gold, score)):
            name = m.indicator
            loose_verb = name.startswith(_SETTING_UP) and "的" not in name
            if not 2 <= len(name) <= 16 or _DIGIT_UNIT.search(name) or name.startswith(_BAD_START) or loose_verb:
                bad.append((gold["doc"], name, m.mention.text))
    assert not bad, bad
