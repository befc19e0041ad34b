"""Docs are tested: the suite fails when a command, an option or an export is undocumented.

As in datasette and sqlite-utils, every command and sub-command of the ``kg`` click
group must have help text and a ``## kg <command>`` section in ``docs/commands.md``
that names each of its options. The README's set-up commands must be the ones CI
runs, links between the docs must resolve, and ``docs/data-model.md`` must list every
CSV column, ontology class and SHACL node shape the code and ontology define.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, SH

from kg.cli import main
from kg.export import EXPORTS
from kg.queries import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
GK = "https://w3id.org/govkg/ontology#"
GKS = "https://w3id.org/govkg/shapes#"


def walk(command: click.Command, path: tuple[str, ...] = ("kg",)) -> Iterator[tuple[str, click.Command]]:
    """Every command of the group, recursively, as ``("kg thesaurus candidates", command)``."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


COMMANDS = dict(walk(main))
OPTIONS = [
    (name, flag)
    for name, command in COMMANDS.items()
    for param in command.params
    if isinstance(param, click.Option)
    for flag in (*param.opts, *param.secondary_opts)
    if flag.startswith("--")
]
ARGUMENTS = [
    (name, param.human_readable_name)
    for name, command in COMMANDS.items()
    for param in command.params
    if isinstance(param, click.Argument)
]


def sections(markdown: str, level: str = "##") -> dict[str, str]:
    """``heading → body`` for every heading of ``level``, ignoring lines inside code fences."""
    out: dict[str, str] = {}
    current: str | None = None
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith(level + " "):
            current = line[len(level) + 1 :].strip().replace("`", "")
            out[current] = ""
            continue
        if current is not None:
            out[current] += line + "\n"
    return out


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.fixture(scope="module")
def command_sections() -> dict[str, str]:
    return sections((DOCS / "commands.md").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- commands


def test_docs_walk_finds_every_command_of_the_group() -> None:
    assert {"kg", "kg build", "kg validate", "kg thesaurus", "kg thesaurus candidates"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_docs_command_has_help_text(name: str) -> None:
    command = COMMANDS[name]
    assert (command.help or command.short_help or "").strip(), f"`{name}` has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_docs_command_has_a_section_in_commands_md(name: str, command_sections: dict[str, str]) -> None:
    assert name in command_sections, f"docs/commands.md has no '## {name}' section"
    assert command_sections[name].strip(), f"the '## {name}' section of docs/commands.md is empty"


@pytest.mark.parametrize(("name", "flag"), OPTIONS, ids=[f"{n}:{f}" for n, f in OPTIONS])
def test_docs_option_is_named_in_its_command_section(name: str, flag: str, command_sections: dict[str, str]) -> None:
    assert flag in command_sections.get(name, ""), f"the '## {name}' section of docs/commands.md does not mention {flag}"


@pytest.mark.parametrize(("name", "argument"), ARGUMENTS, ids=[f"{n}:{a}" for n, a in ARGUMENTS])
def test_docs_argument_is_named_in_its_command_section(
    name: str, argument: str, command_sections: dict[str, str]
) -> None:
    assert argument in command_sections.get(name, ""), f"the '## {name}' section does not mention {argument}"


@pytest.mark.parametrize(("name", "flag"), OPTIONS, ids=[f"{n}:{f}" for n, f in OPTIONS])
def test_docs_option_has_help_text(name: str, flag: str) -> None:
    option = next(p for p in COMMANDS[name].params if flag in (*p.opts, *p.secondary_opts))
    assert (getattr(option, "help", None) or "").strip(), f"{name} {flag} has no help text"


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_docs_named_question_has_a_row_naming_its_parameters(question: str, command_sections: dict[str, str]) -> None:
    rows = [line for line in command_sections["kg query"].splitlines() if line.startswith(f"| `{question}` |")]
    assert rows, f"the '## kg query' section of docs/commands.md has no row for the question {question!r}"
    for param in QUESTIONS[question].accepted:
        assert f"--{param.replace('_', '-')}" in rows[0], f"the row of {question!r} does not name --{param}"


def test_docs_commands_md_documents_no_command_that_does_not_exist(command_sections: dict[str, str]) -> None:
    stale = [h for h in command_sections if h.split()[:1] == ["kg"] and h not in COMMANDS]
    assert stale == [], f"docs/commands.md documents commands kg does not have: {stale}"


# ---------------------------------------------------------------- README and CI


def ci_test_command() -> str:
    """The command ``.ci/run`` runs: its last line that is not a comment, ``set`` or ``cd``."""
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    return commands[-1]


def setup_commands() -> list[str]:
    """The commands of the ```bash blocks in the README's set-up section."""
    body = next(text for heading, text in sections(README.read_text(encoding="utf-8")).items()
                if heading.lower().startswith("set-up"))
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", body, re.S)]


def test_docs_readme_has_two_setup_commands_and_the_test_one_is_what_ci_runs() -> None:
    ci = ci_test_command()
    assert "pytest" in ci, f".ci/run no longer runs pytest: {ci!r}"
    commands = setup_commands()
    assert len(commands) == 2, f"the README's set-up section should hold two commands, not {commands}"
    build, test = commands
    assert test == ci, f"the README's test command {test!r} is not what .ci/run runs: {ci!r}"
    assert build.startswith("pip install -e . ") and "kg build" in build and "kg validate" in build, build


def test_docs_readme_setup_uses_only_real_commands_and_options() -> None:
    build = setup_commands()[0]
    for part in build.split("&&"):
        words = shlex.split(part)
        if words[:1] != ["kg"]:
            continue
        command: click.Command = main
        name = ["kg"]
        for word in words[1:]:
            if isinstance(command, click.Group) and word in command.commands:
                command = command.commands[word]
                name.append(word)
        flags = {f for p in command.params for f in (*p.opts, *p.secondary_opts)}
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in flags, f"README runs `{' '.join(name)}` with unknown option {word}"


# ---------------------------------------------------------------- the docs folder


PAGES = sorted(DOCS.glob("*.md"))
LINKS = [
    (page, target)
    for page in PAGES
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8"))
    if not re.match(r"[a-z]+:", target)
]


def test_docs_pages_exist() -> None:
    names = {p.name for p in PAGES}
    assert {"index.md", "commands.md", "data-model.md", "provenance.md", "extraction.md", "thesaurus.md"} <= names


@pytest.mark.parametrize(("page", "target"), LINKS, ids=[f"{p.name}->{t}" for p, t in LINKS])
def test_docs_relative_link_resolves(page: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    assert file.exists(), f"{page.name} links to missing {path}"
    if anchor and file.suffix == ".md":
        headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.M)
        assert anchor in {slug(h) for h in headings}, f"{page.name} links to missing anchor #{anchor} in {file.name}"


def test_docs_index_links_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    missing = [p.name for p in PAGES if p.name != "index.md" and f"]({p.name}" not in index]
    assert missing == [], f"docs/index.md does not link {missing}"


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_docs_data_model_lists_every_column_of_every_export(export: str) -> None:
    text = (DOCS / "data-model.md").read_text(encoding="utf-8")
    row = next((line for line in text.splitlines() if line.startswith(f"| `{export}.csv` |")), None)
    assert row is not None, f"docs/data-model.md has no table row for {export}.csv"
    missing = [c for c in EXPORTS[export] if f"`{c}`" not in row]
    assert missing == [], f"docs/data-model.md does not list the {export}.csv columns {missing}"


def test_docs_data_model_names_every_ontology_class_and_shape() -> None:
    text = (DOCS / "data-model.md").read_text(encoding="utf-8")
    ontology = Graph().parse(ROOT / "ontology" / "govkg.ttl", format="turtle")
    classes = {str(c)[len(GK):] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(GK)}
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    node_shapes = {str(s)[len(GKS):] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert classes and node_shapes
    assert sorted(c for c in classes if f"`gk:{c}`" not in text) == []
    assert sorted(s for s in node_shapes if f"`gks:{s}`" not in text) == []


def test_docs_changelog_has_an_unreleased_section_with_entries() -> None:
    changelog = sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert "Unreleased" in changelog
    assert any(line.startswith("- ") for line in changelog["Unreleased"].splitlines())
