"""The ontology, the SHACL shapes and the mechanism thesaurus, as packaged files.

Each helper returns the path of one Turtle file shipped in this package, found
through :mod:`importlib.resources` so it works from a checkout and from an
installed wheel alike.

Examples
--------
>>> ontology_path().name
'govkg.ttl'
>>> shapes_path().name
'shapes.ttl'
>>> thesaurus_path().name
'mechanisms.ttl'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["ontology_path", "shapes_path", "thesaurus_path"]


def _path(name: str) -> Path:
    return Path(str(files(__name__).joinpath(name)))


def ontology_path() -> Path:
    """The OWL ontology, ``govkg.ttl``."""
    return _path("govkg.ttl")


def shapes_path() -> Path:
    """The SHACL shapes the built graph must conform to, ``shapes.ttl``."""
    return _path("shapes.ttl")


def thesaurus_path() -> Path:
    """The SKOS thesaurus of governance mechanisms, ``mechanisms.ttl``."""
    return _path("mechanisms.ttl")
