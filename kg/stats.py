"""What a built graph holds: nodes per kind and relationships per type.

Counted from the networkx projection of the property graph, which every store is
loaded from, so the figures describe the LadybugDB and networkx stores exactly and the
RDF store's facts one to one.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> graph_stats(Path(tempfile.mkdtemp()))
Traceback (most recent call last):
...
kg.errors.StoreError: no graph at ... run `kg build` first
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from kg.errors import StoreError
from kg.stores.networkx import NETWORKX_FILE, read_networkx

__all__ = ["graph_stats"]


def graph_stats(graph_dir: str | Path) -> pd.DataFrame:
    """One row per node kind and relationship type: ``element`` (node|relationship), ``name``, ``count``.

    Rows are sorted by element, then by count (largest first), then by name.
    """
    folder = Path(graph_dir)
    if not (folder / NETWORKX_FILE).exists():
        raise StoreError(f"no graph at {folder / NETWORKX_FILE}; run `kg build` first")
    graph = read_networkx(folder)
    nodes = Counter(kind for _, kind in graph.nodes(data="kind"))
    edges = Counter(kind for _, _, kind in graph.edges(data="type"))
    rows = [("node", name, n) for name, n in nodes.items()] + [("relationship", name, n) for name, n in edges.items()]
    rows.sort(key=lambda r: (r[0], -r[2], r[1]))
    return pd.DataFrame(rows, columns=["element", "name", "count"])
