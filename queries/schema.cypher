// The property-graph schema of govkg, as LadybugDB DDL.
//
// kg.stores.ladybug runs these statements in order (split on ';') into a new database,
// then bulk loads each table with COPY from the DataFrames of kg.graph.build_graph.
// Columns are listed in the order the DataFrames hold them (COPY maps by position);
// kg.graph.NODE_COLUMNS / EDGE_COLUMNS are the same lists, and write_ladybug checks
// that the two agree. Every node's id is the IRI kg.rdf gives the same entity.
// Evidence offsets are [sentence_start, sentence_end) and [mention_start, mention_end)
// into documents/<doc_id>.txt (`end` is a reserved word in LadybugDB's Cypher parser).
// A relationship type with several FROM … TO pairs is one type to a query, as in Neo4j.

CREATE NODE TABLE Document(
    id STRING PRIMARY KEY, label STRING, doc_id STRING, source STRING, title STRING,
    doc_type STRING, issuer STRING, published STRING, signed STRING, signed_raw STRING,
    signed_uncertain BOOLEAN, index_no STRING, doc_no STRING, format STRING, chars INT64
);
CREATE NODE TABLE Agency(
    id STRING PRIMARY KEY, label STRING, alt_labels STRING, key STRING, classification STRING
);
CREATE NODE TABLE Place(
    id STRING PRIMARY KEY, label STRING, alt_labels STRING, key STRING, code STRING, level STRING
);
CREATE NODE TABLE Mechanism(
    id STRING PRIMARY KEY, label STRING, alt_labels STRING, local_form BOOLEAN,
    canonical_id STRING, candidate BOOLEAN, definition STRING, cue STRING
);
CREATE NODE TABLE Policy(
    id STRING PRIMARY KEY, label STRING, title STRING, year INT64
);
CREATE NODE TABLE Program(
    id STRING PRIMARY KEY, label STRING
);
CREATE NODE TABLE Proposal(
    id STRING PRIMARY KEY, label STRING, body STRING, level STRING, term INT64, session INT64,
    number INT64, proposal_kind STRING, title STRING, proposers STRING, handlers STRING
);
CREATE NODE TABLE Observation(
    id STRING PRIMARY KEY, label STRING, indicator STRING, value DOUBLE, unit STRING,
    date STRING, qualifier STRING, doc_id STRING, sentence STRING, sentence_start INT64,
    sentence_end INT64, mention_start INT64, mention_end INT64
);

CREATE REL TABLE ISSUED_BY(
    FROM Document TO Agency, mention_start INT64, mention_end INT64
);
CREATE REL TABLE RESPONDS_TO(
    FROM Document TO Proposal, sentence STRING, sentence_start INT64, sentence_end INT64
);
CREATE REL TABLE HANDLED_BY(
    FROM Proposal TO Agency, role STRING, doc_id STRING
);
CREATE REL TABLE MENTIONS(
    FROM Document TO Place, FROM Document TO Agency, FROM Document TO Mechanism,
    FROM Document TO Policy, FROM Document TO Program,
    count INT64, mention_start INT64, mention_end INT64
);
CREATE REL TABLE ADOPTED(
    FROM Place TO Mechanism, id STRING, doc_id STRING, surface STRING, status STRING,
    year INT64, sentence STRING, sentence_start INT64, sentence_end INT64,
    mention_start INT64, mention_end INT64
);
CREATE REL TABLE CITES(
    FROM Document TO Policy, sentence STRING, sentence_start INT64, sentence_end INT64,
    mention_start INT64, mention_end INT64
);
CREATE REL TABLE WITHIN(
    FROM Place TO Place
);
CREATE REL TABLE BROADER(
    FROM Mechanism TO Mechanism
);
CREATE REL TABLE MEASURED(
    FROM Observation TO Place
);
CREATE REL TABLE JURISDICTION(
    FROM Document TO Place, FROM Agency TO Place, FROM Policy TO Place, FROM Program TO Place
);
