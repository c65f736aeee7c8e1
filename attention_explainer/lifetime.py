"""Every process a command starts ends with it.

- :func:`die_with_parent`: a child (a storyboard worker, the frame helper, the forkserver, a
  watcher's build) is killed by the kernel when the process that started it dies, even by
  SIGKILL (Linux ``PR_SET_PDEATHSIG``); one whose parent is already gone stops at once.
- :func:`stopped_by_signals`: SIGTERM and SIGHUP (a closed terminal) end the command as Ctrl-C
  does (:class:`Stopped`, a ``KeyboardInterrupt``), so its cleanup runs.
- :func:`kill_descendants`: the processes this one started, and theirs, killed before the
  command removes what they were writing (nothing is written after it has ended).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Stopped", "descendants", "die_with_parent", "kill_descendants", "stopped_by_signals"]


class Stopped(KeyboardInterrupt):
    """The command was told to stop by ``signum`` (SIGINT, SIGTERM, SIGHUP)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for a command ended by this signal (130 for Ctrl-C)."""
        return 128 + self.signum


def die_with_parent() -> None:
    """Be killed (SIGKILL) when the parent dies; end now if it already has."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the command's cleanup kills us
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if parent == 1 or os.getppid() != parent:
        os._exit(1)


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Inside, SIGTERM and SIGHUP raise :class:`Stopped` (in the main thread; elsewhere nothing
    changes); the previous handlers are put back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def descendants(pid: int | None = None) -> list[int]:
    """The processes ``pid`` (default: this one) started, and theirs, from ``/proc``; children first."""
    root = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_descendants(sig: int = signal.SIGKILL) -> list[int]:
    """Send ``sig`` to every descendant of this process; the ids signalled."""
    killed = []
    for pid in descendants():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
            killed.append(pid)
    return killed
