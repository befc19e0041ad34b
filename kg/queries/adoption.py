"""The adoption questions: adopters, variants, timeline, mechanisms and co-adoption.

Each ``*_networkx`` function answers its question over the networkx projection with the
rows its SPARQL and Cypher twins (``queries/<name>.rq``, ``queries/<name>.cypher``)
return, unsorted; :func:`kg.queries.ask` sorts and compares them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import networkx as nx

from kg.gazetteer import load_gazetteer
from kg.queries.question import Question, Row
from kg.queries.walk import adoption_year, adoptions, document_name, local_forms, named, reaching, with_forms
from kg.vocab import doc_iri, doc_node  # noqa: F401 (doc_iri: the examples below use it)

__all__ = ["ADOPTION_QUESTIONS", "adopters_networkx", "co_adoption_networkx", "mechanisms_networkx", "place_name",
           "timeline_networkx", "variants_networkx"]


def adopters_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[Row]:
    """``adopters`` over the networkx graph: the rows of ``queries/adopters.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", alt_labels="新时代枫桥经验", local_form=False)
    >>> g.add_node("f", kind="Mechanism", label="塞上枫桥", alt_labels="", local_form=True)
    >>> g.add_node("p", kind="Place", label="银川市", code="640100")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt")
    >>> _ = g.add_edge("f", "m", type="BROADER")
    >>> _ = g.add_edge("p", "f", type="ADOPTED", status="implemented", year=2019, doc_id="d1",
    ...                sentence="银川市打造“塞上枫桥”。")
    >>> adopters_networkx(g, name="新时代枫桥经验")
    [('新时代枫桥经验', '银川市', '640100', '塞上枫桥', 'implemented', 2019, 'yinchuan.txt', '银川市打造“塞上枫桥”。')]
    """
    nodes = graph.nodes
    return list({(name, nodes[place].get("label"), nodes[place].get("code"), nodes[form].get("label"),
                  edge.get("status"), edge.get("year"), document_name(doc), edge.get("sentence"))
                 for place, form, edge, doc in adoptions(graph, with_forms(graph, name))})


# ------------------------------------------------------------------ variants


def variants_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[Row]:
    """``variants`` over the networkx graph: the rows of ``queries/variants.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="吹哨报到", alt_labels="", local_form=False)
    >>> g.add_node("f", kind="Mechanism", label="街道吹哨、部门报到", alt_labels="", local_form=True)
    >>> g.add_node("p", kind="Place", label="银川市", code="640100")
    >>> _ = g.add_edge("f", "m", type="BROADER")
    >>> for doc_id, published in (("d1", "2022-08-31"), ("d2", "2019-03-01"), ("d3", None)):
    ...     g.add_node(str(doc_iri(doc_id)), kind="Document", doc_id=doc_id, source=f"{doc_id}.txt",
    ...                published=published)
    ...     _ = g.add_edge("p", "f", type="ADOPTED", doc_id=doc_id)
    >>> variants_networkx(g, name="吹哨报到")
    [('吹哨报到', '街道吹哨、部门报到', '银川市', '640100', 3, 'd2.txt', '2019-03-01')]
    """
    nodes = graph.nodes
    docs: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for place, form, _, doc in adoptions(graph, local_forms(graph, named(graph, name, "Mechanism"))):
        docs.setdefault((form, place), {})[doc["doc_id"]] = doc
    rows: list[Row] = []
    for (form, place), found in docs.items():
        dates = [doc["published"] for doc in found.values() if doc.get("published") is not None]
        first = min(dates, default=None)
        document = min(document_name(doc) for doc in found.values() if first is None or doc.get("published") == first)
        rows.append((name, nodes[form].get("label"), nodes[place].get("label"), nodes[place].get("code"),
                     len(found), document, first))
    return rows


# ------------------------------------------------------------------ timeline


def timeline_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[Row]:
    """``timeline`` over the networkx graph: the rows of ``queries/timeline.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="三社联动", alt_labels="", local_form=False)
    >>> for place, doc_id, published, year in (("zs", "d1", "2020-09-02", None), ("by", "d2", "2021-03-18", None),
    ...                                       ("hh", "d3", "2021-11-02", 2015), ("yc", "d4", None, None)):
    ...     g.add_node(place, kind="Place", label=place)
    ...     g.add_node(str(doc_iri(doc_id)), kind="Document", doc_id=doc_id, published=published)
    ...     _ = g.add_edge(place, "m", type="ADOPTED", id=f"{place}-{doc_id}", doc_id=doc_id, year=year)
    >>> sorted(timeline_networkx(g, name="三社联动"), key=lambda row: (row[1] is not None, row[1]))
    [('三社联动', None, 1, 1, None), ('三社联动', 2015, 1, 1, 1), ('三社联动', 2020, 1, 1, 2), ('三社联动', 2021, 1, 1, 3)]
    """
    found: dict[str, tuple[str, int | None]] = {}
    for place, _, edge, doc in adoptions(graph, with_forms(graph, name)):
        found[edge["id"]] = (place, adoption_year(edge, doc))
    years: dict[int | None, list[str]] = {}
    for place, year in found.values():
        years.setdefault(year, []).append(place)
    return [(name, year, len(places), len(set(places)),
             None if year is None else sum(len(p) for y, p in years.items() if y is not None and y <= year))
            for year, places in years.items()]


# ------------------------------------------------------------------ mechanisms


def place_name(name: str) -> str:
    """The full name of a division written in a short form the gazetteer knows, else ``name``.

    Places are stored under their full names; this lets a user type 红河州 or 银川.
    A name the gazetteer does not know, or knows as several divisions, is kept as typed.

    Examples
    --------
    >>> place_name("红河州"), place_name("银川市"), place_name("鼓楼区"), place_name("金湖南社区")
    ('红河哈尼族彝族自治州', '银川市', '鼓楼区', '金湖南社区')
    """
    if not name:
        return name
    place = load_gazetteer().resolve(name)
    return name if place is None else place.name


def mechanisms_networkx(graph: nx.MultiDiGraph, *, name: str, within: bool) -> list[Row]:
    """``mechanisms`` over the networkx graph: the rows of ``queries/mechanisms.cypher``, unsorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", canonical_id="m")
    >>> g.add_node("f", kind="Mechanism", label="塞上枫桥", canonical_id="m")
    >>> g.add_node("nx", kind="Place", label="宁夏回族自治区", alt_labels="", code="640000")
    >>> g.add_node("yc", kind="Place", label="银川市", alt_labels="", code="640100")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt")
    >>> _ = g.add_edge("yc", "nx", type="WITHIN")
    >>> _ = g.add_edge("yc", "f", type="ADOPTED", status="implemented", year=None, doc_id="d1",
    ...                sentence="银川市打造“塞上枫桥”。")
    >>> mechanisms_networkx(g, name="宁夏回族自治区", within=False)
    []
    >>> mechanisms_networkx(g, name="宁夏回族自治区", within=True)
    [('宁夏回族自治区', True, '银川市', '640100', '枫桥经验', '塞上枫桥', 'implemented', None, 'yinchuan.txt', '银川市打造“塞上枫桥”。')]
    """
    nodes = graph.nodes
    targets = named(graph, name, "Place")
    places = {place for target in targets for place in (target, *(reaching(graph, target, "WITHIN") if within else ()))
              if nodes[place].get("kind") == "Place"}
    rows: set[Row] = set()
    for place in places:
        for _, form, edge in graph.out_edges(place, data=True):
            if edge.get("type") != "ADOPTED" or nodes[form].get("kind") != "Mechanism":
                continue
            canonical = nodes.get(nodes[form].get("canonical_id"))
            doc = nodes.get(doc_node(edge["doc_id"]))
            if canonical is None or canonical.get("kind") != "Mechanism" or doc is None:
                continue
            rows.add((name, within, nodes[place].get("label"), nodes[place].get("code"), canonical.get("label"),
                      nodes[form].get("label"), edge.get("status"), edge.get("year"), document_name(doc),
                      edge.get("sentence")))
    return list(rows)




# ------------------------------------------------------------------ co-adoption


def co_adoption_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[Row]:
    """``co-adoption`` over the networkx graph: the rows of ``queries/co-adoption.cypher``, unsorted.

    The places that adopted the mechanism named ``name`` (or one of its local forms), then
    every other mechanism those places adopted, each counted once per place under its
    canonical concept (a local form counts as the concept it is a form of).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for node, label in (("m", "三社联动"), ("g", "网格化管理"), ("f", "枫桥经验")):
    ...     g.add_node(node, kind="Mechanism", label=label, alt_labels="", local_form=False, canonical_id=node)
    >>> g.add_node("s", kind="Mechanism", label="塞上枫桥", alt_labels="", local_form=True, canonical_id="f")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1")
    >>> for place, form in (("银川市", "m"), ("银川市", "s"), ("银川市", "g"), ("舟山市", "m"), ("舟山市", "g"),
    ...                     ("白银市", "f")):
    ...     g.add_node(place, kind="Place", label=place)
    ...     _ = g.add_edge(place, form, type="ADOPTED", doc_id="d1")
    >>> sorted(co_adoption_networkx(g, name="三社联动"), key=lambda row: -row[2])
    [('三社联动', '网格化管理', 2, ('舟山市', '银川市')), ('三社联动', '枫桥经验', 1, ('银川市',))]
    """
    nodes = graph.nodes
    found: defaultdict[str, set[str]] = defaultdict(set)  # co-adopted canonical concept → places
    for mechanism in named(graph, name, "Mechanism"):
        own = nodes[mechanism].get("canonical_id")
        places = {place for place, _, _, _ in adoptions(graph, {mechanism} | local_forms(graph, [mechanism]))}
        for place in places:
            for _, form, edge in graph.out_edges(place, data=True):
                if edge.get("type") != "ADOPTED" or nodes[form].get("kind") != "Mechanism":
                    continue
                canonical = nodes[form].get("canonical_id")
                if (canonical != own and nodes.get(canonical, {}).get("kind") == "Mechanism"
                        and doc_node(edge["doc_id"]) in nodes):
                    found[canonical].add(place)
    return [(name, nodes[canonical].get("label"), len(places), tuple(sorted(nodes[p].get("label") for p in places)))
            for canonical, places in found.items()]


#: The adoption questions, by name.
ADOPTION_QUESTIONS: dict[str, Question] = {
    "adopters": Question(
        params=("mechanism",), sparql="adopters.rq", cypher="adopters.cypher", networkx=adopters_networkx,
        columns={"name": str, "place": str, "code": str, "form": str, "status": str, "year": int,
                 "document": str, "evidence": str},
        variables={"mechanism": "name"},
        order=("code", "place", "form", "year", "document", "evidence", "status"),
        examples=({"mechanism": "枫桥经验"}, {"mechanism": "三社联动"}),
    ),
    "mechanisms": Question(
        params=("place",), flags=("within",), sparql="mechanisms.rq", cypher="mechanisms.cypher",
        networkx=mechanisms_networkx,
        columns={"name": str, "within": bool, "place": str, "code": str, "mechanism": str, "form": str,
                 "status": str, "year": int, "document": str, "evidence": str},
        variables={"place": "name"}, names={"place": place_name},
        order=("code", "place", "mechanism", "form", "year", "document", "evidence", "status"),
        examples=({"place": "银川市"}, {"place": "红河州", "within": True}),
    ),
    "variants": Question(
        params=("mechanism",), sparql="variants.rq", cypher="variants.cypher", networkx=variants_networkx,
        columns={"name": str, "form": str, "place": str, "code": str, "documents": int, "first_document": str,
                 "first_published": str},
        variables={"mechanism": "name"},
        order=("form", "code", "place"),
        examples=({"mechanism": "吹哨报到"}, {"mechanism": "枫桥经验"}),
    ),
    "co-adoption": Question(
        params=("mechanism",), sparql="co-adoption.rq", cypher="co-adoption.cypher", networkx=co_adoption_networkx,
        columns={"name": str, "mechanism": str, "places": int, "place_names": list},
        variables={"mechanism": "name"},
        order=("-places", "mechanism"),
        examples=({"mechanism": "三社联动"}, {"mechanism": "网格化管理"}),
    ),
    "timeline": Question(
        params=("mechanism",), sparql="timeline.rq", cypher="timeline.cypher", networkx=timeline_networkx,
        columns={"name": str, "year": int, "adoptions": int, "places": int, "cumulative": int},
        variables={"mechanism": "name"},
        order=("year",),
        examples=({"mechanism": "三社联动"}, {"mechanism": "枫桥经验"}),
    ),
}
