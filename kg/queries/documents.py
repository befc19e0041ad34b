"""The document questions: citations, replies, agency and documents.

Each ``*_networkx`` function answers its question over the networkx projection with the
rows its SPARQL and Cypher twins (``queries/<name>.rq``, ``queries/<name>.cypher``)
return, unsorted; :func:`kg.queries.ask` sorts and compares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from kg.queries.adoption import place_name
from kg.queries.question import Question, Row
from kg.queries.walk import adoptions, document_name, labels, named, of_kind, with_forms
from kg.vocab import doc_node

__all__ = ["DOCUMENT_QUESTIONS", "agency_networkx", "citations_networkx", "documents_networkx", "entity_name",
           "level_names", "policy_title", "replies_networkx"]


# ------------------------------------------------------------------ citations


def policy_title(words: str) -> str:
    """Words of a policy title as they are matched: without the 《》 around a title, nor the spaces at its ends.

    Examples
    --------
    >>> policy_title(" 《社区工作准入目录(试行)》 ")
    '社区工作准入目录(试行)'
    """
    return words.strip().removeprefix("《").removesuffix("》").strip()


def citations_networkx(graph: nx.MultiDiGraph, *, words: str, mechanism: str) -> list[Row]:
    """``citations`` over the networkx graph: the rows of ``queries/citations.cypher``, unsorted.

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p", kind="Policy", label="社区工作准入目录(试行)", title="社区工作准入目录(试行)", year=None)
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="honghe.txt", title="答复",
    ...            published="2021-11-02")
    >>> _ = g.add_edge(str(doc_iri("d1")), "p", type="CITES", sentence="制定《社区工作准入目录(试行)》。")
    >>> citations_networkx(g, words="准入目录", mechanism="")
    [('准入目录', '', '社区工作准入目录(试行)', None, 'honghe.txt', '答复', '2021-11-02', '制定《社区工作准入目录(试行)》。')]
    >>> g.add_node("m", kind="Mechanism", label="三社联动", alt_labels="", local_form=False)
    >>> g.add_node("hh", kind="Place", label="红河哈尼族彝族自治州")
    >>> citations_networkx(g, words="", mechanism="三社联动")
    []
    >>> _ = g.add_edge("hh", "m", type="ADOPTED", doc_id="d1")
    >>> [row[2] for row in citations_networkx(g, words="", mechanism="三社联动")]
    ['社区工作准入目录(试行)']
    """
    nodes = graph.nodes
    if mechanism:  # from the documents adopting it: fewer than the citations of every policy
        adopting = {doc_node(edge["doc_id"]) for _, _, edge, _ in adoptions(graph, with_forms(graph, mechanism))}
        cites = ((doc, policy, edge) for doc in adopting for _, policy, edge in graph.out_edges(doc, data=True))
    else:
        cites = ((doc, policy, edge) for policy, attrs in of_kind(graph, "Policy") if words in (attrs.get("title") or "")
                 for doc, _, edge in graph.in_edges(policy, data=True))
    rows: set[Row] = set()
    for doc, policy, edge in cites:
        attrs, found = nodes[policy], nodes[doc]
        if (edge.get("type") != "CITES" or attrs.get("kind") != "Policy" or found.get("kind") != "Document"
                or words not in (attrs.get("title") or "")):
            continue
        rows.add((words, mechanism, attrs["title"], attrs.get("year"), document_name(found),
                  found.get("title"), found.get("published"), edge.get("sentence")))
    return list(rows)


# ------------------------------------------------------------------ replies


def level_names(words: str) -> str:
    """The names a proposal's level may equal, ``|``-joined: as typed, and a short form's full name.

    Levels are stored as the documents write them (红河州) or as the loader completed them
    (市政协 → 银川市), so a stored level matches when it is either name. A level stored as a
    short form is not found by its full name: the graph does not link a level to its place.

    Examples
    --------
    >>> level_names("红河州"), level_names("银川"), level_names("银川市")
    ('红河州|红河哈尼族彝族自治州', '银川|银川市', '银川市')
    """
    full = place_name(words)
    return words if full == words else f"{words}|{full}"


def _handled_by(graph: nx.MultiDiGraph, proposal: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(role, agency attributes)`` for every ``HANDLED_BY`` edge of ``proposal``."""
    nodes = graph.nodes
    return [(edge.get("role"), nodes[agency]) for _, agency, edge in graph.out_edges(proposal, data=True)
            if edge.get("type") == "HANDLED_BY" and nodes[agency].get("kind") == "Agency"]


def replies_networkx(graph: nx.MultiDiGraph, *, body: str, level: str, proposer: str, handler: str) -> list[Row]:
    """``replies`` over the networkx graph: the rows of ``queries/replies.cypher``, unsorted.

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p", kind="Proposal", title="关于加强基层治理建设平安社区的提案", body="政协", level="银川市",
    ...            term=14, session=1, number=162, proposal_kind="提案", proposers="陈春娥等8委员")
    >>> g.add_node("mz", kind="Agency", label="银川市民政局", alt_labels="")
    >>> g.add_node("ga", kind="Agency", label="银川市公安局", alt_labels="")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt", title="答复",
    ...            published="2022-08-31", issuer="银川市民政局")
    >>> _ = g.add_edge(str(doc_iri("d1")), "p", type="RESPONDS_TO")
    >>> _ = g.add_edge("p", "mz", type="HANDLED_BY", role="lead", doc_id="d1")
    >>> _ = g.add_edge("p", "ga", type="HANDLED_BY", role="co", doc_id="d1")
    >>> [row] = replies_networkx(g, body="政协", level="银川|银川市", proposer="", handler="公安")
    >>> row[:4], row[4:8]
    (('政协', '银川|银川市', '', '公安'), ('yinchuan.txt', '答复', '2022-08-31', '银川市民政局'))
    >>> row[8:]
    ('关于加强基层治理建设平安社区的提案', '银川市政协', 14, 1, '提案', 162, '陈春娥等8委员', ('银川市民政局',), ('银川市公安局',))
    >>> replies_networkx(g, body="人大", level="", proposer="", handler="")
    []
    """
    nodes = graph.nodes
    rows: list[Row] = []
    for proposal, p in of_kind(graph, "Proposal"):
        stored, proposers = p.get("level"), p.get("proposers") or ""
        handled = _handled_by(graph, proposal)
        if ((body and p.get("body") != body)
                or (level and not (stored and f"|{stored}|" in f"|{level}|"))
                or (proposer and ("|" in proposer or proposer not in proposers))
                or (handler and ("|" in handler or not any(handler in name for _, agency in handled
                                                           for name in labels(agency))))):
            continue
        assembly = (stored or "") + (p.get("body") or "")
        lead = tuple(agency.get("label") for role, agency in handled if role == "lead")
        co = tuple(agency.get("label") for role, agency in handled if role == "co")
        for doc, _, kind in graph.in_edges(proposal, data="type"):  # the documents answering it
            found = nodes[doc]
            if kind == "RESPONDS_TO" and found.get("kind") == "Document":
                rows.append((body, level, proposer, handler, document_name(found), found.get("title"),
                             found.get("published"), found.get("issuer"), p.get("title"), assembly or None,
                             p.get("term"), p.get("session"), p.get("proposal_kind"), p.get("number"), proposers,
                             lead, co))
    return rows


# ------------------------------------------------------------------ agency


def agency_networkx(graph: nx.MultiDiGraph, *, name: str) -> list[Row]:
    """``agency`` over the networkx graph: the rows of ``queries/agency.cypher``, unsorted.

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("mz", kind="Agency", label="银川市民政局", alt_labels="市民政局")
    >>> g.add_node("p", kind="Proposal", title="关于促进社区服务业发展的建议")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="004.txt", title="协办意见的函",
    ...            published="2017-08-22")
    >>> _ = g.add_edge(str(doc_iri("d1")), "mz", type="ISSUED_BY")
    >>> _ = g.add_edge(str(doc_iri("d1")), "p", type="RESPONDS_TO")
    >>> _ = g.add_edge("p", "mz", type="HANDLED_BY", role="co", doc_id="d1")
    >>> for row in sorted(agency_networkx(g, name="市民政局")):
    ...     print(row)
    ('市民政局', '银川市民政局', 'co', '004.txt', '协办意见的函', '2017-08-22', '关于促进社区服务业发展的建议')
    ('市民政局', '银川市民政局', 'issued', '004.txt', '协办意见的函', '2017-08-22', '关于促进社区服务业发展的建议')
    """
    nodes = graph.nodes
    rows: set[Row] = set()

    def add(agency: str, role: str, doc: str) -> None:
        found = nodes[doc]
        titles = [nodes[p].get("title") for _, p, kind in graph.out_edges(doc, data="type")
                  if kind == "RESPONDS_TO" and nodes[p].get("kind") == "Proposal"]
        for title in titles or [None]:
            rows.add((name, nodes[agency].get("label"), role, document_name(found), found.get("title"),
                      found.get("published"), title))

    for agency in named(graph, name, "Agency"):
        for src, _, edge in graph.in_edges(agency, data=True):
            if edge.get("type") == "ISSUED_BY" and nodes[src].get("kind") == "Document":
                add(agency, "issued", src)
            elif edge.get("type") == "HANDLED_BY" and nodes[src].get("kind") == "Proposal":
                for doc, _, kind in graph.in_edges(src, data="type"):
                    if kind == "RESPONDS_TO" and nodes[doc].get("kind") == "Document":
                        add(agency, edge.get("role"), doc)
    return list(rows)


# ------------------------------------------------------------------ documents


def entity_name(words: str) -> str:
    """An entity's name as it is matched: a title without its 《》, a short place name as the full name.

    Examples
    --------
    >>> entity_name("《社区工作准入目录(试行)》"), entity_name(" 红河州 "), entity_name("三社联动")
    ('社区工作准入目录(试行)', '红河哈尼族彝族自治州', '三社联动')
    """
    return place_name(policy_title(words))


def documents_networkx(graph: nx.MultiDiGraph, *, entity: str) -> list[Row]:
    """``documents`` over the networkx graph: the rows of ``queries/documents.cypher``, unsorted.

    A document mentions what its ``MENTIONS`` edges reach: for a mechanism, the mechanism or
    one of its local forms. (The RDF's ``gk:mentions`` places are the places the extraction
    lists, the property graph's those it has a mention span of; :mod:`kg.pipeline` lists
    exactly the places it found mentions of, so the two agree.)

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="枫桥经验", alt_labels="", local_form=False, candidate=False)
    >>> g.add_node("f", kind="Mechanism", label="塞上枫桥", alt_labels="", local_form=True, candidate=False)
    >>> g.add_node("yc", kind="Place", label="银川市", alt_labels="")
    >>> g.add_node(str(doc_iri("d1")), kind="Document", doc_id="d1", source="yinchuan.txt", title="答复",
    ...            issuer="银川市民政局", published="2022-08-31")
    >>> _ = g.add_edge("f", "m", type="BROADER")
    >>> for node in ("f", "yc"):
    ...     _ = g.add_edge(str(doc_iri("d1")), node, type="MENTIONS", count=1)
    >>> documents_networkx(g, entity="枫桥经验")
    [('枫桥经验', 'Mechanism', '塞上枫桥', 'yinchuan.txt', 'd1', '答复', '银川市民政局', '2022-08-31')]
    >>> [row[1:3] for row in documents_networkx(g, entity="银川市")]
    [('Place', '银川市')]
    """
    if not entity:
        return []
    nodes = graph.nodes
    kinds = {node: kind for kind in ("Place", "Agency", "Program") for node in named(graph, entity, kind)}
    kinds |= {node: "Policy" for node, attrs in of_kind(graph, "Policy") if attrs.get("title") == entity}
    kinds |= {form: "Candidate" if nodes[form].get("candidate") else "Mechanism" for form in with_forms(graph, entity)}
    rows: set[Row] = set()
    for node, kind in kinds.items():
        matched = nodes[node].get("title" if kind == "Policy" else "label")
        for doc, _, edge in graph.in_edges(node, data="type"):
            found = nodes[doc]
            if edge == "MENTIONS" and found.get("kind") == "Document":
                rows.add((entity, kind, matched, document_name(found), found.get("doc_id"), found.get("title"),
                          found.get("issuer"), found.get("published")))
    return list(rows)


#: The document questions, by name.
DOCUMENT_QUESTIONS: dict[str, Question] = {
    "citations": Question(
        params=(), optional=("policy", "mechanism"), require_one=True,
        sparql="citations.rq", cypher="citations.cypher", networkx=citations_networkx,
        columns={"words": str, "mechanism": str, "policy": str, "year": int, "document": str, "title": str,
                 "published": str, "evidence": str},
        variables={"policy": "words"}, names={"policy": policy_title},
        order=("policy", "published", "document", "evidence"),
        examples=({"policy": "社区工作准入"}, {"mechanism": "三社联动"}),
    ),
    "replies": Question(
        params=(), optional=("body", "level", "proposer", "handler"), require_one=False,
        sparql="replies.rq", cypher="replies.cypher", networkx=replies_networkx,
        columns={"body": str, "level": str, "proposer": str, "handler": str, "document": str, "title": str,
                 "published": str, "issuer": str, "proposal": str, "assembly": str, "term": int, "session": int,
                 "kind": str, "number": int, "proposers": list, "lead": list, "co_handlers": list},
        names={"level": level_names},
        order=("-published", "document"),
        examples=({"body": "人大"}, {"handler": "公安局"}, {"level": "红河州"}, {}),
    ),
    "agency": Question(
        params=("name",), sparql="agency.rq", cypher="agency.cypher", networkx=agency_networkx,
        columns={"name": str, "agency": str, "role": str, "document": str, "title": str, "published": str,
                 "proposal": str},
        order=("-published", "document", "role"),
        examples=({"name": "银川市民政局"}, {"name": "舟山市人民政府办公室"}),
    ),
    "documents": Question(
        params=(), each="entity", key="doc_id",
        sparql="documents.rq", cypher="documents.cypher", networkx=documents_networkx,
        columns={"entity": str, "kind": str, "matched": str, "document": str, "doc_id": str, "title": str,
                 "issuer": str, "published": str},
        names={"entity": entity_name},
        order=("-published", "document", "entity", "kind", "matched"),
        examples=({"entity": ["三社联动", "红河州"]}, {"entity": ["枫桥经验"]}),
    ),
}
