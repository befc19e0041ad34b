"""Tests of the ``loaders`` package on real files made by real libraries, and on the seeds."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from fpdf import FPDF

from kg.errors import LoadError
from loaders import SUPPORTED_SUFFIXES, iter_document_paths, load_document
from loaders.boilerplate import strip_boilerplate

ARTICLE = "\n".join([
    "关于推进社区网格化管理的答复",
    "各街道办事处：",
    "我局全面推行网格化管理，划分网格１２０个。",
    "（一）健全组织体系。",
    "某市民政局",
    "2023年1月5日",
])


# --- plain text and encodings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "utf-16"),
        (ARTICLE.encode("utf-16-le"), "utf-16-le"),
        (ARTICLE.encode("utf-32"), "utf-32"),
        (ARTICLE.encode("gbk"), "gb18030"),
        (ARTICLE.replace("\n", "\r\n").encode("gbk"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "utf32-bom", "gbk", "gbk-crlf"],
)
def test_loaders_txt_encodings_decode_to_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "答复.txt"
    path.write_bytes(data)
    document = load_document(path)
    assert document.text == ARTICLE
    assert document.encoding == encoding
    assert (document.format, document.source, document.path) == ("txt", "答复.txt", str(path))


def test_loaders_txt_keeps_full_width_and_strips_trailing_spaces(tmp_path: Path) -> None:
    path = tmp_path / "a.text"
    path.write_text("增长２７．２６％（一）   \n第二行\u3000\n", encoding="utf-8")
    assert load_document(path).text == "增长２７．２６％（一）\n第二行"


# --- HTML -----------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>关于推进社区网格化管理的答复_某市民政局</title>
<script>var nav = "不应出现的脚本";</script><style>.x {{ color: red }}</style></head>
<body>
<div class="top-nav"><a href="/">首页</a> | <a>政务公开</a> | <a>无障碍</a> | <a>长者版</a></div>
<div class="breadcrumb">当前位置：<a>首页</a> &gt; <a>政府信息公开</a> &gt; <a>建议提案办理</a></div>
<div class="main">
  <table class="xxgk-table">
    <tr><td>索引号：</td><td>11000000/2023-00012</td><td>发布日期：</td><td>2023-01-06</td></tr>
    <tr><td>发布机构：</td><td>某市民政局</td><td>文号：</td><td>某民函〔2023〕3号</td></tr>
  </table>
  <h1>关于推进社区网格化管理的答复</h1>
  <div class="share-box">分享到：<a>微信</a><a>微博</a> 【字体：大 中 小】 【打印】 【关闭】</div>
  <div id="zoom" class="TRS_Editor">
    <p>张三等5名代表：</p>
    <p>你们提出的关于推进社区网格化管理的建议收悉。该建议由市民政局承办，
       现答复如下：</p>
    <p>　　一、我局全面推行<b>网格化管理</b>，全市划分网格<span>120</span>个，
       配备专职网格员<span>120</span>名。</p>
    <ul><li>建立问题发现机制</li><li>建立跟踪督办机制</li></ul>
    <p>某市民政局<br>2023年1月5日</p>
  </div>
</div>
<div class="sidebar"><h3>相关链接</h3><p>市人民政府网站群导航</p></div>
<div class="footer">
  <p>主办：某市人民政府办公室 | 承办：某市大数据中心</p>
  <p>版权所有：某市人民政府 京ICP备12345678号 网站标识码1100000001</p>
  <p>联系电话：010-12345678 邮箱：web@example.gov.cn</p>
</div>
</body></html>
"""


def test_loaders_html_keeps_article_and_metadata_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    document = load_document(path)
    lines = document.text.split("\n")
    assert lines == [
        "索引号：  11000000/2023-00012  发布日期：  2023-01-06",
        "发布机构：  某市民政局  文号：  某民函〔2023〕3号",
        "关于推进社区网格化管理的答复",
        "张三等5名代表：",
        "你们提出的关于推进社区网格化管理的建议收悉。该建议由市民政局承办，现答复如下：",
        "一、我局全面推行网格化管理，全市划分网格120个，配备专职网格员120名。",
        "建立问题发现机制",
        "建立跟踪督办机制",
        "某市民政局",
        "2023年1月5日",
    ]
    for word in ("ICP备", "版权所有", "主办", "联系电话", "邮箱", "网站标识码", "当前位置", "分享到",
                 "打印", "字体", "无障碍", "相关链接", "脚本", "color"):
        assert word not in document.text, word
    assert (document.format, document.encoding) == ("html", "utf-8")


def test_loaders_html_declared_gbk_decodes(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(PAGE.format(charset="gbk").encode("gbk"))
    document = load_document(path)
    assert document.encoding == "gb18030"
    assert document.text == load_document(_write(tmp_path / "u.html", PAGE.format(charset="utf-8"))).text


@pytest.mark.parametrize(
    ("declared", "actual", "encoding"),
    [("gbk", "utf-8", "utf-8"), ("utf-8", "gbk", "gb18030"), ("iso-8859-1", "gbk", "gb18030")],
)
def test_loaders_html_mislabelled_charset_still_decodes(
    tmp_path: Path, declared: str, actual: str, encoding: str
) -> None:
    # Strictly valid UTF-8 wins over a declaration, and a failing or Latin-1 declaration is set aside.
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(charset=declared).encode(actual))
    document = load_document(path)
    assert document.encoding == encoding
    assert "我局全面推行网格化管理，全市划分网格120个" in document.text


def test_loaders_html_adds_missing_h1_and_honours_xml_declaration(tmp_path: Path) -> None:
    page = ('<?xml version="1.0" encoding="gb2312"?>\n<html><body><h1>社区协商议事规则</h1>'
            '<div class="content"><p>第一条　为规范社区协商，制定本规则。</p></div></body></html>')
    path = tmp_path / "x.html"
    path.write_bytes(page.encode("gb2312"))
    document = load_document(path)
    assert document.text == "社区协商议事规则\n第一条　为规范社区协商，制定本规则。"
    assert document.encoding == "gb18030"


# --- PDF and DOCX ----------------------------------------------------------------------

PARAGRAPH = (
    "我市坚持党建引领基层治理，全面推行网格化管理，将全市划分为一百二十个网格，"
    "每个网格配备专职网格员一名，建立问题发现、分流交办、跟踪督办的闭环工作机制"
)


def _cjk_pdf(path: Path) -> Path:
    """A two-page Chinese PDF whose paragraphs wrap, made with reportlab.

    No CJK TrueType font is installed on these machines (``fc-list :lang=zh`` lists
    none), and fpdf2 can only embed TrueType fonts. reportlab's built-in CID font
    STSong-Light needs no font file: it writes Adobe-GB1 glyph ids with the
    UniGB-UCS2-H CMap, which pdfminer maps back to Unicode with its bundled CMaps.
    """
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    # The official layout: 16-point type on a 28-point line, first lines indented two characters.
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=16, leading=28,
                          firstLineIndent=32, wordWrap="CJK")
    flush = ParagraphStyle("flush", parent=body, firstLineIndent=0)
    title = ParagraphStyle("title", parent=flush, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=flush, alignment=TA_RIGHT)

    def page_number(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {document.page} -")

    story = [
        Paragraph("关于推进网格化管理的答复", title),
        Paragraph("索引号：0001/2023-01", flush),
        Paragraph("一、基本情况", body),
        Paragraph(PARAGRAPH + "。", body),
        Paragraph("（一）健全组织体系", body),
        Paragraph("，".join([PARAGRAPH] * 12) + "。", body),  # runs onto page two
        Paragraph("某市民政局", right),
        Paragraph("2023年1月5日", right),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=page_number, onLaterPages=page_number)
    return path


def test_loaders_pdf_joins_wrapped_lines_and_keeps_breaks(tmp_path: Path) -> None:
    document = load_document(_cjk_pdf(tmp_path / "答复.pdf"))
    assert document.text.split("\n") == [
        "关于推进网格化管理的答复",
        "索引号：0001/2023-01",
        "一、基本情况",
        PARAGRAPH + "。",
        "（一）健全组织体系",
        "，".join([PARAGRAPH] * 12) + "。",
        "某市民政局",
        "2023年1月5日",
    ]
    assert (document.format, document.encoding) == ("pdf", "")


def test_loaders_pdf_letter_spaced_line_reads_without_spaces(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "spaced.pdf"
    canvas = Canvas(str(path))
    line = canvas.beginText(72, 760)
    line.setFont("STSong-Light", 16)
    line.setCharSpace(2)  # 2 points between 16-point characters, as a justified line has
    line.textLine("发布机构 某市民政局")
    canvas.drawText(line)
    canvas.save()
    assert load_document(path).text == "发布机构 某市民政局"


def test_loaders_docx_paragraphs_and_table_in_body_order(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("关于推进网格化管理的答复")
    table = word.add_table(rows=2, cols=4)
    values = [
        ("索引号：", "0001/2023-01", "发布日期：", "2023-01-06"),
        ("发布机构：", "某市民政局", "文号：", ""),
    ]
    for row, cells in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    merged = table.add_row().cells
    merged[0].merge(merged[3]).text = "名称：关于推进网格化管理的答复"  # one cell spanning four columns
    word.add_paragraph("我局全面推行网格化管理，划分网格120个。")
    word.add_paragraph("")
    word.add_paragraph("2023年1月5日")
    path = tmp_path / "答复.docx"
    word.save(str(path))
    document = load_document(path)
    assert document.text == (
        "关于推进网格化管理的答复\n索引号：  0001/2023-01  发布日期：  2023-01-06\n"
        "发布机构：  某市民政局  文号：\n名称：关于推进网格化管理的答复\n"
        "我局全面推行网格化管理，划分网格120个。\n2023年1月5日"
    )
    assert (document.format, document.encoding) == ("docx", "")


# --- bad input ---------------------------------------------------------------------------


def _fpdf_bytes(*, encrypted: bool = False, text: bool = False) -> bytes:
    pdf = FPDF()
    if encrypted:
        pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.add_page()
    if text:
        pdf.set_font("helvetica")
        pdf.cell(text="secret")
    else:
        pdf.rect(20, 20, 100, 50, style="F")  # a page with only a picture, as a scan has
    return bytes(pdf.output())


def _docx_bytes(replace: dict[str, bytes | None]) -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = replace.get(item.filename, source.read(item.filename))
            if data is not None:
                target.writestr(item.filename, data)
    return out.getvalue()


SUPPORTED = ".txt .text .html .htm .pdf .docx"
BAD_INPUTS = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \r\n\n\t\n", "no text in the txt file once page chrome is removed"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
     "binary file (NUL bytes), not a text document"),
    ("garbled.txt", bytes(range(0x80, 0x100)) * 4,
     "cannot decode as UTF-8, UTF-16 or GB18030; save it as UTF-8"),
    ("表.xls", b"\xd0\xcf\x11\xe0", f"unsupported file type '.xls'; supported: {SUPPORTED}"),
    ("README", b"text", f"unsupported file type (no suffix); supported: {SUPPORTED}"),
    ("big.txt", "网格".encode() * 256 * 1024, "larger than 1 MB (1.5 MB); split it or raise --max-size"),
    ("not.pdf", "只是文字".encode(), "malformed PDF: no %PDF- header; is it really a PDF?"),
    ("broken.pdf", b"%PDF-1.7\nthis is not really a pdf\n",
     "malformed PDF: PDFSyntaxError: No /Root object! - Is this really a PDF?"),
    ("locked.pdf", _fpdf_bytes(encrypted=True, text=True),
     "malformed PDF: encrypted with a password; decrypt it first (qpdf --decrypt)"),
    ("scan.pdf", _fpdf_bytes(), "no text layer (scanned PDF?); OCR it first"),
    ("text.docx", "这其实是文本".encode(),
     "not a DOCX (zip) file: an old .doc or a renamed file; save it as .docx from Word or LibreOffice"),
    ("nomain.docx", _docx_bytes({"word/document.xml": None}),
     "malformed DOCX: the archive has no word/document.xml"),
    ("badxml.docx", _docx_bytes({"word/document.xml": b"<w:document>broken"}),
     "malformed DOCX: XMLSyntaxError: Namespace prefix w on document is not defined, line 1, column 12"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_loaders_bad_input_raises_load_error(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        load_document(path, max_bytes=1024 * 1024)
    assert caught.value.reason == reason
    assert str(caught.value) == f"{path}: {reason}"


def test_loaders_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"missing\.txt: no such file; check the path$"):
        load_document(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(LoadError, match="not a regular file"):
        load_document(tmp_path / "folder.txt")


def test_loaders_size_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 1024 * 1024 + 200 * 1024))
    with pytest.raises(LoadError) as caught:
        load_document(path, max_bytes=2 * 1024 * 1024)
    assert caught.value.reason == "larger than 2 MB (3.2 MB); split it or raise --max-size"


# --- doc_id and paths ----------------------------------------------------------------------


def test_loaders_doc_id_stable_and_content_addressed(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.txt", "社区推行网格化管理。")
    same = _write(tmp_path / "b.txt", "社区推行网格化管理。")
    other = _write(tmp_path / "c.txt", "社区推行红色物业。")
    assert load_document(first).doc_id == load_document(first).doc_id == load_document(same).doc_id
    assert load_document(other).doc_id != load_document(first).doc_id
    assert re.fullmatch(r"[0-9a-f]{16}", load_document(first).doc_id)


def test_loaders_iter_document_paths_recurses_sorted(tmp_path: Path) -> None:
    for name in ("b/2.HTML", "b/c/1.pdf", "a.txt", "b/.hidden.txt", ".git/x.txt", "b/~$锁.docx",
                 "b/表.xls", "z.docx", "b/c/3.text", "b/4.htm"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    named = tmp_path / "b" / "表.xls"
    missing = tmp_path / "gone.txt"
    found = iter_document_paths([tmp_path / "b", tmp_path, str(named), missing])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt", "b/2.HTML", "b/4.htm", "b/c/1.pdf", "b/c/3.text", "b/表.xls", "gone.txt", "z.docx",
    ]
    assert SUPPORTED_SUFFIXES == (".txt", ".text", ".html", ".htm", ".pdf", ".docx")


# --- boilerplate -------------------------------------------------------------------------------


def test_boilerplate_keeps_body_sentences_signature_and_metadata() -> None:
    text = "\n".join([
        "索引号：0001/2023-01",
        "该提案由市民政局承办，市委组织部协办。",
        "本次活动由市委组织部主办、市民政局承办",
        "群众可拨打服务热线电话：0951-1234567，也可到社区服务站当面反映，我们将在三个工作日内答复，并在社区公示栏公开办理结果。",
        "主办：某市人民政府办公室 | 承办：某市大数据中心",
        "联系人：李四，联系电话：0951-7654321",
        "邮箱：office@example.gov.cn",
        "某市民政局",
        "2023年1月5日",
    ])
    assert strip_boilerplate(text).split("\n") == [
        "索引号：0001/2023-01",
        "该提案由市民政局承办，市委组织部协办。",
        "本次活动由市委组织部主办、市民政局承办",
        "群众可拨打服务热线电话：0951-1234567，也可到社区服务站当面反映，我们将在三个工作日内答复，并在社区公示栏公开办理结果。",
        "某市民政局",
        "2023年1月5日",
    ]


def test_boilerplate_footer_marker_before_prose_is_not_a_footer() -> None:
    body = ["第一段内容。"] * 6 + ["技术支持：某公司"] + ["本段是正文的一部分，" * 15 + "。"]
    assert "本段是正文的一部分" in strip_boilerplate("\n".join(body))


def test_boilerplate_workflow_arrows_are_not_breadcrumbs() -> None:
    assert strip_boilerplate("群众点单→社区派单→党员接单") == "群众点单→社区派单→党员接单"
    assert strip_boilerplate("首页 > 政务公开 > 通知公告\n正文。") == "正文。"


# --- the demo corpus ------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHROME_WORDS = ("ICP备", "公网安备", "版权所有", "网站标识码", "主办：", "联系电话", "邮箱", "分享到",
                "打印本页", "关闭窗口", "当前位置", "相关链接", "长者版", "扫一扫", "字体")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("01_beijing_chuishao.txt", "utf-8"),
        ("02_zhuji_fengqiao.html", "utf-8"),
        ("03_tongxiang_sanzhi.txt", "gb18030"),
        ("04_shanghai_yiwang.txt", "utf-8-sig"),
        ("05_chengdu_shequ.html", "gb18030"),
        ("06_dengzhou_siyi.txt", "utf-8"),
    ],
)
def test_loaders_examples_load_without_chrome(name: str, encoding: str) -> None:
    document = load_document(EXAMPLES / name)
    lines = document.text.split("\n")
    assert document.encoding == encoding
    assert any(line.startswith("索引号") for line in lines)
    assert any("发布日期" in line for line in lines)
    assert lines[-1].startswith("资料来源：")  # every example ends with its sources
    assert [word for word in CHROME_WORDS if word in document.text] == []


# --- seeds ---------------------------------------------------------------------------------------


def test_seed_003_footer_removed_body_kept(seeds_dir: Path) -> None:
    path = next(seeds_dir.glob("003_*.txt"))
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    footer = next(i for i, line in enumerate(raw_lines) if line.startswith("原文链接"))
    last_paragraph = next(line.strip() for line in reversed(raw_lines[:footer]) if line.strip())
    text = load_document(path).text
    for word in ("原文链接", "ICP备", "版权所有", "联系电话", "邮箱", "主办"):
        assert word not in text, word
    assert text.endswith(last_paragraph)
    assert len(last_paragraph) > 50


def test_seed_000_chrome_removed_metadata_and_signature_kept(seeds_dir: Path) -> None:
    path = next(seeds_dir.glob("000_*.txt"))
    raw_lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
    lines = load_document(path).text.split("\n")
    chrome = next(line for line in raw_lines if line.startswith("无障碍"))  # 无障碍 | 长者版
    assert chrome not in lines and not any("长者版" in line for line in lines)
    assert "扫一扫在手机打开当前页" not in "".join(lines)
    index_line = next(line for line in raw_lines if line.startswith("索 引 号"))
    dates = [line for line in raw_lines if re.fullmatch(r"20\d\d年?\d{1,2}月?\d{1,2}日?", line)]
    signature_date = dates[-1]
    assert index_line in lines
    assert signature_date in lines


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_gold_evidence_survives_loading(seeds_dir: Path, number: str) -> None:
    path = next(seeds_dir.glob(f"{number}_*.txt"))
    gold_file = seeds_dir.parents[1] / "gold" / "seeds" / f"{path.stem}.yaml"
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    raw = path.read_text(encoding="utf-8")
    document = load_document(path)
    assert (document.format, document.encoding) == ("txt", "utf-8")
    evidence = [row["evidence"] for section in ("adoptions", "metrics") for row in gold.get(section) or []
                if row.get("evidence") and row["evidence"] in raw]
    assert evidence
    assert [e for e in evidence if e not in document.text] == []
    for key in ("index_no", "doc_no"):
        value = gold["meta"].get(key)
        if value and value in raw:
            assert value in document.text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
