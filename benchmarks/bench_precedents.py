"""Latency of precedent queries on the seed graph and a generated one, and the index's cost.

    python benchmarks/bench_precedents.py [--docs 2000] [--repeat 30] [--work DIR]

Builds the seed documents (../shared/corpus/seeds) and a corpus of ``--docs`` documents
written by ``benchmarks/generate.py`` (seed 0; the corpus of ``bench_queries.py`` in the
system temp dir is reused when it is there) with :func:`kg.pipeline.build` (no site) into
graph folders under ``--work`` (default: ``bench-precedents`` in the system temp dir; a
graph that already has its ``precedents.sqlite`` is reused). It then times, on each graph:

- ``write_precedent_index`` alone (the part ``kg build`` spends on the index) and the
  index's size;
- each query of :func:`queries` — chosen from the graph so each finds something: the most
  adopted mechanism, it with a place, a short form, a policy title, two-character words
  (each looked for as the index's tokens that begin with it), words with every filter, a hostile string — once to warm up, then
  ``--repeat`` times, printing the median and 95th-percentile milliseconds and the rows;
- a draft given with ``file=`` (loading and extracting it included).

Each call is what a user's call costs in a running process: it opens the index read-only
and closes it; the names of the graph are read once per version of the file.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.pipeline import build
from kg.research.precedent_index import PRECEDENT_FILE, write_precedent_index
from kg.research.precedents import find_precedents

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
DRAFT = ("关于在我市全面推行社区“大党委”和网格化管理的工作方案（征求意见稿）\n\n"
         "为减轻社区负担，参照《关于全面推行社区“大党委”运行机制的实施意见》，我市将推行社区“大党委”运行机制，"
         "深化网格化管理，建立社区工作准入制度，推进“三社联动”。\n")


def built(corpus: list[Path], out: Path) -> Path:
    """``out`` holding the graph of ``corpus`` with its precedent index, built unless it is there."""
    if not (out / PRECEDENT_FILE).exists():
        t0 = time.perf_counter()
        build(corpus, out, site=False)
        print(f"built {out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def queries(graph_dir: Path) -> dict[str, dict[str, object]]:
    """Named queries, as keyword arguments of :func:`find_precedents`, that find something in the graph."""
    db = sqlite3.connect(graph_dir / PRECEDENT_FILE)
    mechanism, = db.execute("SELECT label FROM features WHERE kind = 'mechanism' GROUP BY key "
                            "ORDER BY count(*) DESC, key LIMIT 1").fetchone()
    place, = db.execute("SELECT label FROM features WHERE kind = 'place' GROUP BY key "
                        "ORDER BY count(*) DESC, key LIMIT 1").fetchone()
    policy, = db.execute("SELECT label FROM features WHERE kind = 'policy' GROUP BY key "
                         "ORDER BY count(*) DESC, key LIMIT 1").fetchone()
    kind, = db.execute("SELECT kind FROM documents GROUP BY kind ORDER BY count(*) DESC LIMIT 1").fetchone()
    db.close()
    return {
        "mechanism": {"query": mechanism},
        "mechanism + place": {"query": f"{place} {mechanism}"},
        "alt label": {"query": "社区工作准入清单"},
        "policy title": {"query": policy},
        "two-character words": {"query": "网格 协商"},
        "words + every filter": {"query": f"{mechanism} 社区", "place": place, "issuer": "民政", "since": "2015",
                                 "until": "2024-12", "kind": kind},
        "hostile": {"query": "'); DROP TABLE passages; -- NEAR(\"a\" *"},
    }


def timed(call: Callable[[], object], repeat: int) -> tuple[int, float, float]:
    """Rows answered, median and 95th-percentile milliseconds over ``repeat`` calls (after a warm-up)."""
    rows = len(call())  # type: ignore[arg-type]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return rows, statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (0: seeds only)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-precedents")
    args = parser.parse_args()

    graphs: dict[str, Path] = {}
    if SEEDS.exists():
        graphs["seeds (5 docs)"] = built([SEEDS], args.work / "seeds")
    if args.docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate import generate  # benchmarks/generate.py

        corpus = Path(tempfile.gettempdir()) / "bench-queries" / f"generated-{args.docs}" / "corpus"
        if not corpus.exists():
            corpus = args.work / f"generated-{args.docs}" / "corpus"
            if not corpus.exists():
                generate(corpus, args.docs, seed=0)
        graphs[f"generated ({args.docs} docs)"] = built([corpus], args.work / f"generated-{args.docs}" / "kg-out")

    draft = args.work / "draft.txt"
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text(DRAFT, encoding="utf-8")
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")
    print()
    print("| graph | passages | index MB | write_precedent_index s |")
    print("|---|---:|---:|---:|")
    for label, graph_dir in graphs.items():
        t0 = time.perf_counter()
        path = write_precedent_index(graph_dir)
        seconds = time.perf_counter() - t0
        passages, = sqlite3.connect(path).execute("SELECT count(*) FROM passages").fetchone()
        print(f"| {label} | {passages} | {path.stat().st_size / 1e6:.1f} | {seconds:.2f} |")
    print()
    print("| graph | query | rows | median ms | p95 ms |")
    print("|---|---|---:|---:|---:|")
    for label, graph_dir in graphs.items():
        for name, kwargs in queries(graph_dir).items():
            rows, median, p95 = timed(lambda g=graph_dir, kw=kwargs: find_precedents(g, **kw), args.repeat)  # type: ignore[misc]
            shown = " ".join(f"--{k} {v}" if k != "query" else str(v) for k, v in kwargs.items())
            print(f"| {label} | {name}: `{shown[:60]}` | {rows} | {median:.1f} | {p95:.1f} |")
        rows, median, p95 = timed(lambda g=graph_dir: find_precedents(g, file=draft), max(5, args.repeat // 3))
        print(f"| {label} | draft (`--file`, extraction included) | {rows} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
