"""Typed records that pass between the stages ``load → extract → resolve → build``.

Every record is a frozen dataclass with keyword-only fields, so an unknown or
misspelt field is an error when the record is made. A :class:`Span` checks on
creation that its offsets slice the document text to its surface, as spaCy's
spans do; a misaligned span is never silently shifted.

Examples
--------
>>> text = "银川市推行“红色物业”。"
>>> Span.of(text, "d1", 6, 10).text
'红色物业'
>>> Span.of(text, "d1", 0, 2, expect="银川市")
Traceback (most recent call last):
...
kg.errors.SpanError: d1[0:2] is '银川', not '银川市'
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from kg.errors import SpanError

__all__ = [
    "Span",
    "Document",
    "Proposal",
    "DocumentMeta",
    "Place",
    "fuller",
    "Adoption",
    "Agency",
    "Policy",
    "Program",
    "Metric",
    "Candidate",
    "Extraction",
    "Failure",
    "Status",
    "STATUS_RANK",
]

Status = Literal["implemented", "piloting", "planned", "proposed"]
#: Strength of an adoption status: the strongest wins when a form recurs.
STATUS_RANK: dict[str, int] = {"proposed": 0, "planned": 1, "piloting": 2, "implemented": 3}

_R = TypeVar("_R")


def _pickles_fast(cls: type[_R]) -> type[_R]:
    """Give a frozen, slotted dataclass a ``__getstate__``/``__setstate__`` that know its fields.

    The ones :mod:`dataclasses` adds look the fields up again for every object, which
    took half the time of reading a build's cache of extractions back.

    >>> import pickle
    >>> span = Span(doc_id="d1", start=0, end=2, text="银川")
    >>> pickle.loads(pickle.dumps(span)) == span
    True
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in names])

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = _state_setter(cls, names)  # type: ignore[attr-defined]
    return cls


def _state_setter(cls: type, names: tuple[str, ...]) -> Any:
    """A ``__setstate__`` that sets each slot through its descriptor, one statement per field.

    A loop calling ``object.__setattr__`` by name took 1.5 s for the 1.1M records of 10,000
    cached extractions; this takes about half (the way :mod:`dataclasses` makes ``__init__``).

    >>> span = Span(doc_id="d1", start=0, end=2, text="银川")
    >>> blank = object.__new__(Span)
    >>> blank.__setstate__(("d1", 0, 2, "银川")); blank == span
    True
    >>> object.__new__(Span).__setstate__(("d1", 0, 2))
    Traceback (most recent call last):
    ValueError: Span pickled with 3 fields, not 4: an entry of another version
    """
    setters = {f"_set{i}": getattr(cls, name).__set__ for i, name in enumerate(names)}
    body = "".join(f"    _set{i}(self, state[{i}])\n" for i in range(len(names)))
    source = (f"def __setstate__(self, state):\n"
              f"    if len(state) != {len(names)}:\n"
              f"        raise ValueError(f'{cls.__name__} pickled with {{len(state)}} fields, not {len(names)}: "
              f"an entry of another version')\n{body}")
    scope: dict[str, Any] = {}
    exec(source, setters, scope)  # noqa: S102 (the source is made of field counts, nothing read)
    return scope["__setstate__"]


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A ``[start, end)`` slice of one document's stored clean text."""

    doc_id: str
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, doc_id: str, start: int, end: int, *, expect: str | None = None) -> Span:
        """Make a span of ``text[start:end]``, checking it against ``expect`` when given."""
        if not 0 <= start <= end <= len(text):
            raise SpanError(f"{doc_id}[{start}:{end}] is outside a text of {len(text)} characters")
        surface = text[start:end]
        if expect is not None and surface != expect:
            raise SpanError(f"{doc_id}[{start}:{end}] is {surface!r}, not {expect!r}")
        return cls(doc_id=doc_id, start=start, end=end, text=surface)


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A loaded document: its clean text and where it came from."""

    doc_id: str  #: stable id: the first 16 hex digits of the SHA-256 of the file's bytes
    source: str  #: the file name, as the scorer and users see it
    path: str  #: the path it was read from
    format: str  #: txt | html | pdf | docx
    encoding: str  #: the encoding the bytes were decoded from ("" for pdf/docx)
    text: str  #: clean text: boilerplate removed; every offset points into it


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal:
    """The 提案 / 议案 / 建议 a reply answers."""

    body: str | None = None  #: 政协 | 人大
    level: str | None = None  #: the body's place, e.g. 银川市
    term: int | None = None  #: 届
    session: int | None = None  #: 次会议
    number: int | None = None
    kind: str | None = None  #: 提案 | 议案 | 建议
    title: str | None = None
    proposers: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()  #: lead handler first, then co-handlers
    evidence: Span | None = None


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentMeta:
    """What a document says about itself."""

    title: str | None = None
    issuer: str | None = None
    place: str | None = None  #: the issuer's jurisdiction, e.g. 银川市
    published: str | None = None  #: ISO date on the page
    signed: str | None = None  #: ISO date under the signature
    signed_raw: str | None = None  #: the signature date as printed
    signed_uncertain: bool = False  #: the printed date was malformed and read as best we could
    index_no: str | None = None  #: 索引号
    doc_no: str | None = None  #: 文号
    kind: str | None = None  #: 答复 | 复函 | 协办意见 | 综述 | …
    responds_to: Proposal | None = None
    spans: tuple[tuple[str, Span], ...] = ()  #: (field, where the text states it)


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """A resolved administrative division, or a sub-county place within one."""

    name: str  #: full name, e.g. 红河哈尼族彝族自治州, 长征路街道
    code: str | None  #: 6-digit division code (county level and above); None below county level
    level: str  #: province | city | county | town | village | country
    parent: Place | None = None

    @property
    def key(self) -> str:
        """A stable identifier: the code, else the chain of names from the nearest coded ancestor."""
        if self.code:
            return self.code
        return f"{self.parent.key if self.parent else 'cn'}/{self.name}"

    def lineage(self) -> list[Place]:
        """This place and its ancestors, nearest first."""
        chain: list[Place] = []
        node: Place | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


def fuller(a: Place | None, b: Place) -> Place:
    """Of two readings of one place, the one with the longer lineage (ties: the larger
    chain of names, codes and levels): documents that name a town with and without its
    county agree on the one with. The choice is a total order, so whichever order
    documents come in, and whichever of them go, the same reading wins.

    Examples
    --------
    >>> city = Place(name="银川市", code="640100", level="city")
    >>> county = Place(name="兴庆区", code="640104", level="county")
    >>> fuller(county, Place(name="兴庆区", code="640104", level="county", parent=city)).parent.name
    '银川市'
    >>> fuller(None, county) is county
    True
    """
    if a is None:
        return b
    if a is b or a == b:
        return a
    return a if _reading(a) >= _reading(b) else b


def _reading(place: Place) -> tuple[int, tuple[tuple[str, str, str], ...]]:
    chain = place.lineage()
    return len(chain), tuple((p.name, p.code or "", p.level) for p in chain)


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Adoption:
    """A place × mechanism fact."""

    doc_id: str
    place: Place
    concept: str  #: concept IRI local name in the thesaurus (or a candidate id)
    mechanism: str  #: canonical label
    surface: str  #: the words found in the text, quotes stripped
    status: Status
    year: int | None
    candidate: bool  #: the mechanism is not (yet) in the thesaurus
    mention: Span
    evidence: Span  #: the sentence that states it


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Agency:
    doc_id: str
    name: str  #: full name with its place, e.g. 银川市民政局
    key: str  #: one key per organisation however it is written
    kind: str  #: government | party | congress | cppcc | court | mass | social | university | other
    place: Place | None
    mention: Span
    evidence: Span


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    doc_id: str
    title: str
    place: Place | None  #: whose policy it is
    year: int | None
    mention: Span
    evidence: Span


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Program:
    doc_id: str
    name: str
    place: Place | None
    mention: Span
    evidence: Span


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    doc_id: str
    place: Place
    indicator: str
    value: float
    unit: str
    date: str | None  #: as-of date: ISO date, year-month or year
    qualifier: str | None  #: 余 | 近 | 以上 | 左右 | 超 … as printed
    mention: Span  #: the number and its unit
    evidence: Span


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A mechanism name the thesaurus lacks, found in the text."""

    doc_id: str
    label: str
    cue: str  #: quoted | formula | suffix | pilot
    definition: str | None
    mention: Span
    evidence: Span


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    meta: DocumentMeta
    place: Place | None  #: the issuer's jurisdiction, resolved
    adoptions: tuple[Adoption, ...] = ()
    agencies: tuple[Agency, ...] = ()
    policies: tuple[Policy, ...] = ()
    programs: tuple[Program, ...] = ()
    metrics: tuple[Metric, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    places: tuple[Place, ...] = ()  #: every place mentioned, resolved
    place_mentions: tuple[tuple[str, Span], ...] = field(default=())  #: (place key, mention)


@_pickles_fast
@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A file that could not be built, and why."""

    path: str
    reason: str
