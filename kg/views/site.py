"""Write the browsable site of a built graph, or one page of it.

:func:`write_site` renders every page of :func:`kg.views.pages.site_pages` into
``GRAPH/site/`` — ``index.html``, ``overview.html``, ``agencies.html``,
``mechanism/*.html``, ``place/*.html``, ``document/*.html`` and the scripts and styles in
``assets/`` — building it in a hidden sibling folder and renaming it into place, so a
reader never sees half a site and a failed build leaves the old one as it was.

:func:`write_view` writes one page on its own (``kg view``), with its scripts and styles
inside the file, so it opens anywhere, offline.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kg.errors import ViewError
from kg.io import replace_dir, umask, write_atomic
from kg.stores.networkx import read_networkx
from kg.views.facts import Sentences
from kg.views.links import VIEW_KINDS, find_node
from kg.views.model import Cell, Page, Table
from kg.views.pages import (
    agency_page,
    document_page,
    mechanism_page,
    overview_page,
    place_page,
    site_pages,
)

__all__ = ["SITE_DIR", "relink", "view_page", "write_site", "write_view"]

#: The folder :func:`write_site` writes into a graph folder.
SITE_DIR = "site"


def write_site(graph_dir: str | Path, out_dir: str | Path | None = None) -> Path:
    """Write the site of the graph in ``graph_dir`` into ``out_dir`` (default ``graph_dir/site``).

    Parameters
    ----------
    graph_dir : a folder ``kg build`` wrote (it reads ``graph.networkx.json`` and ``documents/``)
    out_dir : the site folder; replaced as a whole when it exists

    Returns
    -------
    Path
        The site folder.

    Raises
    ------
    StoreError
        ``graph_dir`` holds no networkx graph; the site, if any, is left as it was.
    """
    from kg.views.render import render_page, write_assets

    graph_dir = Path(graph_dir)
    target = Path(out_dir) if out_dir is not None else graph_dir / SITE_DIR
    graph = read_networkx(graph_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    for pattern in (f".{target.name}.*.tmp", f".{target.name}.*.old"):  # leftovers of an interrupted write
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        os.chmod(building, 0o777 & ~umask())  # as a plain mkdir would make it, not mkdtemp's 0o700
        for page in site_pages(graph, sentences=Sentences(graph_dir)):
            path = building / page.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_page(page, assets=_assets_for(page.path)), encoding="utf-8")
        write_assets(building)
        replace_dir(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def _assets_for(path: str) -> str:
    """The assets folder as seen from the page at ``path`` (``assets``, ``../assets``)."""
    return posixpath.relpath("assets", posixpath.dirname(path) or ".")


def relink(page: Page, fix: Callable[[str], str | None]) -> Page:
    """``page`` with every link passed through ``fix`` (a link it maps to ``None`` is dropped)."""

    def cell(value: Cell) -> Cell:
        if isinstance(value, tuple):
            url = fix(value[1])
            return value[0] if url is None else (value[0], url)
        return value

    def url(value: str | None) -> str | None:
        return None if value is None else fix(value)

    return replace(
        page,
        summary=tuple((k, cell(v)) for k, v in page.summary),
        nodes=tuple(replace(n, url=url(n.url)) for n in page.nodes),
        edges=tuple(replace(e, url=url(e.url)) for e in page.edges),
        tables=tuple(
            Table(title=t.title, columns=t.columns, rows=tuple(tuple(cell(c) for c in r) for r in t.rows))
            for t in page.tables
        ),
        nav=tuple((text, link) for text, link in ((t, fix(u)) for t, u in page.nav) if link is not None),
    )


def view_page(graph_dir: str | Path, kind: str, name: str | None = None) -> Page:
    """The page ``kg view KIND NAME`` shows, links still relative to the site's root.

    Raises
    ------
    ViewError
        An unknown kind, a missing or unexpected name, or a name that matches no node (or several).
    StoreError
        ``graph_dir`` holds no networkx graph.
    """
    if kind not in VIEW_KINDS:
        raise ViewError(f"Unknown view kind {kind!r}. Kinds: {', '.join(VIEW_KINDS)}.")
    if VIEW_KINDS[kind] and not name:
        raise ViewError(f"`kg view {kind}` needs a NAME: which {kind} to show (any of its names).")
    if not VIEW_KINDS[kind] and name:
        raise ViewError(f"`kg view {kind}` takes no NAME (got {name!r}); it shows the whole graph.")
    graph = read_networkx(Path(graph_dir))
    if kind == "overview":
        return overview_page(graph)
    if kind == "agencies":
        return agency_page(graph)
    node = find_node(graph, kind, str(name))
    if kind == "mechanism":
        return mechanism_page(graph, node)
    sentences = Sentences(graph_dir)
    return (place_page if kind == "place" else document_page)(graph, node, sentences=sentences)


def write_view(graph_dir: str | Path, kind: str, name: str | None, out_file: str | Path) -> Path:
    """Write one view as a self-contained HTML file (scripts and styles inline).

    Links to other pages point into ``graph_dir/site/`` when that site exists (relative to
    ``out_file``'s folder), so the file still leads on; without a site they are left out.

    Returns
    -------
    Path
        ``out_file``.
    """
    from kg.views.render import render_page

    out = Path(out_file)
    page = view_page(graph_dir, kind, name)
    site = Path(graph_dir) / SITE_DIR
    if (site / "index.html").is_file():
        prefix = Path(os.path.relpath(site.resolve(), out.parent.resolve())).as_posix()
        page = relink(page, lambda url: f"{prefix}/{url}")
    else:
        page = relink(page, lambda url: None)
    page = replace(page, path=out.name)
    write_atomic(out, render_page(page, assets="inline"))
    return out
