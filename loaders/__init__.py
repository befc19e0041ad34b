"""Load government documents (.txt, .html, .pdf, .docx) as clean text: the ``load`` stage.

:func:`load_document` reads one file into a :class:`kg.records.Document` whose
``text`` is what every later offset points into: the file's text with page
chrome and footers removed (:func:`loaders.boilerplate.strip_boilerplate`).
:func:`iter_document_paths` expands files and folders into the files to load.

Any problem with a file is a :class:`kg.errors.LoadError` whose one-line reason
says what is wrong and how to fix it; nothing else escapes for bad input.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "通知.txt").write_bytes("无障碍 | 长者版\\n社区推行网格化管理。\\n".encode("gbk"))
>>> document = load_document(folder / "通知.txt")
>>> document.text, document.encoding, document.format, len(document.doc_id)
('社区推行网格化管理。', 'gb18030', 'txt', 16)
>>> _ = (folder / "表.xls").write_bytes(b"x")
>>> load_document(folder / "表.xls")
Traceback (most recent call last):
...
kg.errors.LoadError: ...表.xls: unsupported file type '.xls'; supported: .txt .text .html .htm .pdf .docx
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from kg.errors import LoadError
from kg.records import Document
from loaders.boilerplate import strip_boilerplate
from loaders.decode import decode_bytes
from loaders.docx import docx_to_text
from loaders.html import html_to_text
from loaders.pdf import pdf_to_text

__all__ = ["load_document", "iter_document_paths", "SUPPORTED_SUFFIXES", "DEFAULT_MAX_BYTES"]

#: File suffixes the loaders read, matched without regard to case.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".html", ".htm", ".pdf", ".docx")
#: The largest file :func:`load_document` reads unless told otherwise.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
_SUPPORTED = " ".join(SUPPORTED_SUFFIXES)


def load_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file into a :class:`~kg.records.Document` with clean text.

    Parameters
    ----------
    path
        A ``.txt``/``.text``, ``.html``/``.htm``, ``.pdf`` or ``.docx`` file.
    max_bytes
        Files larger than this are refused before they are read.

    Returns
    -------
    Document
        ``doc_id`` is the first 16 hex digits of the SHA-256 of the file's bytes,
        so the same bytes get the same id wherever they lie; ``encoding`` is the
        codec the text was decoded from ("" for PDF and DOCX).

    Raises
    ------
    LoadError
        For a missing, empty, oversized, binary, undecodable, malformed or
        unsupported file, or one with no text left once chrome is removed.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        kind = f"'{path.suffix}'" if path.suffix else "(no suffix)"
        raise LoadError(name, f"unsupported file type {kind}; supported: {_SUPPORTED}")
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise LoadError(name, "no such file; check the path") from exc
    except OSError as exc:
        raise LoadError(name, f"cannot read: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise LoadError(name, "not a regular file; pass files, or folders to iter_document_paths")
    if size == 0:
        raise LoadError(name, "empty file")
    if size > max_bytes:
        raise LoadError(
            name, f"larger than {_size(max_bytes)} ({_size(size)}); split it or raise --max-size"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"cannot read: {exc.strerror or exc}") from exc

    fmt = _FORMATS[suffix]
    encoding = ""
    if fmt == "txt":
        text, encoding = decode_bytes(data, name)
    elif fmt == "html":
        text, encoding = html_to_text(data, name)
    elif fmt == "pdf":
        text = pdf_to_text(data, name)
    else:
        text = docx_to_text(data, name)
    text = strip_boilerplate(text)
    if not text.strip():
        raise LoadError(name, f"no text in the {fmt} file once page chrome is removed")
    return Document(
        doc_id=hashlib.sha256(data).hexdigest()[:16],
        source=path.name,
        path=name,
        format=fmt,
        encoding=encoding,
        text=text,
    )


def iter_document_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the sorted list of files to load.

    Folders are searched recursively for files with a supported suffix,
    skipping hidden files and folders (``.git``, ``.DS_Store``) and Office lock
    files (``~$报告.docx``). A file named directly is returned whatever its
    suffix, and a path that does not exist is returned as given, so that
    :func:`load_document` can say what is wrong with it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("b/2.html", "a.txt", "b/.hidden.txt", "b/表.xls"):
    ...     (root / name).parent.mkdir(exist_ok=True)
    ...     _ = (root / name).write_text("x")
    >>> [p.relative_to(root).as_posix() for p in iter_document_paths([root])]
    ['a.txt', 'b/2.html']
    """
    found: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            found.add(path)
            continue
        for candidate in path.rglob("*"):
            parts = candidate.relative_to(path).parts
            if (
                candidate.suffix.lower() in _FORMATS
                and not any(part.startswith((".", "~$")) for part in parts)
                and candidate.is_file()
            ):
                found.add(candidate)
    return sorted(found)


def _size(n: int) -> str:
    """A byte count for a message: ``50 MB``, ``73.2 MB``, ``12 KB``, ``100 bytes``."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
