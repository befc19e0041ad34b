"""``WordScanner`` finds what ``trie_regex`` finds, on random word sets and on real towns."""

from __future__ import annotations

import random
from pathlib import Path

from kg.gazetteer import load_gazetteer
from kg.text import fold
from kg.trie import WordScanner, trie_regex
from loaders import load_document


def _regex_hits(words: list[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in trie_regex(words).finditer(text)]


def test_random_word_sets_match_the_trie_regex() -> None:
    # A three-letter alphabet makes words overlap, nest and share prefixes in every way.
    rng = random.Random(7)
    differing = []
    for _ in range(3000):
        words = ["".join(rng.choice("abc") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(0, 8))]
        text = "".join(rng.choice("abcx") for _ in range(rng.randint(0, 30)))
        if list(WordScanner(words).finditer(text)) != _regex_hits(words, text):
            differing.append((words, text))
    assert differing == []


def test_a_word_cut_short_by_the_end_of_the_text() -> None:
    scanner = WordScanner(["大新镇", "大新"])
    assert list(scanner.finditer("在大新")) == [(1, 3, "大新")]
    assert list(scanner.finditer("在大")) == []


def test_characters_a_regex_class_treats_specially() -> None:
    words = ["]a", "^b", "-c", "\\d", "a-z"]
    text = "x]a^b-c\\da-z"
    assert list(WordScanner(words).finditer(text)) == _regex_hits(words, text)
    assert len(_regex_hits(words, text)) == 5


def test_real_towns_on_the_seed_documents(seeds_dir: Path) -> None:
    # The towns of every county in each city or county a seed names: the sets extraction scans for.
    gaz = load_gazetteer()
    found = 0
    for path in sorted(seeds_dir.iterdir()):
        text = fold(load_document(path).text)
        counties = {c for hit in gaz.find(text) if hit.place.level in ("city", "county") for c in gaz.within(hit.place)}
        towns = sorted({s.name for c in counties for s in gaz.subdivisions(c) if s.level == "town"})
        hits = list(WordScanner(towns).finditer(text))
        assert hits == _regex_hits(towns, text), path.name
        found += len(hits)
    assert found > 0  # five on these seeds
