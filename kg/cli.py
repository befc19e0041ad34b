"""The ``kg`` command: a thin layer over the library.

Every command is one import away in Python: ``kg build`` is :func:`kg.pipeline.build`,
``kg validate`` is :func:`kg.validate.validate_graph`, ``kg thesaurus candidates`` is
:func:`kg.candidates.list_candidates`, ``kg view`` is :func:`kg.views.site.write_view`.
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
@click.option("--site/--no-site", "site", default=None,
              help="Write the browsable HTML site (OUT/site/), or not.  [default: up to 5,000 documents]")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes extracting in parallel.  [default: every core]")
@click.option("--rdf", "rdf", default="ttl,jsonld", show_default=True,
              help="RDF files to write besides graph.nt: ttl, jsonld, both (comma-separated) or none.")
@click.option("--full", is_flag=True,
              help="Extract every document again, ignoring what earlier builds cached in --out.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; errors and the summary only.")
def build(inputs: tuple[Path, ...], out: Path, strict: bool, max_mb: float, site: bool | None, jobs: int | None,
          rdf: str, full: bool, quiet: bool) -> None:
    """Build the graph of INPUTS (files and folders, recursing) into --out.

    Reads .txt, .html/.htm, .pdf and .docx. A file that cannot be read is reported
    on one line with the reason, and the rest of the build completes.

    A second build into the same --out extracts only the files that changed since
    (OUT/manifest.json, OUT/cache/) and gives the same outputs as a full one.
    """
    from kg.rdf_files import RDF_FORMATS

    formats = [] if rdf.strip() == "none" else [name.strip() for name in rdf.split(",") if name.strip()]
    if unknown := [name for name in formats if name not in RDF_FORMATS]:
        raise click.BadParameter(f"unknown RDF format {unknown[0]!r}; use ttl, jsonld, both comma-separated, "
                                 "or none", param_hint="--rdf")
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
        report = run_build(inputs, out, max_bytes=int(max_mb * 1024 * 1024), on_start=start, on_progress=step,
                           site=site, jobs=jobs, rdf_formats=formats, incremental=not full)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    finally:
        if bar is not None:
            bar.close()
    for failure in report.failures:
        click.echo(f"skipped {failure.path}: {failure.reason}", err=True)
    for note in report.notes:
        click.echo(note, err=True)
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
        click.echo(f"{graph / 'graph.nt'} conforms to the shapes.")
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
    params = _question_params(ctx.args, flags=question.flags if question is not None else (),
                              each=question.each if question is not None else None)
    _answer(lambda: ask(name, graph, engine=engine, **params), fmt)


def _question_params(args: list[str], *, flags: tuple[str, ...] = (), each: str | None = None) -> dict[str, object]:
    """``--mechanism 枫桥经验 --place 银川市`` → ``{"mechanism": "枫桥经验", "place": "银川市"}``.

    A yes/no parameter of the question (one of ``flags``) given without a value, as in
    ``--within`` at the end or before another option, means ``"true"``. The parameter
    that takes several names (``each``) may be repeated and gives a list; any other given
    twice is an error.
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
        key = key.replace("-", "_")
        if key == each:
            out.setdefault(key, []).append(value)  # type: ignore[union-attr]
        elif key in out:
            raise click.UsageError(f"--{key} is given twice; give it once")
        else:
            out[key] = value
        i += 1
    return out


@main.command()
@click.argument("kind", type=click.Choice(["overview", "mechanism", "place", "document", "agencies"]))
@click.argument("name", required=False)
@graph_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write: one page, its scripts and styles inside, that opens offline.")
def view(kind: str, name: str | None, graph: Path, out: Path) -> None:
    """Write one view of the graph as a self-contained HTML page.

    \b
    KIND is overview, agencies, or mechanism, place or document followed by NAME,
    any of its names (a local form, a short place name such as 红河州, a document's
    title, doc_id or file name). Example:
             kg view mechanism 枫桥经验 --graph kg-out --out fengqiao.html
    """
    from kg.views.site import write_view

    try:
        written = write_view(graph, kind, name, out)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {written}")


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


# ---------------------------------------------------------------- Neo4j: kg neo4j push, kg export neo4j
# One block, over kg.stores.neo4j and kg.stores.neo4j_files; the graph is read back from graph.lbug.


@main.group("neo4j")
def neo4j_group() -> None:
    """Load the built graph into a Neo4j 5 server."""


@neo4j_group.command("push")
@graph_option
@click.option("--uri", envvar="NEO4J_URI", default="bolt://localhost:7687", show_default=True,
              help="The server: bolt://HOST:7687 or neo4j://HOST:7687 (+s for TLS); env NEO4J_URI.")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True,
              help="The user to log in as; env NEO4J_USER. The password comes from env NEO4J_PASSWORD only.")
@click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
              help="The database to write into; env NEO4J_DATABASE.")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Rows per UNWIND statement (one transaction each).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; errors and the summary only.")
def neo4j_push(graph: Path, uri: str, user: str, database: str, batch_size: int, quiet: bool) -> None:
    """Push the graph of --graph into Neo4j: uniqueness constraints, then batched MERGEs.

    Pushing the same graph twice changes nothing; nothing in the database is deleted.
    The password is read from the environment variable NEO4J_PASSWORD and never printed.
    """
    from tqdm import tqdm

    from kg.stores.ladybug import LADYBUG_FILE, read_ladybug
    from kg.stores.neo4j import connect_neo4j, neo4j_password, push_neo4j

    try:
        password = neo4j_password()
        pg = read_ladybug(graph / LADYBUG_FILE)
        with tqdm(total=sum(pg.counts().values()), unit="row", disable=quiet, file=sys.stderr,
                  desc="kg neo4j push") as bar:
            with connect_neo4j(uri, user=user, password=password, database=database) as run:
                held = push_neo4j(pg, run, batch_size=batch_size, progress=lambda rows, total: bar.update(rows))
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Neo4j at {uri} (database {database}) holds, after the push:")
    for name, count in held.items():
        click.echo(f"  {'node' if name in pg.nodes else 'relationship':<12}  {name:<12}  {count:>7}")


@main.group("export")
def export_group() -> None:
    """Write the built graph as files other tools load."""


@export_group.command("neo4j")
@graph_option
@click.option("--out", "out", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: GRAPH/neo4j).")
def export_neo4j_files(graph: Path, out: Path | None) -> None:
    """Write CSV files for `neo4j-admin database import full`, import.sh and graph.cypher.

    Prints the import command; graph.cypher (constraints, then the data) is for
    cypher-shell on small graphs.
    """
    import shlex

    from kg.stores.ladybug import LADYBUG_FILE, read_ladybug
    from kg.stores.neo4j_files import export_neo4j

    folder = out if out is not None else graph / "neo4j"
    try:
        result = export_neo4j(read_ladybug(graph / LADYBUG_FILE), folder)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {len(result.files)} CSV files ({result.nodes} nodes, {result.relationships} relationships), "
               f"import.sh, constraints.cypher and graph.cypher to {folder}")
    click.echo("bulk import into a new database (see import.sh):")
    click.echo(f"  cd {shlex.quote(str(folder))} && {result.command}")


# ---------------------------------------------------------------- research: kg panel, kg diffusion
# One block, over kg.research.panel and kg.research.diffusion.


@main.command()
@graph_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .csv (UTF-8 with BOM, opens in Excel), .xlsx or .parquet.")
@click.option("--variants", is_flag=True, help="Keep local forms (塞上枫桥) apart instead of folding them into their concept.")
@click.option("--long", "long_form", is_flag=True,
              help="The event-history form: one row per adoption (place, mechanism, year, status, document, evidence).")
def panel(graph: Path, out: Path, variants: bool, long_form: bool) -> None:
    """Write the adoption panel: one row per place × mechanism, with first year, status and documents.

    \b
    Example: kg panel --graph kg-out --out panel.csv
             kg panel --graph kg-out --out events.parquet --long
    Columns: see docs/panel.md (kg.research.panel.PANEL_COLUMNS, LONG_COLUMNS).
    """
    from kg.research.panel import adoption_panel, write_panel

    try:
        frame = adoption_panel(graph, variants=variants, long=long_form)
        written = write_panel(frame, out)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {written} ({len(frame)} rows, {len(frame.columns)} columns)")


@main.command()
@click.argument("mechanism")
@graph_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .png or .svg (a chart) or .html (a self-contained page: chart and table).")
@click.option("--by-province", "by_province", is_flag=True, help="Draw one line per province besides the overall one.")
def diffusion(mechanism: str, graph: Path, out: Path, by_province: bool) -> None:
    """Draw the cumulative number of places adopting MECHANISM, year by year.

    \b
    MECHANISM is any of its names: a label, an alternative label, a local form.
    Example: kg diffusion 三社联动 --graph kg-out --out sanshe.png --by-province
    """
    from kg.research.diffusion import diffusion_table, write_diffusion

    try:
        written = write_diffusion(graph, mechanism, out, by_province=by_province)
        table = diffusion_table(graph, mechanism)
    except KGError as err:
        raise click.ClickException(str(err)) from err
    span = f", {table['year'].min()}–{table['year'].max()}" if len(table) else ""
    undated = table.attrs.get("undated") or []
    click.echo(f"wrote {written} ({int(table['new'].sum()) + len(undated)} places{span}"
               f"{f'; {len(undated)} undated' if undated else ''})")


# ---------------------------------------------------------------- precedent search: kg precedents
# One block, over kg.research.precedents; the index is GRAPH/precedents.sqlite, written by kg build.


@main.command()
@click.argument("query", required=False, default=None)
@graph_option
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A draft document (.txt, .html, .pdf, .docx): its mechanisms, policies and places are the query.")
@click.option("--place", help="Only documents mentioning this place or a place within it (full or short name).")
@click.option("--issuer", help="Only documents whose issuer's name contains this.")
@click.option("--since", metavar="YYYY[-MM[-DD]]", help="Only documents published in or after this date.")
@click.option("--until", metavar="YYYY[-MM[-DD]]", help="Only documents published in or before this date.")
@click.option("--kind", help="Only documents of this kind: 答复, 复函, 协办意见, 综述 ….")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many documents.")
@format_option
def precedents(query: str | None, graph: Path, file: Path | None, place: str | None, issuer: str | None,
               since: str | None, until: str | None, kind: str | None, limit: int, fmt: str) -> None:
    """Find documents that are precedents for QUERY or a draft (--file), best first.

    \b
    Each row says why (the mechanisms, policies and places shared with the query),
    gives the best matching passages with the match in 【…】, and lists neighbours.
    Example: kg precedents 社区工作准入清单 --graph kg-out --since 2020
             kg precedents --file draft.txt --kind 答复 --format json
    """
    from kg.research.precedents import find_precedents

    _answer(lambda: find_precedents(graph, query, file=file, place=place, issuer=issuer, since=since, until=until,
                                    kind=kind, limit=limit), fmt)
