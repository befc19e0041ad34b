"""The metrics question: observations with values, units, as-of dates and evidence.

:func:`metrics_networkx` answers it over the networkx projection with the rows its SPARQL
and Cypher twins (``queries/metrics.rq``, ``queries/metrics.cypher``) return, unsorted;
:func:`kg.queries.ask` sorts and compares them.
"""

from __future__ import annotations

import networkx as nx

from kg.queries.adoption import place_name
from kg.queries.question import Question, Row
from kg.queries.walk import document_name, named, of_kind, reaching
from kg.vocab import doc_node

__all__ = ["METRIC_QUESTIONS", "metrics_networkx"]


def metrics_networkx(graph: nx.MultiDiGraph, *, name: str, words: str, within: bool) -> list[Row]:
    """``metrics`` over the networkx graph: the rows of ``queries/metrics.cypher``, unsorted.

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("yc", kind="Place", label="银川市", alt_labels="", code="640100")
    >>> g.add_node("jf", kind="Place", label="金凤区", alt_labels="", code="640106")
    >>> _ = g.add_edge("jf", "yc", type="WITHIN")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt")
    >>> g.add_node("o", kind="Observation", indicator="网格员人数", value=330.0, unit="名", qualifier=None,
    ...            date="2017", doc_id="d1", sentence="招聘了330名网格员。")
    >>> _ = g.add_edge("o", "jf", type="MEASURED")
    >>> metrics_networkx(g, name="银川市", words="", within=False)
    []
    >>> metrics_networkx(g, name="银川市", words="网格员", within=True)
    [('银川市', '网格员', True, '金凤区', '640106', '网格员人数', 330.0, '名', None, '2017', 'yinchuan.txt', '招聘了330名网格员。')]
    """
    nodes = graph.nodes
    places: set[str] | None = None
    if name:
        targets = named(graph, name, "Place")
        places = {place for target in targets
                  for place in (target, *(reaching(graph, target, "WITHIN") if within else ()))}
    rows: set[Row] = set()
    for observation, attrs in of_kind(graph, "Observation"):
        if words not in (attrs.get("indicator") or ""):
            continue
        doc = nodes.get(doc_node(attrs["doc_id"]))
        if doc is None:
            continue
        for _, place, edge in graph.out_edges(observation, data="type"):
            if edge != "MEASURED" or nodes[place].get("kind") != "Place" or (places is not None and place not in places):
                continue
            rows.add((name, words, within, nodes[place].get("label"), nodes[place].get("code"), attrs["indicator"],
                      attrs.get("value"), attrs.get("unit"), attrs.get("qualifier"), attrs.get("date"),
                      document_name(doc), attrs.get("sentence")))
    return list(rows)


#: The metrics question, by name.
METRIC_QUESTIONS: dict[str, Question] = {
    "metrics": Question(
        params=(), optional=("place", "indicator"), require_one=True, flags=("within",),
        sparql="metrics.rq", cypher="metrics.cypher", networkx=metrics_networkx,
        columns={"name": str, "words": str, "within": bool, "place": str, "code": str, "indicator": str,
                 "value": float, "unit": str, "qualifier": str, "date": str, "document": str, "evidence": str},
        variables={"place": "name", "indicator": "words"}, names={"place": place_name},
        order=("code", "place", "indicator", "date", "value", "document", "evidence"),
        examples=({"place": "银川市", "within": True}, {"indicator": "网格员"}),
    ),
}
