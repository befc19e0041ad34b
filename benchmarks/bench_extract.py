"""Extraction throughput: MB of clean text per second on one core.

    python benchmarks/bench_extract.py [--repeat N]

Loads the seed documents (../shared/corpus/seeds) and the bundled examples once,
extracts them once to fill the per-place caches, then times
:func:`kg.pipeline.extract_document` over them N more times (default 20) in this one
process, and prints a table. Start-up (thesaurus and gazetteer), loading and the
first pass are reported separately: they are paid once per build, not per document.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.gazetteer import load_gazetteer
from kg.pipeline import extract_document
from kg.thesaurus import load_thesaurus
from loaders import iter_document_paths, load_document

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    t0 = time.perf_counter()
    th, gaz = load_thesaurus(), load_gazetteer()
    startup = time.perf_counter() - t0
    inputs = [p for p in (ROOT.parent / "shared" / "corpus" / "seeds", ROOT / "examples") if p.exists()]
    t0 = time.perf_counter()
    docs = [load_document(p) for p in iter_document_paths(inputs)]
    loading = time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6

    t0 = time.perf_counter()
    for doc in docs:  # first pass: builds per-province and per-county caches, paid once per build
        extract_document(doc, thesaurus=th, gazetteer=gaz)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for doc in docs:
            extract_document(doc, thesaurus=th, gazetteer=gaz)
    seconds = time.perf_counter() - t0
    rate = mb * args.repeat / seconds

    rows = [
        ("documents", f"{len(docs)}"),
        ("characters per pass", f"{chars:,}"),
        ("UTF-8 MB per pass", f"{mb:.3f}"),
        ("passes", f"{args.repeat}"),
        ("start-up (thesaurus + gazetteer), s", f"{startup:.2f}"),
        ("loading all files once, s", f"{loading:.3f}"),
        ("first pass (fills caches), s", f"{first:.3f}"),
        ("extraction, s", f"{seconds:.2f}"),
        ("extraction, MB/s (one core)", f"{rate:.2f}"),
        ("target (issue 2), MB/s", "2.00"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  -----")
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
