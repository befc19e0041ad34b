"""Remove the chrome that government pages wrap around an article, in any format.

Pages on Chinese government sites put the article between a navigation band
(无障碍 | 长者版, 当前位置 breadcrumbs, share and print widgets) and a footer
(原文链接, 版权所有, ICP备案, 主办单位, contact lines). Plain-text and PDF copies of
those pages keep the same lines, so :func:`strip_boilerplate` works on lines of
text and runs after every loader. Three passes:

1. **Footer zone** — from the first strong footer marker in the last 40% of the
   text to the end, unless the zone holds a paragraph of prose.
2. **Chrome** — whole navigation lines are dropped; widget fragments
   (访问次数, 字号, 打印本页 …) are cut out of short lines, and a line left with
   no words goes too.
3. **Contact lines** — short lines (at most 60 characters) that start with a
   contact field (联系电话, 邮箱, 传真, 地址 …) or pair 主办 with 承办/主管.

Metadata lines (索引号, 发布机构, 发布日期, 文号, 名称, 来源 …) are never dropped by
passes 2 and 3, and body sentences that mention 承办 or hold a phone number are
kept: only short lines dominated by such fields go.

Examples
--------
>>> page = "无障碍 | 长者版\\n当前位置:首页>政务公开>通知\\n发布日期:2023-01-05  访问次数:12\\n"
>>> page += "我局推行网格化管理。\\n2023年1月5日\\n联系电话:0951-1234567\\nICP备05000001号"
>>> print(strip_boilerplate(page))
发布日期:2023-01-05
我局推行网格化管理。
2023年1月5日
"""

from __future__ import annotations

import re

__all__ = ["strip_boilerplate", "is_metadata_line"]

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(rf"[{_CJK}A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

#: Keys of the metadata block the metadata extractor reads; such lines always stay.
_METADATA = re.compile(
    r"^\s*[-*•·]?\s*(?:"
    + "|".join(
        r"\s*".join(key)
        for key in (
            "索引号", "发布机构", "发文机关", "发布日期", "发布时间", "生成日期", "成文日期", "发文日期",
            "文号", "发文字号", "名称", "标题", "来源", "作者", "时间", "主题分类",
            "责任部门", "组配分类", "公开方式", "时效性", "有效性",
        )
    )
    + r")\s*[:：|｜]"
)

_FOOTER_MARKER = re.compile(
    r"^\s*原文链接|版权所有|copyright|©|ICP\s*备|ICP\s*证|网站标识码|^\s*本站部分信息"
    r"|主办(?:单位)?\s*[:：|｜]|^\s*主办单位|技术支持\s*[:：]|扫一扫在手机(?:上)?打开",
    re.IGNORECASE,
)
_FOOTER_SHARE = 0.4  # the footer zone starts within this last share of the characters
_MARKER_MAX = 100  # a footer marker line is short (URLs not counted)
_PROSE_MIN = 120  # a zone holding a sentence this long is article, not footer

_NAV_LINE = re.compile(
    r"^\s*(?:当前位置|当前所在|您的位置|您现在的位置|您当前的位置|您所在的位置|所在位置"
    r"|位置\s*[:：]\s*首页|首页\s*[>＞»›])"
    r"|^\s*欢迎(?:访问|来到|光临|您)(?=.{0,40}$)"
    r"|^\s*(?:相关(?:链接|文章|阅读|新闻|文件)|友情链接|我要写信)\s*[:：]?\s*$"
    r"|^\s*[【\[]?(?:上一篇|下一篇)[】\]]?\s*[:：]"
)
_CRUMB_SEP = re.compile(r"\s*[>＞»›]\s*")  # not →: 点单→派单→接单 is a workflow, not a path
_CHROME = re.compile(
    "|".join(
        (
            r"无障碍(?:浏览|阅读|服务)?",
            r"长者(?:版|模式)",
            r"扫一扫在手机(?:上)?打开(?:当前页|本页)?",
            r"网站地图",
            r"公开内容快速切换",
            r"分享到\s*[:：]?(?:\s*(?:微信|微博|朋友圈|QQ空间|QQ|新浪微博|腾讯微博))*",
            r"[【\[]\s*打印\s*[】\]]|打印(?:本页|此页)",
            r"[【\[]\s*关闭\s*[】\]]|关闭(?:窗口|本页)",
            r"[【\[]?\s*字体\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?"
            r"\s*[【\[]?\s*小\s*[】\]]?\s*[】\]]?",
            r"字号\s*[:：]\s*(?:[【\[][^】\]]{0,12}[】\]]|大\s*中\s*小|[大中小])?",
            r"(?:访问|浏览|阅读|点击)(?:次数|量)\s*[:：]\s*\d*",
            r"收藏本页|加入收藏|设为首页|返回顶部",
        )
    ),
    re.IGNORECASE,
)
_EMPTY_BRACKETS = re.compile(r"【\s*】|\[\s*\]|（\s*）|\(\s*\)")  # left when a widget's label is cut
_CHROME_MAX = 100  # fragments are cut only from lines this short
_SEPARATORS = " \t\u3000|｜/·•-—"

_LABEL = (
    rf"(?:[{_CJK}]{{0,10}}(?:电话|热线|手机|传真|邮箱|信箱|邮编|邮政编码|地址|联系人|QQ|微信)"
    r"|E-?mail|Tel|Fax|QQ)"
)
_PHONE = r"[+＋]?\d[\d\-—–－()（）\s转/、,，]{4,}"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CONTACT_LINE = re.compile(
    rf"^[(（\[【]?\s*{_LABEL}\s*(?:[:：]|{_PHONE}|{_EMAIL})|^\s*{_EMAIL}\s*$", re.IGNORECASE
)
#: 主办：… (a label) or …主办 | …主管 (a pair); not 由市委主办、市民政局承办, which is a sentence.
_SPONSOR_LINE = re.compile(r"主办(?:单位)?\s*[:：]|主办\s*[|｜/]\s*.{0,40}(?:承办|主管|协办)")
_CONTACT_MAX = 60


def is_metadata_line(line: str) -> bool:
    """Whether ``line`` starts with a metadata key such as 索引号 or 发布日期.

    Examples
    --------
    >>> is_metadata_line("索 引 号:11640100/2022-00079"), is_metadata_line("我局推行网格化管理")
    (True, False)
    """
    return _METADATA.match(line) is not None


def strip_boilerplate(text: str) -> str:
    """Return ``text`` without navigation, widget, footer and contact lines.

    Runs of blank lines shrink to one, and the result has no leading or
    trailing blank lines. The surviving lines keep their characters, so the
    result is the text every offset points into.

    Parameters
    ----------
    text
        Text with ``\\n`` line breaks, as the loaders make it.

    Returns
    -------
    str
        The article text with its metadata lines.
    """
    lines = text.split("\n")
    lines = lines[: _footer_start(lines)]
    kept: list[str] = []
    for line in lines:
        cleaned = _clean_line(line)
        if cleaned is None:
            continue
        if not cleaned.strip() and (not kept or not kept[-1].strip()):
            continue
        kept.append(cleaned)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _footer_start(lines: list[str]) -> int:
    """Index of the first line of the footer zone, or ``len(lines)`` when there is none.

    The zone must start in the last 40% of the text, measured in characters:
    an article is a few long paragraphs and a footer many short lines, so a
    count of lines would put a long footer's start too early.
    """
    total = sum(len(line) + 1 for line in lines)
    offset = 0
    for i, line in enumerate(lines):
        start, offset = offset, offset + len(line) + 1
        if start < total * (1 - _FOOTER_SHARE) or not _FOOTER_MARKER.search(line):
            continue
        if len(_URL.sub("", line).strip()) > _MARKER_MAX:
            continue
        if not any(_is_prose(rest) for rest in lines[i + 1 :]):
            return i
    return len(lines)


def _is_prose(line: str) -> bool:
    line = _URL.sub("", line).strip()
    return len(line) >= _PROSE_MIN and "。" in line


def _clean_line(line: str) -> str | None:
    """The line with widget fragments cut out, or ``None`` when it is chrome as a whole."""
    stripped = line.strip()
    if not stripped:
        return ""
    metadata = is_metadata_line(stripped)
    if not metadata and (_NAV_LINE.search(stripped) or _is_breadcrumb(stripped)):
        return None
    if len(stripped) <= _CHROME_MAX:
        cut = _CHROME.sub("", line)
        if cut != line:
            cut = _EMPTY_BRACKETS.sub("", cut)
            if not _WORD.search(cut):
                return None
            line = cut.rstrip(_SEPARATORS)
    if _is_contact(stripped) and not metadata:
        return None
    return line.rstrip()


def _is_contact(line: str) -> bool:
    """A short line led by a contact field, or pairing 主办 with 承办/主管: not a sentence."""
    if len(line) > _CONTACT_MAX or "。" in line:
        return False
    return bool(_CONTACT_LINE.search(line) or _SPONSOR_LINE.search(line))


def _is_breadcrumb(line: str) -> bool:
    """A path of at least three short steps joined by ``>``, as in 首页 > 政务公开 > 通知."""
    if "。" in line or "，" in line:
        return False
    steps = [step for step in _CRUMB_SEP.split(line) if step]
    return len(steps) >= 3 and len(_CRUMB_SEP.findall(line)) >= 2 and all(
        len(step) <= 30 for step in steps
    )
