// adopters: the places that adopted a mechanism or any of its local forms.
//
// The Cypher twin of adopters.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  a label of the mechanism as the documents write it: its label or one of its
//          alt_labels ('|'-joined: the altLabels and hiddenLabels of the thesaurus), as
//          in 枫桥经验, 新时代枫桥经验, 三社联动 … Naming a local form (塞上枫桥) asks for
//          that form alone. An empty name, or one holding '|', matches no alt label.
//
// Columns, one row per adoption and evidence sentence (the same as adopters.rq)
//   name      the label asked for
//   place     the adopting place's name
//   code      its six-digit division code (none below county level)
//   form      the form the document names: the mechanism itself, or a Mechanism with
//             local_form true whose BROADER chain leads to it (塞上枫桥, 海上枫桥);
//             a narrower concept that is not a local form is not a form of it
//   status    implemented | piloting | planned | proposed
//   year      the year the text gives for the adoption, if any
//   document  the document's source file name, else its doc_id
//   evidence  the sentence that states the adoption

MATCH (m:Mechanism)
WHERE m.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + m.alt_labels + '|') CONTAINS ('|' + $name + '|'))
MATCH (form:Mechanism)-[:BROADER*0..]->(m)
WHERE form.id = m.id OR form.local_form
// a handful of forms: LadybugDB then walks from them to their adoptions instead of joining
// every ADOPTED edge of the graph (塞上枫桥 at 100,000 documents: 0.26 s -> 20 ms)
WITH DISTINCT form
MATCH (place:Place)-[a:ADOPTED]->(form)
MATCH (doc:Document)
WHERE doc.doc_id = a.doc_id
RETURN DISTINCT $name AS name, place.label AS place, place.code AS code, form.label AS form,
       a.status AS status, a.year AS year, coalesce(doc.source, doc.doc_id) AS document,
       a.sentence AS evidence
ORDER BY code, place, form, year, document, evidence, status
