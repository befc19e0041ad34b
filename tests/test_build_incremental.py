"""Incremental and parallel builds: a rebuild after changes equals a full build, file for file,
store for store; ``--jobs`` changes nothing but the time."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import spans_hold_the_passages

from kg.cache import GRAPH_STATE_FILE, MANIFEST, RDF_STATE_FILE, entry_path, read_entry, read_extraction
from kg.cli import main
from kg.pipeline import build
from kg.stores.ladybug import LADYBUG_FILE, read_ladybug
from kg.stores.oxigraph import STORE_DIR, query_sparql

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
EXAMPLES = ROOT / "examples"
#: Files a build writes whose bytes must not depend on how it was made.
SAME_BYTES = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.networkx.json")


def _corpus(folder: Path) -> Path:
    """The seeds and the examples, copied into ``folder`` so a test may change them."""
    folder.mkdir(parents=True)
    for source in (*sorted(SEEDS.glob("*.txt")), *sorted(EXAMPLES.iterdir())):
        if source.is_file():
            shutil.copy2(source, folder / source.name)
    return folder


def _store_lines(graph_dir: Path) -> list[str]:
    """Every triple of the Oxigraph store, as sorted N-Triples lines."""
    store = ox.Store.read_only(str(graph_dir / STORE_DIR))
    try:
        return sorted(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                      .decode("utf-8").splitlines())
    finally:
        del store


def _precedent_rows(graph_dir: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(graph_dir / "precedents.sqlite")
    try:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%\\_%' ESCAPE '\\' "
            "ORDER BY name")]
        # a span's first rowid depends on the order documents came in; its document and lengths do not
        return {t: sorted(map(repr, db.execute("SELECT doc_id, lengths FROM spans" if t == "spans" else
                                               f"SELECT * FROM {t}"))) for t in tables}  # noqa: S608 (schema names)
    finally:
        db.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_same_graph(a: Path, b: Path) -> None:
    """Two graph folders hold the same graph in every output and every store."""
    for name in SAME_BYTES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for folder in ("export", "documents"):
        assert {p.name: _sha(p) for p in (a / folder).iterdir()} == \
               {p.name: _sha(p) for p in (b / folder).iterdir()}, folder
    assert _store_lines(a) == _store_lines(b)
    pa, pb = read_ladybug(a / LADYBUG_FILE), read_ladybug(b / LADYBUG_FILE)
    for kind in (*pa.nodes, *pa.edges):
        left = pa.nodes.get(kind, pa.edges.get(kind))
        right = pb.nodes.get(kind, pb.edges.get(kind))
        pd.testing.assert_frame_equal(left, right, obj=kind)
    assert _precedent_rows(a) == _precedent_rows(b)
    assert spans_hold_the_passages(a) and spans_hold_the_passages(b)


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, object]]:
    """A corpus built once, then changed (one file edited, one removed, one added) and built again
    into the same folder; and the same changed corpus built from nothing."""
    root = tmp_path_factory.mktemp("incremental")
    corpus = _corpus(root / "in")
    extra = sorted(corpus.glob("*.txt"))[-1]
    held_back = root / "later" / extra.name
    held_back.parent.mkdir()
    shutil.move(extra, held_back)
    out = root / "out"
    first = build([corpus], out, site=False, jobs=1)
    edited, removed = sorted(corpus.glob("*.txt"))[:2]
    removed_id = hashlib.sha256(removed.read_bytes()).hexdigest()[:16]
    old_id = hashlib.sha256(edited.read_bytes()).hexdigest()[:16]
    text = edited.read_text(encoding="utf-8")
    assert "。\n" in text
    edited.write_text(text.replace("。\n", "。同时，我市在各街道全面推行“吹哨报到”机制。\n", 1), encoding="utf-8")
    removed.unlink()
    shutil.move(held_back, corpus / extra.name)
    second = build([corpus], out, site=False, jobs=1)
    fresh = build([corpus], root / "fresh", site=False, jobs=1, incremental=False)
    return out, root / "fresh", {"first": first, "second": second, "fresh": fresh,
                                 "removed": removed_id, "old": old_id}


def test_incremental_build_equals_a_full_rebuild_in_every_store(changed) -> None:
    out, fresh, _ = changed
    assert_same_graph(out, fresh)


def test_incremental_build_extracts_only_the_changed_and_added_files(changed) -> None:
    _, _, info = changed
    first, second, fresh = info["first"], info["second"], info["fresh"]
    assert first.extracted == first.loaded and first.reused == 0
    assert (second.extracted, second.reused) == (2, second.loaded - 2)
    assert fresh.extracted == fresh.loaded == second.loaded
    assert (first.updated, second.updated, fresh.updated) == ([], ["rdf", "oxigraph", "graph", "ladybug", "networkx", "precedents"], [])  # in place
    assert second.facts == fresh.facts
    assert "(2 extracted, " in second.summary()


def test_incremental_build_drops_every_fact_of_a_removed_or_replaced_document(changed) -> None:
    out, _, info = changed
    for doc_id in (info["removed"], info["old"]):
        assert doc_id not in (out / "graph.nt").read_text(encoding="utf-8")
        assert doc_id not in (out / "graph.networkx.json").read_text(encoding="utf-8")
        assert not (out / "documents" / f"{doc_id}.txt").exists()
        assert not entry_path(out, doc_id).exists()
        assert doc_id not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["documents"]
        for name in ("documents", "adoptions", "metrics"):
            assert doc_id not in (out / "export" / f"{name}.csv").read_text(encoding="utf-8")
        frame = query_sparql(out, "SELECT ?d ?id WHERE { ?d dct:identifier ?id }", {"id": doc_id})
        assert frame.empty
        docs = read_ladybug(out / LADYBUG_FILE).nodes["Document"]
        assert doc_id not in set(docs["doc_id"])


def test_incremental_build_reads_the_appended_sentence(changed) -> None:
    out, _, _ = changed
    texts = [p for p in (out / "documents").glob("*.txt")
             if "同时，我市在各街道全面推行“吹哨报到”机制。" in p.read_text(encoding="utf-8")]
    assert len(texts) == 1
    assert texts[0].stem in (out / "export" / "documents.csv").read_text(encoding="utf-8")


def test_build_with_nothing_changed_extracts_nothing_and_writes_the_same_files(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    first = build([corpus], tmp_path / "out", site=False)
    before = {name: (tmp_path / "out" / name).read_bytes() for name in SAME_BYTES}
    again = build([corpus], tmp_path / "out", site=False)
    assert (again.extracted, again.reused) == (0, first.loaded)
    assert {name: (tmp_path / "out" / name).read_bytes() for name in SAME_BYTES} == before


def test_changed_code_fingerprint_extracts_everything_again(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    first = build([corpus], tmp_path / "out", site=False)
    manifest = tmp_path / "out" / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["fingerprint"] = "0" * 16  # what an earlier version of the extractor wrote
    manifest.write_text(json.dumps(data), encoding="utf-8")
    again = build([corpus], tmp_path / "out", site=False)
    assert (again.extracted, again.reused) == (first.loaded, 0)


@pytest.mark.parametrize("damage", ["garbage", "rdf part cut off"])
def test_unreadable_cache_entry_is_extracted_again(tmp_path: Path, damage: str) -> None:
    corpus = _corpus(tmp_path / "in")
    build([corpus], tmp_path / "out", site=False)
    build([corpus], tmp_path / "fresh", site=False, incremental=False)
    victim = sorted((tmp_path / "out" / "cache").rglob("*.pickle.z"))[0]
    doc_id = victim.name.removesuffix(".pickle.z")
    if damage == "garbage":
        victim.write_bytes(b"not a cache entry")
    else:  # the extraction still reads; the entry as a whole does not
        victim.write_bytes(victim.read_bytes()[:-5])
        assert read_extraction(tmp_path / "out", doc_id) is not None
        assert read_entry(tmp_path / "out", doc_id) is None
    again = build([corpus], tmp_path / "out", site=False)
    assert not again.failures
    assert_same_graph(tmp_path / "out", tmp_path / "fresh")


def _built_with_state(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    """A corpus, the folder it was built into, and the state ``name`` that build kept in ``cache/``."""
    corpus = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    build([corpus], out, site=False)
    state = out / "cache" / name
    assert state.stat().st_size > 0
    return corpus, out, state


def _damage_state(state: Path, damage: str) -> bool:
    """Damage the kept ``state`` as ``damage`` says; ``False`` when ``damage`` is not to the state."""
    data = state.read_bytes()
    if damage == "missing":
        state.unlink()
    elif damage == "garbage":
        state.write_bytes(data.splitlines(keepends=True)[0] + b"not a pickle")
    elif damage == "cut off":
        state.write_bytes(data[: len(data) // 2])
    elif damage == "another token":
        state.write_bytes(b"# govkg state 0123\n" + data.split(b"\n", 1)[1])
    else:
        return False
    return True


@pytest.mark.parametrize("damage", ["missing", "garbage", "cut off", "another token", "a document's entry lost"])
def test_property_graph_is_made_from_every_document_when_its_saved_state_cannot_serve(
        tmp_path: Path, damage: str) -> None:
    corpus, out, state = _built_with_state(tmp_path, GRAPH_STATE_FILE)
    victim = sorted(corpus.glob("*.txt"))[0]
    if not _damage_state(state, damage):  # the removed document's extraction is needed to take its share out
        entry_path(out, hashlib.sha256(victim.read_bytes()).hexdigest()[:16]).unlink()
    victim.unlink()
    again = build([corpus], out, site=False)
    # the Oxigraph store needs the lost entry too
    assert again.updated == (["precedents"] if damage == "a document's entry lost" else ["rdf", "oxigraph", "precedents"])
    build([corpus], tmp_path / "fresh", site=False, incremental=False)
    assert_same_graph(out, tmp_path / "fresh")
    other = sorted(corpus.glob("*.txt"))[0]
    other.write_text(other.read_text(encoding="utf-8") + "\n我市全面推行“网格化管理”。\n", encoding="utf-8")
    assert "graph" in build([corpus], out, site=False).updated  # the build kept a state again


@pytest.mark.parametrize("damage", ["missing", "garbage", "cut off", "graph.nt written since", "a CSV written since"])
def test_rdf_files_are_written_from_every_document_when_the_kept_merge_cannot_serve(
        tmp_path: Path, damage: str) -> None:
    corpus, out, state = _built_with_state(tmp_path, RDF_STATE_FILE)
    if damage == "graph.nt written since":  # as by hand: the kept layout no longer fits it
        (out / "graph.nt").write_bytes((out / "graph.nt").read_bytes() + b"<urn:a> <urn:b> <urn:c> .\n")
    elif not _damage_state(state, damage):
        (out / "export" / "agencies.csv").write_bytes((out / "export" / "agencies.csv").read_bytes()[:-10])
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n我市全面推行“网格化管理”。\n", encoding="utf-8")
    again = build([corpus], out, site=False)
    assert "rdf" not in again.updated and "graph" in again.updated
    build([corpus], tmp_path / "fresh", site=False, incremental=False)
    assert_same_graph(out, tmp_path / "fresh")
    victim.write_text(victim.read_text(encoding="utf-8") + "\n我市全面推行“吹哨报到”。\n", encoding="utf-8")
    assert "rdf" in build([corpus], out, site=False).updated  # the build kept a merge again


def test_store_changed_by_a_build_that_stopped_before_its_manifest_is_reloaded(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    build([corpus], out, site=False)
    before = (out / MANIFEST).read_bytes()
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n我市全面推行“网格化管理”。\n", encoding="utf-8")
    assert build([corpus], out, site=False).updated == ["rdf", "oxigraph", "graph", "ladybug", "networkx", "precedents"]
    (out / MANIFEST).write_bytes(before)  # as if the build had stopped after changing the store
    victim.unlink()
    again = build([corpus], out, site=False)
    assert again.updated == ["precedents"]  # the tokens are not the manifest's: reloaded and made anew
    build([corpus], tmp_path / "fresh", site=False, incremental=False)
    assert_same_graph(out, tmp_path / "fresh")


def test_store_open_for_queries_in_this_process_is_still_changed_in_place(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    build([corpus], out, site=False)
    ask = "SELECT ?d WHERE { ?d a gk:Document }"
    before = set(query_sparql(out, ask)["d"])  # keeps a read-only handle open, as a notebook would
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n我市全面推行“网格化管理”。\n", encoding="utf-8")
    again = build([corpus], out, site=False)
    assert "oxigraph" in again.updated
    after = set(query_sparql(out, ask)["d"])
    assert len(after) == len(before) and len(after - before) == 1  # the edited document has a new doc_id


def test_renamed_file_is_extracted_again_under_its_new_name(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    build([corpus], tmp_path / "out", site=False)
    first = sorted(corpus.glob("*.txt"))[0]
    first.rename(corpus / f"renamed-{first.name}")
    again = build([corpus], tmp_path / "out", site=False)
    assert again.extracted == 1
    assert again.updated == ["precedents"]  # its old lines in Oxigraph cannot be told apart: reloaded
    docs = (tmp_path / "out" / "export" / "documents.csv").read_text(encoding="utf-8")
    assert f"renamed-{first.name}" in docs and f"\n{first.name}," not in docs


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 generated documents: enough for two extraction processes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    corpus = tmp_path_factory.mktemp("generated")
    generate(corpus, 60, seed=3)
    (corpus / "planted.jsonl").unlink()
    (corpus / "zz-empty.txt").write_bytes(b"")
    (corpus / "zz-binary.txt").write_bytes(bytes(range(256)) * 8)
    return corpus


def test_parallel_build_equals_a_serial_one_and_reports_bad_files(generated: Path, tmp_path: Path) -> None:
    serial = build([generated], tmp_path / "one", site=False, jobs=1)
    parallel = build([generated], tmp_path / "two", site=False, jobs=2)
    assert serial.loaded == parallel.loaded == 60
    for report in (serial, parallel):
        assert sorted((Path(f.path).name, f.reason) for f in report.failures) == [
            ("zz-binary.txt", "binary file (NUL bytes), not a text document"), ("zz-empty.txt", "empty file")]
    assert_same_graph(tmp_path / "one", tmp_path / "two")


def test_cli_build_jobs_and_rdf_none_write_only_ntriples(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in")
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "2",
                                       "--rdf", "none", "--no-site", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "graph.nt").stat().st_size > 0
    assert not (tmp_path / "out" / "graph.ttl").exists() and not (tmp_path / "out" / "graph.jsonld").exists()
    again = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "out"), "--rdf", "ttl",
                                      "--no-site", "-q"])
    assert f"({0} extracted, " in again.output
    assert (tmp_path / "out" / "graph.ttl").exists() and not (tmp_path / "out" / "graph.jsonld").exists()


def test_cli_build_unknown_rdf_format_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "--out", str(tmp_path / "out"), "--rdf", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for --rdf: unknown RDF format 'xml'; use ttl, jsonld, both comma-separated, or none" \
        in result.output
