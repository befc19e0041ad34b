"""Compose one benchmark document: its kind, header, sections and page, and the facts planted in it.

:func:`compose_document` turns ``(i, seed)`` into a :class:`Composed` document, the
same one every time. It picks a jurisdiction (a city with its counties, or a county),
the writing body, the kind of document (答复 to a 政协提案 or 人大建议, 复函, 协办意见,
工作综述), the proposal answered, the dates and numbers of the page header, and lays
out the body the way replies are laid out: the proposal acknowledged, the background
with figures and cited policies, the work done (in numbered subsections, one of them
sometimes headed by a county), the problems, the answers to the proposal's
suggestions, and the plans. The sentences come from :class:`~corpus_sentences.SentenceWriter`.

Examples
--------
>>> c = compose_document(5, seed=1)
>>> c.file_name == c.planted["doc"], c.fmt in ("txt", "html")
(True, True)
>>> all(a["surface"] in "".join(t for _, t in c.blocks) for a in c.planted["adoptions"])
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from corpus_pools import Area, Pools, load_pools
from corpus_sentences import CN_DIGITS, SentenceWriter, place_fact

__all__ = ["Composed", "compose_document", "KINDS"]

#: Kinds of document and how often each is written.
KINDS = (("reply_zx", 30), ("reply_rd", 22), ("fuhan", 12), ("cohandle", 11), ("summary", 25))
_KIND_WORD = {"reply_zx": "答复", "reply_rd": "答复", "fuhan": "复函", "cohandle": "协办意见", "summary": "综述"}
_FILE_WORD = {"reply_zx": "dafu", "reply_rd": "dafu", "fuhan": "fuhan", "cohandle": "xieban", "summary": "zongshu"}
_TOPICS = ("民政、扶贫、救灾/其他", "公安、安全、司法/其他", "城乡建设、环境保护/其他", "综合政务/其他")
_YEAR_DIGITS = dict(zip("0123456789", "〇一二三四五六七八九"))
_FULL_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


@dataclass(slots=True)
class Composed:
    """One document before it is written: its parts, its format and the facts planted in it."""

    stem: str
    fmt: str  #: txt | html
    encoding: str  #: utf-8 | utf-8-sig | gbk
    crlf: bool
    half: bool  #: ASCII , : ; ( ) instead of full-width ones
    title: str
    header: list[tuple[str, str]]  #: (label, value) of the page header: 索引号, 发布机构 …
    header_style: int  #: how a text file lays the header out (0, 1, 2)
    top: list[str]  #: page chrome above the header (text files)
    salutation: str | None
    blocks: list[tuple[str, str]]  #: (h1 | h2 | p, text)
    signature: list[str]
    tail: list[str]  #: contact line after the signature
    footer: list[str]  #: site footer lines
    site: str
    crumb: str
    nav: list[str]
    skin: int  #: which page layout an HTML file uses (0, 1)
    published: str
    planted: dict[str, Any]

    @property
    def file_name(self) -> str:
        return f"{self.stem}.{self.fmt}"


def _cn_number(n: int) -> str:
    """1–99 in Chinese numerals.

    >>> _cn_number(14), _cn_number(21), _cn_number(10)
    ('十四', '二十一', '十')
    """
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens - 1] + "十")
    return head + ("" if ones == 0 else CN_DIGITS[ones - 1])


def _cn_date(d: date) -> str:
    """二〇二二年八月二十五日."""
    return "".join(_YEAR_DIGITS[c] for c in str(d.year)) + f"年{_cn_number(d.month)}月{_cn_number(d.day)}日"


@dataclass(slots=True)
class _Frame:
    """The choices everything else in a document depends on."""

    rng: random.Random
    pools: Pools
    area: Area
    kind: str
    issuer: dict[str, Any]
    issuer_name: str
    head: str  #: the place as the issuer's name writes it (红河州, 银川市兴庆区)
    published: date
    signed: date


def _frame(rng: random.Random, pools: Pools) -> _Frame:
    counties = pools.county_areas
    area = rng.choice(pools.city_areas) if rng.random() < 0.72 or not counties else rng.choice(counties)
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    issuer = rng.choices(pools.issuers, weights=pools.issuer_weights)[0]
    published = date(rng.randint(2017, 2024), rng.randint(1, 12), rng.randint(1, 28))
    signed = published - timedelta(days=rng.randint(0, 12))
    head = area.name  # 银川市民政局, 中共红河州委政法委员会, 银川市兴庆区民政局 …
    if area.city is not None and area.city.level == "city" and rng.random() < 0.5:
        head = area.city.name + area.name
    elif area.short.endswith("州") and rng.random() < 0.6:
        head = area.short
    name = ("中共" if issuer.get("party") else "") + head + issuer["dept"]
    return _Frame(rng, pools, area, kind, issuer, name, head, published, signed)


def _proposal(f: _Frame, w: SentenceWriter) -> dict[str, Any] | None:
    """The 提案 / 建议 / 议案 a reply answers, as planted (``co``: co-handlers, level word first)."""
    if f.kind == "summary":
        return None
    rng, pools = f.rng, f.pools.templates["pools"]
    body = "政协" if f.kind in ("reply_zx", "cohandle") or (f.kind == "fuhan" and rng.random() < 0.3) else "人大"
    kind = "提案" if body == "政协" else rng.choice(("建议", "建议", "议案"))
    if body == "政协" and rng.random() < 0.15:
        proposers = w.fill(rng.choice(pools["proposers_group"]))
    else:
        forms = pools["proposers_person"]
        form = rng.choice(forms[:2] if body == "政协" else forms[2:])
        proposers = form.format(name=rng.choice(pools["surnames"]) + rng.choice(("某某", "某")), n=rng.randint(2, 12))
    co = rng.sample([c for c in f.pools.templates["handlers"]["co"] if c not in f.issuer["dept"]], rng.randint(1, 3))
    return {
        "body": body,
        "level": f.area.name,
        "term": rng.randint(11, 15) if body == "政协" else rng.randint(13, 18),
        "session": rng.randint(1, 5),
        "number": rng.randint(1, 480),
        "kind": kind,
        "title": f"关于{rng.choice(pools['proposal_subject'])}的{kind}",
        "proposers": proposers,
        "handlers": [f.issuer_name] + [f.head + c for c in co],
        "co": co,
    }


def _title(f: _Frame, p: dict[str, Any] | None) -> str:
    rng, me, area = f.rng, f.area.self_word, f.area.name
    if p is None:
        return rng.choice((f"{f.issuer_name}{f.published.year}年基层治理工作综述", f"{area}扎实推进城乡社区治理工作综述"))
    num = f"{p['number']:04d}" if rng.random() < 0.25 else str(p["number"])
    term, sess, kind = _cn_number(p["term"]), _cn_number(p["session"]), p["kind"]
    zx = f"{me}政协{term}届{sess}次会议"
    rd = f"{me}{term}届人大{sess}次会议"
    if f.kind == "reply_zx":
        return rng.choice((
            f"关于对{zx}第{num}号提案的答复",
            f"{f.issuer_name}关于{zx}第{num}号提案的答复",
            f"对政协{area}第{term}届委员会第{sess}次会议第{num}号提案的答复",
        ))
    if f.kind == "reply_rd":
        return rng.choice((f"关于对{rd}第{num}号{kind}的答复", f"{f.issuer_name}对{rd}第{num}号代表{kind}的答复"))
    if f.kind == "fuhan":
        return f"{f.issuer_name}关于{zx if p['body'] == '政协' else rd}第{num}号{kind}的复函"
    return f"关于{zx}第{num}号提案协办意见的函"


def _header(f: _Frame) -> tuple[list[tuple[str, str]], str, str | None]:
    """The page header's fields, the 索引号 and the 文号 (None for most work summaries)."""
    rng, year, code = f.rng, f.published.year, f.area.place.code
    seq = rng.randint(1, 99999)
    index_no = rng.choice((
        f"{code}{rng.randint(100, 999)}/{year}-{seq:05d}",
        f"{rng.randint(10**8, 10**9 - 1)}/{year}-{seq:05d}",
        f"{code}-{rng.randint(100, 999)}/{year}-{seq}",
    ))
    doc_no = None
    if f.kind != "summary" or rng.random() < 0.3:
        doc_no = f"{f.area.short[0]}{f.issuer['abbr']}〔{year}〕{rng.randint(1, 160)}号"
    header = [("索引号", index_no), ("发布机构", f.issuer_name), ("发布日期", f.published.isoformat())]
    if rng.random() < 0.4:
        header.append(("主题分类", rng.choice(_TOPICS)))
    header.append(("文号", doc_no or ""))
    return header, index_no, doc_no


def _opening(f: _Frame, w: SentenceWriter, p: dict[str, Any] | None) -> tuple[str | None, list[str]]:
    """The salutation and the paragraphs before the first heading."""
    rng, me = f.rng, f.area.self_word
    if p is None:
        paras = [w.fill(w.pick("intro_summary"), Y=f.published.year)]
        salutation = None
    elif f.kind == "cohandle":
        salutation = f"{me}{rng.choice(p['co'])}" if rng.random() < 0.5 else f.area.name + "政协提案委员会"
        paras = [w.fill(w.pick("intro_cohandle"), proposers=p["proposers"], title=p["title"])]
    else:
        salutation = p["proposers"]
        paras = [
            w.fill(
                w.pick("intro_reply"), title=p["title"], lead=me + f.issuer["short"],
                co="、".join(me + c for c in p["co"]), level=me, body=p["body"],
                term=_cn_number(p["term"]), session=_cn_number(p["session"]),
            )
        ]
    if rng.random() < 0.7:
        paras.append(w.fill(w.pick("opening"), cn=CN_DIGITS[rng.randint(1, 5)]))
    return salutation, paras


def _sections(f: _Frame, w: SentenceWriter, answers: bool) -> list[tuple[str, list[str]]]:
    """The numbered sections: (heading, paragraphs); a paragraph's first line may be a subheading."""
    rng, T = f.rng, f.pools.templates["pools"]
    size = min(3.2, max(0.4, rng.lognormvariate(0.3, 0.55)))  # about 1–8 KB of text
    n_metric = max(1, min(10, round(3.5 * size)))
    n_policy = rng.choice((0, 1, 1, 2, 2, 3)) if size > 0.7 else rng.choice((0, 1))
    weights = {"implemented": 45, "piloting": 20, "planned": 20, "proposed": 15 if answers else 0}
    statuses = rng.choices(list(weights), weights=list(weights.values()), k=max(2, min(18, round(5 * size))))
    work = [s for s in statuses if s in ("implemented", "piloting")]
    reply = [s for s in statuses if s == "proposed"]
    plan = [s for s in statuses if s == "planned"]
    if answers:  # some suggestions already carried out or piloted are answered item by item
        moved = [s for s in work if rng.random() < 0.3]
        for s in moved:
            work.remove(s)
        reply += moved
        rng.shuffle(reply)

    sections: list[tuple[str, list[str]]] = []
    basic = [w.metric_sentence() for _ in range(max(1, n_metric // 2))]
    if work and rng.random() < 0.4:
        basic.append(w.adoption(work.pop(), "work") or "")
    if n_policy:
        basic.append(w.policy_sentence())
        n_policy -= 1
    sections.append((rng.choice(T["heading_basic"]).format(self=f.area.self_word), ["".join(basic)]))

    subs = rng.sample(T["sub_heading"], min(len(T["sub_heading"]), max(2, (len(work) + 1) // 2)))
    metrics_left = n_metric - max(1, n_metric // 2)
    inline = rng.random() < 0.4  # （一）强化组织领导。正文… rather than a heading on its own line
    county_at = rng.randrange(len(subs)) if f.area.counties and not inline and rng.random() < 0.45 else -1
    paras: list[str] = []
    for k, sub in enumerate(subs):
        parts = [w.pick_new("elaboration")] if rng.random() < 0.5 else []
        if k == county_at:  # （二）兴庆区的主要做法: the heading names the place, the text says 该区
            county = rng.choice(f.area.counties)
            sub = county.name + rng.choice(T["county_heading"])
            w.fixed_place = (f"该{county.name[-1]}", [place_fact(county)])
        for _ in range(2 if k < len(subs) - 1 else len(work)):
            if work:
                parts.append(w.adoption(work.pop(), "work") or "")
        if metrics_left > 0 and rng.random() < 0.6:
            parts.append(w.metric_sentence())
            metrics_left -= 1
        if n_policy and rng.random() < 0.5:
            parts.append(w.policy_sentence())
            n_policy -= 1
        for _ in range(rng.randint(0, round(2.5 * size)) or (0 if any(parts) else 1)):
            parts.append(w.pick_new("elaboration"))
        w.fixed_place = None
        paras.append(f"（{CN_DIGITS[k]}）{sub}" + ("。" if inline else "\n") + "".join(parts))
    if rng.random() < 0.3:
        paras.append(w.program_sentence())
    sections.append((rng.choice(T["heading_work"]), paras))

    if size > 1.2 and rng.random() < 0.7:
        problems = T["problem"][: rng.randint(2, len(T["problem"]))]
        sections.append((rng.choice(T["heading_problem"]), ["".join(problems)]))
    if reply:
        items = [w.adoption(status, "reply", ordinal=k) for k, status in enumerate(reply)]
        sections.append((w.fill(rng.choice(T["heading_reply"])), [s for s in items if s]))
    if plan:
        lines, k = [], 0
        for status in plan:
            sentence = w.adoption(status, "plan", ordinal=k)
            if sentence:
                k += sentence.startswith(CN_DIGITS[k % 10] + "是")
                lines.append(sentence)
        if rng.random() < 0.5:
            lines.append(w.pick_new("elaboration"))
        sections.append((rng.choice(T["heading_plan"]), ["".join(lines)]))
    return sections


def compose_document(i: int, *, seed: int = 0, pools: Pools | None = None) -> Composed:
    """Compose document ``i`` of the corpus for ``seed``: its parts and its planted facts.

    Parameters
    ----------
    i
        The document's number in the corpus; it depends on nothing but ``(seed, i)``.
    seed
        The corpus seed.
    pools
        The pools to draw from (default: :func:`~corpus_pools.load_pools`).
    """
    pools = pools or load_pools()
    rng = random.Random(f"govkg-bench:{seed}:{i}")
    f = _frame(rng, pools)
    w = SentenceWriter(rng, pools, f.area, f.issuer, f.published)
    w.vars["issuer"] = f.issuer_name
    proposal = _proposal(f, w)
    if proposal is not None:
        w.vars.update(
            pk=proposal["kind"],
            member="委员" if proposal["body"] == "政协" else "代表",
            you="你们" if re.search(r"等\d+|委员会$", proposal["proposers"]) else "您",
        )
    title = _title(f, proposal)
    header, index_no, doc_no = _header(f)
    salutation, opening = _opening(f, w, proposal)
    blocks = [("p", para) for para in opening]
    for k, (heading, paras) in enumerate(_sections(f, w, answers=f.kind in ("reply_zx", "reply_rd", "fuhan"))):
        blocks.append(("h1", f"{CN_DIGITS[k]}、{heading}"))
        for piece in (piece for para in paras for piece in para.split("\n") if piece):
            blocks.append(("h2" if len(piece) <= 12 and piece.startswith("（") else "p", piece))
    if f.kind == "cohandle":
        blocks.append(("p", "特此函复。"))
    elif proposal is not None:
        blocks.append(("p", w.fill(w.pick("closing"))))

    T = pools.templates
    signed = f.signed
    signature = [f.issuer_name, f"{signed.year}年{signed.month}月{signed.day}日" if rng.random() < 0.9 else _cn_date(signed)]
    tail = []
    if rng.random() < 0.5:
        contact = rng.choice(T["pools"]["contact"])
        tail.append(contact.format(name=rng.choice(T["pools"]["surnames"]) + "某", issuer=f.issuer_name))

    fmt = "html" if rng.random() < 0.4 else "txt"
    encoding = rng.choices(("utf-8", "gbk", "utf-8-sig"), weights=(55, 35, 10 if fmt == "txt" else 0))[0]
    half = rng.random() < 0.3
    chrome = T["chrome"]
    area = f.area
    site_vars = {
        "area": area.name, "short": area.short, "crumb": rng.choice(chrome["crumb"]),
        "prov_short": area.province_short, "prov_short_one": area.province_short[0],
        "site": f"{area.place.code}{rng.randint(1000, 9999)}", "icp": f"{rng.randint(10**7, 10**8 - 1)}",
    }
    top = [t.format(**site_vars) for t in chrome["txt_top"] if rng.random() < 0.45] if fmt == "txt" else []
    footer = [t.format(**site_vars) for t in chrome["txt_footer"] if rng.random() < (0.4 if fmt == "txt" else 1.0)]
    stem = f"{i:06d}_{area.place.code}_{_FILE_WORD[f.kind]}"
    planted = {
        "doc": f"{stem}.{fmt}",
        "format": fmt,
        "encoding": encoding,
        "kind": _KIND_WORD[f.kind],
        "title": title,
        "issuer": f.issuer_name,
        "jurisdiction": place_fact(area.place),
        "published": f.published.isoformat(),
        "signed": signed.isoformat(),
        "index_no": index_no,
        "doc_no": doc_no,
        "proposal": {k: v for k, v in proposal.items() if k != "co"} if proposal else None,
        "adoptions": w.adoptions,
        "policies": w.policies,
        "metrics": w.metrics,
        "programs": w.programs,
    }
    composed = Composed(
        stem=stem, fmt=fmt, encoding=encoding,
        crlf=fmt == "txt" and encoding == "gbk" and rng.random() < 0.5, half=half, title=title, header=header,
        header_style=rng.randint(0, 2), top=top, salutation=salutation, blocks=blocks, signature=signature,
        tail=tail, footer=footer, site=f"{area.name}人民政府", crumb=site_vars["crumb"],
        nav=[n.format(short=area.short) for n in chrome["nav"]], skin=rng.randint(0, 1),
        published=f.published.isoformat(), planted=planted,
    )
    if half:
        _halve(composed)
    return composed


def _halve(c: Composed) -> None:
    """Write , : ; ( ) in ASCII, as many pages do, in the text and in the planted strings alike."""
    t = _FULL_PUNCT
    c.title = c.title.translate(t)
    c.salutation = c.salutation.translate(t) if c.salutation else None
    c.blocks = [(k, s.translate(t)) for k, s in c.blocks]
    c.tail = [s.translate(t) for s in c.tail]
    p = c.planted
    p["title"] = p["title"].translate(t)
    for a in p["adoptions"]:
        a["surface"] = a["surface"].translate(t)
    for pol in p["policies"]:
        pol["title"] = pol["title"].translate(t)
    if p["proposal"]:
        p["proposal"]["title"] = p["proposal"]["title"].translate(t)
