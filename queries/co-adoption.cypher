// co-adoption: the mechanisms most often adopted by the places that adopted a mechanism.
//
// The Cypher twin of co-adoption.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  a label of the mechanism (its label or one of its '|'-joined alt_labels), as
//          adopters.cypher takes it. The places asked about are those that adopted it or
//          one of its local forms.
//
// Columns, one row per other mechanism those places adopted (the same as co-adoption.rq)
//   name         the label asked for
//   mechanism    the other mechanism, as its canonical concept (the node its canonical_id
//                names); the mechanism asked about is left out
//   places       how many of the places adopted it
//   place_names  their names, as a list (kg.queries.ask sorts and '|'-joins them)
// Every adoption counted is one a document of the graph states.

MATCH (named:Mechanism)
WHERE named.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + named.alt_labels + '|') CONTAINS ('|' + $name + '|'))
MATCH (form:Mechanism)-[:BROADER*0..]->(named)
WHERE form.id = named.id OR form.local_form
// a handful of forms: LadybugDB then walks from them to their adoptions instead of joining
// every ADOPTED edge of the graph (塞上枫桥 at 100,000 documents: 0.26 s -> 20 ms)
WITH DISTINCT named.canonical_id AS own, form
MATCH (place:Place)-[a:ADOPTED]->(form)
MATCH (doc:Document)
WHERE doc.doc_id = a.doc_id
WITH DISTINCT own, place
MATCH (place)-[b:ADOPTED]->(other:Mechanism)
MATCH (otherDoc:Document)
WHERE otherDoc.doc_id = b.doc_id AND other.canonical_id <> own
// each (concept, place) once, counted per concept, then the concept's node: a concept's label
// is its own (kg.graph), and counting hundreds of thousands of adoptions DISTINCT took twice as long
WITH DISTINCT other.canonical_id AS canonicalId, place
WITH canonicalId, count(*) AS places, collect(DISTINCT place.label) AS place_names
MATCH (canonical:Mechanism)
WHERE canonical.id = canonicalId
RETURN $name AS name, canonical.label AS mechanism, places, place_names
ORDER BY places DESC, mechanism
