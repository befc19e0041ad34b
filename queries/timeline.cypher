// timeline: adoptions of a mechanism and its local forms, year by year, with a running total.
//
// The Cypher twin of timeline.rq, over the property graph of queries/schema.cypher.
// openCypher only, so LadybugDB runs it now and Neo4j 5 later.
//
// Parameter
//   $name  a label of the mechanism as the documents write it: its label or one of its
//          alt_labels ('|'-joined), as in 枫桥经验, 三社联动 … Naming a local form (塞上枫桥)
//          asks for that form alone. An empty name, or one holding '|', matches no alt label.
//
// The adoptions counted are those adopters.cypher lists: of the mechanism itself or of a
// Mechanism with local_form true whose BROADER chain leads to it, one per ADOPTED edge (a
// place, the form as the document writes it, and the document). An adoption's year is the
// year the text states (a.year), else the year of the document's publication date (the
// first four characters of published, when they are digits), else none.
//
// Columns, one row per year (the same as timeline.rq)
//   name        the label asked for
//   year        the year; adoptions without one are counted in a row of their own
//   adoptions   how many adoptions fall in that year
//   places      how many places they are in
//   cumulative  adoptions in that year and every earlier one; none for the row without a year
//
// Portability: LadybugDB lacks openCypher's toInteger and Neo4j lacks LadybugDB's CAST, so
// the four digits of a publication year are read one by one with CASE; and list indexes
// differ (0-based in Neo4j, 1-based in LadybugDB), so the running total joins the yearly
// counts with themselves through UNWIND rather than by position.

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
WITH DISTINCT a.id AS adoption, place.id AS place, a.year AS stated, left(doc.published, 4) AS published
WITH adoption, place,
     CASE WHEN stated IS NOT NULL THEN stated
          WHEN published =~ '[0-9]{4}' THEN
              1000 * (CASE left(published, 1) WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3
                      WHEN '4' THEN 4 WHEN '5' THEN 5 WHEN '6' THEN 6 WHEN '7' THEN 7 WHEN '8' THEN 8
                      WHEN '9' THEN 9 ELSE 0 END)
            + 100 * (CASE right(left(published, 2), 1) WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3
                     WHEN '4' THEN 4 WHEN '5' THEN 5 WHEN '6' THEN 6 WHEN '7' THEN 7 WHEN '8' THEN 8
                     WHEN '9' THEN 9 ELSE 0 END)
            + 10 * (CASE right(left(published, 3), 1) WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3
                    WHEN '4' THEN 4 WHEN '5' THEN 5 WHEN '6' THEN 6 WHEN '7' THEN 7 WHEN '8' THEN 8
                    WHEN '9' THEN 9 ELSE 0 END)
            + (CASE right(published, 1) WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3
               WHEN '4' THEN 4 WHEN '5' THEN 5 WHEN '6' THEN 6 WHEN '7' THEN 7 WHEN '8' THEN 8
               WHEN '9' THEN 9 ELSE 0 END)
     END AS year
WITH year, count(DISTINCT adoption) AS adoptions, count(DISTINCT place) AS places
WITH collect({year: year, adoptions: adoptions, places: places}) AS years
UNWIND years AS row
UNWIND years AS earlier
WITH row, CASE WHEN row.year IS NOT NULL AND earlier.year <= row.year THEN earlier.adoptions ELSE 0 END AS counted
WITH row.year AS year, row.adoptions AS adoptions, row.places AS places, sum(counted) AS total
RETURN $name AS name, year, adoptions, places, CASE WHEN year IS NULL THEN NULL ELSE total END AS cumulative
ORDER BY year
