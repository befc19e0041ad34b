"""The benchmark corpus generator (benchmarks/generate.py): determinism, formats, and what it plants.

Every test writes real files and reads them back with the project's own loaders and
extractor; nothing is mocked.
"""

from __future__ import annotations

import doctest
import importlib
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.extract.mechanisms import find_mechanisms
from kg.pipeline import extract_document
from kg.thesaurus import load_thesaurus
from loaders import load_document

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

gen = importlib.import_module("generate")

SEED = 11
N = 30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of N documents for SEED, written once for the module."""
    out = tmp_path_factory.mktemp("corpus")
    gen.generate(out, N, seed=SEED)
    return out


@pytest.fixture(scope="module")
def planted(corpus: Path) -> list[dict]:
    return gen.read_planted(corpus)


def test_generate_same_seed_gives_identical_bytes(corpus: Path, tmp_path: Path) -> None:
    gen.generate(tmp_path, N, seed=SEED)
    names = sorted(p.name for p in corpus.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (corpus / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_generate_different_seeds_give_different_documents(corpus: Path, tmp_path: Path) -> None:
    gen.generate(tmp_path, N, seed=SEED + 1)
    assert (corpus / gen.PLANTED).read_bytes() != (tmp_path / gen.PLANTED).read_bytes()
    ours = {p.read_bytes() for p in corpus.iterdir() if p.name != gen.PLANTED}
    theirs = {p.read_bytes() for p in tmp_path.iterdir() if p.name != gen.PLANTED}
    assert not ours & theirs


def test_generate_smaller_corpus_is_the_first_documents_of_a_larger(corpus: Path, tmp_path: Path) -> None:
    paths = gen.generate(tmp_path, 7, seed=SEED)
    for path in paths:
        assert path.read_bytes() == (corpus / path.name).read_bytes()
    first = (corpus / gen.PLANTED).read_text(encoding="utf-8").splitlines()[:7]
    assert (tmp_path / gen.PLANTED).read_text(encoding="utf-8").splitlines() == first


def test_generate_writes_the_same_bytes_in_parallel(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen, "CHUNK", 8)  # four chunks of the N documents, shared by two workers
    paths = gen.generate(tmp_path, N, seed=SEED, jobs=2)
    assert [p.name for p in paths] == [json.loads(line)["doc"] for line in (corpus / gen.PLANTED).read_text("utf-8").splitlines()]
    for path in [*paths, tmp_path / gen.PLANTED]:
        assert path.read_bytes() == (corpus / path.name).read_bytes(), path.name


def test_generate_plants_one_record_per_written_file(corpus: Path, planted: list[dict]) -> None:
    files = sorted(p.name for p in corpus.iterdir() if p.name != gen.PLANTED)
    assert sorted(p["doc"] for p in planted) == files
    assert len(files) == N
    for fact in planted:
        assert fact["adoptions"], fact["doc"]
        assert fact["jurisdiction"]["code"] in fact["doc"]
        for adoption in fact["adoptions"]:
            assert adoption["status"] in ("implemented", "piloting", "planned", "proposed")


def _first_of_each_kind(count: int = 200) -> Iterator[tuple[int, Any]]:
    """The first composed document of SEED in each (format, encoding)."""
    seen = set()
    for i in range(count):
        c = gen.compose_document(i, seed=SEED)
        if (c.fmt, c.encoding) not in seen:
            seen.add((c.fmt, c.encoding))
            yield i, c


def test_generate_mixes_formats_and_encodings() -> None:
    found = {}
    for _, c in _first_of_each_kind():
        data = gen.render_document(c)
        found[(c.fmt, c.planted["encoding"])] = data
    assert set(found) == {("txt", "utf-8"), ("txt", "utf-8-sig"), ("txt", "gbk"), ("html", "utf-8"), ("html", "gbk")}
    assert found[("txt", "utf-8-sig")].startswith(b"\xef\xbb\xbf")
    assert not found[("txt", "utf-8")].startswith(b"\xef\xbb\xbf")
    for fmt in ("txt", "html"):
        with pytest.raises(UnicodeDecodeError):
            found[(fmt, "gbk")].decode("utf-8")
        found[(fmt, "gbk")].decode("gbk")
    assert re.search(rb"charset=\"?(?:gbk|GBK|gb2312)", found[("html", "gbk")])
    assert re.search(rb"charset=\"?(?:utf-8|UTF-8)", found[("html", "utf-8")])


def test_generate_gbk_files_load_to_the_text_their_utf8_rendering_has(tmp_path: Path) -> None:
    checked = 0
    for _, c in _first_of_each_kind():
        if c.encoding != "gbk":
            continue
        (tmp_path / "gbk").mkdir(exist_ok=True)
        (tmp_path / "utf8").mkdir(exist_ok=True)
        legacy = tmp_path / "gbk" / c.file_name
        modern = tmp_path / "utf8" / c.file_name
        legacy.write_bytes(gen.render_document(c))
        modern.write_bytes(gen.render_document(c, encoding="utf-8"))
        old, new = load_document(legacy), load_document(modern)
        assert old.encoding not in ("utf-8", "utf-8-sig"), c.file_name
        assert new.encoding in ("utf-8", "utf-8-sig"), c.file_name
        assert old.text == new.text
        assert c.title in old.text
        checked += 1
    assert checked == 2  # one text file, one web page


def test_generate_planted_strings_appear_verbatim_in_the_loaded_text(corpus: Path, planted: list[dict]) -> None:
    for fact in planted:
        text = load_document(corpus / fact["doc"]).text
        for policy in fact["policies"]:
            assert f"《{policy['title']}》" in text or f"《{policy['title']}" in text, (fact["doc"], policy)
        for adoption in fact["adoptions"]:
            assert adoption["surface"] in re.sub("[“”]", "", text), (fact["doc"], adoption["surface"])
        assert fact["issuer"] in text and fact["index_no"] in text and fact["title"] in text
        for chrome in ("版权所有", "当前位置", "您所在的位置", "分享到", "打印本页", "无障碍"):
            assert chrome not in text, (fact["doc"], chrome)


def test_generate_extractor_recovers_most_planted_adoptions(corpus: Path, planted: list[dict]) -> None:
    th = load_thesaurus()
    total = found = right_status = 0
    for fact in planted:
        ex = extract_document(load_document(corpus / fact["doc"]))
        got: dict[tuple[str, str], Any] = {}
        for a in ex.adoptions:
            got.setdefault((a.place.name, a.concept), a)
            if not a.candidate:
                got.setdefault((a.place.name, th.canonical(a.concept)), a)
        for adoption in fact["adoptions"]:
            total += 1
            hit = got.get((adoption["place"]["name"], adoption["concept"]))
            found += hit is not None
            right_status += hit is not None and hit.status == adoption["status"]
    assert total >= 5 * N
    assert found / total >= 0.8, f"{found}/{total} planted adoptions (place × mechanism) extracted"
    assert right_status / found >= 0.8


def test_generate_filler_phrases_name_no_mechanism() -> None:
    """Only the adoption sentences may name mechanisms: planted adoptions are all there is to find."""
    data = tomllib.loads((BENCH / "templates.toml").read_text(encoding="utf-8"))

    def strings(node: object, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, list):
            for k, item in enumerate(node):
                yield from strings(item, f"{path}[{k}]")
        elif isinstance(node, dict):
            for key, item in node.items():
                yield from strings(item, f"{path}.{key}")

    for path, phrase in strings(data, ""):
        if path.startswith((".verbs", ".kind_override")):
            continue
        text = re.sub(r"\{\w+\}", "某某", phrase)  # placeholders, mechanisms included, left out
        assert find_mechanisms("t", text) == [], (path, phrase)


def test_generate_command_line_writes_the_corpus(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(tmp_path / "out"), "-n", "3", "--seed", "2"],
        capture_output=True, text=True, check=True,
    )
    assert run.stdout.startswith("3 documents")
    lines = (tmp_path / "out" / gen.PLANTED).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc"] for line in lines] == sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix != ".jsonl")


@pytest.mark.parametrize("module", ["generate", "corpus_pools", "corpus_sentences", "corpus_compose", "corpus_render"])
def test_generate_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
