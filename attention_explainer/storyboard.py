"""The storyboard: the settled frame of every beat of every step, beside its narration, in seconds.

    attention-explainer storyboard [--example NAME] [--only STEP ...] [--jobs N] [--size W,H]

Each step's scene is built with its animations skipped (each ``play`` jumps to its end state)
and no video written, exactly as the key-frame tests build it (:func:`build_beats` is that one
implementation; ``tests/scene_harness.py`` calls it), and the frame at the end of every beat is
kept. Steps are built in separate processes, one per core. The result, in
``<media dir>/storyboard/<example>/``:

- ``NN-<module>/NN-end-of-<beat>.png``: the frames;
- ``storyboard.html`` (open it in a browser) and ``storyboard.pdf``: each frame beside its
  narration, the rate it is read at (characters a second over the beat's length, against
  ``style.READING_RATE``) and, under each step, the story checker's warnings for it (the
  claims of :func:`attention_content.story.story_claims` the example's numbers deny, as
  ``python -m attention_content.examples check`` prints them), and the accessibility check's
  (:mod:`attention_explainer.access_check`): under each frame, the smallest difference of the
  colours it must tell apart under each simulated colour-vision deficiency and its lowest
  contrast; under each step, its problems and its captions' timing problems; and beside each
  frame, each number its narration says and the frame does not print
  (:mod:`attention_explainer.narration_check`, as ``check --narration`` prints them).

The folder is written under a temporary name and replaces the previous one when complete.
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from attention_explainer import ONE_BLAS_THREAD  # one each in the worker processes
from attention_manim.beat_frames import BeatFrames, build_beats, slug

if TYPE_CHECKING:
    import numpy as np

    from attention_explainer.describe import FrameDescription, Table
    from scenes.base import ExplainerScene
    from scenes.story import Step

__all__ = ["BeatFrames", "StoryboardError", "StoryboardStep", "build_beats", "make_storyboard", "slug",
]

# The storyboard's frames: -ql's size (the key-frame tests build at 427x240).
DEFAULT_SIZE = (854, 480)
# The frames as the PDF takes them (JPEG), beside the PNGs while the storyboard is made.
PDF_IMAGES = ".pdf-images"
# A live page's build id (storyboard --watch), read by the page every second.
STAMP = "stamp.js"
# The lesson as text (attention_explainer.transcript), beside the page.
TRANSCRIPT_HTML, TRANSCRIPT_TEXT = "transcript.html", "transcript.txt"


class StoryboardError(RuntimeError):
    """The storyboard could not be made; the message says why (one line or a few)."""


# ----------------------------------------------------------------------------- one step


@dataclass(frozen=True)
class StoryboardBeat:
    """One beat as the storyboard shows it."""

    name: str
    narration: str
    seconds: float
    frame: str  # the PNG, relative to the storyboard folder
    access: str = ""  # the accessibility check's measures of the frame, one line
    alt: str = ""  # the frame in words (attention_explainer.describe), for the transcript
    tables: tuple[Table, ...] = ()  # its matrices and bars as tables
    unseen: tuple[str, ...] = ()  # the narration lint's warnings: numbers it says and does not print

    @property
    def rate(self) -> float:
        """Characters a second the narration is read at over the beat."""
        return len(self.narration) / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class StoryboardStep:
    """One step's beats, how long building it took, and the story's warnings about it."""

    number: int
    module: str
    title: str
    beats: tuple[StoryboardBeat, ...]
    build_seconds: float
    warnings: tuple[str, ...] = ()
    cpu_seconds: float = 0.0  # processor time of the build (its process), beside the wall time
    access: tuple[str, ...] = ()  # the accessibility check's problems (frames and captions)


def _save_frame(frame: np.ndarray, folder: str, relative: str, key: str) -> None:
    """A frame's PNG, ``<folder>/<relative>/<key>.png``, and the PDF's copy of it (a JPEG goes
    into a PDF as it is: a PNG is decoded and compressed again, in the one process that writes
    the PDF after every step is built)."""
    from PIL import Image

    picture = Image.fromarray(frame)
    picture.save(Path(folder) / relative / f"{key}.png")
    jpegs = Path(folder) / PDF_IMAGES / relative
    jpegs.mkdir(parents=True, exist_ok=True)
    picture.save(jpegs / f"{key}.jpg", quality=92)


def _build_step(number: int, step: Step, example_path: str, folder: str, size: tuple[int, int],
                save: Callable[[np.ndarray, str, str, str], None] = _save_frame) -> StoryboardStep:
    """Build one step (here or in a worker process): its beats; each frame given to ``save``
    (``save(frame, folder, relative, key)``) as it is taken."""
    import importlib.util
    import sys

    from attention_content.examples import load_example
    from attention_explainer.access_check import BeatAccess, caption_problems, measurer, scene_cues
    from attention_explainer.describe import describe_frame
    from attention_explainer.narration_check import screen_texts, unseen_in_step

    start, cpu = time.perf_counter(), time.process_time()
    example = load_example(example_path)
    if step.source is not None:  # a test's story of tiny scenes
        spec = importlib.util.spec_from_file_location(step.module, step.source)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[step.module] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    else:
        module = importlib.import_module(f"scenes.{step.module}")
    scene_class = getattr(module, step.scene)
    relative = f"{number:02d}-{step.module}"
    out = Path(folder) / relative
    out.mkdir(parents=True, exist_ok=True)
    measured: list[BeatAccess] = []
    described: dict[str, FrameDescription] = {}
    texts: dict[str, list[str]] = {}
    measure = measurer(measured)

    def at_beat_end(scene: ExplainerScene, key: str) -> None:
        measure(scene, key)
        described[key] = describe_frame([*scene.mobjects, *scene.foreground_mobjects])
        texts[key] = screen_texts(scene.mobjects)

    with tempfile.TemporaryDirectory(prefix="storyboard-") as work:
        built = build_beats(scene_class, example, Path(work), size, storyboard=True,
                            at_frame=lambda key, frame: save(frame, folder, relative, key),
                            at_beat_end=at_beat_end)
    access = {a.beat: a for a in measured}
    unseen: dict[str, list[str]] = {}
    for u in unseen_in_step(step.module, texts, built.scene.beats):
        if not u.allowed:
            unseen.setdefault(u.key, []).append(u.warning)
    beats, keys, found = list(built.scene.beats), list(built.frames), []
    # The frames are taken at each beat's end, one per beat (the first only once something is
    # drawn): pair them with the beats from the last backwards.
    for (name, narration, begin, end), key in zip(reversed(beats), reversed(keys), strict=False):
        description = described.get(key)
        found.append(StoryboardBeat(name, narration, end - begin, f"{relative}/{key}.png",
                                    access[key].summary(),
                                    description.alt if description else "",
                                    description.tables if description else (),
                                    tuple(unseen.get(key, ()))))
    problems = [p for a in access.values() for p in a.problems()] + caption_problems(scene_cues(built.scene))
    return StoryboardStep(number, step.module, step.title, tuple(reversed(found)),
                          time.perf_counter() - start, cpu_seconds=time.process_time() - cpu,
                          access=tuple(problems))


# ----------------------------------------------------------------------------- the whole


def make_storyboard(example_name: str, only: Sequence[str], media_dir: Path, *, jobs: int | None = None,
                    size: tuple[int, int] = DEFAULT_SIZE, story: Sequence[Step] | None = None,
                    log: Callable[[str], None] = print, live_reload: bool = False) -> Path:
    """Build the storyboard of ``only`` (all steps when empty) for ``example_name`` under
    ``media_dir/storyboard/<example>/``; return that folder. A :class:`StoryboardError` with
    a readable message for a bad example or step name, or a scene that fails to build.

    ``live_reload`` (``storyboard --watch``): the page reloads itself once a newer storyboard
    replaces this one (it reads the build's id from ``stamp.js`` every second, see :func:`_html`)."""
    from attention_content.example_types import ExampleError
    from attention_content.examples import load_example, output_name, resolve_example
    from attention_content.knobs import knob_warnings
    from attention_content.story import story_claims
    from attention_explainer.beats import beat_names
    from scenes.story import STORY, find_step

    story = tuple(STORY if story is None else story)
    try:
        example = load_example(example_name, beat_names())
        name = output_name(resolve_example(example_name))
    except ExampleError as error:
        raise StoryboardError(str(error)) from None
    try:
        chosen = [find_step(n, story) for n in only] if only else list(story)
    except KeyError as error:
        raise StoryboardError(error.args[0]) from None
    numbered = [(story.index(step) + 1, step) for step in dict.fromkeys(chosen)]
    warnings: dict[str, list[str]] = {}
    for claim in story_claims(example):
        if not claim.holds or claim.printed_tie:
            warnings.setdefault(claim.step, []).append(claim.tie_warning if claim.holds else claim.warning)
    for line in knob_warnings(example):  # beside the chapter the knob changes
        step = "softmax_normalize" if "knobs.temperature" in line else "gravity_pull"
        warnings.setdefault(step, []).append(line)
    from attention_explainer.lints import lint_warnings

    for line in lint_warnings(example):  # "warning: <step>, sentence 1: ...": beside its chapter
        warnings.setdefault(line.split(":")[1].split(",")[0].strip(), []).append(line)
    try:
        from attention_content.corpus import training_plan

        plan_warning = training_plan(example).warning(example)
    except ExampleError as error:
        plan_warning = f"warning: corpus: {error}"
    if plan_warning:
        warnings.setdefault("training", []).append(plan_warning)

    target = media_dir / "storyboard" / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_left_behind(target.parent, name)
        partial = Path(tempfile.mkdtemp(prefix=f".{name}-partial-{os.getpid()}-", dir=target.parent))
    except OSError as error:
        raise StoryboardError(_write_problem(error, target.parent)) from None
    start = time.perf_counter()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(numbered)))
    # steps built here (one step, or --jobs 1) on a machine of two cores or more: the frames
    # are written and the PDF made in a helper process, on the other core, while they build
    writer = _Writer(helper=workers == 1 and (os.cpu_count() or 1) >= 2)
    try:
        # the longest steps first, so that two workers finish together
        order = sorted(numbered, key=lambda item: -item[1].typical_seconds)
        steps: list[StoryboardStep] = []
        for step, outcome in _run_steps(order, str(example.path), partial, size, workers, writer=writer):
            if isinstance(outcome, OSError) and outcome.filename and str(partial) in str(outcome.filename):
                raise StoryboardError(_write_problem(outcome, target.parent))
            if isinstance(outcome, BaseException):
                detail = f"{type(outcome).__name__}: {outcome}" if not isinstance(outcome, SystemExit) \
                    else "see the message above"
                raise StoryboardError(f"{step.module}: the scene did not build ({detail})")
            steps.append(outcome)
        steps = sorted((replace(s, warnings=tuple(warnings.get(s.module, ()))) for s in steps),
                       key=lambda s: s.number)
        title = f"{example.title} ({name})"
        from scenes import style  # manim's colours: read here (the PDF's helper has no manim)

        build = f"{time.time_ns():x}-{os.getpid()}" if live_reload else None
        page = _html(title, steps, style.READING_RATE, build)
        (partial / "storyboard.html").write_text(page, encoding="utf-8")
        if build is not None:
            (partial / STAMP).write_text(f"window.storyboardBuild = {build!r};\n", encoding="utf-8")
        try:
            writer.pdf(title, steps, partial, partial / "storyboard.pdf", style.READING_RATE)
        except Exception as error:  # fpdf2, fonts, Pillow (or a frame that could not be written)
            raise StoryboardError(f"writing storyboard.pdf failed: {type(error).__name__}: {error}") from None
        from attention_explainer.transcript import write_transcript

        # after the PDF: a frame written by the helper process is whole only once writer.pdf returns
        write_transcript(steps, partial, partial / TRANSCRIPT_HTML, partial / TRANSCRIPT_TEXT, example.title)
        shutil.rmtree(partial / PDF_IMAGES, ignore_errors=True)
        if target.exists():
            old = target.with_name(f".{name}-old-{os.getpid()}")
            os.replace(target, old)
            os.replace(partial, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(partial, target)
    except OSError as error:  # a full disk, a folder made read-only meanwhile
        raise StoryboardError(_write_problem(error, target.parent)) from None
    finally:
        writer.close()
        shutil.rmtree(partial, ignore_errors=True)
    beats = sum(len(s.beats) for s in steps)
    log(f"storyboard: {len(steps)} step(s), {beats} beats in {time.perf_counter() - start:.1f} s "
        f"({workers} process(es); the steps took {sum(s.cpu_seconds for s in steps):.1f} s of processor "
        f"time: " + ", ".join(f"{s.module} {s.cpu_seconds:.1f}" for s in steps) + f"): "
        f"{target / 'storyboard.html'}")
    return target


def _write_problem(error: OSError, folder: Path) -> str:
    """``error``, met writing the storyboard in ``folder``, in one line naming the folder."""
    import errno

    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return f"cannot write the storyboard in {folder}: a file is in the way (it, or a folder above it)"
    what = {errno.ENOSPC: "no space left on the disk", errno.EROFS: "the disk is read-only",
            errno.EACCES: "permission denied"}.get(error.errno or 0, error.strerror or str(error))
    file = f" (writing {error.filename})" if error.filename and str(error.filename) != str(folder) else ""
    return f"cannot write the storyboard in {folder}: {what}{file}; the previous storyboard is untouched"


def _remove_left_behind(folder: Path, name: str) -> None:
    """The partial and old folders of storyboards of ``name`` killed before they ended (their
    process is gone; a running one's stay)."""
    for path in folder.glob(f".{name}-*"):
        kind, _, rest = path.name.removeprefix(f".{name}-").partition("-")
        pid = rest.split("-")[0]
        if kind not in ("partial", "old") or not path.is_dir():
            continue
        if pid.isdigit() and Path(f"/proc/{pid}").exists() and int(pid) != os.getpid():
            continue  # another storyboard at work (an older version's folders have no id: removed)
        shutil.rmtree(path, ignore_errors=True)


class _Writer:
    """Writes the frames of the steps built in this process and makes the PDF: here, or in a
    ``helper`` process (on another core: writing the frames, importing fpdf2 and making the PDF
    then happen while this one builds the scene). Frames built in worker processes are
    written by those; meanwhile fpdf2 is imported here, in a thread (this process only waits)."""

    def __init__(self, helper: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._warming: threading.Thread | None = None
        if helper:
            # forked now, before manim is imported here: nothing to import again (spawn and
            # forkserver run the caller's main module again in the child), started at once
            self._pool = ProcessPoolExecutor(1, mp_context=get_context("fork"), initializer=_no_interrupts)
            self._pending.append(self._pool.submit(_warm_pdf))

    def save(self, frame: np.ndarray, folder: str, relative: str, key: str) -> None:
        if self._pool is None:
            _save_frame(frame, folder, relative, key)
        else:
            self._pending.append(self._pool.submit(_save_frame, frame, folder, relative, key))

    def warm(self) -> None:
        """Import fpdf2 in a thread here (steps built by worker processes: this one waits)."""
        if self._pool is None and self._warming is None:
            self._warming = threading.Thread(target=_warm_pdf, daemon=True)
            self._warming.start()

    def pdf(self, title: str, steps: Sequence[StoryboardStep], folder: Path, target: Path,
            reading_rate: float) -> None:
        """The PDF, once every frame is written (a frame's error is raised here)."""
        if self._warming is not None:
            self._warming.join()
        if self._pool is None:
            _pdf(title, steps, folder, target, reading_rate)
            return
        for pending in self._pending:
            pending.result()
        self._pool.submit(_pdf, title, steps, folder, target, reading_rate).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _warm_pdf() -> None:
    """What making the PDF imports (fpdf2 and its fontTools, slow to import)."""
    import fontTools.subset  # noqa: F401
    import fpdf  # noqa: F401

    import attention_explainer.pdf_fonts  # noqa: F401


def _run_steps(order: Sequence[tuple[int, Step]], example_path: str, folder: Path, size: tuple[int, int],
               workers: int, *, writer: _Writer | None = None
               ) -> list[tuple[Step, StoryboardStep | BaseException]]:
    """Build each step, in ``workers`` processes (here when one, its frames given to
    ``writer``); each step's result or error."""
    results: list[tuple[Step, StoryboardStep | BaseException]] = []
    if workers == 1:
        save = writer.save if writer is not None else _save_frame
        for number, step in order:
            try:
                results.append((step, _build_step(number, step, example_path, str(folder), size, save)))
            except (Exception, SystemExit) as error:  # a scene's own bug: named, no traceback
                results.append((step, error))
        return results
    if "manim" in sys.modules:
        # manim imported here already (storyboard --watch: its warm build process): the workers
        # are forked from this process, with manim, the scenes and their memos as they are. Not
        # yet shown faster than a forkserver (docs/performance.md: within the noise on a busy
        # machine, with one BLAS thread here or two; the forked workers keep this process's
        # second BLAS thread, as ONE_BLAS_THREAD is read when numpy loads)
        context = get_context("fork")
    else:
        context = get_context("forkserver")
        # manim and the scenes' base imported once, in the server the workers are forked from,
        # not in every worker
        context.set_forkserver_preload(["attention_explainer.forkserver_guard", "manim", "scenes.base",
                                        "attention_explainer.storyboard"])
    # One BLAS thread a worker (the server reads the environment as it starts): OpenBLAS starts
    # a thread per core in each process, and the workers' threads spin against each other (two
    # workers with them cost more processor time than one process). A variable the user set
    # stays as set.
    from attention_manim.settings import children_see

    with children_see(**dict.fromkeys(ONE_BLAS_THREAD, "1")), \
            ProcessPoolExecutor(workers, mp_context=context, initializer=_no_interrupts) as pool:
        try:
            futures = [(step, pool.submit(_build_step, number, step, example_path, str(folder), size))
                       for number, step in order]
            if writer is not None:
                writer.warm()
            for step, future in futures:
                try:
                    results.append((step, future.result()))
                except (Exception, SystemExit) as error:
                    results.append((step, error))
        except KeyboardInterrupt:
            # Ctrl-C, SIGTERM, SIGHUP: the steps not started are dropped, the running ones are
            # killed before the partial folder they write into is removed
            for process in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


def _no_interrupts() -> None:
    """A worker or helper process leaves Ctrl-C to the process that started it (which then
    shuts it down): no traceback of its own; and dies with that process, however it ends."""
    from attention_explainer.lifetime import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _rate_text(beat: StoryboardBeat, reading_rate: float) -> str:
    """The beat's length and the rate its narration is read at, flagged above ``reading_rate``
    (``style.READING_RATE``, passed in: importing scenes.style imports manim, slow in the
    process that makes the PDF)."""
    if not beat.narration:
        return f"{beat.seconds:.1f} s, no narration"
    fast = " (too fast)" if beat.rate > reading_rate + 0.01 else ""
    return f"{beat.seconds:.1f} s, read at {beat.rate:.1f} characters/s{fast}"


def _html(title: str, steps: Sequence[StoryboardStep], reading_rate: float, build: str | None = None) -> str:
    """The page. With a ``build`` id (``storyboard --watch``) it loads ``stamp.js`` every second
    (a page opened from a file may load scripts, not fetch) and reloads itself when the id
    there is another: a newer storyboard replaced this one."""
    e = html.escape
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>Storyboard: {e(title)}</title>",
             "<style>body{font-family:Inter,sans-serif;margin:2em;background:#fafafa}"
             "table{border-collapse:collapse}"
             "td{vertical-align:top;padding:6px 12px;border-top:1px solid #ddd}"
             "img{width:427px;display:block}.rate{color:#666;font-size:90%}.fast{color:#b00}"
             ".warn{color:#a60;background:#fff4e0;padding:4px 8px}</style>",
             f"<h1>Storyboard: {e(title)}</h1>"]
    if build is not None:
        parts.append(f"<script>var build = {build!r}; setInterval(function () {{"
                     "var s = document.createElement('script'); s.src = 'stamp.js?' + Date.now();"
                     "s.onload = s.onerror = function () {s.remove();"
                     "if (window.storyboardBuild && window.storyboardBuild !== build) location.reload();};"
                     "document.head.appendChild(s);}, 1000);</script>")
    for step in steps:
        parts.append(f"<h2 id={e(step.module)}>{step.number}. {e(step.title)} "
                     f"<small>({e(step.module)}, built in {step.build_seconds:.1f} s)</small></h2>")
        parts += [f"<p class=warn>{e(w)}</p>" for w in step.warnings]
        parts += [f"<p class=warn>accessibility: {e(w)}</p>" for w in step.access]
        parts.append("<table>")
        for beat in step.beats:
            rate = _rate_text(beat, reading_rate)
            cls = "rate fast" if "too fast" in rate else "rate"
            parts.append(f"<tr><td><img src=\"{e(beat.frame)}\" alt=\"{e(beat.name)}\"></td>"
                         f"<td><b>{e(beat.name)}</b><p>{e(beat.narration)}</p>"
                         f"<p class=\"{cls}\">{e(rate)}</p>"
                         + (f"<p class=rate>{e(beat.access)}</p>" if beat.access else "")
                         + "".join(f"<p class=warn>{e(w)}</p>" for w in beat.unseen) + "</td></tr>")
        parts.append("</table>")
    parts.append("</html>\n")
    return "\n".join(parts)


def _pdf(title: str, steps: Sequence[StoryboardStep], folder: Path, target: Path,
         reading_rate: float) -> None:
    """A page per beat: the frame on the left, its step, beat, narration and rate on the right."""
    import logging

    from attention_explainer.pdf_fonts import choose_font

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its font subsetting talks at INFO
    text = title + "".join(s.title + "".join(s.warnings) + "".join(b.narration + "".join(b.unseen)
                                                                   for b in s.beats)
                           for s in steps)
    font = choose_font(text)
    pdf = font.new_pdf()
    pdf.set_title(f"Storyboard: {title}")
    pdf.set_creator("attention-explainer")
    page_w, page_h, margin = 960.0, 300.0, 18.0
    image_w = 480.0
    text_x = image_w + 2 * margin
    text_w = page_w - text_x - margin
    for step in steps:
        for index, beat in enumerate(step.beats):
            pdf.add_page(format=(page_w, page_h))
            if index == 0:
                pdf.start_section(f"{step.number}. {step.title}")
            image = folder / PDF_IMAGES / Path(beat.frame).with_suffix(".jpg")
            pdf.image(str(image if image.exists() else folder / beat.frame), x=margin, y=margin, w=image_w)
            pdf.set_xy(text_x, margin)
            pdf.set_font(font.family, size=9)
            pdf.set_text_color(110, 110, 110)
            pdf.multi_cell(text_w, 12, font.clean(f"{step.number}. {step.title}: {beat.name}"),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(text_x)
            pdf.set_font(font.family, size=12)
            pdf.set_text_color(0, 0, 0)
            pdf.multi_cell(text_w, 16, font.clean(beat.narration or "(no narration)"),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(text_x)
            pdf.set_font(font.family, size=9)
            pdf.set_text_color(110, 110, 110)
            pdf.multi_cell(text_w, 12, font.clean(_rate_text(beat, reading_rate)), new_x="LMARGIN",
                           new_y="NEXT")
            if beat.access:
                pdf.set_x(text_x)
                pdf.multi_cell(text_w, 12, font.clean(beat.access), new_x="LMARGIN", new_y="NEXT")
            if beat.unseen:
                pdf.set_text_color(170, 100, 0)
                for warning in beat.unseen:
                    pdf.set_x(text_x)
                    pdf.multi_cell(text_w, 11, font.clean(warning), new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(110, 110, 110)
            if index == 0 and (step.warnings or step.access):
                pdf.set_text_color(170, 100, 0)
                for warning in (*step.warnings, *(f"accessibility: {a}" for a in step.access)):
                    pdf.set_x(text_x)
                    pdf.multi_cell(text_w, 11, font.clean(warning), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(target))
