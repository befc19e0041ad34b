"""Latency of every named question on every engine, on the seed graph and a generated one.

    python benchmarks/bench_queries.py [--docs 2000] [--repeat 15] [--work DIR]
                                       [--engines sparql,cypher,networkx] [--questions adopters,…]

Builds the seed documents (../shared/corpus/seeds) and a corpus of ``--docs`` documents
written by ``benchmarks/generate.py`` (seed 0) into graph folders under ``--work``
(default: a ``bench-queries`` folder in the system temp dir; a graph already built there
is reused), then asks each question of :data:`kg.queries.QUESTIONS` on each engine: once
to warm up, then ``--repeat`` times, and prints the median and 95th-percentile latency
in milliseconds with the number of rows answered.

The parameters come from the graph itself, so every question has something to find:
the mechanism and the place with the most adoptions, the most cited policy's first four
characters, the most frequent indicator's first two, the agency issuing most documents,
and so on (see :func:`pick_params`). Each call is what a user's call costs: it opens the
store (LadybugDB and Oxigraph open per call; networkx is read once and cached).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from kg.pipeline import build
from kg.queries import ENGINES, QUESTIONS, ask
from kg.stores.networkx import read_networkx

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def pick_params(graph_dir: Path) -> dict[str, dict[str, object]]:
    """For each question, parameters that find something in the graph of ``graph_dir``."""
    graph = read_networkx(graph_dir)
    nodes = graph.nodes
    adopted: Counter[str] = Counter()
    adopters: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    issued: Counter[str] = Counter()
    for src, dst, kind in graph.edges(data="type"):
        if kind == "ADOPTED":
            adopted[nodes[nodes[dst].get("canonical_id") or dst]["label"]] += 1
            adopters[nodes[src]["label"]] += 1
        elif kind == "CITES":
            cited[nodes[dst]["title"]] += 1
        elif kind == "ISSUED_BY":
            issued[nodes[dst]["label"]] += 1
    indicators = Counter(attrs["indicator"] for _, attrs in graph.nodes(data=True)
                         if attrs.get("kind") == "Observation")
    mentioned = Counter(nodes[dst]["label"] for _, dst, kind in graph.edges(data="type")
                        if kind == "MENTIONS" and nodes[dst].get("kind") == "Place")
    mechanism = adopted.most_common(1)[0][0] if adopted else "三社联动"
    place = adopters.most_common(1)[0][0] if adopters else "银川市"
    picks: dict[str, dict[str, object]] = {
        "adopters": {"mechanism": mechanism},
        "mechanisms": {"place": place, "within": True},
        "variants": {"mechanism": "枫桥经验"},
        "co-adoption": {"mechanism": mechanism},
        "timeline": {"mechanism": mechanism},
        "citations": {"policy": cited.most_common(1)[0][0][:4] if cited else "实施意见"},
        "metrics": {"indicator": indicators.most_common(1)[0][0][:2] if indicators else "社区"},
        "replies": {"body": "政协"},
        "agency": {"name": issued.most_common(1)[0][0] if issued else "民政局"},
        "documents": {"entity": [mechanism, mentioned.most_common(1)[0][0] if mentioned else place]},
    }
    return {name: picks.get(name, dict(question.examples[0])) for name, question in QUESTIONS.items()}


def time_question(graph_dir: Path, name: str, params: dict[str, object], engine: str,
                  repeat: int) -> tuple[int, float, float]:
    """Rows answered, median and 95th-percentile milliseconds over ``repeat`` calls."""
    rows = len(ask(name, graph_dir, engine=engine, **params))  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ask(name, graph_dir, engine=engine, **params)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return rows, statistics.median(times), p95


def built(corpus: list[Path], out: Path) -> Path:
    """``out`` holding the graph of ``corpus``, built unless a finished build is there."""
    if not (out / "graph.networkx.json").exists():
        t0 = time.perf_counter()
        build(corpus, out)
        print(f"built {out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (0: seeds only)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-queries")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines to time")
    parser.add_argument("--questions", default=",".join(QUESTIONS), help="comma-separated questions to time")
    parser.add_argument("--seeds", action=argparse.BooleanOptionalAction, default=True,
                        help="time the seed graph too (default: yes)")
    args = parser.parse_args()

    graphs: dict[str, Path] = {}
    if SEEDS.exists() and args.seeds:
        graphs["seeds (5 docs)"] = built([SEEDS], args.work / "seeds")
    if args.docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate import generate  # benchmarks/generate.py

        corpus = args.work / f"generated-{args.docs}" / "corpus"
        if not corpus.exists():
            generate(corpus, args.docs, seed=0)
        graphs[f"generated ({args.docs} docs)"] = built([corpus], corpus.parent / "kg-out")

    print(f"| graph | question | parameters | engine | rows | median ms | p95 ms |")
    print("|---|---|---|---|---:|---:|---:|")
    for label, graph_dir in graphs.items():
        for name, params in pick_params(graph_dir).items():
            if name not in args.questions.split(","):
                continue
            shown = " ".join(f"--{k} {v}" for k, v in params.items())
            for engine in args.engines.split(","):
                rows, median, p95 = time_question(graph_dir, name, params, engine, args.repeat)
                print(f"| {label} | {name} | {shown} | {engine} | {rows} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
