"""Render steps with manim, several processes at once, each in its own media folder.

manim has no parallel rendering of its own, so each step's scene is one ``manim render``
process. Each step renders into ``<media>/render/<module>/`` (its own Tex, text and
partial-movie caches), so processes never write the same file; the video of each
example lands in its own subfolder there (:func:`attention_manim.contract.video_dir`). A step is skipped when
its stamp says it was rendered from exactly the same inputs (its scene module and the
project modules it imports, the example file, manim.cfg, the options); otherwise manim
renders it, reusing its own partial-movie cache for every animation that did not change. The
example and corpus count as the render read them: read once when the step starts, hashed into
its stamp, and given to manim as a private copy (:mod:`attention_content.inputs`), so an edit
saved while it renders can only make the next run render it again.

A process killed mid-render (the renderer was killed, the machine stopped) can leave a
half-written partial movie or SVG that manim would later take for a cached one. Each
step therefore marks its media folder while it renders; the next run finds the mark and
deletes every file the interrupted run wrote before rendering again.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from attention_content.inputs import Inputs, read_inputs, write_snapshot
from attention_explainer.import_walk import PACKAGES as _PROJECT_PACKAGES
from attention_explainer.lifetime import Stopped
from attention_manim import cache_files, contract
from attention_manim.settings import child_environment, environment, settings
from scenes.story import SCENES_DIR, Step

__all__ = ["PROJECT_DIR", "Progress", "StepFailedError", "StepRun", "fingerprint", "launcher_command",
           "project_imports", "run_steps"]

PROJECT_DIR = SCENES_DIR.parent
# Bump when the renderer changes what a step's render produces.
_STAMP_VERSION = "1"
_MARK = ".rendering"
_SNAPSHOT = ".inputs-"


class StepFailedError(RuntimeError):
    """A step's manim process failed; ``message`` is what it said, ``log`` the whole log."""

    def __init__(self, run: StepRun, message: str) -> None:
        super().__init__(f"step {run.label} failed:\n{message}")
        self.run = run
        self.message = message


@dataclass
class StepRun:
    """One step of one render: where manim writes, what it is given, what it made."""

    number: int
    total: int
    step: Step
    work_dir: Path
    video: Path
    slides_dir: Path | None
    command: list[str]
    env: dict[str, str]
    fingerprint: str
    log: Path
    sections: bool = False
    cached: bool = False
    seconds: float = 0.0
    estimate: float = 0.0
    example: str = ""  # named in the progress lines when set (a batch renders several)
    # With these, the stamp is made when the step starts, from the bytes its render reads
    # (:meth:`take_snapshot`); else ``fingerprint`` as planned.
    example_file: Path | None = None
    stamp_flags: tuple[str, ...] = ()
    snapshot: Path | None = None
    inputs: Inputs | None = None

    @property
    def label(self) -> str:
        label = f"{self.number}/{self.total} {self.step.module}"
        return f"{self.example} {label}" if self.example else label

    @property
    def srt(self) -> Path:
        return self.video.with_suffix(".srt")

    @property
    def refusal(self) -> Path:
        """Where the step's scene writes why it cannot draw the example, if it cannot
        (``ATTENTION_REFUSAL_FILE``, :func:`attention_manim.contract.write_refusal`)."""
        return self.log.with_suffix(".refusal.json")

    @property
    def sections_dir(self) -> Path:
        return self.video.parent / "sections"

    @property
    def stamp(self) -> Path:
        return self.video.parent / f".{self.step.scene}{self.video.suffix}.stamp.json"

    # -- the stamp: which inputs the current video was made from

    def up_to_date(self) -> bool:
        """True when the stamp matches and everything it promises is still on disk.

        Per-beat clips and slides are extras: a video stamped with them also serves a
        render that does not ask for them, not the other way round.
        """
        try:
            data = json.loads(self.stamp.read_text())
            stat = self.video.stat()
        except (OSError, ValueError):
            return False
        if data.get("fingerprint") != self.fingerprint:
            return False
        if [stat.st_size, stat.st_mtime_ns] != data.get("video"):
            return False
        if self.sections and not (data.get("sections") and
                                  (self.sections_dir / f"{self.step.scene}.json").exists()):
            return False
        if self.slides_dir is not None and not (
                data.get("slides") == str(self.slides_dir)
                and (self.slides_dir / f"{self.step.scene}.json").exists()):
            return False
        return True

    def last_seconds(self) -> float:
        """How long this step took last time, for scheduling the longest first: this very
        video's last render, else a render of the step for another example or quality (they
        rank the steps alike), else 0."""
        stamps = [self.stamp, *sorted(self.work_dir.glob(f"videos/*/*/*/.{self.step.scene}.*.stamp.json"))]
        for stamp in stamps:
            try:
                seconds = float(json.loads(stamp.read_text()).get("seconds", 0.0))
            except (OSError, ValueError):
                continue
            if seconds > 0:
                return seconds
        return 0.0

    def write_stamp(self) -> None:
        stat = self.video.stat()
        self.stamp.write_text(json.dumps({
            "fingerprint": self.fingerprint,
            "video": [stat.st_size, stat.st_mtime_ns],
            "seconds": round(self.seconds, 2),
            "sections": self.sections,
            "slides": str(self.slides_dir) if self.slides_dir else None,
        }))

    def detach_outputs(self) -> None:
        """Delete the video, subtitles and clips manim is about to write again.

        manim rewrites these files in place, and the output folder holds hard links to them:
        without this a failed render would change the previous good step clips there.
        """
        doomed = [self.video, self.srt]
        if self.sections_dir.is_dir():
            doomed += [p for p in self.sections_dir.iterdir() if p.name.startswith(f"{self.step.scene}_")
                       or p.name == f"{self.step.scene}.json"]
        for path in doomed:
            path.unlink(missing_ok=True)

    # -- the snapshot: the example and corpus as this render reads them

    def take_snapshot(self) -> None:
        """Read the example and the files it names once, stamp with those bytes, and give the
        manim process a private copy of them (``ATTENTION_EXAMPLE_SNAPSHOT``): an edit saved
        while it renders can only make the next run render again."""
        if self.example_file is None:
            return
        self.drop_snapshot()
        for stale in self.work_dir.glob(f"{_SNAPSHOT}*"):  # of a killed run (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        self.inputs = read_inputs(self.example_file)
        self.fingerprint = fingerprint(self.step, self.example_file, self.stamp_flags, self.inputs)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.snapshot = Path(tempfile.mkdtemp(prefix=_SNAPSHOT, dir=self.work_dir))
        write_snapshot(self.inputs, self.snapshot)
        self.env = {**self.env, **environment(example_snapshot=self.snapshot)}

    def drop_snapshot(self) -> None:
        if self.snapshot is not None:
            shutil.rmtree(self.snapshot, ignore_errors=True)
            self.snapshot = None

    def code_changed(self) -> bool:
        """True when the step's code changed while it rendered (its stamp would not describe
        it): the video is kept but not stamped, so the next run renders it again."""
        if self.inputs is None or self.example_file is None:
            return False
        return fingerprint(self.step, self.example_file, self.stamp_flags, self.inputs) != self.fingerprint

    # -- the mark: is (or was) a render of this step under way?

    def mark(self) -> None:
        (self.work_dir / _MARK).write_text(str(os.getpid()))

    def unmark(self) -> None:
        (self.work_dir / _MARK).unlink(missing_ok=True)

    def clean_after_interrupted_run(self) -> int:
        """Delete every file written since an interrupted or failed render's mark."""
        mark = self.work_dir / _MARK
        if not mark.exists():
            return 0
        since = mark.stat().st_mtime_ns
        removed = 0
        folders = [self.work_dir]
        if self.slides_dir is not None:
            folders.append(self.slides_dir / "files" / self.step.scene)
        for folder in folders:
            for path in _files_under(folder):
                if path != mark and path.parent.name != "logs" and path.stat().st_mtime_ns >= since:
                    path.unlink()
                    removed += 1
        mark.unlink()
        return removed


def _files_under(folder: Path) -> Iterable[Path]:
    if folder.is_dir():
        for root, _dirs, files in os.walk(folder):
            for name in files:
                yield Path(root) / name


def fingerprint(step: Step, example_file: Path, flags: Sequence[str], inputs: Inputs | None = None) -> str:
    """A hash of everything a step's video depends on (``flags``: manim's options).

    The project code counted is the step's module and every project module it imports,
    directly or not (``scenes.base``, ``scenes.components.*``, ``attention_core.*``...), so
    editing one scene does not send the other steps back to manim. The files the step
    reads through the example (``step.reads``: the training step's corpus) count with
    their path and contents, so editing the corpus, or naming another, renders it again.
    The example and those files count as ``inputs`` holds them (the bytes a render drew
    from, :mod:`attention_content.inputs`; default: read now).
    """
    inputs = inputs or read_inputs(example_file)
    digest = hashlib.sha256()
    digest.update(f"{_STAMP_VERSION}|manim {version('manim')}|manim-slides {version('manim-slides')}|"
                  f"{' '.join(f for f in flags if f != '--save_sections')}".encode())
    for path in [*sorted(project_imports(step.path)), example_file, PROJECT_DIR / "manim.cfg"]:
        digest.update(str(path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR)
                          else path.name).encode())
        data = inputs.example if path == example_file else _bytes(path)
        digest.update(b"<missing>" if data is None else data)
    for name in step.reads:
        path, data = inputs.named.get(name, (None, None))
        if path is None:
            continue  # an example that does not parse: its step fails on it
        shown = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path
        digest.update(f"|{shown}|".encode())
        digest.update(b"<missing>" if data is None else data)
    return digest.hexdigest()


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def project_imports(path: Path) -> set[Path]:
    """``path`` and the project's source files it imports, transitively."""
    found: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in found or not current.exists():
            continue
        found.add(current)
        try:
            tree = ast.parse(current.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # manim will report it; the file's bytes are still hashed
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo += [f for alias in node.names for f in _module_files(alias.name)]
            elif isinstance(node, ast.ImportFrom):
                module = _absolute(current, node.module or "", node.level)
                todo += _module_files(module)
                todo += [f for alias in node.names for f in _module_files(f"{module}.{alias.name}")]
    return found


def _absolute(path: Path, module: str, level: int) -> str:
    """The absolute name of ``from <level dots><module> import``, written in ``path``."""
    if level == 0:
        return module
    try:
        package = path.parent.relative_to(PROJECT_DIR).parts
    except ValueError:
        return module
    package = package[: len(package) - (level - 1)]
    return ".".join([*package, *([module] if module else [])])


def _module_files(name: str) -> list[Path]:
    """The file(s) of project module ``name`` (a package counts its ``__init__.py``)."""
    parts = name.split(".")
    if parts[0] not in _PROJECT_PACKAGES:
        return []
    files = []
    for i in range(1, len(parts) + 1):  # a.b.c imports a and a.b too
        base = PROJECT_DIR.joinpath(*parts[:i])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                files.append(candidate)
    return files


def launcher_command(manim_args: Sequence[str], slides: bool = False) -> list[str]:
    """The command that runs ``manim <manim_args>`` as a child that dies with the renderer,
    with the project's manim patches (:mod:`attention_explainer.launcher`); ``slides``: the
    scene's slide variant is rendered (each beat a slide, in ``ATTENTION_SLIDES_DIR``)."""
    return [sys.executable, "-m", "attention_explainer.launcher", *(["--slides"] if slides else []),
            *manim_args]


Progress = Callable[[str], None]


_HEARTBEAT = 30.0  # seconds between "still rendering" lines


def run_steps(runs: Sequence[StepRun], jobs: int, progress: Progress, ready: int = 0,
              on_failure: Callable[[StepFailedError], None] | None = None,
              on_done: Callable[[StepRun], None] | None = None) -> None:
    """Render ``runs`` with at most ``jobs`` manim processes at once.

    The longest steps (by their last render time) start first, so the processes finish
    close together; two runs sharing a media folder (one step of two examples, in a batch)
    never run at once. Progress says which step starts and ends, how many of all the steps
    (``ready`` of them were ready before) are ready, and every half minute which steps are
    still rendering. The first failure stops every other process and raises
    :class:`StepFailedError`, unless ``on_failure`` is given: it is handed the error and the
    other steps go on. ``on_done`` is called with each step that is ready. Ctrl-C or SIGTERM
    stop every process.
    """
    pending = sorted(runs, key=lambda r: -r.estimate)
    running: dict[subprocess.Popen[bytes], tuple[StepRun, float]] = {}
    done = ready
    total = ready + len(runs)
    heartbeat = time.monotonic() + _HEARTBEAT
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt) if in_main_thread else None
    try:
        while pending or running:
            while pending and len(running) < jobs:
                busy = {run.work_dir for run, _ in running.values()}
                free = [i for i, run in enumerate(pending) if run.work_dir not in busy]
                if not free:
                    break
                run = pending.pop(free[0])
                removed = run.clean_after_interrupted_run()
                if removed:
                    progress(f"  clean  {run.label}: removed {removed} files the last, unfinished "
                             "render of this step left behind")
                progress(f"  start  {run.label} ({run.step.scene})")
                run.take_snapshot()
                run.detach_outputs()
                # One x264 thread always: its output depends on its thread count, so with more a
                # step's pixels would depend on --jobs (27 of 35 frames differed, by up to 55).
                process = _start(run, single_encoder_thread=True)
                running[process] = (run, time.monotonic())
            time.sleep(0.05)
            for process in [p for p in running if p.poll() is not None]:
                run, started = running.pop(process)
                run.seconds = time.monotonic() - started
                run.drop_snapshot()
                for line in _cache_notes(run.log):
                    progress(f"  {line}")
                if process.returncode != 0 or not run.video.exists():
                    failure = StepFailedError(run, _failure_message(run, process.returncode))
                    if on_failure is None:
                        raise failure
                    on_failure(failure)  # its mark stays: the next run cleans its folder
                    continue
                run.unmark()
                if run.code_changed():
                    progress(f"  note   {run.label}: its code changed while it rendered; it renders "
                             "again next time")
                else:
                    run.write_stamp()
                done += 1
                progress(f"  done   {run.label} in {run.seconds:.1f} s  [{done} of {total} steps ready]")
                if on_done is not None:
                    on_done(run)
            if running and time.monotonic() >= heartbeat:
                heartbeat = time.monotonic() + _HEARTBEAT
                progress("  ...    still rendering: " + ", ".join(
                    _elapsed(run, started) for run, started in running.values()))
    finally:
        _stop(running)
        for run, _ in running.values():
            run.drop_snapshot()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_term)


def _cache_notes(log: Path) -> list[str]:
    """What a step's process said about the caches (a damaged entry healed, a folder not used):
    repeated to the user, each once."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return list(dict.fromkeys(line.strip() for line in lines if line.startswith(cache_files.NOTE)))


def _elapsed(run: StepRun, started: float) -> str:
    return f"{run.step.module} {time.monotonic() - started:.0f} s"


def _start(run: StepRun, single_encoder_thread: bool) -> subprocess.Popen[bytes]:
    run.work_dir.mkdir(parents=True, exist_ok=True)
    run.log.parent.mkdir(parents=True, exist_ok=True)
    run.mark()
    run.refusal.unlink(missing_ok=True)
    env = {**child_environment(render_parent=os.getpid(), refusal_file=run.refusal), **run.env,
           "PYTHONUNBUFFERED": "1"}
    if single_encoder_thread and settings().encoder_threads is None:  # unless the user chose (0: x264's)
        env |= environment(encoder_threads=1)
    with run.log.open("wb") as log:
        return subprocess.Popen(run.command, cwd=PROJECT_DIR, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def _stop(running: dict[subprocess.Popen[bytes], tuple[StepRun, float]]) -> None:
    """Stop the processes still running (their whole process groups), then wait for them."""
    for process in running:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 5.0
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise Stopped(signum)  # a KeyboardInterrupt that knows its signal (the exit code: 128 + it)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)', re.MULTILINE)


def _failure_message(run: StepRun, returncode: int | None) -> str:
    """What the failing process said, short: the project's own clean message when a scene
    rejected the example (the refusal it wrote, :mod:`attention_manim.contract`), else the
    exception and where in the project's code it was raised."""
    refusal = contract.read_refusal(run.refusal)
    if refusal is not None:
        return refusal
    try:
        text = run.log.read_text(errors="replace")
    except OSError:
        text = ""
    lines = [line for line in text.splitlines() if line.strip()]
    frames = [m for m in _FRAME.finditer(text) if "site-packages" not in m["file"]]
    if frames and "Traceback (most recent call last)" in text:
        error = next((line for line in reversed(lines) if not line.startswith(" ")), lines[-1])
        where = [f"  at {_short(m['file'])}:{m['line']} in {m['func']}" for m in frames[-4:]]
        return "\n".join([error, *where, f"(whole log: {run.log})"])
    tail = "\n".join(lines[-25:])
    if returncode == 0:
        tail += f"\n(manim exited 0 but wrote no {run.video.name})"
    return f"{tail}\n(manim exit code {returncode}; whole log: {run.log})"


def _short(file: str) -> str:
    path = Path(file)
    return str(path.relative_to(PROJECT_DIR)) if path.is_relative_to(PROJECT_DIR) else file
