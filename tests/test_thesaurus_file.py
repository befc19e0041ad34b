"""The SKOS thesaurus of governance mechanisms, ``ontology/mechanisms.ttl``, read with rdflib.

The mechanism extractor matches every @zh label in the file against document text and
maps what it finds to a canonical concept, so these tests pin down what that code relies
on: one concept per label, local forms with a single non-cyclic broader, and the
canonical pairs the task names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

THESAURUS = Path(__file__).resolve().parents[1] / "ontology" / "mechanisms.ttl"

GK = Namespace("https://w3id.org/govkg/ontology#")
GKM = Namespace("https://w3id.org/govkg/mechanism/")
SCHEME = GKM.scheme
LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)

#: Characters dropped before labels are compared: white space, quotes, 、，,·
_IGNORED = re.compile(r"[\s“”\"‘’'「」『』、，,·]")

#: Words that would match everywhere; none may be a label on its own.
GENERIC_WORDS = {"服务", "治理", "管理", "党建", "网格", "清单", "平台", "机制", "制度", "社区", "协商", "调解"}

#: Labels of two characters are allowed only when unambiguous as a mechanism name.
TWO_CHARACTER_LABELS = {"五治"}


def normalise(label: str) -> str:
    """The form in which two labels count as the same."""
    return _IGNORED.sub("", label)


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(THESAURUS, format="turtle")
    return g


@pytest.fixture(scope="module")
def concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


@pytest.fixture(scope="module")
def by_label(graph: Graph, concepts: set[URIRef]) -> dict[str, set[URIRef]]:
    """Normalised @zh label → the concepts that carry it."""
    out: dict[str, set[URIRef]] = defaultdict(set)
    for concept in concepts:
        for prop in LABELS:
            for label in graph.objects(concept, prop):
                if isinstance(label, Literal) and label.language == "zh":
                    out[normalise(str(label))].add(concept)
    return out


def zh_labels(graph: Graph, concept: URIRef) -> set[str]:
    return {
        str(label)
        for prop in LABELS
        for label in graph.objects(concept, prop)
        if isinstance(label, Literal) and label.language == "zh"
    }


def canonical(graph: Graph, concept: URIRef) -> URIRef:
    """Follow skos:broader while the concept is a gk:LocalForm."""
    seen = {concept}
    while (concept, RDF.type, GK.LocalForm) in graph:
        concept = next(graph.objects(concept, SKOS.broader))
        assert concept not in seen, f"cycle through {concept}"
        seen.add(concept)
    return concept


def concept_labelled(by_label: dict[str, set[URIRef]], label: str) -> URIRef:
    found = by_label.get(normalise(label), set())
    assert len(found) == 1, f"label {label!r} is on {len(found)} concepts: {sorted(found)}"
    return next(iter(found))


def test_thesaurus_file_parses_as_turtle(graph: Graph) -> None:
    assert len(graph) > 0
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph


def test_thesaurus_has_at_least_150_concepts(concepts: set[URIRef]) -> None:
    assert len(concepts) >= 150


def test_scheme_has_chinese_and_english_labels_and_an_english_title(graph: Graph) -> None:
    labels = {(str(o), o.language) for o in graph.objects(SCHEME, SKOS.prefLabel)}
    assert ("基层治理机制叙词表", "zh") in labels
    assert ("Thesaurus of grassroots governance mechanisms", "en") in labels
    assert any(o.language == "en" for o in graph.objects(SCHEME, DCTERMS.title))


def test_every_concept_has_one_zh_preflabel_an_en_preflabel_and_a_zh_definition(
    graph: Graph, concepts: set[URIRef]
) -> None:
    for concept in concepts:
        pref = list(graph.objects(concept, SKOS.prefLabel))
        assert [p.language for p in pref].count("zh") == 1, concept
        assert any(p.language == "en" for p in pref), concept
        assert any(d.language == "zh" for d in graph.objects(concept, SKOS.definition)), concept


def test_every_concept_is_in_the_scheme(graph: Graph, concepts: set[URIRef]) -> None:
    assert [c for c in concepts if (c, SKOS.inScheme, SCHEME) not in graph] == []


def test_concept_iris_are_lowercase_ascii_hyphenated_under_the_mechanism_namespace(
    concepts: set[URIRef],
) -> None:
    for concept in concepts:
        assert concept.startswith(str(GKM)), concept
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", concept[len(str(GKM)) :]), concept


def test_labels_and_definitions_are_language_tagged(graph: Graph, concepts: set[URIRef]) -> None:
    for concept in concepts:
        for prop in (*LABELS, SKOS.definition, DCTERMS.source):
            for value in graph.objects(concept, prop):
                assert isinstance(value, Literal) and value.language in {"zh", "en"}, (concept, prop)


def test_no_two_concepts_share_a_normalised_zh_label(by_label: dict[str, set[URIRef]]) -> None:
    shared = {label: sorted(found) for label, found in by_label.items() if len(found) > 1}
    assert shared == {}


def test_no_label_is_a_generic_word_or_an_unlisted_two_character_word(
    by_label: dict[str, set[URIRef]],
) -> None:
    assert sorted(set(by_label) & GENERIC_WORDS) == []
    short = {label for label in by_label if len(label) <= 2}
    assert short <= TWO_CHARACTER_LABELS, sorted(short - TWO_CHARACTER_LABELS)


def test_every_broader_target_is_a_concept_in_the_thesaurus(
    graph: Graph, concepts: set[URIRef]
) -> None:
    for concept in concepts:
        for broader in graph.objects(concept, SKOS.broader):
            assert broader in concepts, (concept, broader)


def test_every_local_form_has_exactly_one_broader_concept(
    graph: Graph, concepts: set[URIRef]
) -> None:
    local_forms = set(graph.subjects(RDF.type, GK.LocalForm))
    assert local_forms, "the thesaurus names no local forms"
    for form in local_forms:
        assert form in concepts, form
        broader = list(graph.objects(form, SKOS.broader))
        assert len(broader) == 1, (form, broader)
        assert broader[0] in concepts, (form, broader)


def test_broader_links_have_no_cycles(graph: Graph, concepts: set[URIRef]) -> None:
    for concept in concepts:
        reachable = set(
            graph.transitiveClosure(lambda c, _: graph.objects(c, SKOS.broader), concept)
        )
        assert concept not in reachable, concept


def test_canonical_of_a_local_form_is_not_itself_a_local_form(
    graph: Graph, concepts: set[URIRef]
) -> None:
    for concept in concepts:
        assert (canonical(graph, concept), RDF.type, GK.LocalForm) not in graph, concept


def test_concept_with_a_family_broader_is_its_own_canonical(
    graph: Graph, by_label: dict[str, set[URIRef]]
) -> None:
    da_dangwei = concept_labelled(by_label, "大党委")
    assert (da_dangwei, SKOS.broader, concept_labelled(by_label, "区域化党建")) in graph
    assert canonical(graph, da_dangwei) == da_dangwei
    quanke = concept_labelled(by_label, "全科网格")
    assert (quanke, SKOS.broader, concept_labelled(by_label, "网格化管理")) in graph
    assert canonical(graph, quanke) == quanke


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("联合党委", "大党委"),
        ("大工委", "大党委"),
        ("街道大工委", "大党委"),
        ("塞上枫桥", "枫桥经验"),
        ("海上枫桥", "枫桥经验"),
        ("枫桥式公安派出所", "枫桥经验"),
        ("枫桥式派出所", "枫桥经验"),
        ("街道吹哨、部门报到", "吹哨报到"),
        ("街乡吹哨、部门报到", "吹哨报到"),
        ("街道吹哨部门报道", "吹哨报到"),
        ("市民吹哨、多元响应", "吹哨报到"),
        ("市民吹哨、部门报到", "吹哨报到"),
        ("科技吹哨", "吹哨报到"),
        ("微网格", "网格化管理"),
        ("网格化管理、组团式服务", "网格化管理"),
        ("网格化治理", "网格化管理"),
        ("信访超市", "社会矛盾纠纷调处化解中心"),
        ("一站式矛盾纠纷多元调解", "一站式矛盾纠纷调解"),
        ("社区服务事项准入清单", "社区工作准入制度"),
        ("社区(村)准入制度", "社区工作准入制度"),
        ("一窗式受理、一站式办理", "一窗受理"),
        ("文明市民荣誉超市", "荣誉超市积分制"),
        ("民主法治示范创建", "民主法治村创建"),
        ("法官检察官基层联系机制", "法官联系社区"),
        ("善行榜、义举榜", "善行义举榜"),
        ("社区居民代表大会", "居民代表大会"),
    ],
)
def test_label_resolves_to_the_expected_canonical_concept(
    graph: Graph, by_label: dict[str, set[URIRef]], surface: str, expected: str
) -> None:
    found = canonical(graph, concept_labelled(by_label, surface))
    assert expected in zh_labels(graph, found)
    assert (found, SKOS.prefLabel, Literal(expected, lang="zh")) in graph


def test_si_pingtai_is_a_label_of_the_four_platforms_concept(
    graph: Graph, by_label: dict[str, set[URIRef]]
) -> None:
    concept = concept_labelled(by_label, "四平台")
    assert (concept, SKOS.prefLabel, Literal("基层治理四平台", lang="zh")) in graph


@pytest.mark.parametrize("generic_phrase", ["党建引领基层治理", "矛盾不上交", "12345"])
def test_slogans_and_programmes_are_not_labels(
    by_label: dict[str, set[URIRef]], generic_phrase: str
) -> None:
    assert normalise(generic_phrase) not in by_label


def test_every_collection_has_at_least_five_concept_members(
    graph: Graph, concepts: set[URIRef]
) -> None:
    collections = set(graph.subjects(RDF.type, SKOS.Collection))
    assert len(collections) >= 10
    for collection in collections:
        members = set(graph.objects(collection, SKOS.member))
        assert len(members) >= 5, collection
        assert members <= concepts, (collection, members - concepts)


def test_collection_zh_labels_read_as_categories_not_as_mechanism_names(
    graph: Graph, by_label: dict[str, set[URIRef]]
) -> None:
    for collection in graph.subjects(RDF.type, SKOS.Collection):
        for label in graph.objects(collection, SKOS.prefLabel):
            if label.language == "zh":
                assert str(label).endswith("类机制"), collection
                assert normalise(str(label)) not in by_label, collection


def test_every_concept_belongs_to_a_collection(graph: Graph, concepts: set[URIRef]) -> None:
    members = set(graph.subject_objects(SKOS.member))
    grouped = {member for _, member in members}
    assert sorted(concepts - grouped) == []
