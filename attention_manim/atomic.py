"""Files written whole or not at all, and the one lock a media folder has.

Every file the project leaves for a user or for a later run is written here first under a
temporary name beside it, ``.<stem>.partial-<pid>[-<random>]<suffix>`` (the suffix kept, so
ffmpeg, Pillow and fpdf2 still know the format), and renamed onto its name only when complete:
a reader sees the previous file or the new one, never half of one, and a crash or a full disk
leaves the previous file and no temporary one. A run killed before it could clean up leaves
such names; :func:`remove_partials` deletes them (under the lock, when nothing writes them).

- :func:`replacing`: a temporary path for a writer that wants a name (ffmpeg, Pillow, wave),
  renamed onto the target when the ``with`` block ends without an error;
- :func:`replacing_all`: several, renamed one right after the other, in the order given;
- :func:`write_text`, :func:`write_bytes`: the bytes written to a file created new
  (``O_EXCL | O_NOFOLLOW``: a planted link is never written through), ``mode`` 0o644 or 0o600;
- :func:`locked`: one process at a time in a folder (``flock`` on ``<folder>/.lock``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PARTIAL", "discard", "locked", "partial_path", "remove_partials", "replacing", "replacing_all",
           "write_bytes", "write_text"]

PARTIAL = ".partial-"  # in every temporary name this module makes


def partial_path(path: Path, unique: bool = False) -> Path:
    """The temporary name ``path`` is written under: ``.<stem>.partial-<pid><suffix>``, with a
    random part too when ``unique`` (for a file created with ``O_EXCL``)."""
    random = f"-{os.urandom(4).hex()}" if unique else ""
    return path.with_name(f".{path.stem}{PARTIAL}{os.getpid()}{random}{path.suffix}")


def discard(path: Path) -> None:
    """Remove a temporary file if it is there; a failure to (a read-only folder) must not hide
    the error that brought us here."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for the block to write; renamed onto ``path`` when the
    block ends without an error, removed in every case (a stale one of this pid first, so a
    hard link or copy never writes into an old file)."""
    with replacing_all([path]) as temporary:
        yield temporary[path]


@contextmanager
def replacing_all(paths: Iterable[Path]) -> Iterator[dict[Path, Path]]:
    """Like :func:`replacing` for several files: path -> its temporary path; when the block ends
    without an error each is renamed onto its path in the order given, one right after the other."""
    order = list(paths)
    temporary = {path: partial_path(path) for path in order}
    for tmp in temporary.values():
        discard(tmp)
    try:
        yield temporary
        for path in order:
            os.replace(temporary[path], path)
    finally:
        for tmp in temporary.values():
            discard(tmp)


def write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Put ``data`` at ``path`` whole: a new temporary file (``O_CREAT | O_EXCL | O_NOFOLLOW``,
    ``mode``; never through a link), renamed onto ``path``; on any error nothing is left and
    ``path`` is as it was."""
    tmp = partial_path(path, unique=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            fd = -1
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        discard(tmp)
        raise


def write_text(path: Path, text: str, mode: int = 0o644) -> None:
    """Put ``text`` (UTF-8) at ``path`` whole: :func:`write_bytes`."""
    write_bytes(path, text.encode("utf-8"), mode)


def remove_partials(folder: Path) -> None:
    """Delete the temporary files (and staged folders) a killed run left under ``folder``; call
    it holding the folder's lock, so that no run is writing them."""
    for path in folder.rglob(f".*{PARTIAL}*"):
        if path.is_file() or path.is_symlink():
            path.unlink()
        elif path.is_dir():  # a spoken deck's staged slides
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def locked(folder: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold ``folder``'s lock (made if missing) for the block: one holder at a time, across
    processes; ``waiting()`` is called once if another holds it (then this one waits)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
