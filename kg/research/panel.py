"""The adoption panel: one row per place × mechanism, and its event-history (long) form.

:func:`adoption_panel` reads the graph ``kg build`` wrote and returns

- the **panel** (wide form): one row per place × mechanism — the canonical concept, a
  local form (塞上枫桥) folded into the concept it is a form of (枫桥经验); candidates, the
  coined names the thesaurus lacks, are their own mechanism; ``variants=True`` keeps each
  local form apart. Columns :data:`PANEL_COLUMNS`;
- the **long form** (``long=True``): one row per ``ADOPTED`` edge, i.e. per place ×
  mechanism name × document, with the evidence sentence. Columns :data:`LONG_COLUMNS`.

An adoption's year is the year the text gives, else the publication year of the document
stating it (as the ``timeline`` question counts it); the panel's ``first_year`` is the
earliest of those, and ``year_stated`` says whether a text gave it. ``status`` is the
strongest one any document gives (:data:`kg.records.STATUS_RANK`). Columns are named in
``docs/panel.md`` and are kept stable.

:func:`write_panel` writes either form as ``.csv`` (UTF-8 with a BOM, so Excel opens the
Chinese correctly), ``.xlsx`` or ``.parquet``, atomically; :func:`read_panel` reads such a
file back with the same columns and types.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from kg.pipeline import build
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "yinchuan.txt").write_text(
...     "银川市全面推行“三社联动”工作机制。2019年银川市推行“塞上枫桥”。\\n", encoding="utf-8")
>>> _ = build([folder / "yinchuan.txt"], folder / "kg-out", site=False)
>>> panel = adoption_panel(folder / "kg-out")
>>> panel[["place", "place_code", "province", "mechanism", "first_year", "year_stated"]].to_dict("records")
[{'place': '银川市', 'place_code': '640100', 'province': '宁夏回族自治区', 'mechanism': '枫桥经验', 'first_year': 2019, 'year_stated': True}, {'place': '银川市', 'place_code': '640100', 'province': '宁夏回族自治区', 'mechanism': '三社联动', 'first_year': None, 'year_stated': False}]
>>> adoption_panel(folder / "kg-out", variants=True)["mechanism"].tolist()
['塞上枫桥', '三社联动']
>>> adoption_panel(folder / "kg-out", long=True)[["mechanism", "form", "year", "evidence"]].to_dict("records")
[{'mechanism': '枫桥经验', 'form': '塞上枫桥', 'year': 2019, 'evidence': '2019年银川市推行“塞上枫桥”。'}, {'mechanism': '三社联动', 'form': '三社联动', 'year': None, 'evidence': '银川市全面推行“三社联动”工作机制。'}]
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import ExportError
from kg.gazetteer import LEVELS
from kg.io import write_atomic
from kg.queries.walk import adoption_year, adoptions, document_name
from kg.records import STATUS_RANK
from kg.stores.networkx import read_networkx
from kg.vocab import GKC, GKM

__all__ = ["LONG_COLUMNS", "PANEL_COLUMNS", "PANEL_FORMATS", "adoption_panel", "mechanism_id", "place_columns",
           "read_panel", "write_panel"]

_PLACE = {"place": "str", "place_code": "str", "level": "str", "province": "str", "prefecture": "str", "county": "str"}
_MECHANISM = {"mechanism_id": "str", "mechanism": "str", "concept_id": "str", "concept": "str", "candidate": "bool"}
#: The panel's columns, in order, and their types (``str`` may be missing, ``Int64`` is a nullable integer).
PANEL_COLUMNS: dict[str, str] = {**_PLACE, **_MECHANISM, "first_year": "Int64", "year_stated": "bool",
                                 "status": "str", "documents": "int64", "doc_ids": "str"}
#: The long (event-history) form's columns, in order, and their types.
LONG_COLUMNS: dict[str, str] = {**_PLACE, **_MECHANISM, "form": "str", "surface": "str", "year": "Int64",
                                "year_stated": "bool", "status": "str", "doc_id": "str", "document": "str",
                                "published": "str", "evidence": "str"}
#: File suffix → what :func:`write_panel` writes.
PANEL_FORMATS: dict[str, str] = {".csv": "CSV, UTF-8 with BOM", ".xlsx": "Excel workbook", ".parquet": "Parquet"}
#: The ancestor levels that get a column of their own (the gazetteer's ``city`` is a prefecture).
_LEVEL_COLUMNS = {"province": "province", "city": "prefecture", "county": "county"}


def mechanism_id(node: str) -> str:
    """A mechanism's short, stable id: a thesaurus concept's own id, ``candidate:<hash>`` for a candidate.

    Examples
    --------
    >>> mechanism_id("https://w3id.org/govkg/mechanism/three-social-linkage")
    'three-social-linkage'
    >>> mechanism_id("https://w3id.org/govkg/candidate/04ed2d4d1d03fe2c")
    'candidate:04ed2d4d1d03fe2c'
    """
    if node.startswith(str(GKM)):
        return node[len(str(GKM)):]
    if node.startswith(str(GKC)):
        return "candidate:" + node[len(str(GKC)):]
    return node


def place_columns(graph: nx.MultiDiGraph, place: str) -> dict[str, Any]:
    """A place's columns: name, code, level, and the names of its province, prefecture and county.

    The ancestors come from the ``WITHIN`` chain; a place fills the column of its own
    level (a county is its own ``county``); a level the chain skips stays ``None``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> for node, label, level, code in (("nx", "宁夏回族自治区", "province", "640000"),
    ...                                  ("yc", "银川市", "city", "640100"), ("jf", "金凤区", "county", "640106")):
    ...     g.add_node(node, kind="Place", label=label, level=level, code=code)
    >>> _ = g.add_edge("jf", "yc", type="WITHIN"); _ = g.add_edge("yc", "nx", type="WITHIN")
    >>> place_columns(g, "jf")
    {'place': '金凤区', 'place_code': '640106', 'level': 'county', 'province': '宁夏回族自治区', 'prefecture': '银川市', 'county': '金凤区'}
    """
    attrs = graph.nodes[place]
    row: dict[str, Any] = {"place": attrs.get("label"), "place_code": attrs.get("code"), "level": attrs.get("level"),
                           "province": None, "prefecture": None, "county": None}
    for node in _lineage(graph, place):
        column = _LEVEL_COLUMNS.get(graph.nodes[node].get("level") or "")
        if column is not None and row[column] is None:
            row[column] = graph.nodes[node].get("label")
    return row


def _lineage(graph: nx.MultiDiGraph, place: str) -> Iterator[str]:
    """``place`` and then each place its ``WITHIN`` chain leads to, nearest first."""
    seen: set[str] = set()
    node: str | None = place
    while node is not None and node not in seen:
        seen.add(node)
        yield node
        node = next((dst for _, dst, kind in graph.out_edges(node, data="type") if kind == "WITHIN"), None)


def _sort_key(graph: nx.MultiDiGraph, place: str) -> tuple[str, int, str, str]:
    """Places in code order, each uncoded town or village right after its nearest coded ancestor."""
    code = next((graph.nodes[n].get("code") for n in _lineage(graph, place) if graph.nodes[n].get("code")), None)
    level = graph.nodes[place].get("level")
    return (code or "~", LEVELS.index(level) if level in LEVELS else len(LEVELS),
            graph.nodes[place].get("label") or "", place)


def _concept(graph: nx.MultiDiGraph, form: str) -> str:
    """The concept ``form`` is a local form of (its ``canonical_id``), else ``form`` itself."""
    target = graph.nodes[form].get("canonical_id")
    return target if target in graph and graph.nodes[target].get("kind") == "Mechanism" else form


def _events(graph: nx.MultiDiGraph, *, variants: bool) -> list[dict[str, Any]]:
    """One row per ``ADOPTED`` edge whose document is in the graph, sorted (the long form)."""
    nodes = graph.nodes
    forms = [node for node, kind in graph.nodes(data="kind") if kind == "Mechanism"]
    places: dict[str, dict[str, Any]] = {}
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for place, form, edge, doc in adoptions(graph, forms):
        concept = _concept(graph, form)
        shown = form if variants else concept
        if place not in places:
            places[place] = place_columns(graph, place)
        year = adoption_year(edge, doc)
        row = {**places[place], "mechanism_id": mechanism_id(shown), "mechanism": nodes[shown].get("label"),
               "concept_id": mechanism_id(concept), "concept": nodes[concept].get("label"),
               "candidate": bool(nodes[concept].get("candidate")), "form": nodes[form].get("label"),
               "surface": edge.get("surface") or None, "year": year, "year_stated": edge.get("year") is not None,
               "status": edge.get("status"), "doc_id": edge.get("doc_id"), "document": document_name(doc),
               "published": doc.get("published") or None, "evidence": edge.get("sentence") or None}
        key = (_sort_key(graph, place), row["mechanism_id"], year if year is not None else 10_000,
               row["doc_id"], row["form"] or "", edge.get("id") or "")
        rows.append((key, {"_place": place, "_mechanism": shown, **row}))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _frame(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """``rows`` as a DataFrame with exactly ``columns``, typed (strings ``None`` when missing)."""
    frame = pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=list(columns), dtype=object)
    return _typed(frame, columns)


def _typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Give each column its type; values read from a file (``"True"``, ``""``, ``NaN``) included."""
    out = {}
    for column, kind in columns.items():
        values = [None if _missing(v) else v for v in frame[column].tolist()]
        if kind == "str":
            out[column] = pd.Series([None if v is None else str(v) for v in values], dtype=object)
        elif kind == "bool":
            out[column] = pd.Series([v is True or str(v).lower() in ("true", "1") for v in values], dtype=bool)
        elif kind == "Int64":
            out[column] = pd.array([None if v is None else int(float(v)) for v in values], dtype="Int64")
        else:
            out[column] = pd.Series([int(float(v)) for v in values if v is not None], dtype=kind)
    return pd.DataFrame(out, columns=list(columns))


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value))


def adoption_panel(graph_dir: str | Path, *, variants: bool = False, long: bool = False) -> pd.DataFrame:
    """The adoption panel of the graph in ``graph_dir`` (see the module docstring).

    Parameters
    ----------
    graph_dir : a folder written by ``kg build`` (it reads ``graph.networkx.json``)
    variants : keep local forms (塞上枫桥) apart instead of folding them into their concept
    long : the event-history form, one row per adoption, instead of the panel

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PANEL_COLUMNS` (or :data:`LONG_COLUMNS`), in that order and of those
        types; rows sorted by place (administrative code order) and mechanism id. A panel
        row's key, (place, ``mechanism_id``), is unique.

    Raises
    ------
    StoreError
        ``graph_dir`` holds no networkx graph (build one with ``kg build``).
    """
    graph = read_networkx(Path(graph_dir))
    events = _events(graph, variants=variants)
    if long:
        return _frame(events, LONG_COLUMNS)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for event in events:  # sorted, so the groups come in panel order
        groups.setdefault((event["_place"], event["_mechanism"]), []).append(event)
    rows = []
    for found in groups.values():
        dated = [e for e in found if e["year"] is not None]
        first = min((e["year"] for e in dated), default=None)
        doc_ids = sorted({e["doc_id"] for e in found})
        rows.append({**found[0], "first_year": first,
                     "year_stated": any(e["year_stated"] and e["year"] == first for e in dated),
                     "status": max((e["status"] for e in found), key=lambda s: STATUS_RANK.get(s, -1)),
                     "documents": len(doc_ids), "doc_ids": ";".join(doc_ids)})
    return _frame(rows, PANEL_COLUMNS)


def _unsupported(path: Path, what: str) -> ExportError:
    return ExportError(f"Unsupported {what} file type {path.suffix or '(none)'!r} in {str(path)!r}. "
                       f"Supported: {', '.join(PANEL_FORMATS)}. Give a file name ending in one of them.")


def write_panel(frame: pd.DataFrame, out_path: str | Path) -> Path:
    """Write ``frame`` (a panel, its long form, any DataFrame) to ``out_path``, atomically.

    The suffix chooses the format: ``.csv`` (UTF-8 with a byte-order mark, which Excel
    needs to read Chinese correctly; pandas and every CSV reader skip it), ``.xlsx`` (one
    sheet, header row frozen; text that starts with ``=`` stays text, never a formula) or
    ``.parquet`` (pyarrow). Missing values are empty cells.

    Raises
    ------
    ExportError
        Any other suffix; the message lists the supported ones.

    Examples
    --------
    >>> write_panel(pd.DataFrame({"place": ["银川市"]}), "panel.txt")
    Traceback (most recent call last):
    ...
    kg.errors.ExportError: Unsupported panel file type '.txt' in 'panel.txt'. Supported: .csv, .xlsx, .parquet. Give a file name ending in one of them.
    """
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in PANEL_FORMATS:
        raise _unsupported(path, "panel")
    if suffix == ".csv":
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    elif suffix == ".xlsx":
        data = _xlsx(frame)
    else:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, engine="pyarrow", index=False)
        data = buffer.getvalue()
    write_atomic(path, data)
    return path


def _xlsx(frame: pd.DataFrame) -> bytes:
    """``frame`` as the bytes of a one-sheet workbook (openpyxl), text kept as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "adoptions" if "evidence" in frame.columns else "panel"
    sheet.append([str(c) for c in frame.columns])
    for values in frame.astype(object).itertuples(index=False):
        sheet.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a sentence starting with "=" is text, not a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_panel(path: str | Path) -> pd.DataFrame:
    """Read a panel or long form :func:`write_panel` wrote, with its columns' types restored.

    Raises
    ------
    ExportError
        A suffix other than ``.csv``, ``.xlsx`` or ``.parquet``, or a file that is neither
        a panel nor a long form.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    elif suffix == ".parquet":
        frame = pd.read_parquet(path, engine="pyarrow")
    else:
        raise _unsupported(path, "panel")
    for columns in (PANEL_COLUMNS, LONG_COLUMNS):
        if list(frame.columns) == list(columns):
            return _typed(frame.astype(object), columns)
    raise ExportError(f"{path} is neither an adoption panel nor its long form: its columns are "
                      f"{', '.join(map(str, frame.columns))}. Write one with write_panel (kg panel).")
