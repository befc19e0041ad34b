"""The SKOS thesaurus of governance mechanisms, loaded for matching.

``ontology/mechanisms.ttl`` holds canonical concepts and their local forms (a
``gk:LocalForm`` whose ``skos:broader`` is the concept it is a form of). Here it
becomes a :class:`Thesaurus`: every label, normalised, mapped to its concept, and
each concept's canonical concept.

Examples
--------
>>> th = load_thesaurus()
>>> th.canonical_label(th.lookup("塞上枫桥"))
'枫桥经验'
>>> th.lookup("“基层治理四平台”") == th.lookup("四平台")
True
>>> norm_label("街道吹哨、部门报到")
'街道吹哨部门报到'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import KGError
from kg.text import fold

__all__ = ["Concept", "Thesaurus", "load_thesaurus", "norm_label", "GKM_NS", "LOCAL_FORM"]

GKM_NS = "https://w3id.org/govkg/mechanism/"
LOCAL_FORM = URIRef("https://w3id.org/govkg/ontology#LocalForm")
_DROP = re.compile(r"[\s“”\"‘’'「」『』《》、,，·•]")


@lru_cache(maxsize=65536)
def norm_label(label: str) -> str:
    """The form labels and text are compared in: folded, without spaces, quotes and 、,·."""
    return _DROP.sub("", fold(label)).lower()


@dataclass(frozen=True, slots=True)
class Concept:
    id: str  #: local name under the gkm: namespace
    label: str  #: @zh prefLabel
    labels: tuple[str, ...]  #: every @zh label, prefLabel first
    local_form: bool
    broader: str | None
    definition: str | None


@dataclass(slots=True, eq=False)
class Thesaurus:
    concepts: dict[str, Concept]
    by_label: dict[str, str] = field(default_factory=dict)  #: normalised label → concept id

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for label in concept.labels:
                self.by_label.setdefault(norm_label(label), concept.id)

    def lookup(self, label: str) -> str | None:
        """The concept id a label names, or None."""
        return self.by_label.get(norm_label(label))

    def canonical(self, concept_id: str) -> str:
        """Follow ``skos:broader`` while the concept is a local form."""
        seen = set()
        concept = self.concepts[concept_id]
        while concept.local_form and concept.broader in self.concepts and concept.id not in seen:
            seen.add(concept.id)
            concept = self.concepts[concept.broader]
        return concept.id

    def canonical_label(self, concept_id: str | None) -> str | None:
        if concept_id is None:
            return None
        return self.concepts[self.canonical(concept_id)].label

    def labels(self) -> list[str]:
        """Every label of every concept."""
        return [label for c in self.concepts.values() for label in c.labels]


def _zh(values: list[Literal]) -> list[str]:
    return [str(v) for v in values if isinstance(v, Literal) and (v.language or "zh").startswith("zh")]


def read_thesaurus(path: Path) -> Thesaurus:
    """Parse a SKOS Turtle file into a :class:`Thesaurus`."""
    if not path.exists():
        raise KGError(f"no thesaurus at {path}; reinstall govkg or pass an existing file")
    g = Graph()
    g.parse(path, format="turtle")
    concepts: dict[str, Concept] = {}
    for node in sorted(set(g.subjects(RDF.type, SKOS.Concept))):
        if not str(node).startswith(GKM_NS):
            continue
        pref = _zh(list(g.objects(node, SKOS.prefLabel)))
        if not pref:
            continue
        alts = sorted(_zh(list(g.objects(node, SKOS.altLabel)))) + sorted(_zh(list(g.objects(node, SKOS.hiddenLabel))))
        broader = next(iter(sorted(g.objects(node, SKOS.broader))), None)
        definition = next(iter(_zh(list(g.objects(node, SKOS.definition)))), None)
        cid = str(node)[len(GKM_NS):]
        concepts[cid] = Concept(
            id=cid,
            label=pref[0],
            labels=tuple([pref[0], *alts]),
            local_form=(node, RDF.type, LOCAL_FORM) in g,
            broader=str(broader)[len(GKM_NS):] if broader is not None and str(broader).startswith(GKM_NS) else None,
            definition=definition,
        )
    return Thesaurus(concepts=concepts)


def thesaurus_path() -> Path:
    """Where the packaged thesaurus lives."""
    import ontology

    return ontology.thesaurus_path()


@lru_cache(maxsize=4)
def load_thesaurus(path: Path | None = None) -> Thesaurus:
    """The thesaurus at ``path`` (default: the packaged one), loaded once per process."""
    return read_thesaurus(path or thesaurus_path())
