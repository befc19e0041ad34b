"""Write a composed benchmark document to bytes: a text file or a government web page.

Text files (``.txt``) carry the page header as lines (three layouts), the title, the
letter and the signature, sometimes with page chrome above and a site footer below.
Web pages (``.html``, two layouts) wrap the article in a ``<meta charset>`` head, a
navigation bar, a breadcrumb, a header table (索引号, 发布机构 …), share and print
widgets and a site footer: what :func:`loaders.load_document` has to strip.

Encodings: UTF-8, UTF-8 with a BOM (text files) and GBK (declared as ``gbk``, ``GBK`` or
``gb2312`` when the text fits GB2312, in a ``<meta charset>`` or an old
``http-equiv`` tag). A GBK document whose text holds a character GBK lacks is written in
UTF-8 instead.

Examples
--------
>>> from corpus_compose import compose_document
>>> c = compose_document(0, seed=0)
>>> render_document(c) == render_document(c)
True
>>> render_document(c, encoding="utf-8").decode("utf-8").count(c.title) >= 1
True
"""

from __future__ import annotations

import html
import random

from corpus_compose import Composed

__all__ = ["render_document"]


def _render_txt(c: Composed) -> str:
    colon = ":" if c.half else "："
    lines: list[str] = []
    for chrome in c.top:
        lines += [chrome, ""]
    fields = [(k, v) for k, v in c.header]
    if c.header_style == 0:
        lines += [c.title, ""] + [f"{k}{colon}{v}" for k, v in fields]
    elif c.header_style == 1:
        spaced = {"索引号": "索 引 号", "文号": "文  号"}
        cells = [f"{spaced.get(k, k)}{colon}{v}" for k, v in fields]
        lines += ["    ".join(cells[j : j + 2]) for j in range(0, len(cells), 2)] + ["", c.title]
    else:
        lines += [f"- {k}{colon} {v}".rstrip() for k, v in fields] + [c.title]
    lines.append("")
    if c.salutation:
        lines += [c.salutation + colon, ""]
    gap = [""] if c.header_style != 2 else []
    for _, text in c.blocks:
        lines += [text, *gap]
    lines += ["", *c.signature, *c.tail, ""]
    lines += c.footer
    return "\n".join(lines).rstrip("\n") + "\n"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _meta_tag(charset: str, legacy: bool) -> str:
    if legacy:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f'<meta charset="{charset}">'


def _render_html(c: Composed, charset: str, legacy: bool) -> str:
    colon = ":" if c.half else "："
    nav = "".join(f'<li><a href="/{k}/">{_esc(n)}</a></li>' for k, n in enumerate(c.nav))
    rows = []
    cells = [(k, v) for k, v in c.header]
    for j in range(0, len(cells), 2):
        pair = "".join(f"<td class=\"lbl\">{_esc(k)}{colon}</td><td>{_esc(v)}</td>" for k, v in cells[j : j + 2])
        rows.append(f"<tr>{pair}</tr>")
    body = []
    if c.salutation:
        body.append(f"<p>{_esc(c.salutation)}{colon}</p>")
    for kind, text in c.blocks:
        if kind == "h1":
            body.append(f"<p class=\"sub-title\"><strong>{_esc(text)}</strong></p>")
        elif kind == "h2":
            body.append(f"<p><b>{_esc(text)}</b></p>")
        else:
            body.append(f"<p>{_esc(text)}</p>")
    body += [f'<p style="text-align:right">{_esc(s)}</p>' for s in c.signature]
    body += [f"<p>{_esc(s)}</p>" for s in c.tail]
    article = "\n".join("      " + b for b in body)
    footer = "\n".join(f"    <p>{_esc(s)}</p>" for s in c.footer)
    head = (
        f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n{_meta_tag(charset, legacy)}\n"
        f"<title>{_esc(c.title)}_{_esc(c.crumb)}_{_esc(c.site)}</title>\n"
        f"<meta name=\"ArticleTitle\" content=\"{html.escape(c.title)}\">\n"
        f"<meta name=\"PubDate\" content=\"{c.published} 09:30\">\n"
        "<link rel=\"stylesheet\" href=\"/static/css/main.css\">\n"
        "<script>var _hmt = _hmt || []; (function(){ var s = document.createElement('script'); "
        "s.src = '/static/js/count.js'; document.head.appendChild(s); })();</script>\n</head>\n"
    )
    if c.skin == 0:
        page = (
            f"<body>\n<div class=\"topbar\"><span>欢迎访问{_esc(c.site)}门户网站</span>"
            "<span class=\"tools\"><a href=\"#\">无障碍</a> | <a href=\"#\">长者版</a></span></div>\n"
            f"<div class=\"nav\"><ul>{nav}</ul></div>\n<div class=\"container\">\n"
            "  <div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; "
            f"<a href=\"/zwgk/list/\">{_esc(c.crumb)}</a></div>\n"
            f"  <table class=\"xxgk-table\">{''.join(rows)}</table>\n  <div class=\"article\">\n"
            f"    <h1>{_esc(c.title)}</h1>\n"
            f"    <div class=\"info\">发布时间：{c.published}　浏览次数：<span id=\"hits\"></span>"
            "　【字体：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a>】</div>\n"
            f"    <div id=\"zoom\" class=\"TRS_Editor\">\n{article}\n    </div>\n"
            "    <div class=\"share\">分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a></div>\n"
            "    <div class=\"print-tools\"><a href=\"javascript:window.print()\">【打印本页】</a>"
            "<a href=\"javascript:window.close()\">【关闭窗口】</a></div>\n  </div>\n</div>\n"
            f"<div class=\"footer\">\n{footer}\n</div>\n</body>\n</html>\n"
        )
    else:
        page = (
            f"<body>\n<header class=\"site-head\"><img src=\"/static/img/logo.png\" alt=\"{_esc(c.site)}\">"
            "<form action=\"/search/\"><input name=\"q\"><button>搜索</button></form></header>\n"
            f"<nav class=\"menu\"><ul>{nav}</ul></nav>\n<main class=\"wrap\">\n"
            f"  <div class=\"breadcrumb\">您所在的位置：首页 &gt; 政务公开 &gt; {_esc(c.crumb)}</div>\n"
            f"  <div class=\"meta-box\"><table>{''.join(rows)}</table></div>\n"
            f"  <article>\n    <h1 class=\"title\">{_esc(c.title)}</h1>\n"
            f"    <div class=\"article-content\">\n{article}\n    </div>\n  </article>\n"
            "  <aside class=\"related\"><h4>相关文章</h4><ul><li><a href=\"/zwgk/list/\">更多办理结果</a></li></ul></aside>\n"
            f"</main>\n<footer class=\"site-foot\">\n{footer}\n"
            "    <p>扫一扫在手机打开当前页</p>\n</footer>\n</body>\n</html>\n"
        )
    return head + page


def render_document(c: Composed, *, encoding: str | None = None) -> bytes:
    """The bytes of ``c`` as written to disk, in its own encoding or in ``encoding``.

    A GBK document whose text holds a character GBK lacks (a rare character in a
    place name) is written in UTF-8 instead, and its planted ``encoding`` says so.
    """
    enc = encoding or c.encoding
    rng = random.Random(c.stem)  # the charset spelling: part of the document, not of the call
    legacy = rng.random() < 0.3
    for attempt in (enc, "utf-8"):
        codec = "utf-8" if attempt == "utf-8-sig" else attempt
        if c.fmt == "html":
            label = rng.choice(("gbk", "GBK", "gb2312")) if codec == "gbk" else rng.choice(("utf-8", "UTF-8"))
            text = _render_html(c, label, legacy)
            if label == "gb2312":
                try:
                    text.encode("gb2312")
                except UnicodeEncodeError:
                    text = _render_html(c, "gbk", legacy)
        else:
            text = _render_txt(c)
            if c.crlf:
                text = text.replace("\n", "\r\n")
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        if encoding is None:
            c.planted["encoding"] = attempt
        return (b"\xef\xbb\xbf" + data) if attempt == "utf-8-sig" else data
    raise AssertionError("unreachable: UTF-8 encodes every string")


