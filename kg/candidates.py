"""Mechanism names the thesaurus lacks, as found by a build, counted for review.

A build writes every candidate mention to ``export/candidates.csv``;
:func:`list_candidates` groups them by label so a curator can see which coined
names recur across documents and decide which deserve a concept.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError

__all__ = ["CandidateSummary", "list_candidates"]


@dataclass(frozen=True, slots=True)
class CandidateSummary:
    label: str
    count: int  #: documents that name it
    cues: str  #: how it was found: quoted | formula | suffix | pilot
    definition: str  #: the first explanation the text gave, if any
    example: str  #: one evidence sentence
    docs: str  #: the documents, by file name


def list_candidates(graph_dir: str | Path) -> list[CandidateSummary]:
    """Candidates of the build in ``graph_dir``, most frequent first, then by label."""
    path = Path(graph_dir) / "export" / "candidates.csv"
    if not path.exists():
        raise StoreError(f"no candidates at {path}; run `kg build … --out {graph_dir}` first")
    groups: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            groups.setdefault(row["label"], []).append(row)
    out = []
    for label, rows in groups.items():
        docs = sorted({r["doc"] for r in rows})
        out.append(
            CandidateSummary(
                label=label,
                count=len(docs),
                cues=",".join(sorted({r["cue"] for r in rows})),
                definition=next((r["definition"] for r in rows if r["definition"]), ""),
                example=rows[0]["sentence"],
                docs=";".join(docs),
            )
        )
    out.sort(key=lambda c: (-c.count, c.label))
    return out
