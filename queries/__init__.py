"""Named questions in SPARQL (``*.rq``) and Cypher (``*.cypher``), shipped as package files.

The questions themselves arrive with the query issue; this package is where they live.
"""
