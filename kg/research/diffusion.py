"""Diffusion of one mechanism: the places adopting it, year by year, and the cumulative curve.

A place adopts in the earliest year any document gives for its adoption of the mechanism
or one of its local forms: the year the text states, else the document's publication
year (:func:`kg.queries.walk.adoption_year`). :func:`diffusion_table` counts new and
cumulative adopters (distinct places) per year, overall or per province;
:func:`write_diffusion` draws the cumulative curve as PNG or SVG (matplotlib, Agg) or as
a self-contained HTML page with an SVG drawn here (:mod:`kg.research.chart`), and the
site's mechanism pages show the same counts as a table (:func:`diffusion_rows`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from kg.pipeline import build
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "yinchuan.txt").write_text("2019年银川市推行“三社联动”。2021年吴忠市推行“三社联动”。\\n",
...                                          encoding="utf-8")
>>> _ = build([folder / "yinchuan.txt"], folder / "kg-out", site=False)
>>> diffusion_table(folder / "kg-out", "三社联动").to_dict("records")
[{'year': 2019, 'new': 1, 'cumulative': 1, 'places': '银川市'}, {'year': 2020, 'new': 0, 'cumulative': 1, 'places': ''}, {'year': 2021, 'new': 1, 'cumulative': 2, 'places': '吴忠市'}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from kg.errors import ExportError, QueryError
from kg.io import write_atomic
from kg.queries.walk import adoption_year, adoptions, named, with_forms
from kg.research.panel import mechanism_id
from kg.stores.networkx import read_networkx

__all__ = ["DIFFUSION_FORMATS", "Adopter", "adopters", "diffusion_rows", "diffusion_table", "write_diffusion"]

#: File suffix → what :func:`write_diffusion` writes.
DIFFUSION_FORMATS: dict[str, str] = {".png": "PNG image", ".svg": "SVG image", ".html": "self-contained HTML page"}
#: A row of :func:`diffusion_rows`: year, new adopters, cumulative adopters, the new adopters' nodes.
Row = tuple[int, int, int, tuple[str, ...]]


@dataclass(frozen=True)
class Adopter:
    """A place that adopted the mechanism: its node, name, province (name, code) and first year."""

    place: str
    label: str
    province: str | None
    province_code: str | None
    year: int | None


def _province(graph: nx.MultiDiGraph, place: str) -> str | None:
    """The province-level node ``place`` lies in (itself if it is one), following ``WITHIN``."""
    seen: set[str] = set()
    node: str | None = place
    while node is not None and node not in seen:
        seen.add(node)
        if graph.nodes[node].get("level") == "province":
            return node
        node = next((dst for _, dst, kind in graph.out_edges(node, data="type") if kind == "WITHIN"), None)
    return None


def adopters(graph: nx.MultiDiGraph, forms: Iterable[str]) -> list[Adopter]:
    """The places that adopted any of ``forms`` (mechanism nodes), each with its earliest year, sorted.

    Examples
    --------
    >>> from kg.vocab import doc_iri
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("m", kind="Mechanism", label="三社联动")
    >>> g.add_node("p", kind="Place", label="舟山市", level="city")
    >>> for doc_id, published, year in (("d1", "2020-09-02", None), ("d2", "2022-01-01", 2018)):
    ...     g.add_node(str(doc_iri(doc_id)), kind="Document", doc_id=doc_id, published=published)
    ...     _ = g.add_edge("p", "m", type="ADOPTED", doc_id=doc_id, year=year)
    >>> adopters(g, ["m"])
    [Adopter(place='p', label='舟山市', province=None, province_code=None, year=2018)]
    """
    years: dict[str, list[int]] = {}
    for place, _, edge, doc in adoptions(graph, forms):
        year = adoption_year(edge, doc)
        years.setdefault(place, []).extend([] if year is None else [year])
    found = []
    for place, dated in years.items():
        province = _province(graph, place)
        found.append(Adopter(place=place, label=graph.nodes[place].get("label") or place,
                             province=None if province is None else graph.nodes[province].get("label"),
                             province_code=None if province is None else graph.nodes[province].get("code"),
                             year=min(dated, default=None)))
    return sorted(found, key=lambda a: (a.year is None, a.year or 0, a.province_code or "~", a.label, a.place))


def diffusion_rows(found: Sequence[Adopter], *, fill: bool = True, start: int | None = None,
                   end: int | None = None) -> list[Row]:
    """``(year, new, cumulative, new places)`` for the dated adopters in ``found``.

    Parameters
    ----------
    found : adopters, as :func:`adopters` gives them; undated ones are left out
    fill : one row for every year from ``start`` to ``end``, years without a new adopter
        included; else only the years with one
    start, end : the first and last year (default: the adopters' first and last)

    Examples
    --------
    >>> found = [Adopter("zs", "舟山市", "浙江省", "330000", 2020), Adopter("by", "白银市", "甘肃省", "620000", 2022)]
    >>> diffusion_rows(found)
    [(2020, 1, 1, ('zs',)), (2021, 0, 1, ()), (2022, 1, 2, ('by',))]
    >>> diffusion_rows(found, fill=False)
    [(2020, 1, 1, ('zs',)), (2022, 1, 2, ('by',))]
    """
    by_year: dict[int, list[str]] = {}
    for adopter in found:
        if adopter.year is not None:
            by_year.setdefault(adopter.year, []).append(adopter.place)
    if not by_year:
        return []
    first, last = start if start is not None else min(by_year), end if end is not None else max(by_year)
    rows, total = [], sum(len(p) for y, p in by_year.items() if y < first)
    for year in range(first, last + 1):
        new = tuple(by_year.get(year, ()))
        total += len(new)
        if fill or new:
            rows.append((year, len(new), total, new))
    return rows


@dataclass(frozen=True)
class _Diffusion:
    """What the table and the charts need: the mechanism's name and id, its adopters."""

    label: str
    ident: str
    found: list[Adopter]


def _diffusion(graph_dir: str | Path, mechanism: str) -> _Diffusion:
    graph = read_networkx(Path(graph_dir))
    nodes = named(graph, mechanism, "Mechanism")
    if not nodes:
        raise QueryError(f"No mechanism is named {mechanism!r} in {str(graph_dir)!r}. Give a thesaurus label, an "
                         "alternative label, a local form or a candidate's name (kg panel lists them all).")
    labels = {graph.nodes[n].get("label") for n in nodes}
    label = labels.pop() if len(labels) == 1 else mechanism
    return _Diffusion(label=label or mechanism, ident=mechanism_id(min(nodes)),
                      found=adopters(graph, with_forms(graph, mechanism)))


def _table(found: Sequence[Adopter], *, by_province: bool) -> pd.DataFrame:
    labels = {a.place: a.label for a in found}
    dated = [a.year for a in found if a.year is not None]
    start, end = (min(dated), max(dated)) if dated else (None, None)
    groups: dict[tuple[str, str | None], list[Adopter]] = {}
    for adopter in found:
        groups.setdefault((adopter.province_code or "~", adopter.province) if by_province else ("", None),
                          []).append(adopter)
    records = [{**({"province": province} if by_province else {}), "year": year, "new": new, "cumulative": total,
                "places": ";".join(labels[p] for p in places)}
               for (_, province), members in sorted(groups.items(), key=lambda kv: kv[0][0])
               for year, new, total, places in diffusion_rows(members, start=start, end=end)]
    columns = [*(["province"] if by_province else []), "year", "new", "cumulative", "places"]
    frame = pd.DataFrame(records, columns=columns)
    for column in ("year", "new", "cumulative"):
        frame[column] = frame[column].astype("int64")
    frame.attrs["undated"] = sorted(a.label for a in found if a.year is None)
    return frame


def diffusion_table(graph_dir: str | Path, mechanism: str, *, by_province: bool = False) -> pd.DataFrame:
    """New and cumulative adopters (distinct places) of ``mechanism`` per year.

    Parameters
    ----------
    graph_dir : a folder written by ``kg build``
    mechanism : any name of the mechanism (label, alternative label, local form, candidate);
        a concept counts the adoptions of its local forms too
    by_province : one run of years per province (the ``province`` column first)

    Returns
    -------
    pandas.DataFrame
        ``year``, ``new``, ``cumulative`` (int) and ``places`` (the new adopters' names,
        ``;``-joined), one row for every year from the first adoption to the last; with
        ``by_province`` a ``province`` column first (``None`` for a place in no province).
        ``frame.attrs["undated"]`` names the adopters no document dates.

    Raises
    ------
    QueryError
        No mechanism has that name.
    """
    return _table(_diffusion(graph_dir, mechanism).found, by_province=by_province)


def write_diffusion(graph_dir: str | Path, mechanism: str, out_path: str | Path, *, by_province: bool = False,
                    font: str | None = "auto") -> Path:
    """Draw the cumulative adopters of ``mechanism`` by year into ``out_path``, atomically.

    Parameters
    ----------
    graph_dir, mechanism : as for :func:`diffusion_table`
    out_path : ``.png`` or ``.svg`` (matplotlib, Agg backend, no display needed) or
        ``.html`` (one page, the chart as inline SVG and the table, nothing fetched)
    by_province : a line per province besides the overall one
    font : for PNG/SVG, the font family for Chinese labels; ``"auto"`` picks an installed
        CJK font (Noto Sans CJK SC first); ``None``, or no CJK font installed, labels the
        chart in ASCII (the mechanism's id, provinces by code) and says so under it

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportError
        A suffix other than ``.png``, ``.svg`` or ``.html``.
    QueryError
        No mechanism has that name.
    """
    from kg.research.chart import html_page, image_bytes

    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in DIFFUSION_FORMATS:
        raise ExportError(f"Unsupported diffusion file type {path.suffix or '(none)'!r} in {str(path)!r}. "
                          f"Supported: {', '.join(DIFFUSION_FORMATS)}. Give a file name ending in one of them.")
    found = _diffusion(graph_dir, mechanism)
    overall = _table(found.found, by_province=False)
    provinces = _table(found.found, by_province=True) if by_province else None
    if suffix == ".html":
        data: str | bytes = html_page(found.label, overall, provinces)
    else:
        data = image_bytes(found.label, found.ident, overall, provinces, fmt=suffix[1:], font=font,
                           codes={a.province: a.province_code for a in found.found})
    write_atomic(path, data)
    return path
