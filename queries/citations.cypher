// citations: the documents citing a policy whose title contains the words given.
//
// The Cypher twin of citations.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  part of the policy's title, as written (社区工作准入, 网格化服务管理 …): a policy
//          matches when its title contains $name anywhere, case and width as typed. An
//          empty $name matches nothing. (kg.queries.ask drops the 《》 around a title and
//          the spaces at its ends before binding it.)
//
// Columns, one row per policy and citing document (the same as citations.rq)
//   name       the words asked for
//   policy     the cited policy's title
//   year       the policy's year, when its title or citation gives one
//   document   the citing document's source file name, else its doc_id
//   title      the citing document's title, if known
//   published  its publication date, if known (as written)
//   evidence   the sentence that cites the policy (the CITES edge's)

MATCH (doc:Document)-[c:CITES]->(policy:Policy)
WHERE $name <> '' AND policy.title CONTAINS $name
RETURN DISTINCT $name AS name, policy.title AS policy, policy.year AS year,
       coalesce(doc.source, doc.doc_id) AS document, doc.title AS title, doc.published AS published,
       c.sentence AS evidence
ORDER BY policy, published, document, evidence
