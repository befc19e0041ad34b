"""Turn a :class:`~kg.views.model.Page` into one HTML file that works offline and runs nothing it was given.

The graph is assembled with pyvis (``pyvis.network.Network``: nodes, edges, options) and
drawn by vis-network 9.1.2, but the page comes from the project's own Jinja2 template
(``template.html`` with ``viewer.js`` and ``viewer.css``), because pyvis's template loads
Bootstrap from a CDN and sets ``popup.innerHTML = title``. What holds for every page:

- **Offline**: vis-network and the viewer are inlined (``assets="inline"``) or read from
  a folder next to the page that :func:`write_assets` fills; no CDN, web font or remote
  image. A Content-Security-Policy in the page forbids any other source.
- **Safe**: every string of a record is text. Jinja autoescapes the HTML; the graph's data
  travels as JSON in ``<script type="application/json">`` (``<``, ``>``, ``&``, ``'``
  escaped); the viewer writes panels with ``textContent`` and vis-network writes string
  tooltips with ``innerText``. Inline scripts run only if their SHA-256 is in the policy
  (none at all with an assets folder), so an ``onerror=`` that reached the markup would
  still not run. Links are kept
  only when relative or ``http(s)``; ``javascript:`` and the like are shown as text.
- **Fast**: above :data:`PHYSICS_LIMIT` nodes the positions come from
  :func:`kg.views.positions.layout_positions` and physics is off.

Examples
--------
>>> from kg.views.model import Edge, Node, Page
>>> page = Page(path="mechanism/m1.html", title="大党委",
...             nodes=(Node(id="m1", label="大党委", kind="Mechanism"),
...                    Node(id="p1", label="银川市", kind="Place", url="place/p1.html")),
...             edges=(Edge(src="p1", dst="m1", kind="ADOPTED", status="implemented"),))
>>> html = render_page(page)
>>> "<script src=" in html or "<link" in html  # inline: vis-network is inside the page
False
>>> '"url":"../place/p1.html"' in html
True
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import math
import posixpath
import re
import shutil
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kg.errors import ViewError
from kg.views.model import KINDS, STATUSES, Cell, Page, Table
from kg.views.positions import layout_positions

__all__ = ["ASSETS", "KIND_STYLE", "PHYSICS_LIMIT", "STATUS_STYLE", "NotebookView", "relative_url", "render_notebook",
           "render_page", "write_assets"]

#: Views with more nodes than this are laid out in Python and drawn without physics.
PHYSICS_LIMIT = 300
#: The files :func:`write_assets` puts in ``site/assets``: vis-network 9.1.2 from pyvis, and the viewer.
ASSETS = ("vis-network.min.js", "vis-network.css", "viewer.js", "viewer.css")
_VIS = "templates/lib/vis-9.1.2"
_HERE = Path(__file__).parent

#: kind → (legend text, colour, vis-network shape); colours from the Okabe–Ito palette.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "Mechanism": ("Mechanism 机制", "#D55E00", "diamond"),
    "Place": ("Place 地方", "#0072B2", "dot"),
    "Province": ("Province 省份", "#1F3A93", "hexagon"),
    "Agency": ("Agency 机构", "#009E73", "triangle"),
    "Document": ("Document 文件", "#CC79A7", "square"),
    "Policy": ("Policy 政策", "#E69F00", "star"),
    "Program": ("Program 项目", "#56B4E9", "triangleDown"),
    "Proposal": ("Proposal 提案", "#8C6D46", "square"),
    "Observation": ("Observation 指标", "#7F8C8D", "dot"),
}
_OTHER_KIND = ("#999999", "dot")
#: adoption status → (legend text, colour, dash pattern or ``False`` for a solid line).
STATUS_STYLE: dict[str, tuple[str, str, list[int] | bool]] = {
    "implemented": ("implemented 实施", "#2F9E44", False),
    "piloting": ("piloting 试点", "#1C7ED6", [10, 4]),
    "planned": ("planned 计划", "#F08C00", [6, 6]),
    "proposed": ("proposed 建议", "#868E96", [2, 6]),
}
_EDGE_COLOUR = "#B8C0CC"
_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
_STRIP = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+%?$")


def relative_url(url: str | None, page_path: str) -> str | None:
    """A link as the page at ``page_path`` must write it, or ``None`` when it may not be a link.

    ``url`` is relative to the site's root (as in :mod:`kg.views.model`) or ``http(s)``;
    anything else (``javascript:``, ``data:``, ``//host``, ``/abs``, backslashes) is refused.

    Examples
    --------
    >>> relative_url("mechanism/m1.html", "place/p-640100.html")
    '../mechanism/m1.html'
    >>> relative_url("https://www.gov.cn/zhengce/", "index.html")
    'https://www.gov.cn/zhengce/'
    >>> [relative_url(u, "index.html") for u in (" java\\tscript:alert(1)", "//evil.example", "")]
    [None, None, None]
    """
    if not url:
        return None
    clean = _STRIP.sub("", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                       "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    if not clean or "\\" in clean or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in clean):
        return None
    scheme = _SCHEME.match(clean)
    if scheme:
        ok = scheme.group(1).lower() in ("http", "https") and clean.split(":", 1)[1].startswith("//")
        return clean if ok else None
    if clean.startswith("/"):
        return None
    if clean.startswith("#"):
        return clean
    depth = posixpath.normpath(page_path.lstrip("/")).count("/")
    return "../" * depth + clean


def _cell(value: Cell, page_path: str) -> tuple[str, str | None]:
    """A table or summary cell as ``(text, href or None)``."""
    if isinstance(value, tuple):
        return value[0], relative_url(value[1], page_path)
    return value, None


def _table(table: Table, page_path: str) -> dict[str, Any]:
    """A table for the template: cells as ``(text, href)``, and which columns hold only numbers."""
    rows = [[_cell(c, page_path) for c in row] for row in table.rows]
    numeric = [any(row[i][0] for row in rows if i < len(row))
               and all(_NUMBER.match(row[i][0]) for row in rows if i < len(row) and row[i][0])
               for i in range(max([len(table.columns), *map(len, rows)]))]
    return {"title": table.title, "columns": table.columns, "rows": rows, "numeric": numeric}


def _sizes(values: list[float]) -> list[float]:
    """Node sizes in pixels: 10 to 32 by the square root of the relative size."""
    low, high = min(values, default=1.0), max(values, default=1.0)
    if high <= low:
        return [14.0] * len(values)
    return [round(10 + 22 * math.sqrt((v - low) / (high - low)), 1) for v in values]


def _graph(page: Page) -> dict[str, Any]:
    """The graph's nodes, edges and options, assembled with pyvis, as the viewer reads them."""
    from pyvis.network import Network  # type: ignore[import-untyped]  # imports IPython: only when a graph is drawn

    ids = [node.id for node in page.nodes]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ViewError(f"Page {page.path!r} has duplicate node ids {twice}. Give each node of a view its own id.")
    labels = {node.id: node.label or node.id for node in page.nodes}
    for edge in page.edges:
        for end in (edge.src, edge.dst):
            if end not in labels:
                raise ViewError(f"Page {page.path!r} has an edge {edge.kind} from {edge.src!r} to {edge.dst!r} "
                                f"but no node {end!r}. Add the node or drop the edge.")
    given = bool(page.nodes) and all(n.x is not None and n.y is not None for n in page.nodes)
    big = len(page.nodes) > PHYSICS_LIMIT
    sizes = _sizes([n.size for n in page.nodes])
    if given:
        positions = {n.id: (float(n.x or 0), float(n.y or 0)) for n in page.nodes}
    elif big:
        positions = layout_positions(ids, [(e.src, e.dst) for e in page.edges], radii=sizes)
    else:
        positions = {}
    net = Network(directed=True)
    for node, size in zip(page.nodes, sizes):
        text, colour, shape = KIND_STYLE.get(node.kind, (node.kind, *_OTHER_KIND))
        extra = dict(zip(("x", "y"), positions[node.id])) if node.id in positions else {}
        net.add_node(node.id, label=labels[node.id], shape=shape, size=size,
                     color={"background": colour, "border": "#FFFFFF",
                            "highlight": {"background": colour, "border": "#212529"},
                            "hover": {"background": colour, "border": "#212529"}},
                     title="\n".join(t for t in (labels[node.id], text, node.title) if t),
                     kind=node.kind, url=relative_url(node.url, page.path), details=[list(r) for r in node.details],
                     grp=node.group, **extra)
    for number, edge in enumerate(page.edges):
        text, colour, dashes = STATUS_STYLE.get(edge.status or "", (edge.kind, _EDGE_COLOUR, False))
        tip = f"{labels[edge.src]} → {labels[edge.dst]}\n{edge.kind}" + (f" · {text}" if edge.status else "")
        net.add_edge(edge.src, edge.dst, id=f"e{number}", label=edge.label or None, dashes=dashes,
                     width=2.5 if edge.status else 1.2, title="\n".join(t for t in (tip, edge.title) if t),
                     color={"color": colour, "highlight": colour if edge.status else "#495057",
                            "hover": colour if edge.status else "#495057", "inherit": False},
                     kind=edge.kind, status=edge.status, url=relative_url(edge.url, page.path),
                     details=[list(r) for r in edge.details])
    physics = not (given or big)
    net.options = _options(physics=physics, big=big)
    return {"nodes": [_drop_none(n) for n in net.nodes], "edges": [_drop_none(e) for e in net.edges],
            "options": net.options, "physics": physics, "big": big,
            "pngName": posixpath.splitext(page.path)[0].replace("/", "-") + ".png"}


def _drop_none(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if value is not None}


def _options(*, physics: bool, big: bool) -> dict[str, Any]:
    """vis-network options: physics that settles for small views, none for big ones."""
    font = {"face": _FONT, "size": 14, "color": "#212529", "strokeWidth": 3, "strokeColor": "#FFFFFF"}
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": physics},
        "nodes": {"font": font, "borderWidth": 1.5, "borderWidthSelected": 3, "widthConstraint": {"maximum": 110}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}, "selectionWidth": 1.5,
                  "smooth": False if big else {"type": "continuous", "roundness": 0.3},
                  "font": {**font, "size": 11, "color": "#495057"}},
        "interaction": {"hover": not big, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": False, "multiselect": False},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 120, "springConstant": 0.06,
                                         "avoidOverlap": 0.5},
                    "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 20, "fit": True}}
        if physics else {"enabled": False},
    }


def _legend(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The kinds present (in :data:`KINDS` order, then by name) and the adoption statuses present."""
    counts: dict[str, int] = {}
    for node in page.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    order = sorted(counts, key=lambda k: (KINDS.index(k) if k in KINDS else len(KINDS), k))
    kinds = [dict(zip(("kind", "text", "colour", "shape"), (k, *KIND_STYLE.get(k, (k, *_OTHER_KIND)))),
                  count=counts[k]) for k in order]
    present = {e.status for e in page.edges if e.status}
    statuses = [dict(zip(("status", "text", "colour", "dashes"), (s, *STATUS_STYLE[s])),
                     count=sum(e.status == s for e in page.edges)) for s in STATUSES if s in present]
    return kinds, statuses


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    return env


@cache
def _text(name: str, *, vis: bool = False) -> str:
    """A file of the viewer (``viewer.js``) or of pyvis's vis-network, as text."""
    if vis:
        return files("pyvis").joinpath(f"{_VIS}/{name}").read_text(encoding="utf-8")
    return (_HERE / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(page: Page, *, assets: str = "inline") -> str:
    """The HTML text of one page.

    Parameters
    ----------
    page : what the page shows; its ``path`` decides how links are written
    assets : ``"inline"`` to put vis-network and the viewer's script and style inside
        the page (one file that opens anywhere, about 750 kB), or the folder
        :func:`write_assets` filled, relative to the page (``"assets"`` for
        ``index.html``, ``"../assets"`` for ``place/p1.html``), which keeps each page to
        its own text and data

    Raises
    ------
    ViewError
        ``assets`` is not ``"inline"`` or a relative folder; a node id is used twice; an
        edge names a node the page does not have.
    """
    if assets != "inline" and (_SCHEME.match(assets) or relative_url(assets, "index.html") != assets
                               or assets.startswith("#")):
        raise ViewError(f"Unsupported assets location {assets!r}. Use 'inline' or a folder relative to the page "
                        "such as '../assets': pages must work offline.")
    kinds, statuses = _legend(page)
    graph = _graph(page) if page.nodes else None
    inline = assets == "inline"
    app_js = _text("viewer.js") if inline else ""
    vis_js = _text("vis-network.min.js", vis=True) if graph and inline else ""
    if "</script" in vis_js.lower():
        raise ViewError("vis-network.min.js contains '</script' and cannot be inlined; use a folder of assets.")
    hashes = " ".join(_sha256(code) for code in (app_js, vis_js) if code)
    csp = (f"default-src 'none'; script-src 'self' file: {hashes}; style-src 'self' file: 'unsafe-inline'; "
           "img-src 'self' file: data: blob:; font-src 'self' file: data:; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    return _environment().get_template("template.html").render(
        page=page, root="../" * posixpath.normpath(page.path.lstrip("/")).count("/"), csp=csp,
        nav=[(text, relative_url(url, page.path), url == page.path) for text, url in page.nav],
        summary=[(field, *_cell(value, page.path)) for field, value in page.summary],
        tables=[_table(t, page.path) for t in page.tables],
        graph=graph, kinds=kinds, statuses=statuses, names=sorted({n.label or n.id for n in page.nodes}),
        assets=assets, vis_js=Markup(vis_js), app_js=Markup(app_js),
        vis_css=Markup(_text("vis-network.css", vis=True) if graph and inline else ""),
        app_css=Markup(_text("viewer.css") if inline else ""))


def write_assets(site_dir: str | Path) -> Path:
    """Copy vis-network and the viewer's script and style sheet into ``site_dir/assets``; return that folder.

    >>> import tempfile
    >>> folder = write_assets(tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())
    ['viewer.css', 'viewer.js', 'vis-network.css', 'vis-network.min.js']
    """
    folder = Path(site_dir) / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        source = files("pyvis").joinpath(f"{_VIS}/{name}") if name.startswith("vis-") else _HERE / name
        with source.open("rb") as data, open(folder / name, "wb") as target:
            shutil.copyfileobj(data, target)
    return folder


@dataclass(frozen=True)
class NotebookView:
    """A page that Jupyter shows inline: a sandboxed ``<iframe srcdoc>`` holding the whole page.

    Attributes
    ----------
    html : the self-contained page (``render_page(page, assets="inline")``)
    height : the frame's height in pixels
    """

    html: str
    height: int = 820

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" title="govkg view" '
                f'style="width:100%;height:{int(self.height)}px;border:1px solid #dee2e6;border-radius:6px" '
                'sandbox="allow-scripts allow-downloads allow-popups"></iframe>')


def render_notebook(page: Page, *, height: int = 820) -> NotebookView:
    """The page as an object a Jupyter notebook displays inline (no IPython import needed).

    >>> from kg.views.model import Node, Page
    >>> view = render_notebook(Page(path="v.html", title="大党委", nodes=(Node(id="m", label="大党委", kind="Mechanism"),)))
    >>> view._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    True
    """
    return NotebookView(render_page(page, assets="inline"), height=height)
