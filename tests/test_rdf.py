"""Tests of kg.rdf (build, write), kg.validate and the ontology / shapes they rely on.

The documents here are short texts written for these tests. Every test that needs a
thesaurus runs twice: against a tiny SKOS file written into ``tmp_path``, and against
the packaged ``ontology/mechanisms.ttl`` when that file exists.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import ExtractError, SpanError, StoreError
from kg.rdf import build_rdf, write_graph
from kg.records import (
    Adoption,
    Agency,
    Candidate,
    Document,
    DocumentMeta,
    Extraction,
    Metric,
    Place,
    Policy,
    Program,
    Proposal,
    Span,
)
from kg.thesaurus import norm_label
from kg.validate import validate_graph, validate_rdf
from kg.vocab import (
    DCT,
    GK,
    GKM,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    XSD,
    adoption_iri,
    candidate_iri,
    date_literal,
    doc_iri,
    place_iri,
    year_literal,
    zh,
)
from ontology import ontology_path, shapes_path, thesaurus_path

TESTS = Path(__file__).resolve().parent

# ------------------------------------------------------------------ fixtures

NX = Place(name="宁夏回族自治区", code="640000", level="province")
YC = Place(name="银川市", code="640100", level="city", parent=NX)
XQ = Place(name="兴庆区", code="640104", level="county", parent=YC)
FH = Place(name="凤凰北街街道", code=None, level="town", parent=XQ)

TEXT_A = (
    "关于对市政协十四届一次会议第162号提案的答复\n"
    "王某某等委员：\n"
    "近年来，我市全面推行“红色物业”，在兴庆区试点“三社联动”。\n"
    "凤凰北街街道探索“积分超市”做法，居民参与热情高。\n"
    "截至2022年底，全市共划分网格5619个。\n"
    "下一步，我们将认真贯彻《关于加强基层治理体系和治理能力现代化建设的意见》，"
    "推进“雪亮工程”建设，深化“塞上枫桥”调解品牌。\n"
    "银川市民政局\n"
    "2022年8月30日"
)
TEXT_B = (
    "银川市委组织部关于社区治理工作的协办意见\n"
    "银川市民政局牵头，在全市推行“红色物业”。\n"
    "2021年起，银川市开展“红色物业”试点。"
)
LABELS = {"red": "红色物业", "three": "三社联动", "local": "塞上枫桥"}

TINY_THESAURUS = """\
@prefix gkm: <https://w3id.org/govkg/mechanism/> .
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
gkm:scheme a skos:ConceptScheme .
gkm:hongse_wuye a skos:Concept ; skos:prefLabel "红色物业"@zh ; skos:inScheme gkm:scheme .
gkm:sanshe_liandong a skos:Concept ; skos:prefLabel "三社联动"@zh ; skos:inScheme gkm:scheme .
gkm:fengqiao_jingyan a skos:Concept ; skos:prefLabel "枫桥经验"@zh ; skos:inScheme gkm:scheme .
gkm:saishang_fengqiao a skos:Concept , gk:LocalForm ; skos:prefLabel "塞上枫桥"@zh ;
    skos:broader gkm:fengqiao_jingyan ; skos:inScheme gkm:scheme .
gkm:scheme <http://example.org/b#note> "b" ; <http://example.org/a#note> "a" ;
    <http://example.org/c/note> "c" .
"""


def at(text: str, doc_id: str, needle: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, doc_id, start, start + len(needle), expect=needle)


def concept_ids(thesaurus: Path) -> dict[str, str]:
    """Map each of :data:`LABELS` to the local name of the concept labelled so."""
    graph = Graph().parse(thesaurus)
    found: dict[str, str] = {}
    for key, label in LABELS.items():
        for pred in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for subject in graph.subjects(pred, Literal(label, lang="zh")):
                if str(subject).startswith(str(GKM)):
                    found.setdefault(key, str(subject)[len(GKM):])
    return found


def make_extractions(thesaurus: Path) -> list[Extraction]:
    """Two documents' worth of extractions over :data:`TEXT_A` and :data:`TEXT_B`."""
    ids = concept_ids(thesaurus)
    a, b = "a1b2c3d4e5f60718", "0718a1b2c3d4e5f6"
    doc_a = Document(doc_id=a, source="001_a1b2c3d4e5f60718.txt", path="x/001.txt", format="txt",
                     encoding="utf-8", text=TEXT_A)
    doc_b = Document(doc_id=b, source="002_0718a1b2c3d4e5f6.html", path="x/002.html", format="html",
                     encoding="gb18030", text=TEXT_B)
    title_a = at(TEXT_A, a, "关于对市政协十四届一次会议第162号提案的答复")
    s_red = at(TEXT_A, a, "近年来，我市全面推行“红色物业”，在兴庆区试点“三社联动”。")
    s_cand = at(TEXT_A, a, "凤凰北街街道探索“积分超市”做法，居民参与热情高。")
    s_grid = at(TEXT_A, a, "截至2022年底，全市共划分网格5619个。")
    s_plan = at(TEXT_A, a, TEXT_A.split("\n")[5])
    minzheng = Agency(doc_id=a, name="银川市民政局", key="640100:民政局", kind="government", place=YC,
                      mention=at(TEXT_A, a, "银川市民政局"), evidence=at(TEXT_A, a, "银川市民政局"))
    meta_a = DocumentMeta(
        title=title_a.text, issuer="银川市民政局", place="银川市", published="2022-08-31",
        signed="2022-08-30", signed_raw="2022年8月30日", index_no="11640100010085992G/2022-00079",
        kind="答复",
        responds_to=Proposal(body="政协", level="银川市", term=14, session=1, number=162, kind="提案",
                             title="关于深化基层治理的提案", proposers=("王某某等委员",),
                             handlers=("银川市民政局", "银川市委组织部"), evidence=title_a),
    )
    ex_a = Extraction(
        document=doc_a, meta=meta_a, place=YC, places=(YC, XQ, FH),
        adoptions=(
            Adoption(doc_id=a, place=YC, concept=ids["red"], mechanism="红色物业", surface="红色物业",
                     status="implemented", year=None, candidate=False,
                     mention=at(TEXT_A, a, "红色物业"), evidence=s_red),
            Adoption(doc_id=a, place=XQ, concept=ids["three"], mechanism="三社联动", surface="三社联动",
                     status="piloting", year=None, candidate=False,
                     mention=at(TEXT_A, a, "三社联动"), evidence=s_red),
            Adoption(doc_id=a, place=FH, concept="积分超市", mechanism="积分超市", surface="积分超市",
                     status="implemented", year=None, candidate=True,
                     mention=at(TEXT_A, a, "积分超市"), evidence=s_cand),
            Adoption(doc_id=a, place=YC, concept=ids["local"], mechanism="塞上枫桥", surface="塞上枫桥",
                     status="planned", year=None, candidate=False,
                     mention=at(TEXT_A, a, "塞上枫桥"), evidence=s_plan),
        ),
        agencies=(minzheng,),
        policies=(Policy(doc_id=a, title="关于加强基层治理体系和治理能力现代化建设的意见", place=None,
                         year=2021, mention=at(TEXT_A, a, "关于加强基层治理体系和治理能力现代化建设的意见"),
                         evidence=s_plan),),
        programs=(Program(doc_id=a, name="雪亮工程", place=YC, mention=at(TEXT_A, a, "雪亮工程"),
                          evidence=s_plan),),
        metrics=(Metric(doc_id=a, place=YC, indicator="网格数", value=5619.0, unit="个", date="2022",
                        qualifier=None, mention=at(TEXT_A, a, "5619个"), evidence=s_grid),),
        candidates=(Candidate(doc_id=a, label="积分超市", cue="quoted", definition=None,
                              mention=at(TEXT_A, a, "积分超市"), evidence=s_cand),),
    )
    s_b1 = at(TEXT_B, b, "银川市民政局牵头，在全市推行“红色物业”。")
    s_b2 = at(TEXT_B, b, "2021年起，银川市开展“红色物业”试点。")
    ex_b = Extraction(
        document=doc_b, meta=DocumentMeta(title=None, issuer="银川市委组织部", kind="协办意见"), place=YC,
        places=(YC,),
        agencies=(
            Agency(doc_id=b, name="银川市委组织部", key="640100:委组织部", kind="party", place=YC,
                   mention=at(TEXT_B, b, "银川市委组织部"), evidence=at(TEXT_B, b, TEXT_B.split("\n")[0])),
            Agency(doc_id=b, name="银川市民政局", key="640100:民政局", kind="government", place=YC,
                   mention=at(TEXT_B, b, "银川市民政局"), evidence=s_b1),
        ),
        adoptions=(
            Adoption(doc_id=b, place=YC, concept=ids["red"], mechanism="红色物业", surface="红色物业",
                     status="implemented", year=None, candidate=False,
                     mention=at(TEXT_B, b, "红色物业"), evidence=s_b1),
            Adoption(doc_id=b, place=YC, concept=ids["red"], mechanism="红色物业", surface="红色物业",
                     status="piloting", year=2021, candidate=False,
                     mention=at(TEXT_B, b, "红色物业", 1), evidence=s_b2),
        ),
    )
    return [ex_a, ex_b]


def build_and_write(out_dir: Path, thesaurus: Path, *, reverse: bool = False) -> list[Path]:
    """Build the fixture graph and write it; the cross-process determinism test runs this."""
    extractions = make_extractions(thesaurus)
    return write_graph(build_rdf(extractions[::-1] if reverse else extractions, thesaurus=thesaurus), out_dir)


@pytest.fixture(params=["tiny", "packaged"])
def thesaurus(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A thesaurus file: the tiny one written here, or the packaged mechanisms.ttl."""
    if request.param == "tiny":
        path = tmp_path / "mechanisms.ttl"
        path.write_text(TINY_THESAURUS, encoding="utf-8")
        return path
    path = thesaurus_path()
    if not path.exists():
        pytest.skip(f"{path} does not exist yet")
    missing = set(LABELS) - set(concept_ids(path))
    if missing:
        pytest.skip(f"{path} lacks concepts labelled {sorted(LABELS[m] for m in missing)}")
    return path


@pytest.fixture
def graph(thesaurus: Path) -> Graph:
    return build_rdf(make_extractions(thesaurus), thesaurus=thesaurus)


@pytest.fixture
def written(graph: Graph, tmp_path: Path) -> Path:
    out = tmp_path / "graph"
    write_graph(graph, out)
    return out


# ------------------------------------------------------------------ ontology and vocabulary

def test_vocab_gk_terms_are_exactly_the_ontology_terms_with_labels() -> None:
    onto = Graph().parse(ontology_path())
    ns = str(GK._NS)
    declared = {str(s)[len(ns):] for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    assert declared == set(GK.__annotations__)
    for name in declared:
        term = GK[name]
        langs = {label.language for label in onto.objects(term, RDFS.label)}
        assert langs == {"en", "zh"}, name
        assert any(onto.objects(term, RDFS.comment)), name


def test_vocab_typo_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        GK.adoptoin  # noqa: B018


def test_ontology_declares_local_form_as_a_kind_of_skos_concept() -> None:
    onto = Graph().parse(ontology_path())
    assert (GK.LocalForm, RDFS.subClassOf, SKOS.Concept) in onto
    assert (GK.CandidateConcept, RDFS.subClassOf, SKOS.Concept) in onto
    assert shapes_path().is_file()


# ------------------------------------------------------------------ build

def test_rdf_sparql_finds_place_label_mechanism_label_and_sentence(graph: Graph) -> None:
    rows = list(graph.query(
        """SELECT ?placeLabel ?mechLabel ?sentence ?status WHERE {
             ?a a gk:Adoption ; gk:place ?p ; gk:mechanism ?m ; gk:status ?status ; gk:evidence ?e .
             ?p rdfs:label ?placeLabel . ?m skos:prefLabel ?mechLabel . ?e gk:sentence ?sentence .
             FILTER (?placeLabel = "兴庆区"@zh && lang(?mechLabel) = "zh")
           }""",
        initNs={"gk": GK._NS, "rdfs": RDFS._NS, "skos": SKOS._NS},
    ))
    assert [(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows] == [
        ("兴庆区", "三社联动", "近年来，我市全面推行“红色物业”，在兴庆区试点“三社联动”。", GK.piloting)]


def test_rdf_evidence_offsets_slice_the_text_to_the_sentence(graph: Graph) -> None:
    texts = {doc_iri("a1b2c3d4e5f60718"): TEXT_A, doc_iri("0718a1b2c3d4e5f6"): TEXT_B}
    evidence = list(graph.subjects(RDF.type, GK.Evidence))
    assert len(evidence) >= 8
    for node in evidence:
        text = texts[graph.value(node, PROV.wasDerivedFrom)]
        start, end = graph.value(node, GK.start).toPython(), graph.value(node, GK.end).toPython()
        assert text[start:end] == str(graph.value(node, GK.sentence))
        mention_start = graph.value(node, GK.mentionStart)
        if mention_start is not None:
            assert start <= mention_start.toPython() <= graph.value(node, GK.mentionEnd).toPython() <= end


def test_rdf_candidate_concept_has_type_label_cue_and_evidence(graph: Graph) -> None:
    node = candidate_iri(norm_label("积分超市"))
    assert (node, RDF.type, GK.CandidateConcept) in graph
    assert (node, RDF.type, SKOS.Concept) in graph
    assert graph.value(node, SKOS.prefLabel) == Literal("积分超市", lang="zh")
    assert graph.value(node, GK.cue) == Literal("quoted")
    sentence = graph.value(graph.value(node, GK.evidence), GK.sentence)
    assert str(sentence) == "凤凰北街街道探索“积分超市”做法，居民参与热情高。"
    adoption = adoption_iri("a1b2c3d4e5f60718", FH, node, "积分超市")
    assert graph.value(adoption, GK.mechanism) == node


def test_rdf_candidate_spelt_two_ways_is_one_node_with_an_alt_label(thesaurus: Path) -> None:
    extractions = []
    for doc_id, label in (("c1", "１＋２＋Ｘ"), ("c2", "1+2+X"), ("c3", "1+2+X")):
        text = f"社区推行“{label}”网格模式。"
        doc = Document(doc_id=doc_id, source=f"{doc_id}.txt", path=f"{doc_id}.txt", format="txt",
                       encoding="utf-8", text=text)
        cand = Candidate(doc_id=doc_id, label=label, cue="quoted", definition=None,
                         mention=at(text, doc_id, label), evidence=at(text, doc_id, text))
        extractions.append(Extraction(document=doc, meta=DocumentMeta(), place=None, candidates=(cand,)))
    graph = build_rdf(extractions, thesaurus=thesaurus)
    (node,) = set(graph.subjects(RDF.type, GK.CandidateConcept))
    assert graph.value(node, SKOS.prefLabel) == Literal("1+2+X", lang="zh")
    assert graph.value(node, SKOS.altLabel) == Literal("１＋２＋Ｘ", lang="zh")
    assert len(set(graph.objects(node, PROV.wasDerivedFrom))) == 3


def test_rdf_agencies_and_places_are_one_node_each_across_documents(graph: Graph) -> None:
    agencies = {graph.value(n, RDFS.label).toPython() for n in graph.subjects(RDF.type, GK.Agency)}
    assert agencies == {"银川市民政局", "银川市委组织部"}
    minzheng = next(n for n in graph.subjects(RDFS.label, Literal("银川市民政局", lang="zh")))
    assert len(set(graph.objects(minzheng, GK.evidence))) == 2
    assert graph.value(doc_iri("a1b2c3d4e5f60718"), DCT.publisher) == minzheng
    assert set(graph.objects(place_iri(FH), GK.within)) == {place_iri(XQ), place_iri(YC), place_iri(NX)}
    assert graph.value(place_iri(FH), GK.parent) == place_iri(XQ)
    assert len(set(graph.subjects(RDFS.label, Literal("银川市", lang="zh")))) == 1


def test_rdf_repeated_adoption_in_a_document_merges_strongest_status_earliest_year(graph: Graph) -> None:
    adoptions = [a for a in graph.subjects(GK.place, place_iri(YC))
                 if graph.value(a, PROV.wasDerivedFrom) == doc_iri("0718a1b2c3d4e5f6")]
    assert len(adoptions) == 1
    assert graph.value(adoptions[0], GK.status) == GK.implemented
    assert graph.value(adoptions[0], GK.year) == Literal("2021", datatype=XSD.gYear)
    assert len(set(graph.objects(adoptions[0], GK.evidence))) == 2


def test_rdf_literals_tag_chinese_and_type_dates_and_values(graph: Graph) -> None:
    doc = doc_iri("a1b2c3d4e5f60718")
    assert graph.value(doc, DCT.issued) == Literal("2022-08-31", datatype=XSD.date)
    assert graph.value(doc, GK.signedDateRaw) == Literal("2022年8月30日")
    assert graph.value(doc, DCT.title).language == "zh"
    obs = next(graph.subjects(RDF.type, QB.Observation))
    assert graph.value(obs, GK.value).datatype == XSD.decimal
    assert graph.value(obs, GK.value).toPython() == 5619
    assert graph.value(obs, GK.refPeriod) == Literal("2022", datatype=XSD.gYear)
    proposal = graph.value(doc, GK.respondsTo)
    assert graph.value(proposal, GK.number) == Literal(162)
    assert graph.value(proposal, GK.level) == place_iri(YC)
    assert graph.value(proposal, GK.handlerName) == Literal("银川市委组织部", lang="zh")


def test_rdf_fact_without_evidence_is_skipped_and_logged(thesaurus: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    ex = make_extractions(thesaurus)[0]
    meta = DocumentMeta(title=ex.meta.title, responds_to=Proposal(number=7, title="无据提案"))
    with caplog.at_level(logging.WARNING, logger="kg.rdf"):
        graph = build_rdf([Extraction(document=ex.document, meta=meta, place=None)], thesaurus=thesaurus)
    assert not list(graph.subjects(RDF.type, GK.Proposal))
    assert "001_a1b2c3d4e5f60718.txt: proposal 无据提案 not written: it has no evidence span" in caplog.messages


def test_rdf_misaligned_evidence_raises_span_error(thesaurus: Path) -> None:
    ex = make_extractions(thesaurus)[0]
    bad = Span(doc_id=ex.document.doc_id, start=0, end=4, text="银川市委")
    program = Program(doc_id=ex.document.doc_id, name="雪亮工程", place=None, mention=bad, evidence=bad)
    with pytest.raises(SpanError, match=r"a1b2c3d4e5f60718\[0:4\] is '关于对市', not '银川市委'"):
        build_rdf([Extraction(document=ex.document, meta=ex.meta, place=None, programs=(program,))],
                  thesaurus=thesaurus)


def test_rdf_unknown_agency_kind_names_the_valid_kinds(thesaurus: Path) -> None:
    ex = make_extractions(thesaurus)[0]
    agency = replace(ex.agencies[0], kind="bureau")
    with pytest.raises(ExtractError, match="Unsupported agency kind 'bureau' for 银川市民政局 in "
                       "001_a1b2c3d4e5f60718.txt. Supported kinds: government, party, congress"):
        build_rdf([Extraction(document=ex.document, meta=ex.meta, place=None, agencies=(agency,))],
                  thesaurus=thesaurus)


def test_rdf_agency_with_empty_evidence_is_skipped_and_not_linked(thesaurus: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    ex = make_extractions(thesaurus)[0]
    empty = Span(doc_id=ex.document.doc_id, start=5, end=5, text="")
    agency = replace(ex.agencies[0], evidence=empty)
    with caplog.at_level(logging.WARNING, logger="kg.rdf"):
        graph = build_rdf([replace(ex, agencies=(agency,))], thesaurus=thesaurus)
    assert not list(graph.subjects(RDF.type, GK.Agency))
    assert not list(graph.objects(None, DCT.publisher))
    assert "001_a1b2c3d4e5f60718.txt: agency 银川市民政局 not written: it has no evidence span" in caplog.messages
    proposal = graph.value(doc_iri("a1b2c3d4e5f60718"), GK.respondsTo)
    assert set(graph.objects(proposal, GK.handlerName)) == {Literal("银川市民政局", lang="zh"),
                                                            Literal("银川市委组织部", lang="zh")}
    assert validate_rdf(graph).conforms


def test_rdf_proposal_answered_by_two_documents_is_one_node(thesaurus: Path) -> None:
    ex_a, ex_b = make_extractions(thesaurus)
    title_b = at(TEXT_B, ex_b.document.doc_id, TEXT_B.split("\n")[0])
    answer = replace(ex_a.meta.responds_to, evidence=title_b, handlers=("银川市民政局",))
    graph = build_rdf([ex_a, replace(ex_b, meta=replace(ex_b.meta, responds_to=answer))], thesaurus=thesaurus)
    proposals = set(graph.subjects(RDF.type, GK.Proposal))
    assert len(proposals) == 1
    proposal = proposals.pop()
    assert len(set(graph.objects(proposal, PROV.wasDerivedFrom))) == 2
    assert list(graph.objects(proposal, GK.level)) == [place_iri(YC)]
    assert validate_rdf(graph).conforms


def test_rdf_adoption_of_a_concept_the_thesaurus_lacks_warns_and_fails_validation(
        thesaurus: Path, caplog: pytest.LogCaptureFixture) -> None:
    ex = make_extractions(thesaurus)[0]
    adoption = replace(ex.adoptions[0], concept="no_such_concept")
    with caplog.at_level(logging.WARNING, logger="kg.rdf"):
        graph = build_rdf([replace(ex, adoptions=(adoption,))], thesaurus=thesaurus)
    assert any("no_such_concept, which the thesaurus lacks" in m for m in caplog.messages)
    result = validate_rdf(graph)
    assert not result.conforms
    assert "Source Shape: gks:Adoption-mechanism" in result.text


def test_rdf_thesaurus_with_blank_nodes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bnodes.ttl"
    path.write_text(TINY_THESAURUS + "gkm:scheme skos:note [ skos:prefLabel \"x\" ] .\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"bnodes.ttl has 1 blank nodes; give every node an IRI"):
        build_rdf([], thesaurus=path)


# ------------------------------------------------------------------ write

@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_rdf_turtle_and_jsonld_parse_back_to_the_built_graph(graph: Graph, written: Path) -> None:
    turtle = Graph().parse(written / "graph.ttl", format="turtle")
    jsonld = Graph().parse(written / "graph.jsonld", format="json-ld")
    assert isomorphic(turtle, graph)
    assert isomorphic(jsonld, graph)
    assert "@prefix gk: <https://w3id.org/govkg/ontology#> ." in (written / "graph.ttl").read_text("utf-8")
    assert not [p for p in written.iterdir() if p.name.endswith(".tmp")]


def test_rdf_write_twice_and_in_reverse_order_gives_byte_identical_files(thesaurus: Path,
                                                                        tmp_path: Path) -> None:
    first = build_and_write(tmp_path / "one", thesaurus)
    second = build_and_write(tmp_path / "two", thesaurus)
    third = build_and_write(tmp_path / "three", thesaurus, reverse=True)
    assert [p.name for p in first] == ["graph.nt", "graph.ttl", "graph.jsonld"]
    for a, b, c in zip(first, second, third, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes()


def test_rdf_files_are_byte_identical_across_processes_with_different_hash_seeds(
        thesaurus: Path, tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import test_rdf; "
              "test_rdf.build_and_write(Path(sys.argv[2]), Path(sys.argv[3]))")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(TESTS), str(tmp_path / seed), str(thesaurus)],
                       check=True, env=env, cwd=TESTS.parent)
    for name in ("graph.nt", "graph.ttl", "graph.jsonld"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


def test_rdf_write_into_a_file_raises_store_error(graph: Graph, tmp_path: Path) -> None:
    blocker = tmp_path / "graph"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match=f"cannot write the graph to {blocker}: "):
        write_graph(graph, blocker)


def test_rdf_write_refuses_blank_nodes(graph: Graph, tmp_path: Path) -> None:
    from rdflib import BNode

    graph.add((BNode(), RDFS.label, Literal("x")))
    with pytest.raises(StoreError, match="the graph has 1 blank nodes"):
        write_graph(graph, tmp_path)


# ------------------------------------------------------------------ validate

def test_validate_built_graph_conforms(written: Path) -> None:
    result = validate_graph(written)
    assert result.conforms, result.text
    assert result.results == 0


def test_validate_adoption_without_evidence_fails_naming_the_shape(graph: Graph, tmp_path: Path) -> None:
    adoption = next(graph.subjects(RDF.type, GK.Adoption))
    graph.remove((adoption, GK.evidence, None))
    write_graph(graph, tmp_path)
    result = validate_graph(tmp_path)
    assert not result.conforms
    assert result.results == 1
    assert "Source Shape: gks:Adoption-evidence" in result.text
    assert "An adoption needs at least one gk:evidence" in result.text


def test_validate_adoption_with_status_outside_the_list_fails(graph: Graph, tmp_path: Path) -> None:
    adoption = next(graph.subjects(RDF.type, GK.Adoption))
    graph.set((adoption, GK.status, GK.university))
    result = validate_rdf(graph)
    assert not result.conforms
    assert "Source Shape: gks:Adoption-status" in result.text


def test_validate_local_form_needs_one_broader(graph: Graph) -> None:
    form = next(graph.subjects(RDF.type, GK.LocalForm))
    graph.remove((form, SKOS.broader, None))
    result = validate_rdf(graph)
    assert "Source Shape: gks:LocalForm-broader" in result.text


def test_validate_missing_folder_raises_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(StoreError) as info:
        validate_graph(folder)
    assert str(info.value) == f"no graph at {folder}/graph.nt; run `kg build` first"


def test_rdf_jsonld_has_one_node_per_subject_in_graph_nt_order(written: Path) -> None:
    data = json.loads((written / "graph.jsonld").read_text("utf-8"))
    ids = [node["@id"] for node in data["@graph"]]
    subjects = []
    for line in (written / "graph.nt").read_text("utf-8").splitlines():
        subject = line.split(" ", 1)[0][1:-1]
        if not subjects or subjects[-1] != subject:
            subjects.append(subject)
    expand = {prefix: namespace for prefix, namespace in data["@context"].items()}
    assert [expand[i.split(":", 1)[0]] + i.split(":", 1)[1] if i.split(":", 1)[0] in expand else i
            for i in ids] == subjects
    assert len(set(ids)) == len(ids)  # a sorted graph.nt: one node per subject


# ------------------------------------------------------------------ one document's share

def test_rdf_part_keeps_a_documents_own_triples_local_and_the_shared_ones_apart() -> None:
    """Regression: rdflib's ``Identifier.startswith`` takes no tuple, so every line was once shared."""
    from kg.pipeline import extract_documents
    from kg.rdf import RdfMerge, rdf_part

    seeds = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
    (ex, *_), _ = extract_documents(sorted(seeds.glob("*.txt"))[:1])
    part = rdf_part(ex, concepts=RdfMerge().concepts)
    own = ("<https://w3id.org/govkg/id/doc/", "<https://w3id.org/govkg/id/evidence/",
           "<https://w3id.org/govkg/id/adoption/", "<https://w3id.org/govkg/id/obs/")
    local = part.local.splitlines()
    assert len(local) > 5 * len(part.shared) > 0
    for line in local:
        subject, _, rest = line.partition(" ")
        assert subject.startswith(own) or rest.partition(" ")[2].startswith(own), line
    for line in part.shared:
        subject, _, rest = line.partition(" ")
        assert not subject.startswith(own) and not rest.partition(" ")[2].startswith(own), line
    assert local == sorted(local) and list(part.shared) == sorted(part.shared)


TRICKY_TEXT = ['红色物业', 'a "quoted" \\ back\\slash', "two\nlines\r\n", "tab\there", "", " ", "é\u2028\x00"]


@pytest.mark.parametrize("value", [*TRICKY_TEXT, 0, 7, -12, 10**30, True, False])
def test_rdf_literal_encoders_write_what_rdflib_terms_write(value: object) -> None:
    """The builder writes N-Triples without rdflib terms: each encoder must give the term's text."""
    from kg.rdf import _lit, _nt_term, _zh

    assert _lit(value) == _nt_term(Literal(value))
    if isinstance(value, str):
        assert _zh(value) == _nt_term(zh(value))


@pytest.mark.parametrize("value", ["2022-08-31", "2022-08", "2022", "二〇二二年", "2022-13-45"])
def test_rdf_date_and_year_encoders_write_what_rdflib_terms_write(value: str) -> None:
    from kg.rdf import _date, _nt_term, _year

    assert _date(value) == _nt_term(date_literal(value))
    assert _year(2019) == _nt_term(year_literal(2019))


def test_rdf_place_and_namespace_terms_are_the_iris_n_triples_writes() -> None:
    from kg.rdf import _gk, _nt_term, _place_term, _rdf

    town = Place(name="长征路街道", code=None, level="town",
                 parent=Place(name="银川市", code="640100", level="city"))
    for place in (town, town.parent):
        assert _place_term(place) == _nt_term(place_iri(place))
    assert (_gk.sentence, _rdf.type) == (_nt_term(GK.sentence), _nt_term(RDF.type))
    with pytest.raises(AttributeError):
        _gk.noSuchTerm  # noqa: B018 — the vocabulary refuses a typo, as GK does


def test_merge_with_parts_taken_out_writes_what_a_merge_never_given_them_writes(thesaurus: Path) -> None:
    from kg.rdf import RdfMerge, concept_iris, rdf_part

    parts = [rdf_part(ex, concepts=concept_iris(thesaurus)) for ex in make_extractions(thesaurus)]
    assert len(parts) >= 2
    for gone in range(len(parts)):
        merge, want = RdfMerge(thesaurus=thesaurus), RdfMerge(thesaurus=thesaurus)
        for i, part in enumerate(parts):
            merge.add(part)
            if i != gone:
                want.add(part)
        merge.remove(parts[gone])
        assert merge.finish() == want.finish() and merge.lines == want.lines
        assert merge.finish() == want.finish()  # finishing leaves the merge as it was
    empty = RdfMerge(thesaurus=thesaurus)
    for part in parts:
        empty.add(part)
    for part in parts:
        empty.remove(part)
    assert empty.finish() == RdfMerge(thesaurus=thesaurus).finish() and empty.documents == 0
    with pytest.raises(ValueError, match="took more of"):
        empty.remove(parts[0])
