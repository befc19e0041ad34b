"""End to end: `kg build` over the real seed documents and over bad input."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import EXPORTS
from kg.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "seeds"
SCORER = SHARED / "tools" / "score.py"


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "kg-out"
    report = build([SEEDS], out)
    assert report.loaded == 5 and not report.failures
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_build_seeds_writes_graph_exports_and_texts(seed_out: Path) -> None:
    assert (seed_out / "graph.ttl").stat().st_size > 0
    assert (seed_out / "graph.jsonld").stat().st_size > 0
    for name, columns in EXPORTS.items():
        rows = _rows(seed_out / "export" / f"{name}.csv")
        assert rows, name
        assert list(rows[0]) == columns
    docs = _rows(seed_out / "export" / "documents.csv")
    assert sorted(r["doc"] for r in docs) == sorted(p.name for p in SEEDS.glob("*.txt"))
    for row in docs:
        assert (seed_out / "documents" / f"{row['doc_id']}.txt").exists()


def test_every_fact_has_evidence_that_slices_the_stored_text(seed_out: Path) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (seed_out / "documents").glob("*.txt")}
    checked = 0
    for name in ("adoptions", "policies", "agencies", "programs", "metrics", "candidates"):
        for row in _rows(seed_out / "export" / f"{name}.csv"):
            text = texts[row["doc_id"]]
            start, end = int(row["start"]), int(row["end"])
            assert text[start:end] == row["sentence"] != ""
            m_start, m_end = int(row["mention_start"]), int(row["mention_end"])
            assert start <= m_start < m_end <= end, (name, row)
            checked += 1
    assert checked > 300


#: Embedded database folders: their files hold the store's own ids and timestamps, so two
#: builds differ byte for byte; the stores' tests check that they answer queries identically.
STORE_DIRS = {"oxigraph", "graph.lbug"}


def test_build_is_idempotent(seed_out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build([SEEDS], again)

    def files(root: Path) -> list[Path]:
        rels = (p.relative_to(root) for p in root.rglob("*") if p.is_file())
        return sorted(r for r in rels if r.parts[0] not in STORE_DIRS)

    first, second = files(seed_out), files(again)
    assert Path("graph.ttl") in first and Path("graph.networkx.json") in first
    assert first == second
    for rel in first:
        assert (seed_out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_rebuilding_into_the_same_folder_drops_texts_of_documents_no_longer_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([SEEDS], out)
    build([SEEDS / "002_0e9deacc55aac3d8.txt"], out)
    docs = _rows(out / "export" / "documents.csv")
    assert [r["doc"] for r in docs] == ["002_0e9deacc55aac3d8.txt"]
    assert sorted(p.stem for p in (out / "documents").glob("*.txt")) == [docs[0]["doc_id"]]


def test_seed_003_site_footer_yields_no_fact(seed_out: Path) -> None:
    raw = (SEEDS / "003_d900f653fe6bde40.txt").read_text(encoding="utf-8")
    marker = raw.index("原文链接")
    body, footer = raw[:marker], raw[marker:]
    assert "ICP备" in footer  # the seed still has the footer this test is about
    doc = next(r for r in _rows(seed_out / "export" / "documents.csv") if r["doc"].startswith("003_"))
    for name in ("adoptions", "policies", "agencies", "programs", "metrics"):
        for row in _rows(seed_out / "export" / f"{name}.csv"):
            if row["doc_id"] == doc["doc_id"]:
                assert row["sentence"] in body, (name, row["sentence"])
    agencies = {r["name"] for r in _rows(seed_out / "export" / "agencies.csv") if r["doc_id"] == doc["doc_id"]}
    assert not any("中农兴业" in a or "互联网协会" in a or "举报" in a for a in agencies)


def _score(export: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(export), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_seed_extraction_meets_the_quality_floors(seed_out: Path) -> None:
    s = _score(seed_out / "export")
    assert s["adoptions"]["f1"] >= 0.85, s["adoptions"]
    assert s["adoption_status_accuracy"] >= 0.85
    assert s["policies"]["f1"] >= 0.98, s["policies"]
    assert s["agencies"]["f1"] >= 0.85, s["agencies"]
    assert s["metrics"]["f1"] >= 0.85, s["metrics"]
    assert s["meta_accuracy"] >= 0.95


def _full_width(text: str) -> str:
    """Chinese-style punctuation (，（）：；) where the seed prints ASCII next to Chinese text."""
    table = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"})
    cjk = lambda ch: "\u4e00" <= ch <= "\u9fff"  # noqa: E731
    return "".join(
        ch.translate(table) if ch in ",():;" and (cjk(text[i - 1 : i] or "a") or cjk(text[i + 1 : i + 2] or "a")) else ch
        for i, ch in enumerate(text)
    )


def test_the_same_facts_come_out_whatever_the_punctuation_encoding_and_format(seed_out: Path, tmp_path: Path) -> None:
    import html

    gbk_txt, gbk_html = tmp_path / "txt", tmp_path / "html"
    gbk_txt.mkdir()
    gbk_html.mkdir()
    for seed in SEEDS.glob("*.txt"):
        text = _full_width(seed.read_text(encoding="utf-8"))
        (gbk_txt / seed.name).write_bytes(text.encode("gb18030"))
        paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines() if line.strip())
        page = (
            '<html><head><meta charset="gbk"><title>政府信息公开</title></head><body>'
            '<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>'
            '<div class="breadcrumb">当前位置：首页 &gt; 政务公开</div>'
            f'<div id="zoom">{paragraphs}</div>'
            '<div class="footer">主办：某市人民政府办公室 | 网站标识码 6401000001 | 宁ICP备05001234号 | 版权所有</div>'
            "</body></html>"
        )
        (gbk_html / seed.name).with_suffix(".html").write_bytes(page.encode("gb18030"))
    expected = _score(seed_out / "export")
    for corpus in (gbk_txt, gbk_html):
        out = tmp_path / f"{corpus.name}-out"
        build([corpus], out)
        for csv_path in (out / "export").glob("*.csv"):  # the scorer keys on the seed file names
            csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(".html,", ".txt,"), encoding="utf-8")
        assert _score(out / "export") == expected, corpus.name


def test_bad_files_are_reported_one_line_each_and_the_rest_builds(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SEEDS / "002_0e9deacc55aac3d8.txt", corpus / "good.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 4
    for name in ("empty.txt", "binary.txt", "broken.pdf", "broken.docx"):
        assert any(name in line for line in skipped)
    assert "1 documents loaded, 4 failed" in result.output
    assert len(_rows(out / "export" / "documents.csv")) == 1
    strict = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet", "--strict"])
    assert strict.exit_code == 1


def test_cli_builds_validates_and_lists_candidates(tmp_path: Path) -> None:
    out = tmp_path / "kg-out"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(ROOT / "examples"), "--out", str(out), "--quiet"])
    assert built.exit_code == 0, built.output
    assert "6 documents loaded, 0 failed" in built.output
    valid = runner.invoke(main, ["validate", "--graph", str(out)])
    assert valid.exit_code == 0, valid.output
    listed = runner.invoke(main, ["thesaurus", "candidates", "--graph", str(out), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows and {"label", "count", "cues", "definition", "docs"} <= set(rows[0])


def test_validate_without_a_graph_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--graph", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "kg build" in result.output
