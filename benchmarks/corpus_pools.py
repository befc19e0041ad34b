"""Pools the benchmark corpus is drawn from: real places, thesaurus mechanisms, phrase templates.

Built once per process by :func:`load_pools` (about 0.3 s): every prefecture-level city
of the project's gazetteer with its own counties and districts, every county whose name
is unique in China (so a document can name only the county), the streets, towns and
townships of each county (parsed on first use), every writable label of every concept of
the SKOS thesaurus (local forms included), and the phrase pools of ``templates.toml``.

Examples
--------
>>> pools = load_pools()
>>> yinchuan = next(a for a in pools.city_areas if a.name == "银川市")
>>> yinchuan.short, yinchuan.self_word, [c.name for c in yinchuan.counties][:3]
('银川', '市', ['兴庆区', '西夏区', '金凤区'])
>>> "大新镇" in pools.towns(yinchuan.counties[0])
True
>>> [m.surface for m in pools.mechanisms["saishang-fengqiao"]], pools.mechanisms["saishang-fengqiao"][0].canonical
(['塞上枫桥'], 'fengqiao-experience')
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from kg.gazetteer import Gazetteer, load_gazetteer
from kg.records import Place
from kg.thesaurus import Thesaurus, load_thesaurus

__all__ = ["Area", "Mechanism", "Pools", "load_pools", "TEMPLATES", "REGIONS", "ROOT"]

#: The phrase pools, written for this project.
TEMPLATES = Path(__file__).with_name("templates.toml")

_SELF_WORDS = {"市": "市", "州": "州", "盟": "盟", "区": "区", "县": "县", "旗": "旗"}
_BAD_COUNTY = re.compile(r"开发|高新|经济|工业|管委|管理区|试验区|示范区|产业|新城|群岛|行政委员会|园$|园区$|食品区")
_BAD_TOWN = re.compile(r"农场|林场|牧场|原种场|管委会|开发区|工业|园区|办事处|监狱|良种场|渔场|示范区")
_TOWN_END = re.compile(r"(?:街道|镇|乡)$")
_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?族)+自治(州|县|旗)$")
_PROVINCE_TAIL = re.compile(r"(?:壮族|回族|维吾尔)?自治区$|省$|市$")
#: concepts whose names need verbs no template has (people, open-ended brands)
_SKIP_CONCEPTS = frozenset({"legally-literate-residents", "village-first-secretary", "party-building-plus"})
#: local forms tied to where they are used; elsewhere they would read oddly
REGIONS = {
    "saishang-fengqiao": ("宁夏回族自治区",),
    "haishang-fengqiao": ("浙江省", "福建省", "山东省", "广东省", "海南省"),
    "houchen-experience": ("浙江省",),
}
_BODY_END = re.compile(r"(?:会|委员会|站|中心|堂|超市|党委|工委|党支部|党组织|联盟|小组|大会|法庭|派出所|榜|户)$")


@dataclass(frozen=True, slots=True)
class Area:
    """A jurisdiction: a prefecture-level city with its counties, or one county."""

    place: Place
    short: str  #: how documents shorten it (银川, 红河州); the full name when none is safe
    self_word: str  #: 市 州 盟 区 县 旗: 全市, 我州 …
    province: Place
    province_short: str
    counties: tuple[Place, ...]  #: a city's counties and districts; () for a county
    city: Place | None = None  #: the city of a county-level area

    @property
    def name(self) -> str:
        return self.place.name


@dataclass(frozen=True, slots=True)
class Mechanism:
    """One way of writing a thesaurus concept in a document."""

    concept: str  #: the id of the concept the label belongs to (a local form's own id)
    canonical: str  #: its canonical concept id
    surface: str  #: the label as written
    kind: str  #: system | practice | body | experience: which verbs read naturally
    local_form: bool


@dataclass(slots=True)
class Pools:
    """Everything documents are drawn from, built once per process."""

    gazetteer: Gazetteer
    thesaurus: Thesaurus
    city_areas: list[Area]
    county_areas: list[Area]
    mechanisms: dict[str, list[Mechanism]]  #: concept id → its writable labels
    concept_ids: list[str]
    templates: dict[str, Any]
    adopt: dict[str, list[dict[str, Any]]]  #: status → templates
    issuers: list[dict[str, Any]]
    issuer_weights: list[int]
    _towns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def towns(self, county: Place) -> tuple[str, ...]:
        """Streets, towns and townships of ``county`` whose names are unique in it."""
        key = county.code or county.name
        if key not in self._towns:
            names = [
                s.name
                for s in self.gazetteer.subdivisions(county)
                if s.level == "town" and _TOWN_END.search(s.name) and not _BAD_TOWN.search(s.name) and 3 <= len(s.name) <= 8
            ]
            self._towns[key] = tuple(sorted(n for n in set(names) if names.count(n) == 1))
        return self._towns[key]


def _short_city(gaz: Gazetteer, city: Place) -> str:
    name = city.name
    tail = _ETHNIC.search(name)
    if tail:
        stem = name[: tail.start()]
        short = stem + tail.group(1)  # 红河哈尼族彝族自治州 → 红河州
        return short if city in gaz.candidates(short) else name
    stem = name[:-1]
    if len(stem) >= 2 and name[-1] in "市盟" and gaz.resolve(stem) is city:
        return stem
    return name


def _short_county(name: str) -> str:
    tail = _ETHNIC.search(name)
    return name[: tail.start()] + tail.group(1) if tail else name


def _mechanism_kind(label: str) -> str:
    if label.endswith(("经验", "枫桥")):
        return "experience"
    if _BODY_END.search(label):
        return "body"
    if re.search(r"(?:制|制度|责任制|清单|工作法|准入|清单制|票决制|评定)$", label):
        return "system"
    return "practice"


def _writable(label: str) -> bool:
    return 3 <= len(label) <= 16 and "—" not in label and label.count("、") <= 1 and not label.endswith("+")


def _build_areas(gaz: Gazetteer) -> tuple[list[Area], list[Area]]:
    counties_of: dict[str, list[Place]] = {}
    for place in gaz.by_code.values():
        zone = place.code is not None and "70" <= place.code[4:6] < "80"  # functional zones, not divisions
        named = place.name[-1] in "县区市旗" and not _BAD_COUNTY.search(place.name)
        if place.level == "county" and place.parent is not None and not zone and named:
            counties_of.setdefault(place.parent.key, []).append(place)
    parents = [p for p in gaz.by_code.values() if p.key in counties_of]
    city_areas, county_areas = [], []
    for parent in sorted(parents, key=lambda p: p.key):
        if parent.level == "city" and not parent.name.endswith(("市", "州", "盟")):
            continue
        province = parent if parent.level == "province" else parent.parent
        if province is None:
            continue
        counties = tuple(
            c for c in sorted(counties_of[parent.key], key=lambda p: p.key) if gaz.resolve(c.name, context=[parent]) is c
        )
        if len(counties) < 2:
            continue
        prov_short = _PROVINCE_TAIL.sub("", province.name)
        short = _short_city(gaz, parent) if parent.level == "city" else prov_short
        self_word = "市" if parent.level == "province" else _SELF_WORDS.get(parent.name[-1], "市")
        city_areas.append(Area(parent, short, self_word, province, prov_short, counties))
        for county in counties:
            if gaz.resolve(county.name) is county:  # its documents name only the county: it must be unique
                county_areas.append(
                    Area(county, _short_county(county.name), county.name[-1], province, prov_short, (), city=parent)
                )
    return city_areas, county_areas


@lru_cache(maxsize=2)
def load_pools(templates: Path = TEMPLATES) -> Pools:
    """Places, mechanisms and phrase pools, built once per process (about a second)."""
    gaz, th = load_gazetteer(), load_thesaurus()
    data = tomllib.loads(templates.read_text(encoding="utf-8"))
    city_areas, county_areas = _build_areas(gaz)
    mechanisms: dict[str, list[Mechanism]] = {}
    for cid, concept in th.concepts.items():
        if cid in _SKIP_CONCEPTS:
            continue
        labels = [concept.labels[0]] + [a for a in concept.labels[1:] if _writable(a)]
        override = data.get("kind_override", {}).get(cid)
        ways = [
            Mechanism(cid, th.canonical(cid), label, override or _mechanism_kind(label), concept.local_form)
            for label in labels
            if _writable(label) or label == concept.labels[0]
        ]
        if ways:
            mechanisms[cid] = ways
    adopt: dict[str, list[dict[str, Any]]] = {}
    for t in data["adopt"]:
        adopt.setdefault(t["status"], []).append(t)
    issuers = data["issuer"]
    return Pools(
        gazetteer=gaz,
        thesaurus=th,
        city_areas=city_areas,
        county_areas=county_areas,
        mechanisms=mechanisms,
        concept_ids=sorted(mechanisms),
        templates=data,
        adopt=adopt,
        issuers=issuers,
        issuer_weights=[int(i.get("weight", 1)) for i in issuers],
    )
