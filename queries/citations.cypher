// citations: the documents citing a policy, by words of its title, by a mechanism the
// citing document adopts, or both.
//
// The Cypher twin of citations.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameters (kg.queries.ask binds both; at least one is not empty)
//   $words      part of the policy's title, as written (社区工作准入, 网格化服务管理 …): a
//               policy matches when its title contains $words anywhere, case and width as
//               typed; '' means any policy. (ask drops the 《》 around a title and the
//               spaces at its ends, and refuses blank words.)
//   $mechanism  a label of a mechanism (its label or one of its '|'-joined alt_labels): only
//               documents that state an adoption of it, or of one of its local forms
//               (a Mechanism with local_form true whose BROADER chain leads to it), count;
//               '' means any document.
//
// Columns, one row per policy and citing document (the same as citations.rq)
//   words      the words asked for ('' when not given)
//   mechanism  the mechanism asked for ('' when not given)
//   policy     the cited policy's title
//   year       the policy's year, when its title or citation gives one
//   document   the citing document's source file name, else its doc_id
//   title      the citing document's title, if known
//   published  its publication date, if known (as written)
//   evidence   the sentence that cites the policy (the CITES edge's)

MATCH (doc:Document)-[c:CITES]->(policy:Policy)
WHERE ($words = '' OR policy.title CONTAINS $words)  // LadybugDB: x CONTAINS '' is false
  AND ($mechanism = '' OR EXISTS {
        MATCH (:Place)-[a:ADOPTED]->(form:Mechanism)-[:BROADER*0..]->(named:Mechanism)
        WHERE a.doc_id = doc.doc_id
          AND (form.id = named.id OR form.local_form)
          AND (named.label = $mechanism
               OR (NOT ($mechanism CONTAINS '|')
                   AND ('|' + named.alt_labels + '|') CONTAINS ('|' + $mechanism + '|')))
      })
RETURN DISTINCT $words AS words, $mechanism AS mechanism, policy.title AS policy, policy.year AS year,
       coalesce(doc.source, doc.doc_id) AS document, doc.title AS title, doc.published AS published,
       c.sentence AS evidence
ORDER BY policy, published, document, evidence
