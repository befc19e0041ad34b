"""Text of a Word (.docx) document through python-docx, in body order.

Paragraphs become lines; a table row becomes one line with its cells separated
by two spaces, as the HTML loader renders rows, so the metadata extractor sees
``索引号:  …`` the same way in both. A cell merged across columns is read once,
and a table nested in a cell is read row by row after the cell's own text.

Examples
--------
>>> from io import BytesIO
>>> import docx
>>> document = docx.Document()
>>> _ = document.add_paragraph("关于推进网格化管理的通知")
>>> row = document.add_table(rows=1, cols=2).rows[0]
>>> row.cells[0].text, row.cells[1].text = "发布日期:", "2023-01-05"
>>> _ = document.add_paragraph("全面推行网格化管理。")
>>> buffer = BytesIO()
>>> document.save(buffer)
>>> print(docx_to_text(buffer.getvalue(), "a.docx"))
关于推进网格化管理的通知
发布日期:  2023-01-05
全面推行网格化管理。
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kg.errors import LoadError

__all__ = ["docx_to_text"]

_MAIN_PART = "word/document.xml"
_TRAILER = re.compile(r"\s*\(<string>, line \d+\)$")  # lxml repeats the position it already gave


def docx_to_text(data: bytes, path: str | Path) -> str:
    """Return the text of a DOCX file's bytes: paragraphs and table rows in body order.

    Parameters
    ----------
    data
        The file's bytes.
    path
        The file's path, named in any :class:`~kg.errors.LoadError`.

    Raises
    ------
    LoadError
        ``not a DOCX (zip) file: …`` when the bytes are not a zip archive (an
        old binary .doc, or text renamed), ``malformed DOCX: …`` when the archive
        lacks its main part or holds broken XML.
    """
    buffer = BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise LoadError(
            str(path),
            "not a DOCX (zip) file: an old .doc or a renamed file; save it as .docx from Word or LibreOffice",
        )
    try:
        with zipfile.ZipFile(buffer) as archive:
            if _MAIN_PART not in archive.namelist():
                raise LoadError(str(path), f"malformed DOCX: the archive has no {_MAIN_PART}")
        document = docx.Document(BytesIO(data))
        lines = list(_body_lines(document))
    except LoadError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types on broken parts
        message = _TRAILER.sub("", " ".join(str(exc).split()))
        raise LoadError(str(path), f"malformed DOCX: {type(exc).__name__}: {message}") from exc
    return "\n".join(line for line in lines if line)


def _body_lines(document: DocxDocument) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text.strip()
        else:
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        texts: list[str] = []
        nested: list[Table] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats across the columns it spans
                continue
            seen.add(id(cell._tc))
            texts.append(_cell_text(cell))
            nested.extend(cell.tables)
        yield "  ".join(text for text in texts if text)
        for inner in nested:
            yield from _table_lines(inner)


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs joined by a space, so a row stays on one line."""
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
