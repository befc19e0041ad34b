"""Tests of kg.io.write_atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kg.io import write_atomic


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")
def test_io_write_atomic_gives_the_mode_of_a_plain_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "graph.ttl", "x")
        (tmp_path / "plain.ttl").write_text("x")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "graph.ttl").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.ttl").stat().st_mode) == 0o644


def test_io_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "一")
    write_atomic(tmp_path / "a.txt", b"\xe4\xba\x8c")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "二"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
