"""``attention-explainer storyboard --watch``: the storyboard rebuilt each time the example is saved.

    attention-explainer storyboard --watch [--example NAME] [--only STEP ...] [--jobs N] [--size W,H]

A cold ``storyboard`` command starts Python and imports manim and the scenes, a wait a teacher
notices, before it builds anything. The watcher pays that once: it imports them, builds the
storyboard in its own process (its memos, such as ``word_label``'s, are then warm), and then
polls, every :data:`POLL_SECONDS`, the modification times and sizes of

- the example's TOML file and the training corpus it names: a change rebuilds the storyboard,
  in a child process forked from the watcher (:func:`rebuild`), so that every build starts
  from the same warm state and a build that breaks (or crashes) leaves the watcher as it was;
- the project's sources (``*.py`` under ``scenes/``, ``attention_core/``,
  ``attention_explainer/``): a change starts the command again (``os.execv``, the same
  arguments), so that the new code is what builds.

After a change it waits until the files have stopped changing (an editor saves in steps). A bad
edit prints the storyboard's message and leaves the previous storyboard as it was; the next
good save rebuilds. The pages it writes reload themselves when a newer storyboard replaces them
(``make_storyboard(live_reload=True)``). Ctrl-C stops it: the build under way is abandoned
(its partial folder removed) and the command ends with status 0.

Polled by hand, not with watchdog: its observer threads and ``os.fork`` risk deadlocks.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attention_explainer.import_walk import PACKAGES
from attention_explainer.import_walk import ROOT as PROJECT_DIR
from attention_explainer.lifetime import Stopped, die_with_parent

if TYPE_CHECKING:
    from scenes.story import Step

__all__ = ["POLL_SECONDS", "SETTLE_SECONDS", "SOURCE_DIRS", "storyboard_command", "watch"]

POLL_SECONDS = 0.25
# After a change, the files must stay as they are this long before the build starts.
SETTLE_SECONDS = 0.1
SOURCE_DIRS = tuple(PROJECT_DIR / name for name in PACKAGES)

# A file's state as polled: (modification time in ns, size), None when it is not there.
State = tuple[int, int] | None


def data_files(example_name: str) -> tuple[Path, ...]:
    """The files a storyboard of ``example_name`` is built from: the example and the corpus it
    names (only the example while it cannot be read; none when it cannot be found)."""
    from attention_content.example_types import ExampleError
    from attention_content.examples import load_example, resolve_example

    try:
        path = resolve_example(example_name)
    except ExampleError:
        return ()
    try:
        return (path, load_example(path).corpus)
    except ExampleError:
        return (path,)


def source_files(dirs: Iterable[Path] = SOURCE_DIRS) -> list[Path]:
    """The project's Python sources: a change to one needs the new code loaded."""
    return [path for folder in dirs for path in sorted(folder.rglob("*.py"))
            if "__pycache__" not in path.parts]


def snapshot(paths: Iterable[Path]) -> dict[Path, State]:
    """Each file's modification time and size (None when it is missing)."""
    states: dict[Path, State] = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            states[path] = None
        else:
            states[path] = (info.st_mtime_ns, info.st_size)
    return states


def changed(before: dict[Path, State], after: dict[Path, State]) -> list[Path]:
    """The files added, removed or modified between two snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def syntax_problem(paths: Iterable[Path]) -> str | None:
    """The first syntax error in ``paths`` as one line (a source saved half-edited), or None."""
    for path in paths:
        if path.suffix != ".py" or not path.is_file():
            continue
        try:
            compile(path.read_bytes(), str(path), "exec")
        except SyntaxError as error:
            return f"{path}: line {error.lineno}: {error.msg}"
        except (OSError, ValueError) as error:
            return f"{path}: {error}"
    return None


_IMPORTS = ("attention_explainer.__main__", "attention_explainer.cli", "attention_explainer.watch",
            "attention_explainer.storyboard", "scenes.base")


def import_problem(steps: Iterable[Step]) -> str | None:
    """What the command would meet importing the project's new code (in a fresh process: this
    one has the old code loaded), as one line; None when it imports. A module that raises as it
    is imported would otherwise end the command at its start again, the watcher gone."""
    import subprocess

    modules = [*_IMPORTS, *(f"scenes.{step.module}" for step in steps if step.source is None)]
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"
    try:
        done = subprocess.run([sys.executable, "-c", code, *modules], cwd=PROJECT_DIR, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "importing the new code took over 120 s"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    where = [line.strip() for line in lines if line.strip().startswith("File ") and "<frozen" not in line]
    return f"the new code fails as it is imported: {lines[-1] if lines else done.returncode}" + (
        f" ({where[-1]})" if where else "")


def reexec() -> None:
    """Start this command again, the same arguments, in this process (the new code loaded).

    Ctrl-C is blocked from here until :func:`watch` starts again: one pressed now is kept for it
    (Python would drop one caught just before the exec, and raise one during its imports)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def warm_up(steps: Iterable[Step]) -> None:
    """Import manim, the scenes' base and the steps' modules here, once, so that every build
    forked from this process (and the workers it forks) starts with them."""
    import manim  # noqa: F401

    import scenes.base  # noqa: F401

    for step in steps:
        if step.source is None:
            try:
                importlib.import_module(f"scenes.{step.module}")
            except Exception:  # noqa: BLE001 - the build says what is wrong with it
                pass


def rebuild(build: Callable[[], str]) -> tuple[bool, str]:
    """Run ``build`` (it returns the storyboard's line) in a child process forked from this one
    and wait for it: (True, its line) or (False, the message of its failure). The child is in
    its own process group: Ctrl-C reaches this process, which passes it on once (the child
    then removes its partial folder and ends) and raises KeyboardInterrupt after it ended.
    Whatever is left of the group once the child has ended (a crashed build's helper) is killed."""
    from attention_explainer.storyboard import StoryboardError

    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: build, say how it went through the pipe, end without cleanup
        code = 1
        try:
            os.setpgid(0, 0)
            die_with_parent()  # the watcher killed (SIGKILL, a closed terminal): this build too
            os.close(read_end)
            try:
                message, code = "ok " + build(), 0
            except StoryboardError as error:
                message = f"error {error}"
            except KeyboardInterrupt:
                message, code = "error interrupted", 130
            except BaseException as error:  # noqa: BLE001 - a bug of the build: said, not raised
                message = f"error the build failed: {type(error).__name__}: {error}"
            os.write(write_end, message.encode())
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    interrupted: KeyboardInterrupt | None = None
    handler = signal.getsignal(signal.SIGINT)
    chunks: list[bytes] = []
    try:
        try:
            os.close(write_end)
            while chunk := os.read(read_end, 65536):
                chunks.append(chunk)
        except KeyboardInterrupt as stop:
            interrupted = interrupted or stop
            _interrupt(pid)
        finally:
            os.close(read_end)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except KeyboardInterrupt as stop:
                interrupted = interrupted or stop
                _interrupt(pid)
        try:  # a build that crashed may leave its helper process waiting: its group goes with it
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    finally:
        signal.signal(signal.SIGINT, handler)
    if interrupted is not None:
        raise interrupted
    text = b"".join(chunks).decode(errors="replace")
    if text.startswith("ok "):
        return True, text[3:]
    if text.startswith("error "):
        return False, text[6:]
    return False, f"the build process ended without a word ({_status(status)})"


def _interrupt(pid: int) -> None:
    """Pass Ctrl-C (or SIGTERM, SIGHUP) on to the build process as Ctrl-C, once; further ones are
    ignored while it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def watch(example_name: str, only: Sequence[str], media_dir: Path, *, jobs: int | None = None,
          size: tuple[int, int] | None = None, story: Sequence[Step] | None = None,
          log: Callable[[str], None] | None = None, sources: Sequence[Path] | None = None,
          exec_again: Callable[[], None] = reexec, sleep: Callable[[float], None] = time.sleep) -> int:
    """Build the storyboard, then rebuild it whenever its example or corpus is saved and start
    the command again when a source is (``sources``: the folders of :data:`SOURCE_DIRS`); until
    Ctrl-C (status 0). ``exec_again`` (``os.execv`` of this command) and ``sleep`` are
    parameters for the tests."""
    from attention_explainer.storyboard import DEFAULT_SIZE, StoryboardError, make_storyboard
    from scenes.story import STORY, find_step

    log = log or _say
    sources = SOURCE_DIRS if sources is None else sources
    story = tuple(STORY if story is None else story)
    options = {"jobs": jobs, "size": size or DEFAULT_SIZE, "story": story, "live_reload": True}

    def build() -> str:
        lines: list[str] = []
        make_storyboard(example_name, only, media_dir, log=lines.append, **options)  # type: ignore[arg-type]
        return lines[-1].removeprefix("storyboard: ") if lines else "done"

    try:
        chosen = [find_step(n, story) for n in only] if only else list(story)
    except KeyError as error:
        log(f"attention-explainer: {error.args[0]}")
        return 1
    data = data_files(example_name)
    if not data:  # no such example: the build's message names the shipped ones
        try:
            build()
        except StoryboardError as error:
            log(f"attention-explainer: {error}")
        return 1
    def current() -> dict[Path, State]:  # the watched files as they are (``data`` as it is then)
        return snapshot([*data, *source_files(sources)])

    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # see reexec
        warm_up(chosen)
        watched = current()
        try:  # the first build here: this process's memos warm for every build forked from it
            start = time.perf_counter()
            line = build()
            log(f"storyboard: built in {time.perf_counter() - start:.1f} s: {line}")
        except StoryboardError as error:
            log(f"storyboard: not built: {error}")
        log(f"storyboard: watching {', '.join(_short(p) for p in data) or example_name} "
            f"and the sources (Ctrl-C to stop)")
        while True:
            sleep(POLL_SECONDS)
            now = current()
            if now == watched:
                continue
            while True:  # until the files stay as they are (an editor saves in steps)
                sleep(SETTLE_SECONDS)
                settled = current()
                if settled == now:
                    break
                now = settled
            edited, watched = changed(watched, now), now
            code = [p for p in edited if p not in data]
            if code:
                problem = syntax_problem(code) or import_problem(chosen)
                if problem is not None:
                    log(f"storyboard: {problem}; still watching, with the code as it was")
                    continue
                log(f"storyboard: {', '.join(map(_short, code))} changed: starting again with the new code")
                sys.stdout.flush()
                exec_again()
                return 0  # exec_again replaced this process (or, in a test, stands for it)
            start = time.perf_counter()
            ok, line = rebuild(build)
            seconds = time.perf_counter() - start
            what = ", ".join(_short(p) for p in edited)
            if ok:
                log(f"storyboard: {what} changed: rebuilt in {seconds:.1f} s: {line}")
            else:
                log(f"storyboard: {what} changed, not rebuilt (the previous storyboard stays): {line}")
            # the corpus the example names now (the files as they were before the build: a
            # save during it is seen at the next poll)
            # After a failed build the files watched before stay watched too (a corpus that went
            # missing, saved back, rebuilds).
            found = data_files(example_name)
            old, data = data, tuple(dict.fromkeys(found if ok else [*found, *data])) or data
            watched = ({p: state for p, state in watched.items() if p in data or p not in old}
                       | snapshot(p for p in data if p not in watched))
    except KeyboardInterrupt as stop:
        log("storyboard: stopped watching")
        return stop.exit_code if isinstance(stop, Stopped) and stop.signum != signal.SIGINT else 0


def _say(line: str) -> None:
    print(line, flush=True)


def _short(path: Path) -> str:
    """``path`` from the working directory when it is under it."""
    try:  # not resolve(): a symbolic link that loops raises there
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def storyboard_command(example_name: str, only: Sequence[str], media_dir: Path, *, jobs: int | None,
                       size: tuple[int, int], story: Sequence[Step], live: bool = False) -> int:
    """``attention-explainer storyboard [--watch]`` (``live``: :func:`watch`): its exit code, and one
    line when it fails or is stopped (Ctrl-C: 130; SIGTERM, SIGHUP: 128 + the signal), never a
    traceback. Every process it started is killed before it ends (:mod:`attention_explainer.lifetime`)."""
    from attention_explainer.lifetime import kill_descendants, stopped_by_signals
    from attention_explainer.storyboard import StoryboardError, make_storyboard

    try:
        with stopped_by_signals():
            if live:
                return watch(example_name, only, media_dir, jobs=jobs, size=size, story=story)
            make_storyboard(example_name, only, media_dir, jobs=jobs, size=size, story=story)
            return 0
    except StoryboardError as error:
        print(f"attention-explainer: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt as stop:
        kill_descendants()
        how = f"stopped by {stop.args[0]}" if isinstance(stop, Stopped) else "interrupted"
        print(f"attention-explainer: storyboard {how}; the previous storyboard is untouched (this "
              "build's partial folder was removed)", file=sys.stderr, flush=True)
        return stop.exit_code if isinstance(stop, Stopped) else 130
    finally:
        kill_descendants()
