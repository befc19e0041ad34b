"""A deterministic benchmark corpus of grassroots-governance documents, with the facts planted in each.

    python benchmarks/generate.py OUT_DIR -n N [--seed S]

writes N documents into OUT_DIR — replies to 政协提案 and 人大代表建议, 复函, 协办意见 and
work summaries (综述) — and ``OUT_DIR/planted.jsonl``, one JSON object per document
with the facts written into it: jurisdiction, adoptions (place × mechanism, status,
year), policy titles, metrics, the proposal answered and the issuer.

Documents are assembled from phrase pools written for this project
(``benchmarks/templates.toml``), real places from the project's gazetteer (a city with
its own counties, districts and streets, or a county with its streets) and mechanisms
from the project's SKOS thesaurus, local forms included. Formats and encodings are
mixed: ``.txt`` in UTF-8 (some with a BOM) and GBK, ``.html`` pages in UTF-8 and GBK
with ``<meta charset>``, navigation, breadcrumb and footer around the article.

Document ``i`` depends only on ``(seed, i)``: the same seed gives byte-identical files,
and a corpus of N documents is the first N of any larger one.

Examples
--------
>>> import tempfile
>>> paths = generate(tempfile.mkdtemp(), 3, seed=7)
>>> [p.suffix in (".txt", ".html") for p in paths]
[True, True, True]
>>> facts = read_planted(paths[0].parent)
>>> facts[0]["doc"] == paths[0].name, sorted(facts[0])
(True, ['adoptions', 'doc', 'doc_no', 'encoding', 'format', 'index_no', 'issuer', 'jurisdiction', 'kind', 'metrics', 'policies', 'programs', 'proposal', 'published', 'signed', 'title'])
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # the corpus_* modules beside this file
    sys.path.insert(0, _HERE)

from corpus_compose import Composed, compose_document
from corpus_pools import ROOT, Pools, load_pools
from corpus_render import render_document

__all__ = [
    "generate",
    "read_planted",
    "iter_planted",
    "compose_document",
    "render_document",
    "load_pools",
    "Composed",
    "Pools",
    "PLANTED",
    "ROOT",
    "main",
]

#: The file of planted facts in a generated corpus: one JSON object per document, in order.
PLANTED = "planted.jsonl"
#: Documents handed to a worker at a time.
CHUNK = 250


def _write_range(out: Path, seed: int, start: int, stop: int) -> tuple[list[str], list[str]]:
    """Write documents ``start`` to ``stop - 1``; return their file names and planted lines."""
    pools = load_pools()
    names, lines = [], []
    for i in range(start, stop):
        c = compose_document(i, seed=seed, pools=pools)
        (out / c.file_name).write_bytes(render_document(c))
        names.append(c.file_name)
        lines.append(json.dumps(c.planted, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return names, lines


def generate(out_dir: str | Path, n: int, *, seed: int = 0, jobs: int = 1) -> list[Path]:
    """Write ``n`` documents and ``planted.jsonl`` into ``out_dir``; return the documents' paths.

    Parameters
    ----------
    out_dir
        The folder to write into (created if missing). Files of an earlier run with
        other names are left alone; ``planted.jsonl`` is rewritten.
    n
        How many documents.
    seed
        Same ``n`` and ``seed`` give byte-identical files.
    jobs
        Worker processes. Each document depends only on ``(seed, i)``, so any number of
        jobs writes the same bytes.

    Returns
    -------
    list[Path]
        The documents written, in order (``planted.jsonl`` has one line for each).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ranges = [(start, min(n, start + CHUNK)) for start in range(0, n, CHUNK)]
    partial = out / (PLANTED + ".partial")
    paths: list[Path] = []
    with partial.open("w", encoding="utf-8", newline="\n") as facts:  # streamed: 100k documents plant ~400 MB
        if jobs > 1 and len(ranges) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                done = pool.map(_write_range, *zip(*[(out, seed, a, b) for a, b in ranges]))
                for names, lines in done:
                    paths += [out / name for name in names]
                    facts.writelines(line + "\n" for line in lines)
        else:
            for a, b in ranges:
                names, lines = _write_range(out, seed, a, b)
                paths += [out / name for name in names]
                facts.writelines(line + "\n" for line in lines)
    os.replace(partial, out / PLANTED)
    return paths


def iter_planted(out_dir: str | Path) -> Iterator[dict[str, Any]]:
    """The planted facts of a generated corpus, one dict per document, in order, read as needed."""
    with (Path(out_dir) / PLANTED).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_planted(out_dir: str | Path) -> list[dict[str, Any]]:
    """The planted facts of a generated corpus, one dict per document, in order."""
    return list(iter_planted(out_dir))


def main(argv: Sequence[str] | None = None) -> None:
    """The command line: ``python benchmarks/generate.py OUT_DIR -n N [--seed S]``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=100, help="number of documents (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1); the output does not depend on it")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_pools()
    ready = time.perf_counter()
    paths = generate(args.out_dir, args.n, seed=args.seed, jobs=args.jobs)
    done = time.perf_counter()
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{len(paths)} documents, {size / 1e6:.2f} MB in {args.out_dir} "
        f"(pools {ready - started:.2f} s, writing {done - ready:.2f} s, {len(paths) / max(done - ready, 1e-9):.0f} docs/s)"
    )


if __name__ == "__main__":
    main()
