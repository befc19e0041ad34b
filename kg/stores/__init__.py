"""Stores: each writes the one built graph and answers queries over it.

Every store sees only what :mod:`kg.graph` (property graph) or :mod:`kg.rdf` (RDF)
built, through a ``write_*`` / ``query_*`` or ``read_*`` pair of plain functions:

- :mod:`kg.stores.ladybug` — LadybugDB on disk, Cypher (``write_ladybug``, ``query_ladybug``);
- :mod:`kg.stores.networkx` — a networkx ``MultiDiGraph`` and its node-link JSON
  (``to_networkx``, ``write_networkx``, ``read_networkx``);
- :mod:`kg.stores.oxigraph` — Oxigraph on disk, SPARQL;
- :mod:`kg.stores.neo4j` — a Neo4j 5 server, batched idempotent MERGE over Bolt
  (``push_neo4j``), and :mod:`kg.stores.neo4j_files` — files for ``neo4j-admin database
  import`` and cypher-shell (``export_neo4j``). The graph they push is ``read_ladybug``'s.

Import the module you need; this package imports none of them, so using one store
never loads another store's driver.
"""

from __future__ import annotations

__all__: list[str] = []
