"""Research tables and charts over a built graph: the adoption panel and diffusion curves.

Policy-diffusion research works on a panel — one row per place × policy with the year of
adoption, as the SPID database does for US states. :mod:`kg.research.panel` makes that
panel (and its event-history, one-row-per-adoption form) from the graph ``kg build``
writes; :mod:`kg.research.diffusion` counts and draws the places adopting one mechanism,
year by year; :mod:`kg.research.precedents` finds the documents a draft or a phrase has
precedents in (SQLite FTS5 with the trigram tokenizer, blended with graph overlap). All
read what ``kg build`` wrote and return :class:`pandas.DataFrame` objects; ``kg panel``,
``kg diffusion`` and ``kg precedents`` are thin commands over them.
"""

from __future__ import annotations

from kg.research.diffusion import diffusion_table, write_diffusion
from kg.research.panel import LONG_COLUMNS, PANEL_COLUMNS, adoption_panel, read_panel, write_panel
from kg.research.precedents import find_precedents

__all__ = ["LONG_COLUMNS", "PANEL_COLUMNS", "adoption_panel", "diffusion_table", "find_precedents", "read_panel",
           "write_diffusion", "write_panel"]
