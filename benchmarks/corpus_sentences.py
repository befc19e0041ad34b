"""Sentences of a benchmark document, each with the facts it plants.

A :class:`SentenceWriter` belongs to one document: it knows the document's jurisdiction,
writer and random stream, draws places, mechanisms, metrics and policy titles from the
:class:`~corpus_pools.Pools`, fills a phrase template with them, and records what the
sentence states (``adoptions``, ``metrics``, ``policies``, ``programs``) in the form
``planted.jsonl`` keeps.

Examples
--------
>>> import random
>>> from corpus_pools import load_pools
>>> pools = load_pools()
>>> area = next(a for a in pools.city_areas if a.name == "银川市")
>>> from datetime import date
>>> w = SentenceWriter(random.Random(1), pools, area, pools.issuers[0], date(2022, 8, 31))
>>> sentence = w.adoption("piloting", "work")
>>> fact = w.adoptions[0]
>>> fact["status"], fact["surface"] in sentence, "试" in sentence
('piloting', True, True)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from corpus_pools import REGIONS, Area, Mechanism, Pools

from kg.records import Place

__all__ = ["SentenceWriter", "place_fact", "CN_DIGITS"]

#: 一 … 十, for list items and headings.
CN_DIGITS = "一二三四五六七八九十"


def place_fact(place: Place) -> dict[str, Any]:
    """A division as ``planted.jsonl`` records it."""
    return {"name": place.name, "code": place.code, "level": place.level}


def _town_fact(town: str, county: Place) -> dict[str, Any]:
    return {"name": town, "code": None, "level": "town", "parent": county.name, "parent_code": county.code}


def _metric_value(rng: random.Random, spec: dict[str, Any]) -> tuple[str, float]:
    """The number as printed and the value it means (万 and 万元 multiplied out)."""
    lo, hi = spec["range"]
    if spec["kind"] == "percent":
        value = round(rng.uniform(lo, hi), 1)
        return f"{value:g}", value
    if spec["kind"] == "money":
        wan = round(rng.uniform(lo, hi), 1)
        return f"{wan:g}", round(wan * 10000, 2)
    count = rng.randint(lo, hi)
    if count >= 10000 and rng.random() < 0.5:
        wan = round(count / 10000, 1)
        return f"{wan:g}万", round(wan * 10000, 2)
    return str(count), float(count)


class SentenceWriter:
    """Writes one document's sentences and records the facts each plants.

    Parameters
    ----------
    rng
        The document's random stream; the same stream gives the same sentences.
    pools
        Places, mechanisms and phrases to draw from.
    area
        The document's jurisdiction.
    issuer
        The writing body's entry of ``templates.toml`` (its ``org``: 我局, 我委 …).
    published
        The publication date: start years and as-of dates lie before it, target years after it.
    """

    def __init__(self, rng: random.Random, pools: Pools, area: Area, issuer: dict[str, Any], published: date) -> None:
        self.rng, self.pools, self.area, self.issuer = rng, pools, area, issuer
        self.published, self.year = published, published.year
        self.vars = {
            "area": area.name,
            "self": area.self_word,
            "short": area.short,
            "prov": area.province.name,
            "prov_short": area.province_short,
            "org": issuer["org"],
        }
        self.adoptions: list[dict[str, Any]] = []
        self.metrics: list[dict[str, Any]] = []
        self.policies: list[dict[str, Any]] = []
        self.programs: list[dict[str, Any]] = []
        self.used_concepts: set[str] = set()
        self.used_metrics: set[str] = set()
        self._left: dict[str, list[str]] = {}
        #: inside a section headed by a county: 该区 … (the heading gives the place)
        self.fixed_place: tuple[str, list[dict[str, Any]]] | None = None

    def pick(self, key: str) -> str:
        """A phrase of the pool ``key`` of ``templates.toml``."""
        return self.rng.choice(self.pools.templates["pools"][key])

    def pick_new(self, key: str) -> str:
        """A phrase of pool ``key`` not yet used in this document, while there are any."""
        left = self._left.get(key)
        if not left:
            left = self._left[key] = list(self.pools.templates["pools"][key])
            self.rng.shuffle(left)
        return left.pop()

    def fill(self, text: str, **extra: Any) -> str:
        """``text`` with the document's placeholders ({area}, {org} …) and ``extra`` filled in."""
        return text.format_map({**self.vars, **extra})

    # ------------------------------------------------------------ places
    def place(self, *, allow_town: bool = True, allow_pair: bool = True, area_only: bool = False) -> tuple[str, list[dict[str, Any]]]:
        """A place expression for a sentence and the places it names, most specific first.

        全市 / 我市, the city's name or short form, a county, a county and one of its
        streets or towns, or two counties (兴庆区、金凤区); in a county's document, the
        county or one of its streets. ``area_only``: the jurisdiction itself (全市).
        """
        rng, area = self.rng, self.area
        if self.fixed_place is not None:
            return self.fixed_place
        me = place_fact(area.place)
        if area_only:
            return f"全{area.self_word}", [me]
        roll = rng.random()
        if area.counties:  # a city and its counties
            if roll < 0.28:
                return rng.choice((f"全{area.self_word}", f"我{area.self_word}")), [me]
            if roll < 0.36:
                return rng.choice((area.name, area.short)), [me]
            county = rng.choice(area.counties)
            towns = self.pools.towns(county) if allow_town else ()
            if roll < 0.52 and towns:
                town = rng.choice(towns)
                return county.name + town, [_town_fact(town, county)]
            if roll < 0.62 and allow_pair:
                other = rng.choice([c for c in area.counties if c is not county])
                return f"{county.name}、{other.name}", [place_fact(county), place_fact(other)]
            return county.name, [place_fact(county)]
        towns = self.pools.towns(area.place) if allow_town else ()
        if roll < 0.5 or not towns:
            return rng.choice((f"全{area.self_word}", f"我{area.self_word}", area.name)), [me]
        town = rng.choice(towns)
        written = town if rng.random() < 0.5 else area.name + town
        return written, [_town_fact(town, area.place)]

    # ------------------------------------------------------------ mechanisms
    def mechanism(self, kinds: Sequence[str]) -> Mechanism | None:
        """A mechanism of one of ``kinds`` not yet named in this document: its canonical label
        about two times in three, else another of its labels (an alternative or local form)."""
        pools, rng = self.pools, self.rng
        province = self.area.province.name
        for _ in range(40):
            cid = rng.choice(pools.concept_ids)
            if cid in self.used_concepts or (cid in REGIONS and province not in REGIONS[cid]):
                continue
            ways = pools.mechanisms[cid]
            way = ways[0] if len(ways) == 1 or rng.random() < 0.65 else rng.choice(ways[1:])
            if way.kind in kinds:
                self.used_concepts.add(cid)
                return way
        return None

    def written(self, m: Mechanism) -> str:
        """How the text writes ``m``: bare, in quotes (“红色物业”), or 新时代“枫桥经验”."""
        s = m.surface
        rest = s.removeprefix("新时代")
        if rest != s and self.pools.thesaurus.lookup(rest) == m.concept and self.rng.random() < 0.5:
            return f"新时代“{rest}”"  # 新时代“枫桥经验”
        if len(s) <= 8 and self.rng.random() < 0.35:
            return f"“{s}”"
        return s

    def adoption(self, status: str, where: str, ordinal: int = 0) -> str | None:
        """A sentence adopting a mechanism with ``status``, or None when no template fits.

        ``where`` is the part of the document: ``work`` (what was done), ``reply`` (the
        answers to the proposal's suggestions, numbered （一） by ``ordinal``) or ``plan``
        (under the plan heading, numbered 一是 by ``ordinal``).
        """
        rng = self.rng
        templates = [
            t
            for t in self.pools.adopt[status]
            if (where == "reply") == bool(t.get("reply")) and (where == "plan" or not t.get("section"))
        ]
        if not templates:
            return None
        t = rng.choices(templates, weights=[int(t.get("weight", 2)) for t in templates])[0]
        m = self.mechanism(t["kinds"])
        m2 = self.mechanism(t["kinds"]) if t.get("multi") else None
        if m is None or (t.get("multi") and m2 is None):
            return None
        words, places = self.place()
        year = None
        if t.get("year"):
            year = self.year + rng.randint(1, 2) if t.get("future") else self.year - rng.randint(1, 9)
        verbs = self.pools.templates["verbs"]
        text = self.fill(
            t["text"],
            P=words,
            M=m.surface if t.get("quoted") else self.written(m),
            M2=self.written(m2) if m2 else "",
            V=rng.choice(verbs["implemented"][m.kind]),
            v=rng.choice(verbs["base"][m.kind]),
            Y=year,
            E=self.pick("effect"),
            F=self.pick("pilot_effect"),
            G=self.pick("plan_goal"),
            D=self.pick("decline"),
            T=self.pick("topic"),
            cn=CN_DIGITS[ordinal % 10],
            ord=CN_DIGITS[ordinal % 10],
        )
        for way in (m, m2) if m2 else (m,):
            for place in places:
                self.adoptions.append(
                    {
                        "place": place,
                        "concept": way.concept,
                        "canonical": way.canonical,
                        "surface": way.surface,
                        "status": status,
                        "year": year,
                        "local_form": way.local_form,
                    }
                )
        return text

    # ------------------------------------------------------------ metrics, policies, programmes
    def metric_sentence(self) -> str:
        """One to three figures about one place, with an as-of date or not: 截至2022年6月底，全市共划分网格…"""
        rng = self.rng
        free = [m for m in self.pools.templates["metric"] if m["indicator"] not in self.used_metrics]
        specs = rng.sample(free, min(len(free), rng.randint(1, 3)))
        if not specs:
            return ""
        self.used_metrics.update(s["indicator"] for s in specs)
        area_only = any(s.get("level") == "area" for s in specs)
        words, places = self.place(allow_town=False, allow_pair=False, area_only=area_only)
        as_of = rng.choice(self.pools.templates["as_of"])
        y = self.year - rng.randint(0, 1) if self.published.month > 1 else self.year - 1
        month = rng.randint(1, 12 if y < self.year else self.published.month - 1)
        if "年底" in as_of["text"]:
            y = self.year - 1  # the end of a year that is over
        when = as_of["date"].format(Y=y, mm=f"{month:02d}") or None
        clauses = []
        for k, spec in enumerate(specs):
            shown, value = _metric_value(rng, spec)
            clauses.append(spec["text"].format(P=words if k == 0 else "", V=shown))
            self.metrics.append(
                {"place": places[0], "indicator": spec["indicator"], "value": value, "unit": spec["unit"], "date": when}
            )
        return as_of["text"].format(Y=y, m=month) + "，".join(clauses) + "。"

    def policy_sentence(self) -> str:
        """A sentence citing one or two titles in 《》: local ones issued (with the year), national ones followed."""
        rng, pools = self.rng, self.pools.templates["policies"]
        local = rng.random() < 0.75
        year = self.year - rng.randint(1, 4)
        template = self.pick("policy_sentence" if local else "national_sentence")
        titles = []
        for _ in range(rng.choice((1, 1, 2))):
            raw = rng.choice(pools["local"] if local else pools["national"])
            title = raw.format(area=self.area.name, Y=year, Y2=year + 4, Y3=year + 2)
            if title not in titles and all(p["title"] != title for p in self.policies):
                titles.append(title)
                stated = "{Y" in raw or "{Y}" in template  # the title's own year, else the sentence's
                self.policies.append({"title": title, "year": year if stated else None})
        if not titles:
            return ""
        joined = "《" + ("》《" if rng.random() < 0.6 else "》和《").join(titles) + "》"
        return self.fill(template, titles=joined, Y=year)

    def program_sentence(self) -> str:
        """A sentence naming a programme of the jurisdiction (“雪亮工程”, “邻里守望”志愿服务项目 …)."""
        name = self.fill(self.rng.choice(self.pools.templates["programs"]["names"]))
        words, places = self.place(allow_town=False, allow_pair=False, area_only=True)
        self.programs.append({"name": name.replace("“", "").replace("”", ""), "place": places[0]})
        return self.fill(self.pick("program_sentence"), P=words, name=name, E=self.pick("effect"))
