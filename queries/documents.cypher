// documents: the documents that mention an entity — a place, an agency, a mechanism, a
// policy or a programme — newest first.
//
// The Cypher twin of documents.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $entity  the entity's name as stored, matched whole: a Place's, an Agency's or a
//            Mechanism's (thesaurus concept or candidate) label or one of its '|'-joined
//            alt_labels; a Policy's title; a Program's label. (kg.queries.ask drops the 《》
//            around a title and the spaces at its ends, and turns a short place name such
//            as 红河州 into the full name; with several entities it runs this query once per
//            entity and keeps the documents found for every one.) '' matches nothing, and a
//            name holding '|' no alt label.
//
// A document mentions a node when it has a MENTIONS edge to it; for a mechanism, to it or
// to a local form of it (a Mechanism with local_form true whose BROADER chain leads to it).
// The build adds MENTIONS for every place, agency, policy, programme and candidate the
// document names and for every mechanism it states an adoption of.
//
// Columns, one row per entity node and mentioning document (the same as documents.rq)
//   entity     the name asked for
//   kind       Place | Agency | Mechanism | Candidate | Policy | Program
//   matched    the label of the node the document mentions: the entity's, or for a
//              mechanism the local form's (塞上枫桥 for 枫桥经验)
//   document   the document's source file name, else its doc_id
//   doc_id     its doc_id
//   title      its title, if known
//   issuer     its issuer, as the document names it, if known
//   published  its publication date, if known (as written)

MATCH (doc:Document)-[:MENTIONS]->(x:Place)
WHERE $entity <> '' AND (x.label = $entity OR (NOT ($entity CONTAINS '|')
                         AND ('|' + x.alt_labels + '|') CONTAINS ('|' + $entity + '|')))
RETURN $entity AS entity, 'Place' AS kind, x.label AS matched, coalesce(doc.source, doc.doc_id) AS document,
       doc.doc_id AS doc_id, doc.title AS title, doc.issuer AS issuer, doc.published AS published
UNION
MATCH (doc:Document)-[:MENTIONS]->(x:Agency)
WHERE $entity <> '' AND (x.label = $entity OR (NOT ($entity CONTAINS '|')
                         AND ('|' + x.alt_labels + '|') CONTAINS ('|' + $entity + '|')))
RETURN $entity AS entity, 'Agency' AS kind, x.label AS matched, coalesce(doc.source, doc.doc_id) AS document,
       doc.doc_id AS doc_id, doc.title AS title, doc.issuer AS issuer, doc.published AS published
UNION
MATCH (doc:Document)-[:MENTIONS]->(x:Program)
WHERE $entity <> '' AND x.label = $entity
RETURN $entity AS entity, 'Program' AS kind, x.label AS matched, coalesce(doc.source, doc.doc_id) AS document,
       doc.doc_id AS doc_id, doc.title AS title, doc.issuer AS issuer, doc.published AS published
UNION
MATCH (doc:Document)-[:MENTIONS]->(x:Policy)
WHERE $entity <> '' AND x.title = $entity
RETURN $entity AS entity, 'Policy' AS kind, x.title AS matched, coalesce(doc.source, doc.doc_id) AS document,
       doc.doc_id AS doc_id, doc.title AS title, doc.issuer AS issuer, doc.published AS published
UNION
MATCH (named:Mechanism)
WHERE $entity <> '' AND (named.label = $entity OR (NOT ($entity CONTAINS '|')
                         AND ('|' + named.alt_labels + '|') CONTAINS ('|' + $entity + '|')))
MATCH (x:Mechanism)-[:BROADER*0..]->(named)
WHERE x.id = named.id OR x.local_form
// from the mechanism's few forms to the documents that mention them: as a MATCH, LadybugDB
// joined every mention of a mechanism instead (0.3-0.4 s at 100,000 documents, whatever the entity)
WITH DISTINCT x
OPTIONAL MATCH (doc:Document)-[:MENTIONS]->(x)
WITH x, doc
WHERE doc IS NOT NULL
RETURN $entity AS entity, CASE WHEN x.candidate THEN 'Candidate' ELSE 'Mechanism' END AS kind,
       x.label AS matched, coalesce(doc.source, doc.doc_id) AS document,
       doc.doc_id AS doc_id, doc.title AS title, doc.issuer AS issuer, doc.published AS published
