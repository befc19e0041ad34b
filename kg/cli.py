"""The ``kg`` command: a thin layer over the library.

Every command is one import away in Python: ``kg build`` is :func:`kg.pipeline.build`,
``kg validate`` is :func:`kg.validate.validate_graph`, ``kg thesaurus candidates`` is
:func:`kg.candidates.list_candidates`.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.errors import KGError

if TYPE_CHECKING:  # pandas is imported only by the commands that need it
    import pandas as pd

__all__ = ["main"]

graph_option = click.option(
    "--graph", "graph", default="kg-out", show_default=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder of a built graph (the --out of `kg build`).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
    help="Output format.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govkg")
def main() -> None:
    """govkg: Chinese grassroots-governance documents in, an evidence-backed knowledge graph out."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", default="kg-out", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the graph, exports and clean texts into.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file cannot be loaded.")
@click.option("--max-size", "max_mb", type=float, default=50.0, show_default=True,
              help="Skip files larger than this many MB.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; errors and the summary only.")
def build(inputs: tuple[Path, ...], out: Path, strict: bool, max_mb: float, quiet: bool) -> None:
    """Build the graph of INPUTS (files and folders, recursing) into --out.

    Reads .txt, .html/.htm, .pdf and .docx. A file that cannot be read is reported
    on one line with the reason, and the rest of the build completes.
    """
    from tqdm import tqdm

    from kg.pipeline import build as run_build

    bar: tqdm | None = None

    def start(total: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, unit="doc", disable=quiet or total == 0, file=sys.stderr, desc="kg build")

    def step(path: Path) -> None:
        if bar is not None:
            bar.update(1)

    try:
        report = run_build(inputs, out, max_bytes=int(max_mb * 1024 * 1024), on_start=start, on_progress=step)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    finally:
        if bar is not None:
            bar.close()
    for failure in report.failures:
        click.echo(f"skipped {failure.path}: {failure.reason}", err=True)
    click.echo(report.summary())
    if strict and report.failures:
        raise SystemExit(1)


@main.command()
@graph_option
def validate(graph: Path) -> None:
    """Check a built graph against ontology/shapes.ttl (SHACL)."""
    from kg.validate import validate_graph

    try:
        result = validate_graph(graph)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    if result.conforms:
        click.echo(f"{graph / 'graph.ttl'} conforms to the shapes.")
        return
    click.echo(result.text, err=True)
    raise SystemExit(1)


def _answer(run: Callable[[], pd.DataFrame], fmt: str) -> None:
    """Run a query and print its DataFrame; a ``KGError`` becomes an ``Error:`` line."""
    try:
        frame = run()
    except KGError as err:
        raise click.ClickException(str(err)) from err
    frame = frame.astype(object).where(frame.notna(), None)  # a store's NaN prints as empty
    columns = [str(c) for c in frame.columns]
    _emit(frame.to_dict(orient="records"), fmt, columns, columns)


def _query_text(query: str) -> str:
    """QUERY as given, ``-`` for standard input, or ``@FILE`` for a file."""
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        return Path(query[1:]).read_text(encoding="utf-8")
    return query


def _params(pairs: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        out[name] = value
    return out


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to the string VALUE (repeatable). Values are never pasted into the query.")
@graph_option
@format_option
def sparql(query: str, params: tuple[str, ...], graph: Path, fmt: str) -> None:
    """Run a SPARQL SELECT QUERY on the built graph's Oxigraph store.

    QUERY is the query text, ``-`` to read it from standard input, or ``@FILE``.
    """
    from kg.stores.oxigraph import query_sparql

    _answer(lambda: query_sparql(graph, _query_text(query), _params(params)), fmt)


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind $NAME to the string VALUE (repeatable). Values are never pasted into the query.")
@graph_option
@format_option
def cypher(query: str, params: tuple[str, ...], graph: Path, fmt: str) -> None:
    """Run one Cypher QUERY on the built graph's LadybugDB database (read-only).

    QUERY is the query text, ``-`` to read it from standard input, or ``@FILE``.
    """
    from kg.stores.ladybug import LADYBUG_FILE, query_ladybug

    _answer(lambda: query_ladybug(graph / LADYBUG_FILE, _query_text(query), _params(params)), fmt)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name")
@click.option("--engine", type=click.Choice(["sparql", "cypher", "networkx"]), default="sparql", show_default=True,
              help="Which store answers: Oxigraph (SPARQL), LadybugDB (Cypher) or networkx; the answers are equal.")
@graph_option
@format_option
@click.pass_context
def query(ctx: click.Context, name: str, engine: str, graph: Path, fmt: str) -> None:
    """Answer the named question NAME, with its parameters as options.

    \b
    Example: kg query adopters --mechanism 枫桥经验
             kg query mechanisms --place 红河州 --within
    Questions and their parameters: see docs/commands.md (kg.queries.QUESTIONS).
    """
    from kg.queries import QUESTIONS, ask

    question = QUESTIONS.get(name)
    params = _question_params(ctx.args, flags=question.flags if question is not None else ())
    _answer(lambda: ask(name, graph, engine=engine, **params), fmt)


def _question_params(args: list[str], *, flags: tuple[str, ...] = ()) -> dict[str, object]:
    """``--mechanism 枫桥经验 --place 银川市`` → ``{"mechanism": "枫桥经验", "place": "银川市"}``.

    A yes/no parameter of the question (one of ``flags``) given without a value, as in
    ``--within`` at the end or before another option, means ``"true"``.
    """
    out: dict[str, object] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise click.UsageError(f"unexpected argument {arg!r}; give parameters as --NAME VALUE")
        key, sep, value = arg[2:].partition("=")
        if not sep and key.replace("-", "_") in flags and (i + 1 >= len(args) or args[i + 1].startswith("--")):
            value = "true"
        elif not sep:
            if i + 1 >= len(args):
                raise click.UsageError(f"--{key} needs a value")
            value = args[i + 1]
            i += 1
        out[key.replace("-", "_")] = value
        i += 1
    return out


@main.command()
@graph_option
@format_option
def stats(graph: Path, fmt: str) -> None:
    """Count what a built graph holds: nodes per kind, relationships per type."""
    from kg.stats import graph_stats

    try:
        frame = graph_stats(graph)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    rows = [{"element": r.element, "name": r.name, "count": int(r.count)} for r in frame.itertuples()]
    _emit(rows, fmt, ["element", "name", "count"], ["element", "name", "count"])


@main.group()
def thesaurus() -> None:
    """Inspect the mechanism thesaurus and the names it lacks."""


@thesaurus.command("candidates")
@graph_option
@format_option
def thesaurus_candidates(graph: Path, fmt: str) -> None:
    """List mechanism names found in the documents but missing from the thesaurus, with counts."""
    from kg.candidates import CandidateSummary, list_candidates

    try:
        rows = [asdict(c) for c in list_candidates(graph)]
    except KGError as err:
        raise click.ClickException(str(err)) from err
    _emit(rows, fmt, ["label", "count", "cues", "definition", "docs"], [f.name for f in fields(CandidateSummary)])


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: object, width: int) -> str:
    text = "" if value is None else str(value)
    while _width(text) > width:
        text = text[:-1]
    return text + " " * (width - _width(text))


def _emit(rows: list[dict], fmt: str, columns: list[str], fields: list[str] | None = None) -> None:
    """Print ``rows``: ``columns`` in a table, every one of ``fields`` in CSV and JSON."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=fields or columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {c: min(40, max([_width(c), *(_width("" if r[c] is None else str(r[c])) for r in rows)])) for c in columns}
        click.echo("  ".join(_cell(c, widths[c]) for c in columns).rstrip())
        for r in rows:
            click.echo("  ".join(_cell(r[c], widths[c]) for c in columns).rstrip())
        click.echo(f"({len(rows)} rows)")
