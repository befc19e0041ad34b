"""Named questions in SPARQL (``*.rq``) and Cypher (``*.cypher``), read as package files."""

from __future__ import annotations

from importlib.resources import files

__all__ = ["read_query"]


def read_query(name: str) -> str:
    """The text of ``queries/<name>`` (e.g. ``"candidates.rq"``)."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")
