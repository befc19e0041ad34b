"""Atomic file writes: a crash never leaves a half-written output.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(d / "a.txt", "银川")
>>> (d / "a.txt").read_text(encoding="utf-8")
'银川'
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["copy_range", "fsync_dir", "open_atomic", "replace_dir", "umask", "write_atomic"]


def umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The file gets the mode a plain ``open`` would give it (``0o666`` less the umask), not
    the ``0o600`` of the temporary file, so other users can read the outputs as usual.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # not on Windows, where the temporary file is not private
                os.fchmod(fh.fileno(), 0o666 & ~umask())
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)  # make the rename itself durable


@contextmanager
def open_atomic(path: Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, streamed: it appears, whole, only on success.

    As :func:`write_atomic`, but for outputs too big to hold in memory: the data goes to a
    temporary file in the same folder, which is renamed over ``path`` when the ``with``
    block ends without an exception, and removed when it raises. ``durable=False`` skips
    the fsyncs, for caches a crash may lose.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with open_atomic(d / "graph.nt") as fh:
    ...     _ = fh.write('<urn:a> <urn:b> "银川" .'.encode())
    >>> (d / "graph.nt").read_text(encoding="utf-8")
    '<urn:a> <urn:b> "银川" .'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), 0o666 & ~umask())
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable, where the platform can open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_dir(building: Path, target: Path) -> None:
    """Put the finished folder ``building`` in place of ``target``, whole or not at all.

    The old folder is moved aside first (a rename cannot replace a non-empty folder),
    then ``building`` is renamed to ``target`` and the old one removed, so a reader sees
    the old folder or the new one, never a mix. Both must be in the same folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "site").mkdir(); (d / "new").mkdir(); _ = (d / "new" / "a.txt").write_text("新")
    >>> replace_dir(d / "new", d / "site")
    >>> sorted(p.name for p in d.iterdir()), (d / "site" / "a.txt").read_text()
    (['site'], '新')
    """
    if target.exists() or target.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(building, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(building, target)
    fsync_dir(target.parent)


def copy_range(source: BinaryIO, target: BinaryIO, offset: int, count: int) -> None:
    """Append ``count`` bytes of ``source`` from ``offset`` to ``target`` (both binary files).

    In the kernel where it can (``os.copy_file_range``), else 16 MB at a time.

    Raises
    ------
    OSError
        ``source`` ends before ``offset + count``, or a read or write fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "old").write_bytes(b"0123456789")
    >>> with open(d / "old", "rb") as old, open(d / "new", "wb") as new:
    ...     _ = new.write(b"<")
    ...     copy_range(old, new, 2, 5)
    ...     _ = new.write(b">")
    >>> (d / "new").read_bytes()
    b'<23456>'
    """
    target.flush()
    left, at = count, offset
    fast = hasattr(os, "copy_file_range")
    while left:
        done = 0
        if fast:
            try:
                done = os.copy_file_range(source.fileno(), target.fileno(), left, at)
            except OSError:
                fast = False  # another file system, or a kernel without it: copy through memory
                continue
        else:
            source.seek(at)
            chunk = source.read(min(left, 16 << 20))
            target.write(chunk)
            target.flush()
            done = len(chunk)
        if done == 0:
            raise OSError(f"{getattr(source, 'name', source)} ends before byte {offset + count}")
        left -= done
        at += done
    target.seek(0, os.SEEK_END)  # the buffered writer's idea of where it is, after the kernel wrote
