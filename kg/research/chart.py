"""Drawing a diffusion curve: PNG/SVG with matplotlib, or an HTML page with an SVG drawn here.

Both take the tables of :func:`kg.research.diffusion.diffusion_table` (``year``, ``new``,
``cumulative``, ``places``; per province with a ``province`` column) and draw the
cumulative number of adopting places as a step line, overall in black and, when given,
one line per province.

matplotlib is used without pyplot, through :class:`matplotlib.figure.Figure` and the Agg
canvas, so no display and no global backend switch are needed. Chinese labels need a CJK
font; :func:`cjk_font` finds one among those installed (``apt-get install fonts-noto-cjk``)
and without one the chart is labelled in ASCII. The HTML page escapes every text it
shows and loads nothing: no script, no stylesheet, no font from elsewhere.

Examples
--------
>>> table = pd.DataFrame({"year": [2020, 2021], "new": [1, 2], "cumulative": [1, 3],
...                       "places": ["舟山市", "白银市;<b>红河州</b>"]})
>>> page = html_page("三社联动", table, None)
>>> "&lt;b&gt;红河州&lt;/b&gt;" in page, "<b>" in page, "http" in page
(True, False, False)
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["CJK_FONTS", "cjk_font", "html_page", "image_bytes", "svg_chart"]

#: CJK font families tried in order by :func:`cjk_font`.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP")
#: Line colours of the provinces (the overall line is black).
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
_TITLE = "cumulative adopters (places) 累计采用地方"


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib finds installed, else ``None``."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _series(overall: pd.DataFrame, provinces: pd.DataFrame | None) -> list[tuple[str | None, pd.DataFrame]]:
    """``(province, rows)`` for the overall line (province ``None``) and each province's."""
    found: list[tuple[str | None, pd.DataFrame]] = [(None, overall)]
    if provinces is not None:
        for province, rows in provinces.groupby(provinces["province"].fillna("—"), sort=False):
            found.append((str(province), rows))
    return found


def image_bytes(label: str, ident: str, overall: pd.DataFrame, provinces: pd.DataFrame | None, *, fmt: str,
                font: str | None = "auto", codes: Mapping[str | None, str | None] | None = None) -> bytes:
    """The chart as PNG or SVG bytes (``fmt`` ``"png"`` or ``"svg"``), drawn with matplotlib's Agg canvas.

    ``font`` ``"auto"`` uses :func:`cjk_font`; ``None`` or no CJK font labels the chart with
    ``ident`` and the provinces' ``codes``, and says so under the chart.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    family = cjk_font() if font == "auto" else font
    codes = codes or {}

    def name(province: str | None) -> str:
        if province is None:
            return "all places 全部" if family else "all places"
        return province if family else (codes.get(province) or "no province")

    settings: dict[str, Any] = {"svg.hashsalt": "govkg", "svg.fonttype": "path", "font.family": [family or "DejaVu Sans"]}
    with rc_context(settings):  # type: ignore[arg-type]
        figure = Figure(figsize=(8, 4.5), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for i, (province, rows) in enumerate(_series(overall, provinces)):
            colour = "black" if province is None else COLOURS[(i - 1) % len(COLOURS)]
            axes.step(rows["year"].tolist(), rows["cumulative"].tolist(), where="post", marker="o",
                      color=colour, linewidth=2.5 if province is None else 1.2, label=name(province))
        axes.set_title(f"{label} · {_TITLE}" if family else f"{ident}: cumulative adopters (places)")
        axes.set_xlabel("year")
        axes.set_ylabel("places")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        if provinces is not None:
            axes.legend(loc="upper left", fontsize="small")
        if not family:
            figure.text(0.01, 0.01, "No CJK font installed: labels are ids and province codes "
                        "(apt-get install fonts-noto-cjk).", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _ticks(low: float, high: float, most: int = 8) -> list[int]:
    """Whole-number ticks from ``low`` to ``high``, at most about ``most`` of them."""
    step = max(1, math.ceil((high - low) / most))
    return list(range(math.ceil(low), math.floor(high) + 1, step))


def svg_chart(overall: pd.DataFrame, provinces: pd.DataFrame | None) -> str:
    """The cumulative curves as an inline ``<svg>`` element (no namespace URL, every text escaped)."""
    e = html.escape
    width, height, left, right, top, bottom = 760, 360, 48, 180, 16, 40
    series = _series(overall, provinces)
    years = overall["year"].tolist()
    low, high = (min(years), max(years)) if years else (0, 1)
    if low == high:
        low, high = low - 1, high + 1
    peak = max([1, *overall["cumulative"].tolist()])

    def x(year: float) -> float:
        return round(left + (year - low) / (high - low) * (width - left - right), 1)

    def y(count: float) -> float:
        return round(height - bottom - count / peak * (height - top - bottom), 1)

    parts = [f'<svg class="diffusion" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f'<line x1="{left}" y1="{y(0)}" x2="{x(high)}" y2="{y(0)}" stroke="#444"/>',
             f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{top}" stroke="#444"/>']
    for year in _ticks(low, high):
        parts.append(f'<text x="{x(year)}" y="{height - bottom + 16}" text-anchor="middle">{year}</text>')
    for count in _ticks(0, peak, 6):
        parts.append(f'<line x1="{left}" y1="{y(count)}" x2="{x(high)}" y2="{y(count)}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(count) + 4}" text-anchor="end">{count}</text>')
    for i, (province, rows) in enumerate(series):
        colour = "#000" if province is None else COLOURS[(i - 1) % len(COLOURS)]
        points, before = [], 0
        for year, total in zip(rows["year"].tolist(), rows["cumulative"].tolist(), strict=True):
            points += [f"{x(year)},{y(before)}", f"{x(year)},{y(total)}"]
            before = total
        points.append(f"{x(high)},{y(before)}")
        name = "all places 全部" if province is None else province
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{3 if province is None else 1.5}" '
                     f'points="{" ".join(points)}"><title>{e(name)}</title></polyline>')
        for year, new, total, places in rows[["year", "new", "cumulative", "places"]].itertuples(index=False):
            if new:
                tip = f"{name} {year}: +{new} → {total} ({places.replace(';', '、')})"
                parts.append(f'<circle cx="{x(year)}" cy="{y(total)}" r="3.5" fill="{colour}">'
                             f"<title>{e(tip)}</title></circle>")
        parts.append(f'<rect x="{width - right + 12}" y="{top + 18 * i}" width="12" height="3" fill="{colour}"/>'
                     f'<text x="{width - right + 30}" y="{top + 18 * i + 5}">{e(name)}</text>')
    parts.append(f'<text x="{(left + x(high)) / 2}" y="{height - 6}" text-anchor="middle">year 年份</text></svg>')
    return "\n".join(parts)


def _table(frame: pd.DataFrame) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    body = "\n".join("<tr>" + "".join(f"<td>{e('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                     for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def html_page(label: str, overall: pd.DataFrame, provinces: pd.DataFrame | None) -> str:
    """One self-contained HTML page: heading, the SVG chart, the table(s); nothing loaded from elsewhere."""
    e = html.escape
    undated: Sequence[str] = overall.attrs.get("undated", ())
    note = (f"<p>Not dated by any document, so not drawn 无年份: {e('、'.join(undated))}</p>" if undated else "")
    empty = "" if len(overall) else "<p>No dated adoption 暂无有年份的采用.</p>"
    tables = _table(overall) + ("" if provinces is None else "<h2>by province 分省</h2>" + _table(provinces))
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(label)} · diffusion 扩散</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 2em; }}
svg.diffusion text {{ font-size: 12px; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
th, td {{ border: 1px solid #ccc; padding: 2px 8px; text-align: left; }}
</style>
</head>
<body>
<h1>{e(label)} · {e(_TITLE)}</h1>
<p>A place counts from the earliest year any document gives for its adoption: the year the
text states, else the document's publication year. 按文件所述年份，无则按发布年份。</p>
{svg_chart(overall, provinces)}
{empty}{note}
{tables}
</body>
</html>
"""
