"""What a build costs as the corpus grows: full build, incremental build, loads and queries.

    python benchmarks/bench_scale.py [--docs 1000,10000] [--jobs 2] [--changed 10] [--repeat 20]
                                     [--rdf none] [--work DIR] [--no-queries] [--engines sparql,cypher,networkx]
    python benchmarks/bench_scale.py --queries-only [--docs 100000] [--repeat 5] [--engines cypher,networkx]

For each size N it:

1. writes (or reuses) a corpus of N documents with ``benchmarks/generate.py`` (seed 0);
2. runs a **full build** (``kg build --full --no-site --jobs J``) in a child process,
   timing each stage and recording the peak memory of the build process, of its
   largest child (an extraction worker, or the process writing the property graph), and
   of all of them at once (their resident memory summed twice a second, Linux only);
3. changes ``--changed`` documents (one sentence appended), runs an **incremental build**
   into the same folder, and puts the files back;
4. times every named question on every engine and the precedent searches of
   ``bench_precedents.py`` (``--repeat`` calls after a warm-up; 95th percentile).

It prints one table row per N, then the stage times. ``--rdf`` says which RDF files the
builds write besides ``graph.nt`` (as ``kg build --rdf``; default none, as at scale).

``--queries-only`` builds nothing: on each ``graph-N`` folder a run left under ``--work``
it times step 4 alone and prints every question and precedent search, not only the slowest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def tree_rss_mb(root: int) -> float:
    """The resident memory of process ``root`` and every process below it, in MB (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * resource.getpagesize()
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = {root}, [root]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                todo.append(child)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


class TreePeak(threading.Thread):
    """Samples :func:`tree_rss_mb` of this process twice a second; ``peak`` is the highest sum seen."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, tree_rss_mb(os.getpid()))


def child_build(corpus: str, out: str, jobs: int, rdf: str, full: bool) -> None:
    """Run one build here and print its report as JSON (called in a child process)."""
    from kg.pipeline import build

    formats = [] if rdf == "none" else rdf.split(",")
    sampler = TreePeak()
    if Path("/proc/self/stat").exists():
        sampler.start()
    report = build([corpus], out, site=False, jobs=jobs, rdf_formats=formats, incremental=not full)
    sampler.done.set()
    print(json.dumps({
        "seconds": report.seconds, "loaded": report.loaded, "extracted": report.extracted,
        "failed": len(report.failures), "input_bytes": report.input_bytes, "characters": report.characters,
        "triples": report.triples, "rows": report.rows, "stages": report.stages, "updated": report.updated,
        "peak_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "peak_total_mb": sampler.peak,
    }))


def run_build(corpus: Path, out: Path, jobs: int, rdf: str, *, full: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(corpus), str(out), str(jobs), rdf, "full" if full else "inc"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def corpus_of(n: int, work: Path, jobs: int) -> Path:
    from generate import generate

    corpus = work / f"corpus-{n}"
    if not (corpus / "planted.jsonl").exists():
        t0 = time.perf_counter()
        generate(corpus, n, seed=0, jobs=jobs)
        print(f"generated {n} documents in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return corpus


def change(corpus: Path, count: int) -> dict[Path, tuple[bytes, int]]:
    """Append a sentence to ``count`` documents spread over the corpus; return their old bytes and times."""
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".html"))
    chosen = files[:: max(1, len(files) // count)][:count]
    old = {}
    for path in chosen:
        data = path.read_bytes()
        old[path] = (data, path.stat().st_mtime_ns)
        codec = "gbk" if b"charset=gbk" in data.lower() or _is_gbk(data) else "utf-8"
        extra = "\n本文于近日作了补充说明。\n".encode(codec)
        path.write_bytes(data.replace(b"</body>", extra + b"</body>") if path.suffix == ".html" else data + extra)
    return old


def _is_gbk(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def restore(old: dict[Path, tuple[bytes, int]]) -> None:
    for path, (data, mtime_ns) in old.items():
        path.write_bytes(data)
        os.utime(path, ns=(mtime_ns, mtime_ns))


def query_timings(graph: Path, repeat: int, engines: list[str]) -> Iterator[tuple[str, str, object, int, float]]:
    """``(engine, question, parameters, rows, p95 ms)`` for every question on each engine of
    ``engines``, then ``("precedents", label, parameters, rows, p95 ms)`` for every precedent
    search of ``bench_precedents.py`` (``repeat`` calls after a warm-up)."""
    from bench_precedents import queries, timed
    from bench_queries import pick_params, time_question

    from kg.queries import ENGINES, QUESTIONS
    from kg.research.precedents import find_precedents

    params = pick_params(graph)
    for name in QUESTIONS:
        for engine in (e for e in ENGINES if e in engines):
            rows, _, p95 = time_question(graph, name, params[name], engine, repeat)
            yield engine, name, params[name], rows, p95
    for label, kwargs in queries(graph).items():
        rows, _, p95 = timed(lambda kwargs=kwargs: find_precedents(graph, **kwargs), repeat)
        yield "precedents", label, kwargs, rows, p95


def time_queries(graph: Path, repeat: int, engines: list[str]) -> dict[str, tuple[float, str]]:
    """Engine → (worst p95 ms, the question it was); and the same for precedent search."""
    worst: dict[str, tuple[float, str]] = {}
    for engine, label, _, _, p95 in query_timings(graph, repeat, engines):
        if p95 > worst.get(engine, (-1.0, ""))[0]:
            worst[engine] = (p95, label)
    return worst


def query_tables(graph: Path, repeat: int, engines: list[str]) -> None:
    """Print the 95th-percentile milliseconds and rows of every question on every engine, and of
    every precedent search of ``bench_precedents.py``, on the graph folder ``graph``."""
    questions: dict[str, tuple[object, dict[str, str]]] = {}
    searches: dict[str, str] = {}
    for engine, label, params, rows, p95 in query_timings(graph, repeat, engines):
        cell = f"{p95:,.0f} ({rows:,})"
        if engine == "precedents":
            searches[label] = cell
        else:
            questions.setdefault(label, (params, {}))[1][engine] = cell
    used = list(next(iter(questions.values()))[1]) if questions else []
    print(f"\n{graph.name}: questions, p95 ms of {repeat} calls after a warm-up (rows)\n")
    print("| question | parameters | " + " | ".join(used) + " |")
    print("|" + "---|" * (len(used) + 2))
    for name, (params, cells) in questions.items():
        print(f"| {name} | {params} | " + " | ".join(cells[e] for e in used) + " |")
    print(f"\n{graph.name}: precedent searches, p95 ms of {repeat} calls after a warm-up (rows)\n")
    print("| query | p95 ms (rows) |")
    print("|---|---|")
    for label, cell in searches.items():
        print(f"| {label} | {cell} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="1000,10000", help="corpus sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extraction processes")
    parser.add_argument("--changed", type=int, default=10, help="documents changed for the incremental build")
    parser.add_argument("--repeat", type=int, default=20, help="calls per question after a warm-up")
    parser.add_argument("--rdf", default="none", help="RDF files besides graph.nt: ttl,jsonld or none")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-scale")
    parser.add_argument("--no-queries", action="store_true", help="skip the query timings")
    parser.add_argument("--queries-only", action="store_true",
                        help="build nothing: time every question and precedent search on the graphs under --work")
    parser.add_argument("--engines", default="sparql,cypher,networkx",
                        help="engines whose questions are timed (default all; SPARQL takes seconds a call at 10k)")
    args = parser.parse_args()
    if args.queries_only:
        for n in (int(x) for x in args.docs.split(",")):
            graph = args.work / f"graph-{n}"
            if not (graph / "manifest.json").exists():
                parser.error(f"no finished build at {graph}; run without --queries-only first")
            query_tables(graph, args.repeat, args.engines.split(","))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; --jobs {args.jobs}, --rdf {args.rdf}")
    head = ("docs", "input MB", "full build s", "extract MB/s/core", "peak MB main+worker (all at once)", "triples",
            "Oxigraph k triples/s", "LadybugDB k rows/s", f"incremental ({args.changed} changed) s",
            "SPARQL p95 ms", "Cypher p95 ms", "networkx p95 ms", "precedents p95 ms")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    stages = {}
    for n in (int(x) for x in args.docs.split(",")):
        corpus = corpus_of(n, args.work, args.jobs)
        out = args.work / f"graph-{n}"
        full = run_build(corpus, out, args.jobs, args.rdf, full=True)
        old = change(corpus, args.changed)
        try:
            inc = run_build(corpus, out, args.jobs, args.rdf, full=False)
        finally:
            restore(old)
        st = full["stages"]
        mb = full["input_bytes"] / 1e6
        worst = {} if args.no_queries else time_queries(out, args.repeat, args.engines.split(","))

        def q(key: str) -> str:
            return f"{worst[key][0]:.0f} ({worst[key][1]})" if key in worst else "—"

        print(f"| {n:,} | {mb:.0f} | {full['seconds']:.0f} | {mb / st['extract'] / args.jobs:.2f} | "
              f"{full['peak_main_mb']:.0f}+{full['peak_worker_mb']:.0f} ({full['peak_total_mb']:.0f}) | "
              f"{full['triples']:,} | "
              f"{full['triples'] / st['oxigraph'] / 1000:.0f} | {full['rows'] / st['ladybug'] / 1000:.0f} | "
              f"{inc['seconds']:.1f} | {q('sparql')} | {q('cypher')} | {q('networkx')} | {q('precedents')} |",
              flush=True)
        stages[n] = (full["stages"], inc["stages"])
        print(f"<!-- {n:,}: the incremental build changed {', '.join(inc['updated']) or 'nothing'} from the last "
              f"build's; it peaked at {inc['peak_main_mb']:.0f}+{inc['peak_worker_mb']:.0f} "
              f"({inc['peak_total_mb']:.0f}) MB -->", flush=True)
    print("\nStage seconds (full build / incremental build):\n")
    names = list(dict.fromkeys(k for full_st, inc_st in stages.values() for k in (*full_st, *inc_st)))
    print("| docs | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for n, (full_st, inc_st) in stages.items():
        cells = [f"{full_st.get(k, 0):.1f} / {inc_st.get(k, 0):.1f}" for k in names]
        print(f"| {n:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_build(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6] == "full")
    else:
        main()
