// variants: the local forms of a mechanism, and where each appears.
//
// The Cypher twin of variants.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  a label of the mechanism as the documents write it: its label or one of its
//          alt_labels ('|'-joined), as in 吹哨报到, 枫桥经验, 新时代枫桥经验 … Naming a local
//          form (塞上枫桥) lists that form alone. An empty name, or one holding '|',
//          matches no alt label.
//
// Columns, one row per local form and place that adopted it (the same as variants.rq)
//   name             the label asked for
//   form             the local form: a Mechanism with local_form true whose BROADER chain
//                    leads to the mechanism (塞上枫桥, 海上枫桥); the mechanism itself is not one
//   place            the place whose documents adopt the form
//   code             its six-digit division code (none below county level)
//   documents        how many documents state that adoption
//   first_document   the earliest of them by publication date (published, compared as
//                    written; documents without one come last), ties by name: its source
//                    file name, else its doc_id
//   first_published  that document's publication date, if any
//
// A local form no document adopts is not listed.

MATCH (m:Mechanism)
WHERE m.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + m.alt_labels + '|') CONTAINS ('|' + $name + '|'))
MATCH (form:Mechanism)-[:BROADER*0..]->(m)
WHERE form.local_form
// a handful of forms: LadybugDB then walks from them to their adoptions instead of joining
// every ADOPTED edge of the graph (塞上枫桥 at 100,000 documents: 0.26 s -> 20 ms)
WITH DISTINCT form
MATCH (place:Place)-[a:ADOPTED]->(form)
MATCH (doc:Document)
WHERE doc.doc_id = a.doc_id
WITH form, place, count(DISTINCT doc.id) AS documents, min(doc.published) AS first_published,
     collect({published: doc.published, source: coalesce(doc.source, doc.doc_id)}) AS docs
// the documents of that form and place published first (all of them when none has a date), from the
// list just collected: matching the adoptions again joined every ADOPTED edge (0.3 s at 100,000 documents)
UNWIND docs AS first
WITH form, place, documents, first_published, first
WHERE first_published IS NULL OR first.published = first_published
// per form and place node: two places of one name (南苑社区 of two districts) are two rows
WITH form, place, documents, first_published, min(first.source) AS first_document
RETURN $name AS name, form.label AS form, place.label AS place, place.code AS code, documents,
       first_document, first_published
ORDER BY form.label, place.code, place.label
