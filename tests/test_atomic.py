"""The one atomic-write and lock module: a write that fails or is killed midway leaves the
previous file whole and (after :func:`atomic.remove_partials`, for a killed one) no temporary."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from attention_manim import atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if atomic.PARTIAL in p.name)


def test_a_failure_inside_replacing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "video.mp4"
    target.write_bytes(b"old and good")
    with pytest.raises(RuntimeError, match="encoder died"), atomic.replacing(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".video.partial-") and tmp.suffix == ".mp4"
        tmp.write_bytes(b"half a ne")
        raise RuntimeError("encoder died")
    assert target.read_bytes() == b"old and good"
    assert _leftovers(tmp_path) == []
    with atomic.replacing(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and _leftovers(tmp_path) == []


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "cues.srt"
    target.write_text("old cues")

    class Half:
        """A file whose write stores half the bytes, then fails as a full disk does."""

        def __init__(self, fd: int, mode: str) -> None:
            self.fd = fd

        def __enter__(self) -> Half:
            return self

        def __exit__(self, *exc: object) -> None:
            os.close(self.fd)

        def write(self, data: bytes) -> None:
            os.write(self.fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fdopen", Half)
    with pytest.raises(OSError, match="No space"):
        atomic.write_text(target, "new cues, longer than the old")
    assert target.read_text() == "old cues"
    assert _leftovers(tmp_path) == []


def test_replacing_all_renames_every_file_or_none(tmp_path: Path) -> None:
    paths = [tmp_path / "a.srt", tmp_path / "b.vtt"]
    for path in paths:
        path.write_text("old " + path.name)
    with pytest.raises(ValueError), atomic.replacing_all(paths) as tmps:
        tmps[paths[0]].write_text("new a.srt")
        raise ValueError("the second file could not be made")
    assert [p.read_text() for p in paths] == ["old a.srt", "old b.vtt"] and _leftovers(tmp_path) == []
    with atomic.replacing_all(paths) as tmps:
        for path in paths:
            tmps[path].write_text("new " + path.name)
    assert [p.read_text() for p in paths] == ["new a.srt", "new b.vtt"] and _leftovers(tmp_path) == []


def test_a_link_at_the_target_is_replaced_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "out.txt"
    target.symlink_to(victim)
    atomic.write_text(target, "written")
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_text() == "written"
    assert (target.stat().st_mode & 0o777) == 0o644 & ~_umask()
    atomic.write_bytes(tmp_path / "private", b"x", mode=0o600)
    assert ((tmp_path / "private").stat().st_mode & 0o777) == 0o600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from attention_manim import atomic
with atomic.replacing(Path(sys.argv[1])) as tmp:
    tmp.write_bytes(b"half of the new vid")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_writer_leaves_the_old_file_and_its_temporary_is_removed_next_run(tmp_path: Path) -> None:
    target = tmp_path / "out" / "video.mp4"
    target.parent.mkdir()
    target.write_bytes(b"old and good")
    staged = tmp_path / "out" / f".deck.voiced-slides{atomic.PARTIAL}123"
    staged.mkdir()  # a staged folder a killed run left
    (staged / "slide.mp4").write_bytes(b"x")
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(target)],
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert done.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"old and good"
    assert len(_leftovers(target.parent)) == 2
    atomic.remove_partials(tmp_path)
    assert _leftovers(target.parent) == [] and target.read_bytes() == b"old and good"


def test_the_lock_lets_one_holder_in_at_a_time(tmp_path: Path) -> None:
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with atomic.locked(tmp_path / "media"):
            held.set()
            time.sleep(0.3)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with atomic.locked(tmp_path / "media", waiting=lambda: order.append("waited")):
        order.append("second in")
    thread.join()
    assert order == ["waited", "first out", "second in"]
    with atomic.locked(tmp_path / "media", waiting=lambda: order.append("waited again")):
        pass
    assert order[-1] == "second in"  # free: no wait
