"""The project's exceptions: one base class and one subclass per stage."""

from __future__ import annotations

__all__ = ["KGError", "LoadError", "ExtractError", "StoreError", "QueryError", "SpanError", "ViewError", "ExportError"]


class KGError(Exception):
    """Base class of every error govkg raises on purpose."""


class LoadError(KGError):
    """A file could not be read as a document.

    The message names the file and the reason, on one line.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ExtractError(KGError):
    """An extractor produced something inconsistent with the text."""


class SpanError(ExtractError):
    """A span's offsets do not slice the stored text to its surface."""


class StoreError(KGError):
    """A graph could not be written or read."""


class QueryError(KGError):
    """A query or its parameters were rejected."""


class ViewError(KGError):
    """A page could not be rendered: its records contradict each other or an option is unsupported."""


class ExportError(KGError):
    """A research table or chart could not be written: an unsupported file type, most often."""
