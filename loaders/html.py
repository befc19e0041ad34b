"""Main text of a government web page, with lxml alone.

:func:`html_to_text` decodes the bytes (honouring ``<meta charset>`` or an XML
declaration), drops what a reader does not read as the article — scripts,
navigation, share widgets, sidebars, footers, hidden elements — picks the
container with the most Chinese text among the usual article containers
(``article``, ``main``, ``#content``, ``.TRS_Editor``, ``#zoom`` …) and renders it
as lines. A metadata block beside the article (索引号, 发布机构, 发布日期, 文号)
is kept, since the metadata extractor reads it, and the page's ``<h1>`` becomes
the first line when the container lacks it.

Rendering follows the browser: block elements (``p``, ``div``, ``li``, ``h1``–``h6``,
``br``, ``tr`` …) break lines, inline text joins without spaces, and a source line
break between two Chinese characters vanishes (CSS Text 3 removes such segment
breaks). A table row of short cells becomes one line, its cells separated by
two spaces; a layout row holding whole blocks renders as blocks.

Examples
--------
>>> page = '''<html><head><meta charset="utf-8"><title>关于推进网格化管理的通知_某市政府</title></head>
... <body><div class="nav">首页 | 政务公开</div><h1>关于推进网格化管理的通知</h1>
... <table class="meta"><tr><td>索引号:</td><td>0001/2023-01</td>
... <td>发布日期:</td><td>2023-01-05</td></tr></table>
... <div id="zoom"><p>各街道：</p><p>全面推行网格化
...   管理，<b>划分网格</b>120个。</p></div><div class="footer">版权所有</div></body></html>'''
>>> text, codec = html_to_text(page.encode("utf-8"), "a.html")
>>> print(text)
关于推进网格化管理的通知
索引号:  0001/2023-01  发布日期:  2023-01-05
各街道：
全面推行网格化管理，划分网格120个。
>>> codec
'utf-8'
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from kg.errors import LoadError
from loaders.decode import decode_bytes

__all__ = ["html_to_text", "declared_encoding"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")

#: Elements whose content is never article text.
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed",
              "select", "button", "input", "textarea", "svg", "canvas", "video", "audio")
#: Page-chrome elements, dropped unless they hold most of the page's text.
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form")
_CHROME_ATTR = re.compile(
    r"nav|menu|crumb|share|foot|copyright|bottom|sidebar|position|location|tool"  # also breadcrumb, toolbar …
    r"|qrcode|relate|friendlink|recommend",
    re.I,
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ARTICLE_ATTR = re.compile(r"content|article|trs_editor|zoom|detail|main|text|zhengwen", re.I)
_METADATA_KEYS = ("索引号", "发布机构", "发布日期", "发布时间", "文号", "名称", "标题", "生成日期",
                  "成文日期", "主题分类", "发文机关", "来源")
_FOOTER_WORDS = ("版权所有", "ICP备")

_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre "
    "section summary table tbody td tfoot th thead title ul".split()
)
_SOFT = "\x01"  # a source line break inside text, resolved once neighbours are known
_CELL = "\x02"  # the cell separator, made two spaces after white space is collapsed
_SOFT_RUN = re.compile(r"[ \x01]+")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’…—]")
_MAX_CELL_LINES = 2  # a cell with more lines makes its row a layout row
_MAX_METADATA_CHARS = 800  # a metadata block beside the article is short
_MAX_METADATA_LINE = 120  # a block naming a single key (发布时间 …) is one short line
_NEAR_LEVELS = 4  # how far up from the container to look for a metadata block


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in its first 4 KB (``<meta charset>``, XML declaration).

    Examples
    --------
    >>> declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    >>> declared_encoding(b"<p>none</p>") is None
    True
    """
    head = data[:4096]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def html_to_text(data: bytes, path: str | Path) -> tuple[str, str]:
    """Return ``(main text, codec)`` of an HTML page's bytes.

    Parameters
    ----------
    data
        The page's bytes.
    path
        The file's path, named in any :class:`~kg.errors.LoadError`.

    Raises
    ------
    LoadError
        When the bytes cannot be decoded (see :func:`loaders.decode.decode_bytes`)
        or lxml rejects them. A page of white space or comments gives ``""``.
    """
    source, codec = decode_bytes(data, path, declared=declared_encoding(data))
    source = _XML_DECL_TEXT.sub("", source, count=1)
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(source, parser=parser)
    except etree.ParserError:  # "Document is empty": white space or comments only
        return "", codec
    except ValueError as exc:
        raise LoadError(str(path), f"malformed HTML: {exc}") from exc
    body = root.find("body")
    if body is None:
        body = root
    _drop_chrome(body)
    heading = _heading(root, body)
    container = _main_container(body)
    before, after = _metadata_blocks(container, body)
    lines = [line for block in (*before, container, *after) for line in _render(block)]
    if heading and _compact(heading) not in _compact("".join(lines)):
        lines.insert(0, heading)
    return "\n".join(lines), codec


def _heading(root: lxml_html.HtmlElement, body: lxml_html.HtmlElement) -> str:
    """The first ``<h1>`` left after chrome went (a logo's is gone), else the ``<title>``'s first part."""
    h1 = body.find(".//h1")
    if h1 is not None and (text := " ".join(_render(h1))):
        return text
    title = root.find(".//title")
    if title is None:
        return ""
    parts = re.split(r"\s*(?:_|\||｜|--| - )\s*", title.text_content().strip())
    return _SPACES.sub(" ", parts[0]).strip()


def _drop_chrome(body: lxml_html.HtmlElement) -> None:
    for el in list(body.iter(*_INVISIBLE)):
        el.drop_tree()
    total = _cjk(body)
    doomed = [
        el
        for el in body.iterdescendants()
        if isinstance(el.tag, str)
        and (
            el.tag in _CHROME_TAGS
            or _HIDDEN.search(el.get("style", ""))
            or _CHROME_ATTR.search(_attrs(el))
        )
    ]
    for el in doomed:
        if el.getparent() is None or _keep(el, total):
            continue
        el.drop_tree()


def _keep(el: lxml_html.HtmlElement, total: int) -> bool:
    """Whether a chrome-looking element holds the article or its metadata after all."""
    if total and _cjk(el) * 2 >= total:
        return True
    text = _compact(el.text_content())
    return _is_metadata(text) and not any(word in text for word in _FOOTER_WORDS)


def _main_container(body: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    candidates = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and (el.tag in ("article", "main") or _ARTICLE_ATTR.search(_attrs(el)))
    ]
    if not candidates:
        return body
    best = max(candidates, key=_cjk)
    return best if _cjk(best) * 4 >= _cjk(body) else body


def _metadata_blocks(
    container: lxml_html.HtmlElement, body: lxml_html.HtmlElement
) -> tuple[list[lxml_html.HtmlElement], list[lxml_html.HtmlElement]]:
    """Short metadata blocks among the siblings of the container and of its near ancestors."""
    before: list[lxml_html.HtmlElement] = []
    after: list[lxml_html.HtmlElement] = []
    node = container
    for _ in range(_NEAR_LEVELS):
        if node is body or node.getparent() is None:
            break
        preceding = [s for s in node.itersiblings(preceding=True) if _is_metadata_block(s)]
        before = preceding[::-1] + before
        after += [s for s in node.itersiblings() if _is_metadata_block(s)]
        node = node.getparent()
    return before, after


def _is_metadata_block(el: lxml_html.HtmlElement) -> bool:
    """A metadata table, or a short line such as 发布时间：2024-03-02 来源：某县住建局."""
    if not isinstance(el.tag, str):
        return False
    text = _compact(el.text_content())
    if len(text) > _MAX_METADATA_CHARS:
        return False
    return _is_metadata(text) or (len(text) <= _MAX_METADATA_LINE and _is_metadata(text, least=1))


def _is_metadata(compact_text: str, *, least: int = 2) -> bool:
    return sum(key in compact_text for key in _METADATA_KEYS) >= least


def _render(el: lxml_html.HtmlElement) -> list[str]:
    """The element's text as non-empty, stripped lines."""
    out: list[str] = []
    _emit(el, out, pre=False)
    text = _SOFT_RUN.sub(_resolve_soft, "".join(out)).replace(_CELL, "  ")
    return [line.strip() for line in text.split("\n") if line.strip()]


def _emit(el: lxml_html.HtmlElement, out: list[str], *, pre: bool) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append("\n")
        return
    if tag == "tr":
        out.extend(("\n", _row(el), "\n"))
        return
    pre = pre or tag == "pre"
    block = tag in _BLOCK
    if block:
        out.append("\n")
    if el.text:
        out.append(_whitespace(el.text, pre=pre))
    for child in el:
        _emit(child, out, pre=pre)
        if child.tail:
            out.append(_whitespace(child.tail, pre=pre))
    if block:
        out.append("\n")


def _row(tr: lxml_html.HtmlElement) -> str:
    cells = [cell for cell in tr if cell.tag in ("td", "th")]
    rendered = [_render(cell) for cell in cells]
    layout = any(len(lines) > _MAX_CELL_LINES for lines in rendered) or any(
        cell.find(".//table") is not None for cell in cells
    )
    if layout:
        return "\n".join(line for lines in rendered for line in lines)
    return _CELL.join(" ".join(lines) for lines in rendered if lines)


def _whitespace(text: str, *, pre: bool) -> str:
    text = text.replace("\xa0", " ")
    if pre:
        return text
    return _SPACES.sub(lambda m: _SOFT if "\n" in m.group() or "\r" in m.group() else " ", text)


def _resolve_soft(match: re.Match[str]) -> str:
    run, text, start, end = match.group(), match.string, match.start(), match.end()
    wide_neighbours = (
        start > 0 and end < len(text) and _WIDE.match(text[start - 1]) and _WIDE.match(text[end])
    )
    return "" if _SOFT in run and wide_neighbours else " "


def _attrs(el: lxml_html.HtmlElement) -> str:
    return f"{el.get('id', '')} {el.get('class', '')}"


def _cjk(el: lxml_html.HtmlElement) -> int:
    return len(_CJK.findall(el.text_content()))


def _compact(text: str) -> str:
    return "".join(text.split())
