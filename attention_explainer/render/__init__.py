"""The render pipeline: the full explainer video and the lecture pack, from the story's steps.

:func:`render` with :class:`RenderOptions` is what ``attention-explainer render`` runs (the
command line, :mod:`attention_explainer.cli`, only parses options into them); beside it in this
package: :mod:`~attention_explainer.render.options` (the options and result),
:mod:`~attention_explainer.render.backends` (where steps run: local processes or Ray),
:mod:`~attention_explainer.render.jobs` (the manim processes and each step's stamp),
:mod:`~attention_explainer.render.assembly` (the outputs written from the step videos),
:mod:`~attention_explainer.render.join` (joining videos, subtitles, chapters),
:mod:`~attention_explainer.render.pack` (the slide deck) and
:mod:`~attention_explainer.render.gallery` (the README's stills). It imports no scene: each
step's scene runs in its own manim process (:mod:`attention_explainer.launcher`).

    attention-explainer render [--example NAME] [--quality l|m|h|p|k] [--jobs N]
                               [--only STEP ...] [--transparent] [--format mp4|mov|webm|gif]
                               [--save-sections] [--slides] [--voice] [--pace normal|slow]
                               [--burn-captions]
    attention-explainer steps
    attention-explainer gallery [--example NAME] [--variant 1080p60]

``render`` renders every step of the story (``scenes/story.py``) for one example, one
manim process per step and ``--jobs`` of them at once (default: one per core), then joins
the step videos in story order into one video without re-encoding, with a chapter per
step. Beside it, in ``<media>/explainer/<example>/<quality>/``:

- ``attention-explainer-<example>.mp4`` and ``.srt`` (every beat's narration, shifted to
  its time in the full video);
- ``….chapters.json`` (title, start, end per step) and ``….chapters.txt`` (``0:00 Title``
  lines for a video description);
- ``stills/NN-<step>.png`` (each step's key frame), ``steps/NN-<step>.mp4`` and ``.srt``;
- with ``--save-sections``: ``sections/NN-<step>/`` (one clip per beat);
- with ``--slides``: ``….slides.html``, ``.pdf`` and ``.pptx`` (one slide per beat);
- with ``--burn-captions`` (in ``<variant>-captions/``): the captions drawn into a band under
  the scaled picture (:mod:`~attention_explainer.render.burn`);
- with ``--voice`` (in ``<variant>-voice/``): every beat spoken (:mod:`attention_manim.voice`),
  one AAC track in the video and the step clips, and ``….narration.m4a``.

Every file is written under a temporary name and renamed when complete, so a failed or
killed run leaves the previous good video in place. Steps whose inputs did not change are
not rendered again.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from attention_content.example_types import ExampleError
from attention_content.examples import load_example, resolve_example
from attention_explainer.render import join
from attention_explainer.render.assembly import write_outputs
from attention_explainer.render.backends import LocalBackend
from attention_explainer.render.jobs import (
    Progress,
    StepFailedError,
    StepRun,
    fingerprint,
    launcher_command,
)
from attention_explainer.render.lesson_text import write_transcript
from attention_explainer.render.options import (
    FORMATS,
    MAX_FPS,
    QUALITIES,
    RenderError,
    RenderOptions,
    RenderResult,
    default_jobs,
)
from attention_manim import atomic, contract, voice
from attention_manim.settings import PACES, environment, settings
from scenes.story import STORY, Step, find_step

__all__ = ["FORMATS", "QUALITIES", "RenderError", "RenderOptions", "RenderPlan", "RenderResult", "assemble",
           "default_jobs", "lock", "plan_render", "plan_runs", "render", "step_failure"]

def render(options: RenderOptions, story: Sequence[Step] = STORY,
           progress: Progress | None = None) -> RenderResult:
    """Render ``story`` for ``options.example``; see the module docstring."""
    say = progress or _print
    plan = plan_render(options, story, say)
    with lock(options.media_dir / "render"):
        plan_runs(plan, story, say)
        try:
            LocalBackend(plan.jobs).run_steps(plan.to_render, say, ready=len(plan.runs) - len(plan.to_render))
        except StepFailedError as failure:
            raise step_failure(plan, failure) from None
        except OSError as error:  # the steps' media folders
            raise RenderError(f"{_write_problem(error, options.media_dir / 'render')}\n"
                              f"Nothing was replaced in {plan.out_dir}.") from None
        result = assemble(plan, say)
    result.seconds = time.monotonic() - plan.started
    _summary(result, say)
    return result


@dataclass
class RenderPlan:
    """One example's render before it runs: its outputs' folder and name, and its steps
    (:attr:`to_render` are those whose stamps do not match)."""

    options: RenderOptions
    example_file: Path
    example_name: str
    steps: list[Step]
    skipped: list[Step]
    out_dir: Path
    stem: str
    jobs: int
    started: float
    runs: list[StepRun] = field(default_factory=list)
    to_render: list[StepRun] = field(default_factory=list)
    story: tuple[Step, ...] = ()


def plan_render(options: RenderOptions, story: Sequence[Step], say: Progress) -> RenderPlan:
    """Check the options and the example, choose the steps; a :class:`RenderError` if any is
    bad. Nothing is written but a probe of the media folder."""
    started = time.monotonic()
    _check_options(options)
    example_file, example_name = _load_example(options.example)
    steps, skipped = _choose_steps(options, story, say)
    out_dir = options.media_dir / "explainer" / example_name / options.variant
    stem = f"attention-explainer-{example_name}"
    if options.only:
        stem += "-" + "+".join(step.module for step in steps)
    jobs = max(1, options.jobs)
    say(f"attention-explainer: {example_name} at {options.variant}, {len(steps)} of {len(story)} "
        f"steps, {jobs} job{'s' if jobs > 1 else ''}")
    for step in skipped:
        say(f"  skip   {list(story).index(step) + 1}/{len(story)} {step.module}: "
            f"{_relative(step.path)} does not exist yet")
    _usable_folder(options.media_dir, "--media-dir")
    return RenderPlan(options, example_file, example_name, steps, skipped, out_dir, stem, jobs, started,
                      story=tuple(story))


def plan_runs(plan: RenderPlan, story: Sequence[Step], say: Progress) -> None:
    """Each step's run, and which of them must render (the media folder's lock held)."""
    options = plan.options
    plan.runs = [_plan(options, story, step, plan.example_file, plan.example_name) for step in plan.steps]
    plan.to_render = []
    for run in plan.runs:
        if not options.force and run.up_to_date():
            run.cached = True
            say(f"  cached {run.label} ({run.step.scene})")
        else:
            run.estimate = run.last_seconds() or run.step.typical_seconds
            plan.to_render.append(run)


def step_failure(plan: RenderPlan, failure: StepFailedError) -> RenderError:
    """The error a failed step makes of the render: what it said, and that nothing was replaced."""
    note = _space_note(failure.run.work_dir, str(failure))
    return RenderError(f"{failure}{note}\nNothing was replaced in {plan.out_dir}.")


def assemble(plan: RenderPlan, say: Progress) -> RenderResult:
    """Join the rendered steps into the outputs (the media folder's lock held)."""
    try:
        plan.out_dir.mkdir(parents=True, exist_ok=True)
        atomic.remove_partials(plan.out_dir)
        result = write_outputs(plan.options, plan.runs, plan.out_dir, plan.stem, plan.example_name, say)
        if plan.options.transcript and plan.options.format != "gif":
            from attention_explainer.storyboard import StoryboardError

            try:
                result.files |= write_transcript(plan, say)
            except StoryboardError as error:  # the video and the pack are made: say it, go on
                say(f"  note: the transcript could not be made: {error}")
    except OSError as error:  # a full disk or a read-only folder while joining or packing
        raise RenderError(f"{_write_problem(error, plan.out_dir)}\nEvery file there is the previous one "
                          "or a finished new one: none is half-written.") from None
    result.skipped = plan.skipped
    return result


def _print(line: str) -> None:
    print(line, flush=True)


# Below this much free space, a step that failed is taken to have failed for want of it: manim
# may die without a word when its disk fills (exit -11, an empty log), and the partial movie
# files it leaves keep the disk full.
LOW_SPACE = 16 * 2**20


def _usable_folder(folder: Path, what: str) -> None:
    """Make ``folder`` if needed and check that a file can be written in it; a RenderError
    saying why not (a file in the way, read-only, full)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except (FileExistsError, NotADirectoryError):
        raise RenderError(f"{what} {folder}: a file is in the way (it, or a folder above it, is a "
                          "file, not a folder)") from None
    except OSError as error:
        raise RenderError(f"{what}: {_write_problem(error, folder)}") from None


def _write_problem(error: OSError, folder: Path) -> str:
    """``error``, met writing in ``folder``, in words: the folder, the file, free space."""
    file = f" (writing {error.filename})" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"No space left on device in {folder}{file}: {_free(folder)} free"
    return f"cannot write in {folder}: {error.strerror or error}{file}"


def _free(folder: Path) -> str:
    """The free space on ``folder``'s disk, e.g. ``1.2 MB``."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return _size(shutil.disk_usage(folder).free)
    except OSError:
        return "unknown space"


def _size(size: int) -> str:
    """``size`` bytes, readable: ``12 KB``, ``1.2 MB``, ``3.4 GB``."""
    if size < 2**20:
        return f"{size / 2**10:.0f} KB"
    return f"{size / 2**20:.1f} MB" if size < 2**30 else f"{size / 2**30:.1f} GB"


def _space_note(folder: Path, said: str) -> str:
    """A line saying the disk is full when a failed step's ``folder`` has (nearly) no space
    left or manim said so; else nothing."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    if free >= LOW_SPACE and "No space left on device" not in said and "Errno 28" not in said:
        return ""
    used = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return (f"\nNo space left on device in {folder}: {_free(folder)} free; this step's media folder "
            f"holds {_size(used)} now")


def _check_options(options: RenderOptions) -> None:
    if options.quality not in QUALITIES:
        raise RenderError(f"--quality must be one of {', '.join(QUALITIES)}, not {options.quality!r}")
    if options.format not in FORMATS:
        raise RenderError(f"--format must be one of {', '.join(FORMATS)}, not {options.format!r}")
    if options.slides and (options.transparent or options.format != "mp4"):
        raise RenderError("--slides needs plain mp4 video: drop --transparent and --format")
    if options.voice:
        if options.format in ("gif", "webm"):
            raise RenderError(f"--voice needs mp4 or mov video: a {options.format} gets no sound track")
        try:
            voice.require_voice()
        except voice.VoiceUnavailableError as error:
            raise RenderError(str(error)) from None
    if options.burn_captions and (options.transparent or options.format not in ("mp4", "mov")):
        raise RenderError("--burn-captions needs an opaque mp4 or mov: drop --transparent and --format")
    if options.pace not in PACES:
        raise RenderError(f"--pace must be one of {', '.join(PACES)}, not {options.pace!r}")
    if options.fps is not None and not (math.isfinite(options.fps) and 1 <= options.fps <= MAX_FPS):
        raise RenderError(f"--fps must be a number of frames a second from 1 to {MAX_FPS:g}, "
                          f"got {options.fps:g}")


def _load_example(name: str) -> tuple[Path, str]:
    """The example's file and name, after checking the whole file (a clean error if bad)."""
    try:
        path = resolve_example(name)
        example = load_example(path)
    except ExampleError as error:
        raise RenderError(f"cannot use example {name!r}:\n{error}") from None
    return path, example.name


def _choose_steps(options: RenderOptions, story: Sequence[Step], say: Progress
                  ) -> tuple[list[Step], list[Step]]:
    if options.only:
        try:
            chosen = {find_step(name, tuple(story)) for name in options.only}
        except KeyError as error:
            raise RenderError(str(error.args[0])) from None
        steps = [step for step in story if step in chosen]
        missing = [step for step in steps if not step.path.exists()]
        if missing:
            raise RenderError("no scene module for: " + ", ".join(str(s.path) for s in missing))
        return steps, []
    steps, skipped = [], []
    for number, step in enumerate(story, start=1):
        if step.path.exists():
            steps.append(step)
            continue
        if options.strict:
            raise RenderError(f"step {number} {step.spec}: {step.path} does not exist")
        skipped.append(step)
    if not steps:
        raise RenderError("none of the story's scene modules exists yet")
    return steps, skipped


def _plan(options: RenderOptions, story: Sequence[Step], step: Step, example_file: Path,
          example_name: str) -> StepRun:
    work_dir = options.media_dir / "render" / step.module
    _, height, fps = options.size
    # where the scene's manim process writes it (the contract's rule; manim's quality folder)
    folder = contract.video_dir(str(work_dir), example_name, step.path.stem, f"{height}p{fps:g}",
                                voice=options.voice, pace=options.pace)
    video = Path(folder) / f"{step.scene}{options.extension}"
    flags = options.manim_flags()
    # the launcher chooses the scene's class (--slides: its slide variant), not the user's
    # ATTENTION_SLIDES (which is for the manim command line)
    env = environment(example=example_file, voice=options.voice, pace=options.pace, slides=False)
    slides_dir = None
    if options.slides:
        slides_dir = options.media_dir / "render" / "slides" / example_name / options.variant
        env |= environment(slides_dir=slides_dir)
    # x264's preset changes the video's bytes; a spoken step depends on the voice's settings too
    stamped = [*flags, f"x264 preset {settings().encoder_preset}", f"pace {options.pace}"]
    if options.voice:
        stamped.append(voice.voice_stamp(voice.voice_settings(options.pace)))
    command = launcher_command(["render", *flags, "--media_dir", str(work_dir), "-o", step.scene,
                                str(step.path), step.scene], slides=options.slides)
    return StepRun(
        number=list(story).index(step) + 1, total=len(story), step=step, work_dir=work_dir,
        video=video, slides_dir=slides_dir, command=command, env=env,
        fingerprint=fingerprint(step, example_file, stamped),
        log=work_dir / "logs" / f"{example_name}-{options.variant}.log",
        sections=options.save_sections, example_file=example_file, stamp_flags=tuple(stamped),
    )


def lock(folder: Path) -> AbstractContextManager[None]:
    """One render at a time per media folder (steps share Tex caches across examples)."""
    return atomic.locked(folder, lambda: _print(f"attention-explainer: another render is using {folder}; "
                                               "waiting for it"))


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _summary(result: RenderResult, say: Progress) -> None:
    rendered = [r for r in result.runs if not r.cached]
    say(f"attention-explainer: done in {result.seconds:.1f} s ({len(rendered)} rendered, "
        f"{len(result.runs) - len(rendered)} unchanged)")
    if result.chapters:
        total = result.chapters[-1].end
        say(f"  {len(result.chapters)} chapters, {join.timestamp(total)} ({total:.1f} s):")
        for chapter in result.chapters:
            say(f"    {join.timestamp(chapter.start):>7}  {chapter.title}")
    if result.skipped:
        say(f"  not in this video (no module yet): {', '.join(s.module for s in result.skipped)}")
    say(f"  output folder: {_relative(result.out_dir)}")
    for label, path in result.files.items():
        if not label.startswith("still "):
            say(f"    {label:<14} {_relative(path)}")
    say(f"    {'stills':<14} {_relative(result.out_dir / 'stills')}")
