"""Text of a PDF through pdfminer.six, with Chinese line wraps undone.

pdfminer lays out each page into text lines. A Chinese paragraph wraps at the
right margin with no hyphen or space, so a raw extraction breaks sentences in
the middle of words ("网格化\\n管理"); sentence splitting and evidence spans then
suffer. :func:`pdf_to_text` joins a line to the next when the break is a wrap:

- the line starts at the left margin or a paragraph indent and runs to the
  right margin (a short, centred or right-aligned line — a title, a signature,
  a date — ends its paragraph);
- it does not end with 。：:！？；!?;;
- the next line starts at the left margin (an indented line starts a paragraph)
  and does not open with a heading number such as 一、 （一） 第三条 1. ①.

The same test joins the last line of a page to the first of the next, after
page numbers (``- 2 -``, ``第2页``) are dropped. Wide characters join without a
space; two Latin letters join with one.

The layout parameters suit CJK: ``line_margin=1.0`` keeps lines set at the
official 28-point spacing for 16-point type (a gap of 0.75 of a line) in one
box, so pdfminer orders the page by paragraphs rather than by single lines, and
``word_margin=0.2`` stops it inserting spaces between the characters of a
justified or letter-spaced Chinese line (up to a fifth of an em apart; at the
default 0.1, 2 points of spacing on 16-point type reads as "网 格 化").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from kg.errors import LoadError

__all__ = ["pdf_to_text", "LAYOUT"]

#: Layout analysis parameters for Chinese text (see the module docstring).
LAYOUT = LAParams(line_overlap=0.5, char_margin=2.0, line_margin=1.0, word_margin=0.2,
                  boxes_flow=0.5, detect_vertical=False)

_END = "。：:！？；!?;"
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|第[一二三四五六七八九十百千\d]+[章节条款部分篇]|\d{1,2}[、.．](?!\d)|[①-⑳])"
)
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_CID = re.compile(r"\(cid:\d+\)")
_WORDS = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_INDENT = 0.5  # in line heights: a line starting further right than this is indented
_PARAGRAPH_START = 3.0  # in line heights: the furthest right a paragraph's first line starts
_SHORT = 1.5  # in line heights: a line ending this far before the right margin is short


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    height: float
    left: float  #: the page's left text margin
    right: float  #: the page's right text margin


def pdf_to_text(data: bytes, path: str | Path) -> str:
    """Return the text of a PDF's bytes, one paragraph per line.

    Parameters
    ----------
    data
        The file's bytes.
    path
        The file's path, named in any :class:`~kg.errors.LoadError`.

    Raises
    ------
    LoadError
        ``malformed PDF: …`` when the file is not a PDF, is broken or is
        encrypted; ``no text layer (scanned PDF?); OCR it first`` when no page
        has extractable text.
    """
    if b"%PDF-" not in data[:1024]:
        raise LoadError(str(path), "malformed PDF: no %PDF- header; is it really a PDF?")
    try:
        pages = [_page_lines(page) for page in extract_pages(BytesIO(data), laparams=LAYOUT)]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        reason = "malformed PDF: encrypted with a password; decrypt it first (qpdf --decrypt)"
        raise LoadError(str(path), reason) from exc
    except Exception as exc:  # pdfminer raises many types (PSEOF, KeyError, zlib.error …) on broken files
        raise LoadError(str(path), f"malformed PDF: {_describe(exc)}") from exc
    text = _join([line for page in pages for line in _without_page_numbers(page)])
    if not _WORDS.search(text):
        raise LoadError(str(path), "no text layer (scanned PDF?); OCR it first")
    if len(_CID.sub("", text)) * 2 < len(text):
        raise LoadError(str(path), "no usable text layer: its fonts map no Unicode (cid:N); OCR it first")
    return text


def _describe(exc: Exception) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _page_lines(page: LTPage) -> list[_Line]:
    """The page's text lines in pdfminer's reading order, with the page's margins."""
    raw: list[tuple[str, float, float, float]] = []
    for box in page:
        if not isinstance(box, LTTextContainer):
            continue
        for line in box:
            if isinstance(line, LTTextLine) and (text := line.get_text().strip()):
                raw.append((text, line.x0, line.x1, line.height))
    if not raw:
        return []
    left = min(x0 for _, x0, _, _ in raw)
    right = max(x1 for _, _, x1, _ in raw)
    return [_Line(text, x0, x1, height, left, right) for text, x0, x1, height in raw]


def _without_page_numbers(lines: list[_Line]) -> list[_Line]:
    """Drop a page number standing as the first or last line of a page."""
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines = lines[:-1]
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines = lines[1:]
    return lines


def _join(lines: list[_Line]) -> str:
    parts: list[str] = []
    for i, line in enumerate(lines):
        if i:
            previous = lines[i - 1]
            if not _wraps(previous, line):
                parts.append("\n")
            elif _ASCII_LETTER.fullmatch(previous.text[-1]) and _ASCII_LETTER.fullmatch(line.text[0]):
                parts.append(" ")
        parts.append(line.text)
    return "".join(parts)


def _wraps(line: _Line, following: _Line) -> bool:
    """Whether the break between ``line`` and ``following`` is a wrap inside a paragraph."""
    unit = max(line.height, 1.0)
    from_margin = line.x0 - line.left <= _PARAGRAPH_START * unit
    to_margin = line.x1 >= line.right - _SHORT * unit
    continues = following.x0 - following.left <= _INDENT * max(following.height, 1.0)
    return (
        from_margin
        and to_margin
        and continues
        and line.text[-1] not in _END
        and not _HEADING.match(following.text)
    )
