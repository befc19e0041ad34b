// The statements that load the property graph into Neo4j 5, as templates.
//
// kg.stores.neo4j reads each section (from a `// name: <section>` line to the next) and
// fills in its {{placeholders}} with names of the schema only: node labels and
// relationship types of queries/schema.cypher, property names of kg.graph.NODE_COLUMNS /
// EDGE_COLUMNS, each checked to be an identifier (letters, digits, _) first. Values are
// never written into the text: every row arrives in the list parameter $rows.
//
//   {{label}} {{source}} {{target}}  a node label
//   {{type}}                         a relationship type
//   {{key}}   the properties that, with the two end nodes, identify one relationship:
//             ` {id: row.id}` for ADOPTED, ` {role: row.role, doc_id: row.doc_id}` for
//             HANDLED_BY, nothing for the others (one per pair of nodes)
//   {{set}}   `SET n.label = row.label, n.chars = row.chars, …`: every other property,
//             column by column; nothing for a relationship type without properties
//
// A column that is null in every row of a batch is set to the literal null instead of
// row.<column>: LadybugDB types a field that is null in every map of a list parameter as
// STRING and will not store it in an INT64 property. Neo4j removes a property set to null,
// so either way the property is absent.
//
// MERGE on the identifying key, then SET every property: pushing the same graph twice
// changes nothing. The statements are openCypher that Neo4j 5 and LadybugDB both run
// (tests/test_neo4j.py runs every MERGE on LadybugDB); only the constraints are Neo4j's:
// in LadybugDB the primary keys of queries/schema.cypher play their part.

// name: constraint
// One node per id and label; MERGE and MATCH on id use its index.
CREATE CONSTRAINT {{label}}_id IF NOT EXISTS FOR (n:{{label}}) REQUIRE n.id IS UNIQUE;

// name: merge_nodes
UNWIND $rows AS row
MERGE (n:{{label}} {id: row.id})
{{set}};

// name: merge_relationships
// One statement per (source label, target label) pair of the type: MENTIONS joins a
// Document to five labels, JURISDICTION four labels to a Place.
UNWIND $rows AS row
MATCH (a:{{source}} {id: row.src})
MATCH (b:{{target}} {id: row.dst})
MERGE (a)-[r:{{type}}{{key}}]->(b)
{{set}};

// name: count_nodes
MATCH (n:{{label}}) RETURN count(n) AS total;

// name: count_relationships
MATCH ()-[r:{{type}}]->() RETURN count(r) AS total;
