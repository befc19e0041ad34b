"""Fixtures shared by the test modules.

The seed documents and their gold annotations live in ``../shared`` beside the
repository; tests read them there at run time and never copy their text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: The shared folder beside the repository: corpus/seeds, gold/seeds, tools.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of seed documents, ``../shared/corpus/seeds``."""
    folder = SHARED / "corpus" / "seeds"
    if not folder.is_dir():
        pytest.fail(f"seed corpus not found at {folder}; the tests expect ../shared beside the repository")
    return folder
