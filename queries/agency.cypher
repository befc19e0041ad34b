// agency: what an organisation issued, and the proposals it handled, with the documents
// answering them.
//
// The Cypher twin of agency.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  the agency's name as stored: its label or one of its alt_labels ('|'-joined:
//          the other names documents gave it), as in 银川市民政局, 舟山市人民政府办公室 …,
//          matched whole, as adopters.cypher matches a mechanism. An empty name, or one
//          holding '|', matches no alt label. For part of a name, ask replies with a handler.
//
// Columns, one row per role and document (the same as agency.rq)
//   name       the name asked for
//   agency     the agency's label
//   role       issued — the Document is ISSUED_BY the agency;
//              lead | co — the role of the agency's HANDLED_BY edge from the Proposal the
//              Document RESPONDS_TO (whichever document's handler list gave the edge)
//   document   the document's source file name, else its doc_id
//   title      its title, if known
//   published  its publication date, if known (as written)
//   proposal   the title of the proposal the document answers, if any and known
// The graph has no relationship between an Agency and the Programs it runs (no RUNS: a
// Program names its place, JURISDICTION, not who runs it), so no role is "runs".

MATCH (doc:Document)-[:ISSUED_BY]->(a:Agency)
WHERE a.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + a.alt_labels + '|') CONTAINS ('|' + $name + '|'))
OPTIONAL MATCH (doc)-[:RESPONDS_TO]->(p:Proposal)
RETURN $name AS name, a.label AS agency, 'issued' AS role, coalesce(doc.source, doc.doc_id) AS document,
       doc.title AS title, doc.published AS published, p.title AS proposal
UNION
MATCH (doc:Document)-[:RESPONDS_TO]->(p:Proposal)-[h:HANDLED_BY]->(a:Agency)
WHERE a.label = $name
   OR ($name <> '' AND NOT ($name CONTAINS '|')
       AND ('|' + a.alt_labels + '|') CONTAINS ('|' + $name + '|'))
RETURN $name AS name, a.label AS agency, h.role AS role, coalesce(doc.source, doc.doc_id) AS document,
       doc.title AS title, doc.published AS published, p.title AS proposal
