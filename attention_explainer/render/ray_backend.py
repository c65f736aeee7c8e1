"""Step renders as Ray tasks: ``attention-explainer batch --backend ray [--address HOST:PORT]``.

No shared file system is assumed. For each step that must render (the driver checks the
stamps first: an unchanged step is never sent), the driver sends one task (one CPU) holding,
as bytes under their paths relative to the project:

- the project's source files the step's scene imports, directly or not, and those the
  launcher imports (:func:`~attention_explainer.render.jobs.project_imports`), ``manim.cfg``;
- the example file and the file it names (its training corpus); a file
  outside the project goes under ``_outside/<its absolute path>``, so relative names between
  them still hold;
- manim's options, the example's place among those files, ``--voice`` / ``--slides`` /
  ``--save-sections``, the driver's speedups and encoder settings, the step's fingerprint,
  and the versions of manim and manim-slides the fingerprint was made with.

The worker (a machine with the project installed by ``scripts/setup.sh``: Python, manim, LaTeX,
the fonts) unpacks them into a temporary folder, runs the same launcher command as the local
backend there (so the shipped code, not the worker's own copy, is what renders) and sends back
the step's video, its subtitles, its per-beat clips and its slides (with the slide index's paths
made the driver's), and its log. The driver writes each file under a temporary name, renames
them all, then writes the step's stamp: an interrupted batch leaves no partial file. A task
whose worker dies is retried (:data:`RETRIES`); Ctrl-C cancels every task (``force``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from attention_content.inputs import read_inputs
from attention_explainer.lifetime import descendants, kill_descendants, stopped_by_signals
from attention_explainer.render.jobs import (
    PROJECT_DIR,
    Progress,
    StepFailedError,
    StepRun,
    _failure_message,
    _raise_keyboard_interrupt,
    fingerprint,
    launcher_command,
    project_imports,
)
from attention_manim import atomic
from attention_manim.settings import child_environment, settings

__all__ = ["RETRIES", "RayUnavailableError", "cluster", "render_step", "require_ray", "run_steps",
           "step_task"]

PROTOCOL = 1  # bump when the task's fields change: a worker installed from another commit says so
RETRIES = 3  # times a task is run again when its worker dies (a killed process, a lost node)
_OUTSIDE = "_outside"
_TASK_DIR = "<task>"  # the worker's temporary folder, in the logs it sends back
_SLIDES = "<slides>"  # the worker's slides folder, in the slide indexes it sends back
_LAUNCHER = Path(__file__).resolve().parent.parent / "launcher.py"
_HEARTBEAT = 30.0
INSTALL_HINT = "pip install -e '.[ray]'"


class RayUnavailableError(RuntimeError):
    """Ray is not installed here; the message says how to install it."""


def require_ray() -> ModuleType:
    """The ``ray`` module, or a :class:`RayUnavailableError` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(f"--backend ray needs Ray, the ray extra: {INSTALL_HINT}") from None
    return ray


@contextlib.contextmanager
def cluster(address: str | None, cpus: int, say: Progress) -> Iterator[ModuleType]:
    """Ray, connected to the cluster at ``address`` or to a local one of ``cpus`` CPUs started
    for the run (and stopped after it). A Ray this process had already started is used as it is."""
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    started = time.monotonic()
    variable = ""
    if not address and settings().ray_address:  # Ray would join it, and refuse num_cpus
        address = settings().ray_address
        variable = f" (RAY_ADDRESS={address} is set: Ray joins that cluster when --address is not given; " \
                   "unset it to start a local Ray)"
        say(f"  ray    joining {address}, from RAY_ADDRESS")
    if address:
        _check_reachable(address, variable)
    try:  # a stop during ray.init (Ray's SIGTERM handler exits) still stops what it started
        try:
            if address:
                ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
            else:
                ray.init(num_cpus=cpus, include_dashboard=False, logging_level=logging.WARNING,
                         log_to_driver=False)
        except Exception as error:  # Ray raises many kinds (ConnectionError, RuntimeError, ValueError)
            where = f"the Ray cluster at {address}{variable}" if address else "a local Ray"
            raise RayUnavailableError(f"cannot start or join {where}: {error}") from None
        where = f"connected to {address}" if address else "started a local Ray"
        say(f"  ray    {where} in {time.monotonic() - started:.1f} s: "
            f"{ray.cluster_resources().get('CPU', 0):g} CPUs")
        with stopped_by_signals():  # instead of Ray's SIGTERM handler, which exits without a word
            yield ray
    finally:
        ray.shutdown()
        if not address:  # the local Ray's agents that outlive its shutdown (long after, otherwise)
            _end_local_ray()


def _end_local_ray(seconds: float = 3.0) -> None:
    """Wait up to ``seconds`` for the processes of the local Ray (this process's descendants: the
    batch starts no other) to end after ``ray.shutdown()``, then kill those left."""
    deadline = time.monotonic() + seconds
    while descendants() and time.monotonic() < deadline:
        time.sleep(0.1)
    kill_descendants()


CONNECT_SECONDS = 10.0  # for the name lookup, and again for the connection


def _check_reachable(address: str, variable: str = "") -> None:
    """A :class:`RayUnavailableError` within seconds when nothing answers at ``address``
    (``host:port``, ``ray://host:port``; ``auto`` and ``local`` are Ray's and left to it): a bad
    port, a name that does not resolve, a refused or silent connection. Ray itself would wait
    minutes without a word."""
    target = address.removeprefix("ray://")
    if target in ("auto", "local"):
        return
    host, _, port_text = target.rpartition(":")
    host = host.strip("[]")
    what = f"the Ray cluster at {address}{variable}"
    if not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise RayUnavailableError(f"cannot join {what}: give HOST:PORT with a port from 1 to 65535, "
                                  f"e.g. 127.0.0.1:6379")
    port = int(port_text)
    found: list[Any] = []

    def look_up() -> None:
        with contextlib.suppress(OSError):
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))

    lookup = threading.Thread(target=look_up, daemon=True)
    lookup.start()
    lookup.join(CONNECT_SECONDS)
    if not found:
        raise RayUnavailableError(f"cannot join {what}: the name {host!r} does not resolve (looked it up "
                                  f"for {CONNECT_SECONDS:g} s)")
    tried = []
    for family, kind, proto, _, where in found:
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.settimeout(CONNECT_SECONDS)
                probe.connect(where)
            return
        except OSError as error:
            tried.append(f"{where[0]} port {where[1]}: {error.strerror or error}")
    said = "; ".join(dict.fromkeys(tried))
    raise RayUnavailableError(f"cannot join {what}: nothing answered (tried {said}); is the head started "
                              "(ray start --head)?")


# ---------------------------------------------------------------------------- the driver's side


def _shipped_name(path: Path) -> str:
    """Where ``path`` goes in the task's folder: its path in the project, or under ``_outside``."""
    path = Path(os.path.abspath(path))
    if path.is_relative_to(PROJECT_DIR):
        return path.relative_to(PROJECT_DIR).as_posix()
    return f"{_OUTSIDE}/{path.relative_to(path.anchor).as_posix()}"


def _unshipped(text: str) -> str:
    """A worker's log with its folder's names turned back into the driver's paths."""
    text = text.replace(f"{_TASK_DIR}/{_OUTSIDE}/", "/")
    return text.replace(f"{_TASK_DIR}/", f"{PROJECT_DIR}/")


def _versions() -> dict[str, str]:
    return {"manim": version("manim"), "manim-slides": version("manim-slides"),
            "python": ".".join(map(str, sys.version_info[:2]))}


def step_task(run: StepRun, flags: Sequence[str], example_file: Path, voice: bool) -> dict[str, Any]:
    """Everything a worker needs to render ``run``: see the module docstring."""
    # the example and the corpus as read once, whatever the step (loading the example checks that
    # the file it names exists); the stamp is made from these very bytes
    inputs = read_inputs(example_file)
    if run.example_file is not None:
        run.inputs = inputs
        run.fingerprint = fingerprint(run.step, example_file, run.stamp_flags, inputs)
    paths = {*project_imports(run.step.path), *project_imports(_LAUNCHER), PROJECT_DIR / "manim.cfg"}
    files = {_shipped_name(p): p.read_bytes() for p in sorted(paths) if p.is_file()}
    for path, data in [(example_file, inputs.example), *inputs.named.values()]:
        if data is not None:
            files[_shipped_name(path)] = data
    threads = settings().encoder_threads
    return {
        "protocol": PROTOCOL, "versions": _versions(), "files": files,
        "scene_file": _shipped_name(run.step.path), "scene": run.step.scene, "flags": list(flags),
        "example": _shipped_name(example_file), "voice": voice, "slides": run.slides_dir is not None,
        "sections": run.sections, "folder": run.video.parent.parent.name,
        "resolution": run.video.parent.name, "extension": run.video.suffix,
        "fingerprint": run.fingerprint,
        # as the local backend: one x264 thread unless the user chose (the pixels depend on it)
        "settings": {"speedups": settings().speedups, "encoder_threads": 1 if threads is None else threads,
                     "encoder_preset": settings().encoder_preset},
    }


def run_steps(runs: Sequence[StepRun], tasks: Callable[[StepRun], dict[str, Any]], progress: Progress,
              ready: int = 0, on_failure: Callable[[StepFailedError], None] | None = None,
              on_done: Callable[[StepRun], None] | None = None) -> int:
    """Render ``runs`` as Ray tasks (Ray must be initialised: :func:`cluster`), longest first;
    ``tasks(run)`` makes each one's task. The same contract as
    :func:`attention_explainer.render.jobs.run_steps`; returns the number of tasks sent."""
    ray = require_ray()
    remote = ray.remote(num_cpus=1, max_retries=RETRIES)(render_step)
    total = ready + len(runs)
    done = ready
    sent: dict[Any, tuple[StepRun, float]] = {}
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt) if in_main_thread else None
    try:
        for run in sorted(runs, key=lambda r: -r.estimate):
            removed = run.clean_after_interrupted_run()
            if removed:
                progress(f"  clean  {run.label}: removed {removed} files the last, unfinished "
                         "render of this step left behind")
            task = tasks(run)
            size = sum(len(data) for data in task["files"].values())
            sent[remote.remote(task)] = (run, time.monotonic())
            progress(f"  send   {run.label} ({run.step.scene}, {len(task['files'])} files, "
                     f"{size / 1024:.0f} KB)")
        heartbeat = time.monotonic() + _HEARTBEAT
        while sent:
            finished, _ = ray.wait(list(sent), num_returns=1, timeout=1.0)
            for ref in finished:
                run, at = sent.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayError as error:  # the task itself failed, or ran out of retries
                    result = {"ok": False, "returncode": None, "log": _short_ray_error(error)}
                failure = _receive(run, result)
                if failure is not None:
                    if on_failure is None:
                        raise failure
                    on_failure(failure)
                    continue
                done += 1
                progress(f"  done   {run.label} in {run.seconds:.1f} s on {result['host']} "
                         f"({time.monotonic() - at:.1f} s after sending)  [{done} of {total} steps ready]")
                if on_done is not None:
                    on_done(run)
            if sent and time.monotonic() >= heartbeat:
                heartbeat = time.monotonic() + _HEARTBEAT
                progress(f"  ...    {len(sent)} steps still with Ray: "
                         + ", ".join(run.label for run, _ in sent.values()))
    finally:
        for ref in sent:  # Ctrl-C, SIGTERM, or the first failure: nothing more is rendered
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_term)
    return len(runs)


def _short_ray_error(error: Exception) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return "\n".join(lines[-6:]) or type(error).__name__


def _receive(run: StepRun, result: dict[str, Any]) -> StepFailedError | None:
    """Write a task's outputs where the local backend would have, each file whole, and the
    step's stamp; or the step's failure, as the local backend words it."""
    run.log.parent.mkdir(parents=True, exist_ok=True)
    run.log.write_text(_unshipped(result.get("log", "")), encoding="utf-8")
    if not result.get("ok"):
        run.refusal.unlink(missing_ok=True)
        if result.get("refusal"):  # the scene's refusal, as the local backend reads it
            atomic.write_text(run.refusal, _unshipped(result["refusal"]))
        return StepFailedError(run, _failure_message(run, result.get("returncode")))
    bad = [name for name in [*result["outputs"], *result.get("slides", {})] if not _safe_name(name)]
    if bad:
        return StepFailedError(run, f"the Ray worker sent files named {', '.join(map(repr, bad[:3]))}: "
                                    "absolute or leading out of the step's folder; nothing was written")
    outputs = {run.video.parent / name: data for name, data in result["outputs"].items()}
    if run.slides_dir is not None:
        for name, data in result["slides"].items():
            if name.endswith(".json"):
                data = data.replace(_SLIDES.encode(), str(run.slides_dir).encode())
            outputs[run.slides_dir / name] = data
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing_all(sorted(outputs, key=lambda p: p == run.video)) as temporary:  # the video last
        for path, data in outputs.items():
            temporary[path].write_bytes(data)
        run.detach_outputs()  # the previous render's subtitles and clips, which may not come back
    run.seconds = float(result["seconds"])
    run.write_stamp()
    return None


def _safe_name(name: object) -> bool:
    """True for a relative file name that stays inside its folder (no ``..``, not absolute)."""
    if not isinstance(name, str) or not name or "\0" in name or "\\" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


# ---------------------------------------------------------------------------- the worker's side


def render_step(task: dict[str, Any]) -> dict[str, Any]:
    """Render one step from ``task`` (:func:`step_task`) in a temporary folder; its outputs as
    bytes, or ``ok`` false and the log."""
    host = socket.gethostname()
    if task.get("protocol") != PROTOCOL or task.get("versions") != _versions():
        return {"ok": False, "returncode": None, "host": host, "log": (
            f"the Ray worker on {host} has manim {_versions()} and task protocol {PROTOCOL}; the driver "
            f"sent {task.get('versions')} and {task.get('protocol')}: install both with scripts/setup.sh "
            "from the same commit")}
    with tempfile.TemporaryDirectory(prefix="attention-step-") as folder:
        root = Path(folder)
        for name, data in task["files"].items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        slides_dir = root / "slides"
        refusal = root / "refusal.json"
        values: dict[str, object] = {"render_parent": os.getpid(), "example": task["example"],
                                     "voice": task["voice"], **task["settings"], "slides": False,
                                     "refusal_file": refusal}
        if task["slides"]:
            values |= {"slides_dir": slides_dir}
        env = {**child_environment(**values), "PYTHONUNBUFFERED": "1"}
        scene = task["scene"]
        command = launcher_command(["render", *task["flags"], "--media_dir", str(root / "media"), "-o", scene,
                                    task["scene_file"], scene], slides=task["slides"])
        log = root / "step.log"
        started = time.monotonic()
        with log.open("wb") as out:
            code = subprocess.call(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        seconds = time.monotonic() - started
        text = log.read_text(errors="replace").replace(str(root), _TASK_DIR)
        videos = sorted((root / "media").glob(
            f"videos/*/{task['folder']}/{task['resolution']}/{scene}{task['extension']}"))
        if code != 0 or len(videos) != 1:
            return {"ok": False, "returncode": code, "host": host, "log": text,
                    "refusal": refusal.read_text(errors="replace").replace(str(root), _TASK_DIR)
                    if refusal.is_file() else None}
        video = videos[0]
        names = [video, video.with_suffix(".srt")]
        if task["sections"] and (video.parent / "sections").is_dir():
            names += [p for p in (video.parent / "sections").iterdir()
                      if p.name.startswith(f"{scene}_") or p.name == f"{scene}.json"]
        outputs = {p.relative_to(video.parent).as_posix(): p.read_bytes() for p in names if p.is_file()}
        slides = {}
        if task["slides"]:
            for path in [slides_dir / f"{scene}.json", *sorted((slides_dir / "files" / scene).glob("*"))]:
                if path.is_file():
                    data = path.read_bytes()
                    if path.suffix == ".json":
                        data = re.sub(re.escape(str(slides_dir)).encode(), _SLIDES.encode(), data)
                    slides[path.relative_to(slides_dir).as_posix()] = data
        return {"ok": True, "host": host, "seconds": seconds, "log": text, "outputs": outputs,
                "slides": slides}
