// mechanisms: what a place adopted; with $within, the places inside it too.
//
// The Cypher twin of mechanisms.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameters
//   $name    the place's name as stored: its label or one of its alt_labels ('|'-joined),
//            as in 银川市, 红河哈尼族彝族自治州 … (kg.queries.ask turns a short form such as
//            红河州 into the full name before binding it.) An empty name, or one holding
//            '|', matches no alt label.
//   $within  a boolean: false for the place alone, true for it and every place whose
//            WITHIN chain leads to it
//
// Columns, one row per adoption and evidence sentence (the same as mechanisms.rq)
//   name       the place asked for
//   within     the $within given
//   place      the adopting place: the place asked for, or (with $within) one inside it
//   code       its six-digit division code (none below county level)
//   mechanism  the canonical mechanism: the Mechanism whose id is the adopted one's
//              canonical_id (a local form's broader concept, else the concept itself)
//   form       the concept the document names (塞上枫桥 for 枫桥经验)
//   status     implemented | piloting | planned | proposed
//   year       the year the text gives for the adoption, if any
//   document   the document's source file name, else its doc_id
//   evidence   the sentence that states the adoption

MATCH (target:Place)
WHERE target.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + target.alt_labels + '|') CONTAINS ('|' + $name + '|'))
MATCH (place:Place)-[:WITHIN*0..]->(target)
WHERE $within OR place.id = target.id
MATCH (place)-[a:ADOPTED]->(form:Mechanism)
MATCH (canonical:Mechanism)
WHERE canonical.id = form.canonical_id
MATCH (doc:Document)
WHERE doc.doc_id = a.doc_id
RETURN DISTINCT $name AS name, $within AS within, place.label AS place, place.code AS code,
       canonical.label AS mechanism, form.label AS form, a.status AS status, a.year AS year,
       coalesce(doc.source, doc.doc_id) AS document, a.sentence AS evidence
ORDER BY code, place, mechanism, form, year, document, evidence, status
