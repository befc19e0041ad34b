// metrics: observations (counts, money, shares …) of a place, of an indicator, or both.
//
// The Cypher twin of metrics.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameters (kg.queries.ask binds all three; at least one of $name and $words is not empty)
//   $name    the place's name as the graph stores it (its label or one of its '|'-joined
//            alt_labels; ask turns a short form the gazetteer knows, 红河州, into the full
//            name); '' means any place
//   $words   part of the indicator's name, as written (网格员, 社会组织 …); '' means any
//   $within  true: the places inside the named place count too (its WITHIN chain)
//
// Columns, one row per observation (the same as metrics.rq)
//   name, words, within   the parameters as bound
//   place      the place observed (the Observation's MEASURED place)
//   code       its six-digit division code (none below county level)
//   indicator  what was measured, a short noun phrase
//   value      the number, as a float (a money amount in 元, 万元 converted)
//   unit       its unit (个, 人, 元, % …)
//   qualifier  a bound such as 以上 / 近 / 约, if the text gives one
//   date       the date the value holds for, as written, if given
//   document   the document's source file name, else its doc_id
//   evidence   the sentence that states the value

MATCH (o:Observation)-[:MEASURED]->(place:Place)
WHERE ($words = '' OR o.indicator CONTAINS $words)  // LadybugDB: x CONTAINS '' is false
  AND ($name = '' OR EXISTS {
        MATCH (place)-[:WITHIN*0..]->(target:Place)
        WHERE ($within OR place.id = target.id)
          AND (target.label = $name
               OR (NOT ($name CONTAINS '|')
                   AND ('|' + target.alt_labels + '|') CONTAINS ('|' + $name + '|')))
      })
WITH o, place  // evaluate the filter first: joined before it, documents × observations took seconds
MATCH (doc:Document)
WHERE doc.doc_id = o.doc_id
RETURN DISTINCT $name AS name, $words AS words, $within AS within, place.label AS place, place.code AS code,
       o.indicator AS indicator, o.value AS value, o.unit AS unit, o.qualifier AS qualifier, o.date AS date,
       coalesce(doc.source, doc.doc_id) AS document, o.sentence AS evidence
ORDER BY code, place, indicator, date, value, document, evidence
