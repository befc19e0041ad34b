"""Where an incremental build stops paying: the stores changed in place against reloaded, by how many documents changed.

    python benchmarks/bench_changes.py [--docs 10000] [--changed 10,100,300,1000,3000] [--jobs 2] [--work DIR]

An incremental build extracts only the documents that came or went; then it either
changes every output of the last build (``graph.nt`` and the CSVs copied in runs, the
merged states taken apart, Oxigraph, LadybugDB, the networkx file and the precedent index
changed by the rows that differ) or writes them all from every cached document and
reloads the stores. ``kg.pipeline`` changes in place while at most ``_CHANGE_MIN``
documents, or the share ``_CHANGE_SHARE`` of them, came or went (a changed document counts
twice: its old version went, its new one came), and reloads past both.

For each count ``k`` of ``--changed`` this appends a sentence to ``k`` documents of the
``--docs`` corpus that ``bench_scale.py`` writes (``generate.py``, seed 0), builds, puts the
files back and builds again, first with the outputs changed in place whatever the count,
then with them reloaded whatever the count (the limit set past or under ``k`` in the
build's process). Every build is a child process on a graph folder a full build left.
It prints, per ``k``, the seconds of each of the four builds and which way
``kg.pipeline``'s limit would have gone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def child(corpus: str, out: str, jobs: int, way: str) -> None:
    """Build ``corpus`` into ``out``: in full (``way`` ``full``), or incrementally, changing the
    outputs in place (``in-place``) or reloading them (``reload``) however many documents changed."""
    from kg import pipeline

    if way == "in-place":
        pipeline._CHANGE_MIN, pipeline._CHANGE_SHARE = sys.maxsize, 1.0
    elif way == "reload":
        pipeline._CHANGE_MIN, pipeline._CHANGE_SHARE = -1, 0.0
    report = pipeline.build([corpus], out, site=False, jobs=jobs, rdf_formats=[], incremental=way != "full")
    print(json.dumps({"seconds": report.seconds, "extracted": report.extracted, "updated": report.updated,
                      "stages": report.stages}))


def run(corpus: Path, out: Path, jobs: int, way: str) -> dict:
    command = [sys.executable, __file__, "--child", str(corpus), str(out), str(jobs), way]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        corpus, out, jobs, way = sys.argv[2:6]
        child(corpus, out, int(jobs), way)
        return
    from bench_scale import change, corpus_of, restore

    from kg.pipeline import _CHANGE_MIN, _CHANGE_SHARE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--changed", default="10,100,300,1000,3000", help="counts of changed documents")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extraction processes")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-scale")
    args = parser.parse_args()
    counts = [int(k) for k in args.changed.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = corpus_of(args.docs, args.work, args.jobs)
    out = args.work / f"changes-{args.docs}"
    shutil.rmtree(out, ignore_errors=True)
    full = run(corpus, out, args.jobs, "full")
    print(f"# {args.docs:,} documents, --jobs {args.jobs}; a full build took {full['seconds']:.1f} s")
    print("| changed | churn | kg.pipeline would | in place: changed s | restored s | reloaded: changed s | restored s |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for k in counts:
        seconds: list[float] = []
        for way in ("in-place", "reload"):
            old = change(corpus, k)
            try:
                seconds.append(run(corpus, out, args.jobs, way)["seconds"])
            finally:
                restore(old)
            seconds.append(run(corpus, out, args.jobs, way)["seconds"])  # the files put back: k changed again
        would = "change in place" if 2 * k <= max(_CHANGE_MIN, _CHANGE_SHARE * args.docs) else "reload"
        print(f"| {k:,} | {2 * k:,} | {would} | " + " | ".join(f"{s:.1f}" for s in seconds) + " |", flush=True)

if __name__ == "__main__":
    main()
