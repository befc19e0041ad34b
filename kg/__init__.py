"""govkg: Chinese grassroots-governance documents in, an evidence-backed knowledge graph out."""

__all__ = ["__version__"]

__version__ = "0.1.0"
