"""Tests of kg.graph: the property graph built from the seed documents and from small records.

The seeds are extracted once per module; the graph must name every entity as the RDF
graph does (same IRIs, same labels), hold the whole thesaurus, keep no fact without
evidence, and come out the same whatever the order of the records.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Graph, URIRef

from kg.errors import SpanError
from kg.export import export_csv
from kg.graph import (
    EDGE_COLUMNS,
    ENDPOINTS,
    NODE_COLUMNS,
    GraphBuilder,
    GraphState,
    PropertyGraph,
    build_graph,
    graph_change,
    own_rows,
    without_documents,
)
from kg.pipeline import extract_documents
from kg.rdf import build_rdf
from kg.records import (
    Adoption,
    Agency,
    Candidate,
    Document,
    DocumentMeta,
    Extraction,
    Place,
    Span,
)
from kg.thesaurus import Thesaurus, load_thesaurus
from kg.vocab import DCT, GK, QB, RDF, RDFS, SKOS, place_iri
from ontology import thesaurus_path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return load_thesaurus()


@pytest.fixture(scope="module")
def seed_extractions() -> list[Extraction]:
    extractions, failures = extract_documents(sorted(SEEDS.glob("*")))
    assert not failures and len(extractions) == 5
    return extractions


@pytest.fixture(scope="module")
def seed_graph(seed_extractions: list[Extraction], thesaurus: Thesaurus) -> PropertyGraph:
    return build_graph(seed_extractions, thesaurus=thesaurus)


@pytest.fixture(scope="module")
def seed_rdf(seed_extractions: list[Extraction]) -> Graph:
    return build_rdf(seed_extractions, thesaurus=thesaurus_path())


# ------------------------------------------------------------------ the seeds


def test_graph_tables_have_the_declared_columns_unique_ids_and_typed_endpoints(seed_graph: PropertyGraph) -> None:
    assert list(seed_graph.nodes) == list(NODE_COLUMNS) and list(seed_graph.edges) == list(EDGE_COLUMNS)
    for label, table in seed_graph.nodes.items():
        assert list(table.columns) == list(NODE_COLUMNS[label])
        assert table["id"].is_unique and table["id"].is_monotonic_increasing, label
        assert table["label"].notna().all() and (table["label"] != "").all(), label
    labels = seed_graph.labels()
    for kind, table in seed_graph.edges.items():
        assert list(table.columns) == list(EDGE_COLUMNS[kind])
        pairs = {(labels[s], labels[d]) for s, d in zip(table["src"], table["dst"])}
        assert pairs and pairs <= set(ENDPOINTS[kind]), kind
    assert "RUNS" not in seed_graph.edges  # no record links an agency to a programme
    assert seed_graph.skipped == {}


def test_graph_names_every_node_as_the_rdf_graph_does(seed_graph: PropertyGraph, seed_rdf: Graph) -> None:
    classes = {"Document": GK.Document, "Agency": GK.Agency, "Place": GK.Place, "Policy": GK.Policy,
               "Program": GK.Program, "Proposal": GK.Proposal, "Observation": QB.Observation}
    for label, cls in classes.items():
        assert set(seed_graph.nodes[label]["id"]) == {str(s) for s in seed_rdf.subjects(RDF.type, cls)}, label
    mechanisms = {str(s) for s in seed_rdf.subjects(RDF.type, SKOS.Concept)}
    assert set(seed_graph.nodes["Mechanism"]["id"]) == mechanisms
    assert set(seed_graph.edges["ADOPTED"]["id"]) == {str(s) for s in seed_rdf.subjects(RDF.type, GK.Adoption)}
    name_of = {"Place": RDFS.label, "Agency": RDFS.label, "Program": RDFS.label, "Policy": DCT.title,
               "Mechanism": SKOS.prefLabel, "Document": DCT.title, "Proposal": DCT.title}
    for label, pred in name_of.items():
        for node, name in zip(seed_graph.nodes[label]["id"], seed_graph.nodes[label]["label"]):
            names = {str(o) for o in seed_rdf.objects(URIRef(node), pred) if getattr(o, "language", "zh") == "zh"}
            assert name in names, (label, node, name, names)


def test_graph_has_one_adopted_edge_per_exported_adoption(
    seed_graph: PropertyGraph, seed_extractions: list[Extraction], tmp_path: Path
) -> None:
    export_csv(seed_extractions, tmp_path)
    with (tmp_path / "adoptions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    adopted = seed_graph.edges["ADOPTED"]
    assert len(adopted) == len(rows) == 162
    assert sorted(zip(adopted["doc_id"], adopted["surface"], adopted["status"])) == sorted(
        (r["doc_id"], r["surface"], r["status"]) for r in rows)


def test_graph_places_at_county_level_and_above_have_codes(seed_graph: PropertyGraph) -> None:
    places = seed_graph.nodes["Place"]
    coded = places[places["level"].isin(["country", "province", "city", "county"])]
    assert len(coded) >= 20 and coded["code"].str.fullmatch(r"\d{6}").all()
    assert (coded["id"] == "https://w3id.org/govkg/id/place/" + coded["code"]).all()
    assert places[~places["level"].isin(coded["level"])]["code"].isna().all()
    within = dict(zip(seed_graph.edges["WITHIN"]["src"], seed_graph.edges["WITHIN"]["dst"]))
    label = dict(zip(places["id"], places["label"]))
    assert label[within[str(place_iri(Place(name="蒙自市", code="532503", level="county")))]] == "红河哈尼族彝族自治州"


def test_graph_is_the_same_whatever_the_order_of_the_records(seed_graph: PropertyGraph,
                                                            seed_extractions: list[Extraction],
                                                            thesaurus: Thesaurus) -> None:
    again = build_graph(seed_extractions[::-1], thesaurus=thesaurus)
    for label in seed_graph.nodes:
        pd.testing.assert_frame_equal(again.nodes[label], seed_graph.nodes[label])
    for kind in seed_graph.edges:
        pd.testing.assert_frame_equal(again.edges[kind], seed_graph.edges[kind])


def test_graph_holds_the_whole_thesaurus_with_local_forms_and_candidates(seed_graph: PropertyGraph,
                                                                        thesaurus: Thesaurus) -> None:
    mech = seed_graph.nodes["Mechanism"].set_index("label")
    assert (~mech["candidate"]).sum() == len(thesaurus.concepts)
    local = mech.loc["塞上枫桥"]
    assert local["local_form"] and local["canonical_id"] == mech.loc["枫桥经验", "id"]
    assert (local["id"], local["canonical_id"]) in set(zip(seed_graph.edges["BROADER"]["src"],
                                                          seed_graph.edges["BROADER"]["dst"]))
    assert "市民吹哨部门报到" in mech.loc["市民吹哨、部门报到", "alt_labels"].split("|")
    candidates = mech[mech["candidate"]]
    assert len(candidates) > 20 and (candidates["canonical_id"] == candidates["id"]).all()
    assert candidates["id"].str.startswith("https://w3id.org/govkg/candidate/").all()


def test_graph_links_replies_to_proposals_and_their_handlers(seed_graph: PropertyGraph) -> None:
    labels = dict(zip(seed_graph.nodes["Agency"]["id"], seed_graph.nodes["Agency"]["label"]))
    proposals = seed_graph.nodes["Proposal"].set_index("id")
    handled = seed_graph.edges["HANDLED_BY"]
    yinchuan = proposals[proposals["number"] == 162].index[0]
    rows = handled[handled["src"] == yinchuan]
    assert {labels[a] for a in rows[rows["role"] == "lead"]["dst"]} == {"银川市民政局"}
    assert {labels[a] for a in rows[rows["role"] == "co"]["dst"]} >= {"银川市委组织部", "银川市妇联"}
    assert len(rows) == 8
    assert len(seed_graph.edges["RESPONDS_TO"]) == 4 and len(seed_graph.edges["ISSUED_BY"]) == 5


# ------------------------------------------------------------------ small records

TEXT = "全市推行“三社联动”。银川市民政局牵头。"
YC = Place(name="银川市", code="640100", level="city")


def _doc(doc_id: str = "d1") -> Document:
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", path=f"{doc_id}.txt", format="txt",
                    encoding="utf-8", text=TEXT)


def _adoption(evidence: Span, status: str = "implemented", year: int | None = None) -> Adoption:
    return Adoption(doc_id="d1", place=YC, concept="three-social-linkage", mechanism="三社联动",
                    surface="三社联动", status=status, year=year, candidate=False,  # type: ignore[arg-type]
                    mention=Span.of(TEXT, "d1", 5, 9), evidence=evidence)


def test_graph_skips_and_counts_facts_without_evidence(thesaurus: Thesaurus) -> None:
    empty = Span.of(TEXT, "d1", 3, 3)
    agency = Agency(doc_id="d1", name="银川市民政局", key="银川市民政局", kind="government", place=YC,
                    mention=Span.of(TEXT, "d1", 11, 17), evidence=empty)
    ex = Extraction(document=_doc(), meta=DocumentMeta(issuer="银川市民政局"), place=YC,
                    adoptions=(_adoption(empty),), agencies=(agency,))
    pg = build_graph([ex], thesaurus=thesaurus)
    assert pg.skipped == {"Adoption: no evidence": 1, "Agency: no evidence": 1}
    assert pg.counts()["ADOPTED"] == pg.counts()["Agency"] == pg.counts()["ISSUED_BY"] == 0
    assert pg.counts()["Document"] == 1 and pg.counts()["JURISDICTION"] == 1


def test_graph_merges_repeats_of_one_adoption_as_the_rdf_graph_does(thesaurus: Thesaurus) -> None:
    first, second = Span.of(TEXT, "d1", 0, 11), Span.of(TEXT, "d1", 0, 10)
    ex = Extraction(document=_doc(), meta=DocumentMeta(), place=None,
                    adoptions=(_adoption(first, "planned", 2021), _adoption(second, "implemented", 2019)))
    adopted = build_graph([ex], thesaurus=thesaurus).edges["ADOPTED"]
    assert adopted[["status", "year", "sentence_end", "mention_start"]].to_dict("records") == [
        {"status": "implemented", "year": 2019, "sentence_end": 11, "mention_start": 5}]


def test_graph_rejects_a_misaligned_span(thesaurus: Thesaurus) -> None:
    wrong = Span(doc_id="d1", start=0, end=4, text="银川市民")
    ex = Extraction(document=_doc(), meta=DocumentMeta(), place=None, adoptions=(_adoption(wrong),))
    with pytest.raises(SpanError) as err:
        build_graph([ex], thesaurus=thesaurus)
    assert str(err.value) == "d1[0:4] is '全市推行' in d1, not '银川市民' (Adoption)"


# ------------------------------------------------------------------ taking documents out


def _assert_same_tables(left: PropertyGraph, right: PropertyGraph) -> None:
    for label in NODE_COLUMNS:
        pd.testing.assert_frame_equal(left.nodes[label], right.nodes[label], obj=label)
    for kind in EDGE_COLUMNS:
        pd.testing.assert_frame_equal(left.edges[kind], right.edges[kind], obj=kind)
    assert left.skipped == right.skipped


def _without(extractions: list[Extraction], gone: list[Extraction], added: list[Extraction],
             thesaurus: Thesaurus) -> PropertyGraph:
    """The graph of ``extractions`` and ``added`` without ``gone``, made as an incremental build
    makes it: from the state and rows of the graph of ``extractions``, not from the records."""
    builder = GraphBuilder(thesaurus)
    for ex in extractions:
        builder.add(ex)
    before = builder.finish()
    for ex in gone:
        part = GraphBuilder(thesaurus)
        part.add(ex)
        builder.state.merge(part.state, -1)
    again = GraphBuilder(thesaurus, state=builder.state)
    for ex in added:
        again.add(ex)
    return again.finish(base=without_documents(own_rows(before), [ex.document.doc_id for ex in gone]))


def test_graph_made_from_state_without_a_document_equals_the_graph_never_given_it(
        seed_extractions: list[Extraction], thesaurus: Thesaurus) -> None:
    examples, failures = extract_documents(sorted(
        p for p in (Path(__file__).resolve().parents[1] / "examples").iterdir() if p.suffix != ".md"))
    assert not failures and examples
    every = [*seed_extractions, *examples]
    for i, ex in enumerate(every):
        rest = every[:i] + every[i + 1:]
        _assert_same_tables(_without(every, [ex], [], thesaurus), build_graph(rest, thesaurus=thesaurus))
    # two out and one in, the one coming in not among the first
    _assert_same_tables(_without(every[:-1], every[:2], every[-1:], thesaurus),
                        build_graph(every[2:], thesaurus=thesaurus))


def _named(doc_id: str, text: str, places: tuple[Place, ...] = (), candidates: tuple[str, ...] = (),
           definition: str | None = None) -> Extraction:
    doc = Document(doc_id=doc_id, source=f"{doc_id}.txt", path=f"{doc_id}.txt", format="txt",
                   encoding="utf-8", text=text)
    spans = [Span.of(text, doc_id, text.index(c), text.index(c) + len(c)) for c in candidates]
    return Extraction(
        document=doc, meta=DocumentMeta(), place=None, places=places,
        place_mentions=tuple((p.key, Span.of(text, doc_id, text.index(p.name), text.index(p.name) + len(p.name)))
                             for p in places),
        candidates=tuple(Candidate(doc_id=doc_id, label=c, cue="quoted", definition=definition, mention=s,
                                   evidence=Span.of(text, doc_id, 0, len(text))) for c, s in zip(candidates, spans)))


def test_graph_state_gives_each_node_what_the_documents_left_say(thesaurus: Thesaurus) -> None:
    county = Place(name="兴庆区", code="640104", level="county")
    a = _named("a1", "兴庆区的“街巷长制”。", (county,), ("街巷长制",), "每条街巷一名街巷长")
    b = _named("b2", "兴庆区推行“街巷长制”。", (Place(name="兴庆区", code="640104", level="county", parent=YC),),
               ("街巷长制",), "街巷长统筹")
    node = str(place_iri(county))

    def definitions(pg: PropertyGraph) -> list[str]:
        return pg.nodes["Mechanism"][pg.nodes["Mechanism"]["candidate"]]["definition"].tolist()

    both = build_graph([a, b], thesaurus=thesaurus)
    assert node in set(both.edges["WITHIN"]["src"])  # the reading with its city wins, though it came second
    assert definitions(both) == ["每条街巷一名街巷长"]  # the smallest doc_id's
    without_b = _without([a, b], [b], [], thesaurus)
    assert node not in set(without_b.edges["WITHIN"]["src"]) and node in set(without_b.nodes["Place"]["id"])
    _assert_same_tables(without_b, build_graph([a], thesaurus=thesaurus))
    without_a = _without([a, b], [a], [], thesaurus)
    assert node in set(without_a.edges["WITHIN"]["src"]) and definitions(without_a) == ["街巷长统筹"]
    _assert_same_tables(without_a, build_graph([b], thesaurus=thesaurus))
    gone = _without([a, b], [a, b], [], thesaurus)  # nothing left of either: no candidate, no place
    _assert_same_tables(gone, build_graph([], thesaurus=thesaurus))
    assert gone.counts()["Place"] == 0 and not gone.nodes["Mechanism"]["candidate"].any()


def test_graph_state_refuses_to_take_out_what_was_never_put_in(thesaurus: Thesaurus) -> None:
    part = GraphBuilder(thesaurus)
    part.add(_named("a1", "银川市推行“街巷长制”。", (YC,), ("街巷长制",)))
    with pytest.raises(ValueError, match="took more of"):
        GraphState().merge(part.state, -1)


def test_graph_builder_finish_leaves_the_builder_as_it_was(thesaurus: Thesaurus,
                                                           seed_extractions: list[Extraction]) -> None:
    builder = GraphBuilder(thesaurus)
    builder.add(seed_extractions[0])
    builder.finish()
    for ex in seed_extractions[1:]:
        builder.add(ex)
    _assert_same_tables(builder.finish(), build_graph(seed_extractions, thesaurus=thesaurus))


def test_graph_change_told_the_documents_that_came_and_went_finds_what_comparing_every_row_finds(
        seed_extractions: list[Extraction], thesaurus: Thesaurus) -> None:
    before = build_graph(seed_extractions[:3], thesaurus=thesaurus)
    after = build_graph(seed_extractions[1:], thesaurus=thesaurus)
    moved = {ex.document.doc_id for ex in (*seed_extractions[:1], *seed_extractions[3:])}
    told, compared = graph_change(before, after, documents=moved), graph_change(before, after)
    for kind in compared.stale:
        for mine, theirs in ((told.stale[kind], compared.stale[kind]), (told.fresh[kind], compared.fresh[kind])):
            pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), obj=kind)
    assert len(compared.stale["Document"]) == 1 and len(compared.fresh["Document"]) == 2
    assert len(compared.fresh["MENTIONS"]) > 100 and len(compared.stale["ADOPTED"]) > 0
    unchanged = graph_change(after, after, documents=set())
    assert not any(len(t) for t in (*unchanged.stale.values(), *unchanged.fresh.values()))
