// replies: the documents that answer a proposal (提案, 议案, 建议), by the assembly that
// received it, its proposers and the agencies handling it.
//
// The Cypher twin of replies.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameters (kg.queries.ask binds all four; '' means no filter, and a given one is not blank)
//   $body      政协 or 人大: the proposal's body equals it
//   $level     the level the assembly sits at (银川市, 红河州, 宁夏回族自治区 …), as one or
//              more names '|'-joined: the proposal's level, as stored, is one of them. (ask
//              binds the name as typed and, when the gazetteer knows it as a short form, the
//              full name too: 银川 → '银川|银川市', 红河州 → '红河州|红河哈尼族彝族自治州';
//              a level stored as a short form is found by the short form, not by the full name.)
//   $proposer  part of a proposer's name, as written (九三学社, 陈春娥 …): some name of the
//              '|'-joined proposers contains it; one holding '|' matches none
//   $handler   part of a handling agency's name (民政局, 公安局 …): the label or one of the
//              '|'-joined alt_labels of an Agency the proposal is HANDLED_BY (lead or co)
//              contains it; one holding '|' matches none. A handler not among the document's
//              agencies has no HANDLED_BY and is not searched.
//
// Columns, one row per answering document (the same as replies.rq)
//   body         the body asked for ('' when not given)
//   level        the level names asked for ('' when not given)
//   proposer     the proposer words asked for ('' when not given)
//   handler      the handler words asked for ('' when not given)
//   document     the answering document's source file name, else its doc_id
//   title        its title, if known
//   published    its publication date, if known (as written)
//   issuer       its issuer, as the document names it
//   proposal     the proposal's title, if known
//   assembly     the proposal's level and body as one name (红河州政协, 舟山市人大), if known
//   term         the assembly's term (届), if known
//   session      the session (次会议), if known
//   kind         提案 | 议案 | 建议 (the proposal_kind), if known
//   number       the proposal's number, if known
//   proposers    its proposers ('|'-joined; kg.queries.ask sorts them)
//   lead         the labels of the Agencies it is HANDLED_BY with role 'lead', as a list
//   co_handlers  the labels of those with role 'co', as a list

MATCH (doc:Document)-[:RESPONDS_TO]->(p:Proposal)
WHERE ($body = '' OR p.body = $body)  // LadybugDB: x CONTAINS '' is false, so '' is tested first
  AND ($level = '' OR (p.level <> '' AND ('|' + $level + '|') CONTAINS ('|' + p.level + '|')))
  AND ($proposer = '' OR (NOT ($proposer CONTAINS '|')
                          AND ('|' + coalesce(p.proposers, '') + '|') CONTAINS $proposer))
  AND ($handler = '' OR (NOT ($handler CONTAINS '|') AND EXISTS {
        MATCH (p)-[:HANDLED_BY]->(someAgency:Agency)
        WHERE ('|' + someAgency.label + '|' + coalesce(someAgency.alt_labels, '') + '|') CONTAINS $handler
      }))
OPTIONAL MATCH (p)-[l:HANDLED_BY]->(leadAgency:Agency)
WHERE l.role = 'lead'
OPTIONAL MATCH (p)-[c:HANDLED_BY]->(coAgency:Agency)
WHERE c.role = 'co'
WITH doc, p, coalesce(p.level, '') + coalesce(p.body, '') AS assembly,
     collect(DISTINCT leadAgency.label) AS lead, collect(DISTINCT coAgency.label) AS co_handlers
RETURN $body AS body, $level AS level, $proposer AS proposer, $handler AS handler,
       coalesce(doc.source, doc.doc_id) AS document, doc.title AS title, doc.published AS published,
       doc.issuer AS issuer, p.title AS proposal,
       CASE WHEN assembly = '' THEN NULL ELSE assembly END AS assembly,
       p.term AS term, p.session AS session, p.proposal_kind AS kind, p.number AS number,
       p.proposers AS proposers, lead, co_handlers
ORDER BY published DESC, document
