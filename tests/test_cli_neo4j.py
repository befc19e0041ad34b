"""``kg neo4j push`` and ``kg export neo4j``, run as a user runs them on a build of the seeds.

The push needs a server: without NEO4J_URI only its refusals are tested (no password,
a URI that is not Bolt, a closed port), and none of them may show the password.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import build
from kg.stores.ladybug import LADYBUG_FILE, read_ladybug

SECRET = "s3cret-never-printed"


@pytest.fixture(scope="module")
def graph(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-neo4j") / "kg-out"
    build([seeds_dir], out)
    return out


def test_kg_export_neo4j_writes_the_files_and_prints_the_import_command(graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "import"
    result = CliRunner().invoke(main, ["export", "neo4j", "--graph", str(graph), "--out", str(out)])
    assert result.exit_code == 0, result.output
    counts = read_ladybug(graph / LADYBUG_FILE).counts()
    lines = result.output.splitlines()
    assert lines[0] == (f"wrote 18 CSV files ({sum(n for k, n in counts.items() if not k.isupper())} nodes, "
                        f"{sum(n for k, n in counts.items() if k.isupper())} relationships), "
                        f"import.sh, constraints.cypher and graph.cypher to {out}")
    command = lines[-1].strip()
    assert command.startswith(f"cd {shlex.quote(str(out))} && neo4j-admin database import full --nodes=")
    words = shlex.split(command.split(" && ", 1)[1])
    files = [w.split("=", 1)[1] for w in words if w.startswith(("--nodes=", "--relationships="))]
    assert sorted(files) == sorted(str(p.relative_to(out)) for p in out.rglob("*.csv"))
    for name in files:  # every file the command names holds its table's rows under a header
        with (out / name).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) - 1 == counts[Path(name).stem], name
        assert rows[0][-1] == (":LABEL" if name.startswith("nodes/") else ":TYPE")
        assert {row[-1] for row in rows[1:]} == {Path(name).stem}
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert all(f"  {w} \\\n" in script for w in words[4:-1])  # the same options, one a line
    assert (out / "graph.cypher").read_text(encoding="utf-8").count("MERGE (n:Mechanism {id: row.id})") >= 1


def test_kg_export_neo4j_defaults_to_a_folder_inside_the_graph(graph: Path) -> None:
    result = CliRunner().invoke(main, ["export", "neo4j", "--graph", str(graph)])
    assert result.exit_code == 0, result.output
    assert (graph / "neo4j" / "nodes" / "Document.csv").is_file() and (graph / "neo4j" / "import.sh").is_file()


def test_kg_export_neo4j_without_a_build_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "neo4j", "--graph", str(tmp_path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.output == (f"Error: no LadybugDB database at {tmp_path / LADYBUG_FILE}; "
                             "write one with write_ladybug (kg build)\n")
    assert not (tmp_path / "x").exists()


def test_kg_neo4j_push_without_a_password_stops_before_connecting(graph: Path) -> None:
    result = CliRunner().invoke(main, ["neo4j", "push", "--graph", str(graph), "--uri", "bolt://127.0.0.1:9"],
                                env={"NEO4J_PASSWORD": None})
    assert result.exit_code == 1
    assert result.output == ("Error: NEO4J_PASSWORD is not set; export NEO4J_PASSWORD=… before pushing (the password "
                             "is never an option, so it stays out of shell history and process lists)\n")


@pytest.mark.parametrize(("uri", "start"), [
    ("bolt://127.0.0.1:9", "Error: cannot connect to Neo4j at bolt://127.0.0.1:9 (user 'kg', database 'graphs'): "),
    ("http://127.0.0.1:7474", "Error: Unsupported Neo4j URI 'http://127.0.0.1:7474': its scheme must be one of bolt"),
])
def test_kg_neo4j_push_refusals_name_the_server_and_never_the_password(graph: Path, uri: str, start: str) -> None:
    args = ["neo4j", "push", "--graph", str(graph), "--uri", uri, "--user", "kg", "--database", "graphs", "--quiet"]
    result = CliRunner().invoke(main, args, env={"NEO4J_PASSWORD": SECRET})
    assert result.exit_code == 1
    assert result.output.startswith(start), result.output
    assert SECRET not in result.output


def test_kg_neo4j_push_takes_its_server_from_the_environment(graph: Path) -> None:
    env = {"NEO4J_PASSWORD": SECRET, "NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_USER": "envuser",
           "NEO4J_DATABASE": "envdb"}
    result = CliRunner().invoke(main, ["neo4j", "push", "--graph", str(graph), "-q"], env=env)
    assert result.exit_code == 1
    assert "Neo4j at bolt://127.0.0.1:9 (user 'envuser', database 'envdb')" in result.output
    assert SECRET not in result.output


def test_kg_neo4j_push_help_says_where_the_password_comes_from() -> None:
    result = CliRunner().invoke(main, ["neo4j", "push", "--help"])
    assert result.exit_code == 0 and "NEO4J_PASSWORD" in result.output
    bad = CliRunner().invoke(main, ["neo4j", "push", "--batch-size", "0"])
    assert bad.exit_code == 2 and "--batch-size" in bad.output


@pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                    reason="no Neo4j server: set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE to run")
def test_kg_neo4j_push_live_twice_prints_the_same_counts(graph: Path) -> None:
    first = CliRunner().invoke(main, ["neo4j", "push", "--graph", str(graph), "--quiet"])
    second = CliRunner().invoke(main, ["neo4j", "push", "--graph", str(graph), "--quiet", "--batch-size", "50"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.output == second.output
    assert re.search(r"node\s+Mechanism\s+\d+", first.output)
    assert os.environ["NEO4J_PASSWORD"] not in first.output
