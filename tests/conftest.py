"""Fixtures shared by the test modules.

The seed documents and their gold annotations live in ``../shared`` beside the
repository; tests read them there at run time and never copy their text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: The shared folder beside the repository: corpus/seeds, gold/seeds, tools.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
#: Debian's Chromium (``apt-get install -y chromium``), which Playwright drives for the HTML tests.
CHROMIUM = Path("/usr/bin/chromium")
#: Flags that keep Chromium from calling home: the tests count every request the page makes.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of seed documents, ``../shared/corpus/seeds``."""
    folder = SHARED / "corpus" / "seeds"
    if not folder.is_dir():
        pytest.fail(f"seed corpus not found at {folder}; the tests expect ../shared beside the repository")
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's, at ``/usr/bin/chromium``) driven by Playwright.

    Never ``playwright install``: Playwright's Python package is pointed at the system
    browser. Skips, saying how to install it, when Chromium is missing.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the HTML view tests need a real browser "
                    "(apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason='pip install -e ".[test]" installs Playwright')
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def seed_graph(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built into a graph folder holding every store, shared by the tests that only read it."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seed-graph")
    build([seeds_dir], out)
    return out


def digest(graph_dir: Path) -> dict[str, str]:
    """Every file of a graph folder → the SHA-256 of its bytes (to prove a query changed nothing)."""
    import hashlib

    return {str(path.relative_to(graph_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(graph_dir.rglob("*")) if path.is_file()}


def spans_hold_the_passages(graph_dir: Path) -> bool:
    """The precedent index's ``spans`` table names each document's passages exactly: its rows
    give every passage's document and length, from its ``first`` rowid on, and every document one row."""
    import sqlite3

    import numpy as np

    from kg.research.precedent_index import LENGTH_TYPE, PRECEDENT_FILE

    db = sqlite3.connect(graph_dir / PRECEDENT_FILE)
    try:
        passages = {rowid: (doc_id, end - start)
                    for rowid, doc_id, start, end in db.execute("SELECT rowid, doc_id, start, end FROM passages")}
        spans: dict[int, tuple[str, int]] = {}
        for doc_id, first, lengths in db.execute("SELECT doc_id, first, lengths FROM spans"):
            for i, length in enumerate(np.frombuffer(lengths, dtype=LENGTH_TYPE).tolist()):
                spans[first + i] = (doc_id, length)
        docs = [doc_id for (doc_id,) in db.execute("SELECT doc_id FROM documents")]
        named = [doc_id for (doc_id,) in db.execute("SELECT doc_id FROM spans")]
    finally:
        db.close()
    return spans == passages and sorted(docs) == sorted(named)
