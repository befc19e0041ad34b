"""Extractors: each takes a document's text and context and returns typed records."""
