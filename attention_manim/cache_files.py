"""Cache entries that are checked when read and healed when damaged, written without following links.

Three caches live between runs: manim's LaTeX and text SVGs (``ATTENTION_MANIM_CACHE``,
:mod:`attention_manim.manim_patches`), the spoken clips (:mod:`attention_manim.voice`)
and reveal.js (:mod:`attention_explainer.render.pack`). Each trusts only what it checks:

- the folder must be a folder of this user that no one else can write (:func:`folder_problem`);
  else the cache is not used (a warning naming the folder and its variable) and entries are
  made in a private folder for this run;
- each entry ``<name>`` has a check ``<name>.check`` beside it: the key it was made for (the
  hash of its whole input, also its name) and the SHA-256 and size of its bytes; an entry is
  used only when its check matches (:func:`entry_ok`). A damaged entry (half-written, swapped,
  re-sampled) is named once on stderr and made again, the new one replacing it by a rename (one
  without a check, an older version's, is made again quietly): it never fails a render and
  never reaches a video;
- entries and their checks are written to a private temporary file opened with
  ``O_CREAT | O_EXCL | O_NOFOLLOW`` (mode 0o600), then renamed into place: a planted link is
  never written through, and a reader sees a whole entry or none (:func:`write_entry`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from pathlib import Path

from attention_manim import atomic

__all__ = ["NOTE", "damaged", "entry_ok", "folder_problem", "note", "read_entry", "usable_folder",
           "write_entry", "write_new"]

NOTE = "attention-explainer: cache: "
_CHECK = ".check"
_noted: set[str] = set()


def note(message: str) -> None:
    """Say ``message`` once per process on stderr (the renderer repeats such lines from a step's log)."""
    if message not in _noted:
        _noted.add(message)
        print(NOTE + message, file=sys.stderr, flush=True)


def folder_problem(folder: Path, variable: str) -> str | None:
    """Make ``folder`` (mode 0o700) if it is missing; why it cannot hold a trusted cache (not a
    folder, not this user's, writable by others, read-only, ...), naming it and ``variable``;
    None when it can."""
    where = f"{folder} ({variable})"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except FileExistsError:
        return f"{where} is a file, not a folder"
    except NotADirectoryError:
        return f"{where}: a folder above it is a file"
    except OSError as error:
        return f"{where} cannot be made: {error.strerror or error}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{where} is not a folder"
    if info.st_uid != os.getuid():
        return f"{where} belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (f"{where} can be written by other users (mode {stat.S_IMODE(info.st_mode):o}); "
                f"chmod go-w it to use it")
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{where} is read-only"
    return None


def usable_folder(folder: Path, variable: str, instead: str) -> bool:
    """True when ``folder`` can hold a cache; else a warning (once) saying why, that it is not
    used, and what is done ``instead``."""
    problem = folder_problem(folder, variable)
    if problem is not None:
        note(f"{problem}: not using it; {instead}")
    return problem is None


def _check_path(path: Path) -> Path:
    return path.with_name(path.name + _CHECK)


def _read_nofollow(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb") as file:
            fd = -1
            return file.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def read_entry(path: Path, key: str) -> bytes | None:
    """The entry's bytes when its check says it was made for ``key`` and it is whole; else None,
    after naming a damaged entry and removing it."""
    data = _read_nofollow(path)
    if data is not None and _matches(path, key, data):
        return data
    # An entry without a check (an older version's, or one being written now) is made again
    # quietly; one whose check does not match is named. Neither is deleted here: the caller's
    # new entry replaces it by a rename, so a process using it meanwhile never finds it gone.
    if os.path.lexists(path) and os.path.lexists(_check_path(path)):
        damaged(path, "it does not match its check (damaged or swapped)")
    return None


def entry_ok(path: Path, key: str) -> bool:
    """:func:`read_entry` for an entry another library reads by its path (an SVG)."""
    return read_entry(path, key) is not None


def _matches(path: Path, key: str, data: bytes) -> bool:
    check = _read_nofollow(_check_path(path))
    try:
        record = json.loads(check or b"")
    except ValueError:
        return False
    return (isinstance(record, dict) and record.get("key") == key and record.get("size") == len(data)
            and record.get("sha256") == hashlib.sha256(data).hexdigest())


def damaged(path: Path, why: str) -> None:
    """Name a damaged entry, once; the caller makes it again (its new entry replaces this one)."""
    note(f"{path}: {why}; making it again")


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, a private temporary file next to it (0o600, never through a
    link), then rename it onto ``path``; on any error nothing is left."""
    atomic.write_bytes(path, data, mode=0o600)


def write_entry(path: Path, key: str, data: bytes) -> None:
    """Put ``data`` at ``path`` as the entry for ``key``, its check beside it (check last: an
    entry is trusted only once both are whole)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a stale check must not vouch for the new bytes
        _check_path(path).unlink()
    write_new(path, data)
    record = {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    write_new(_check_path(path), json.dumps(record).encode())
