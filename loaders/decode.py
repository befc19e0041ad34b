"""Turn a text file's bytes into clean ``str``: detect the encoding, never assume it.

Chinese government text reaches us as UTF-8, UTF-8 with a BOM, UTF-16 (Windows
"Unicode" exports) and GBK / GB2312 (older sites and desktop tools). The order
of the checks in :func:`decode_bytes` is:

1. a byte-order mark (UTF-32, UTF-8, UTF-16), which settles the question;
2. NUL bytes: UTF-16 without a BOM when they sit on every other byte, else the
   file is binary and rejected;
3. strict UTF-8 (ASCII is UTF-8);
4. the encoding the file declares (an HTML ``<meta charset>``), when given;
5. strict GB18030, the superset of GBK and GB2312, reported as ``gb18030``;
6. charset-normalizer's best guess, kept only when it decodes without
   replacement or control characters;

and otherwise :class:`~kg.errors.LoadError`. Full-width characters are kept as
they are: matching folds them later with :func:`kg.text.fold`, and every offset
must stay valid against the stored text.

Examples
--------
>>> decode_bytes("社区治理\\r\\n".encode("gbk"), "a.txt")
('社区治理\\n', 'gb18030')
>>> decode_bytes("\\ufeff网格化管理".encode("utf-8"), "b.txt")
('网格化管理', 'utf-8-sig')
>>> decode_bytes("红色物业".encode("utf-16"), "c.txt")[0]
'红色物业'
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import LoadError

__all__ = ["decode_bytes", "normalize_text", "canonical_codec"]

# UTF-32 first: its little-endian BOM begins with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Codecs that GB18030 extends: decode them as GB18030, which reads every GBK byte alike.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz"})
#: Declarations that Chinese pages get wrong so often that detection does better.
_UNTRUSTED = frozenset({"latin_1", "iso8859_1", "cp1252", "ascii"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"))
_STRAY_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_TRAILING = re.compile(r"[^\S\n]+$", re.MULTILINE)


def canonical_codec(name: str) -> str | None:
    """Return the Python codec to decode a declared encoding with, or ``None``.

    Members of the GB family map to ``gb18030``; unknown names and Latin-1 style
    declarations (which Chinese pages often carry by mistake) give ``None``.

    Examples
    --------
    >>> canonical_codec("GB2312"), canonical_codec("UTF8"), canonical_codec("x-unknown")
    ('gb18030', 'utf-8', None)
    """
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    key = codec.replace("-", "_")
    if key in _GB_FAMILY:
        return "gb18030"
    if key in _UNTRUSTED:
        return None
    return codec


def normalize_text(text: str) -> str:
    """Normalise line breaks to ``\\n``, drop a leading BOM, control characters and trailing spaces.

    Form feeds and vertical tabs become line breaks; other C0 controls go.

    Examples
    --------
    >>> normalize_text("\\ufeff第一行  \\r\\n第二\\x01行\\u3000\\r第三行\\x0c")
    '第一行\\n第二行\\n第三行\\n'
    """
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    return _TRAILING.sub("", _STRAY_CONTROL.sub("", text))


def decode_bytes(
    data: bytes, path: str | Path, *, declared: str | None = None
) -> tuple[str, str]:
    """Decode a text file's bytes and return ``(normalised text, codec name)``.

    Parameters
    ----------
    data
        The file's bytes.
    path
        The file's path, named in any :class:`~kg.errors.LoadError`.
    declared
        An encoding the file declares for itself (HTML ``<meta charset>``); it
        is tried after a BOM and strict UTF-8, before the guesses.

    Raises
    ------
    LoadError
        ``empty file``, a binary file (NUL bytes outside UTF-16), or bytes no
        supported encoding reads.
    """
    if not data:
        raise LoadError(str(path), "empty file")
    codec = _detect(data, str(path), declared)
    text = data.decode(codec)
    if "\x00" in text:
        raise LoadError(str(path), "binary file (NUL bytes), not a text document")
    return normalize_text(text), codec


def _detect(data: bytes, path: str, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise LoadError(path, "binary file (NUL bytes), not a text document")
        return utf16
    candidates = ["utf-8"]
    if declared and (wanted := canonical_codec(declared)):
        candidates.append(wanted)
    candidates.append("gb18030")
    for codec in candidates:
        if _decodes(data, codec):
            return codec
    guess = from_bytes(data).best()
    if guess is not None and not _CONTROL.search(str(guess)):
        return codecs.lookup(guess.encoding).name
    raise LoadError(path, "cannot decode as UTF-8, UTF-16 or GB18030; save it as UTF-8")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NULs favour one byte parity and the text decodes, else ``None``.

    Every ASCII character in UTF-16 carries a NUL in its high byte, so
    little-endian text has its NULs mostly at odd offsets and big-endian text at
    even ones; only the rare CJK character U+xx00 puts one on the other side.
    Binary data spreads its NULs evenly, or fails the strict decode, or decodes
    to control characters.
    """
    if len(data) % 2:
        return None
    odd = data[1::2].count(0)
    even = data[0::2].count(0)
    if odd >= 2 * even:
        codec = "utf-16-le"
    elif even >= 2 * odd:
        codec = "utf-16-be"
    else:
        return None
    if not _decodes(data, codec) or _CONTROL.search(data.decode(codec)):
        return None
    return codec


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
