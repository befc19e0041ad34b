"""Recall of planted facts: does the extractor read what the corpus generator wrote?

    python benchmarks/bench_recall.py OUT_DIR        # a corpus made by generate.py
    python benchmarks/bench_recall.py N [--seed S]   # generate N documents first (in a temporary folder)
    options: --passes P (time P extraction passes), --misses K, --jobs J (generation)

Loads every document of the corpus with :func:`loaders.load_document`, extracts it
with :func:`kg.pipeline.extract_document` (one process, one core) and compares what
was extracted with ``planted.jsonl``:

- **adoptions**: a planted (place, mechanism concept) is found when an extracted
  adoption has the same place name and the same concept (or the same canonical
  concept); status and year accuracy are counted over the found ones;
- **policies**: the planted title is an extracted policy title, verbatim;
- **metrics**: an extracted metric has the planted place, value and unit;
- **issuers**, **jurisdictions**, **proposals** (body and number) and the page metadata.

It prints one table, plus the extraction speed in MB of clean text per second and
in MB of files per second (loading included). The corpus is generated in a child
process, so extraction starts with the gazetteer's per-jurisdiction caches cold, as
``kg build`` does; ``--passes 2`` times a second pass with the caches filled.
``--misses K`` prints up to K missed adoptions with the sentence around them, to see why.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ROOT, read_planted

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.gazetteer import load_gazetteer
from kg.pipeline import extract_document
from kg.records import Extraction
from kg.thesaurus import load_thesaurus
from loaders import load_document

__all__ = ["Tally", "score_document", "measure", "main"]


@dataclass(slots=True)
class Tally:
    """Counts of planted and found facts, by kind."""

    planted: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  #: (doc, adoption, text around)

    def add(self, kind: str, hit: bool) -> None:
        self.planted[kind] += 1
        self.found[kind] += hit

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.planted[kind] if self.planted[kind] else float("nan")


def _org(name: str | None) -> str:
    return (name or "").removeprefix("中共").replace("人民政府", "政府")


def score_document(planted: dict[str, Any], ex: Extraction, tally: Tally) -> None:
    """Add one document's planted facts, found or not, to ``tally``."""
    th = load_thesaurus()
    extracted: dict[tuple[str, str], Any] = {}
    for a in ex.adoptions:
        extracted.setdefault((a.place.name, a.concept), a)
        if not a.candidate:
            extracted.setdefault((a.place.name, th.canonical(a.concept)), a)
    keys = set()
    for fact in planted["adoptions"]:
        key = (fact["place"]["name"], fact["concept"])
        keys.add(key)
        got = extracted.get(key) or extracted.get((fact["place"]["name"], fact["canonical"]))
        tally.add("adoptions", got is not None)
        tally.add(f"adoptions: {fact['status']}", got is not None)
        if got is None:
            text = ex.document.text
            at = text.find(fact["surface"])
            tally.misses.append((planted["doc"], fact, text[max(0, at - 60) : at + 30] if at >= 0 else "(surface not in text)"))
            continue
        tally.add("adoption status", got.status == fact["status"])
        tally.add(f"status {fact['status']}", got.status == fact["status"])
        if fact["year"] is not None:
            tally.add("adoption year (stated)", got.year == fact["year"])
        else:
            tally.add("adoption year (none stated)", got.year is None)
    for a in ex.adoptions:
        if not a.candidate:
            tally.add("adoptions extracted, planted", (a.place.name, a.concept) in keys)
    titles = {p.title for p in ex.policies}
    years = {p.title: p.year for p in ex.policies}
    for pol in planted["policies"]:
        tally.add("policies", pol["title"] in titles)
        if pol["title"] in titles:
            tally.add("policy year", years[pol["title"]] == pol["year"])
    metrics = [(m.place.name, m.unit, m.value, m.indicator, m.date) for m in ex.metrics]
    for fact in planted["metrics"]:
        hit = next((m for m in metrics if m[0] == fact["place"]["name"] and m[1] == fact["unit"] and abs(m[2] - fact["value"]) < 1e-6), None)
        tally.add("metrics", hit is not None)
        if hit is not None:
            tally.add("metric as-of date", hit[4] == fact["date"])
            tally.add("metric indicator (contains)", fact["indicator"] in hit[3] or hit[3] in fact["indicator"])
            tally.add("metric indicator (exact)", fact["indicator"] == hit[3])
    names = [p.name for p in ex.programs]
    for prog in planted["programs"]:
        tally.add("programmes", any(prog["name"] in n or n in prog["name"] for n in names))
    meta = ex.meta
    tally.add("issuers", _org(meta.issuer) == _org(planted["issuer"]))
    tally.add("jurisdictions", ex.place is not None and ex.place.name == planted["jurisdiction"]["name"])
    if planted["proposal"]:
        p, got_p = planted["proposal"], meta.responds_to
        tally.add("proposals (body, number)", got_p is not None and (got_p.body, got_p.number) == (p["body"], p["number"]))
        tally.add("proposal term, session, kind", got_p is not None and (got_p.term, got_p.session, got_p.kind) == (p["term"], p["session"], p["kind"]))
    tally.add("published date", meta.published == planted["published"])
    tally.add("signature date", meta.signed == planted["signed"])
    tally.add("索引号", meta.index_no == planted["index_no"])
    if planted["doc_no"]:
        tally.add("文号", meta.doc_no == planted["doc_no"])


def measure(folder: Path, *, passes: int = 1) -> tuple[Tally, dict[str, float]]:
    """Extract every planted document of ``folder`` and score it; return the tally and timings.

    The first pass is scored and timed as ``extracting_s``; later passes (``passes`` > 1)
    are timed only, as ``pass2_s`` …, to show the cost of filling the gazetteer's
    per-jurisdiction caches apart from the cost per document.
    """
    planted = read_planted(folder)
    t0 = time.perf_counter()
    th, gaz = load_thesaurus(), load_gazetteer()
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    docs = [load_document(folder / p["doc"]) for p in planted]
    loading = time.perf_counter() - t0
    tally = Tally()
    t0 = time.perf_counter()
    extractions = [extract_document(doc, thesaurus=th, gazetteer=gaz) for doc in docs]
    extracting = time.perf_counter() - t0
    later = {}
    for k in range(2, passes + 1):
        t0 = time.perf_counter()
        for doc in docs:
            extract_document(doc, thesaurus=th, gazetteer=gaz)
        later[f"pass{k}_s"] = time.perf_counter() - t0
    for fact, ex in zip(planted, extractions):
        score_document(fact, ex, tally)
    files_mb = sum((folder / p["doc"]).stat().st_size for p in planted) / 1e6
    text_mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    return tally, {
        "documents": len(docs),
        "files_mb": files_mb,
        "text_mb": text_mb,
        "startup_s": startup,
        "loading_s": loading,
        "extracting_s": extracting,
        "jurisdictions": len({p["jurisdiction"]["code"] for p in planted}),
        **later,
    }


_ORDER: Iterable[str] = (
    "adoptions", "adoptions: implemented", "adoptions: piloting", "adoptions: planned", "adoptions: proposed",
    "adoption status", "status implemented", "status piloting", "status planned", "status proposed",
    "adoption year (stated)", "adoption year (none stated)", "adoptions extracted, planted",
    "policies", "policy year", "metrics", "metric as-of date", "metric indicator (contains)", "metric indicator (exact)", "programmes", "issuers", "jurisdictions",
    "proposals (body, number)", "proposal term, session, kind", "published date", "signature date", "索引号", "文号",
)


def _table(tally: Tally, timing: dict[str, float]) -> str:
    rows = [("fact", "planted", "found", "recall")]
    for kind in _ORDER:
        if tally.planted[kind]:
            rows.append((kind, str(tally.planted[kind]), str(tally.found[kind]), f"{tally.recall(kind):.3f}"))
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(width[i]) if i == 0 else c.rjust(width[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in width))
    t = timing
    total = t["loading_s"] + t["extracting_s"]
    lines += [
        "",
        f"documents {t['documents']:.0f}; files {t['files_mb']:.2f} MB; clean text {t['text_mb']:.2f} MB (UTF-8)",
        (
            f"jurisdictions {t['jurisdictions']:.0f}; start-up {t['startup_s']:.2f} s; "
            f"loading {t['loading_s']:.2f} s; extraction {t['extracting_s']:.2f} s (one core)"
        ),
        (
            f"extraction {t['text_mb'] / t['extracting_s']:.2f} MB/s of clean text; "
            f"load + extract {t['files_mb'] / total:.2f} MB/s of files"
        ),
    ]
    for key in sorted(k for k in t if k.startswith("pass")):
        lines.append(f"extraction pass {key[4:-2]}: {t[key]:.2f} s, {t['text_mb'] / t[key]:.2f} MB/s of clean text")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """The command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", help="a folder written by generate.py, or a number of documents to generate")
    parser.add_argument("--seed", type=int, default=0, help="seed when generating (default 0)")
    parser.add_argument("--misses", type=int, default=0, metavar="K", help="print up to K missed adoptions")
    parser.add_argument("--jobs", type=int, default=1, help="processes generating the corpus (extraction uses one)")
    parser.add_argument("--passes", type=int, default=1, help="extraction passes; later ones are timed only (default 1)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govkg-bench-") as tmp:
        if args.corpus.isdigit():
            # in a child process, so that extraction here starts with the gazetteer's caches cold, as a build does
            folder = Path(tmp)
            script = Path(__file__).with_name("generate.py")
            cmd = [sys.executable, str(script), str(folder), "-n", args.corpus, "--seed", str(args.seed), "--jobs", str(args.jobs)]
            print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip())
        else:
            folder = Path(args.corpus)
        tally, timing = measure(folder, passes=args.passes)
    print(_table(tally, timing))
    for doc, fact, around in tally.misses[: args.misses]:
        place = fact["place"]["name"]
        print(f"\nMISS {doc}: {place} × {fact['concept']} ({fact['surface']}, {fact['status']})\n    …{around}…")


if __name__ == "__main__":
    main()
