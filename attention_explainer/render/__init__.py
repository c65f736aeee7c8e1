"""The render pipeline: the full explainer video and the lecture pack, from the story's steps.

:func:`render` with :class:`RenderOptions` is what ``attention-explainer render`` runs (the
command line, :mod:`attention_explainer.cli`, only parses options into them); beside it in this
package: :mod:`~attention_explainer.render.jobs` (the manim processes and each step's stamp),
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

import contextlib
import errno
import fcntl
import json
import math
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import srt

from attention_content.example_types import ExampleError
from attention_content.examples import load_example, resolve_example
from attention_explainer.render import burn, join, pack
from attention_explainer.render.jobs import (
    PROJECT_DIR,
    Progress,
    StepFailedError,
    StepRun,
    fingerprint,
    launcher_command,
    run_steps,
)
from attention_explainer.render.lesson_text import write_transcript
from attention_manim import cues, voice
from attention_manim.settings import PACES, environment, settings
from scenes.story import STORY, Step, find_step

__all__ = ["FORMATS", "QUALITIES", "RenderError", "RenderOptions", "RenderPlan", "RenderResult", "assemble",
           "default_jobs", "plan_render", "plan_runs", "render", "step_failure"]

# manim's quality flags: pixel width, height, frame rate.
QUALITIES = {"l": (854, 480, 15), "m": (1280, 720, 30), "h": (1920, 1080, 60),
             "p": (2560, 1440, 60), "k": (3840, 2160, 60)}
FORMATS = ("mp4", "mov", "webm", "gif")
MAX_FPS = 240.0  # the highest frame rate --fps takes


def default_jobs() -> int:
    """One job per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class RenderOptions:
    """What to render and how; the command line's options."""

    example: str = field(default_factory=lambda: settings().example)
    quality: str = "h"
    jobs: int = field(default_factory=default_jobs)
    only: tuple[str, ...] = ()
    transparent: bool = False
    format: str = "mp4"
    save_sections: bool = False
    slides: bool = False
    media_dir: Path = PROJECT_DIR / "media"
    resolution: tuple[int, int] | None = None
    fps: float | None = None
    force: bool = False
    no_cache: bool = False
    strict: bool = True  # a step whose scene module is missing is an error (--skip-missing)
    voice: bool = False  # every beat's narration spoken (the voice extra), one AAC track
    transcript: bool = True  # ….transcript.html and .txt beside the video (not for gifs)
    pace: str = "normal"  # "slow": read at 13 characters a second, spoken slower (settings.PACES)
    burn_captions: bool = False  # the joined video's captions drawn into a band under the picture

    @property
    def size(self) -> tuple[int, int, float]:
        width, height, fps = QUALITIES[self.quality]
        if self.resolution:
            width, height = self.resolution
        return width, height, self.fps or fps

    @property
    def extension(self) -> str:
        if self.format == "gif":
            return ".gif"
        if self.transparent:
            return ".webm" if self.format == "webm" else ".mov"
        return f".{self.format}"

    @property
    def variant(self) -> str:
        """The output folder's name: ``1080p60``, ``1080p60-transparent``, ``480p15-gif``."""
        _, height, fps = self.size
        parts = [f"{height}p{fps:g}"]
        if self.transparent:
            parts.append("transparent")
        if self.format not in ("mp4", "mov" if self.transparent else "mp4"):
            parts.append(self.format)
        if self.voice:
            parts.append("voice")
        if self.pace != "normal":
            parts.append(self.pace)
        if self.burn_captions:
            parts.append("captions")
        return "-".join(parts)

    def manim_flags(self) -> list[str]:
        """The manim CLI options every step is rendered with (the media dir aside)."""
        width, height, fps = self.size
        flags = [f"-q{self.quality}", "--progress_bar", "none", "-v", "WARNING"]
        if self.resolution:
            flags += ["-r", f"{width},{height}"]
        if self.fps:
            flags += ["--fps", f"{fps:g}"]
        if self.transparent:
            flags.append("-t")
        if self.format != "mp4":
            flags += ["--format", self.format]
        if self.save_sections:
            flags.append("--save_sections")
        if self.no_cache:
            flags.append("--disable_caching")
        return flags


@dataclass
class RenderResult:
    """What a render made: the output folder, the files, and each step's run."""

    out_dir: Path
    video: Path | None
    files: dict[str, Path]
    runs: list[StepRun]
    chapters: list[join.Chapter]
    skipped: list[Step]
    seconds: float


class RenderError(Exception):
    """A render that cannot start or did not finish; the message says why."""


def render(options: RenderOptions, story: Sequence[Step] = STORY,
           progress: Progress | None = None) -> RenderResult:
    """Render ``story`` for ``options.example``; see the module docstring."""
    say = progress or _print
    plan = plan_render(options, story, say)
    with _lock(options.media_dir / "render"):
        plan_runs(plan, story, say)
        try:
            run_steps(plan.to_render, plan.jobs, say, ready=len(plan.runs) - len(plan.to_render))
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
        _remove_stale_partials(plan.out_dir)
        result = _assemble(plan.options, plan.runs, plan.out_dir, plan.stem, plan.example_name, say)
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
    folder = (step.path.stem + ("-voice" if options.voice else "")  # as scenes/base.py names it
              + ("-slow" if options.pace == "slow" else ""))
    video = (work_dir / "videos" / example_name / folder / f"{height}p{fps:g}"
             / f"{step.scene}{options.extension}")
    flags = options.manim_flags()
    env = environment(example=example_file, voice=options.voice, pace=options.pace)
    slides_dir = None
    if options.slides:
        slides_dir = options.media_dir / "render" / "slides" / example_name / options.variant
        env |= environment(slides=True, slides_dir=slides_dir)
    # x264's preset changes the video's bytes; a spoken step depends on the voice's settings too
    stamped = [*flags, f"x264 preset {settings().encoder_preset}", f"pace {options.pace}"]
    if options.voice:
        stamped.append(voice.voice_stamp(voice.voice_settings(options.pace)))
    command = launcher_command(["render", *flags, "--media_dir", str(work_dir), "-o", step.scene,
                                str(step.path), step.scene])
    return StepRun(
        number=list(story).index(step) + 1, total=len(story), step=step, work_dir=work_dir,
        video=video, slides_dir=slides_dir, command=command, env=env,
        fingerprint=fingerprint(step, example_file, stamped),
        log=work_dir / "logs" / f"{example_name}-{options.variant}.log",
        sections=options.save_sections, example_file=example_file, stamp_flags=tuple(stamped),
    )


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One render at a time per media folder (steps share Tex caches across examples)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _print(f"attention-explainer: another render is using {folder}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_partials(out_dir: Path) -> None:
    """Temporary files a killed run left (we hold the lock, so no run is writing them)."""
    for path in out_dir.rglob(".*.partial-*"):
        if path.is_file():
            path.unlink()
        elif path.is_dir():  # a spoken deck's staged slides
            shutil.rmtree(path, ignore_errors=True)


def _discard(tmp: Path) -> None:
    """Remove a temporary file if it is there; a failure to (a read-only folder) must not hide
    the error that brought us here."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")


# ---------------------------------------------------------------------------- assembly


def _assemble(options: RenderOptions, runs: list[StepRun], out_dir: Path, stem: str, example: str,
              say: Progress) -> RenderResult:
    """Join the step videos and write every file beside the full video.

    When the manifest says these very step videos were joined before and every output is
    still there, nothing is written again.
    """
    infos = [join.probe(run.video) for run in runs]
    titles = [run.step.title for run in runs]
    chapters = join.chapter_times(infos, titles, [run.step.module for run in runs])
    names = [f"{run.number:02d}-{run.step.module}" for run in runs]
    files = _output_files(options, out_dir, stem, names)
    video = files.get("video")
    manifest = files["manifest"]
    signature = _signature(options, runs)
    if _read_json(manifest).get("signature") == signature and all(p.exists() for p in files.values()):
        say("  unchanged: the joined video and the pack are up to date")
        return RenderResult(out_dir, video, files, runs, chapters, [], 0.0)

    for run, name in zip(runs, names, strict=True):
        _write_step(options, run, out_dir / "steps", name)
        still = files[f"still {name}"]
        if not still.exists() or still.stat().st_mtime_ns < run.video.stat().st_mtime_ns:
            still.parent.mkdir(parents=True, exist_ok=True)
            tmp = _tmp(still)
            try:
                join.key_frame(run.video).save(tmp)
                os.replace(tmp, still)
            finally:
                _discard(tmp)
        if options.save_sections:
            _copy_sections(run, out_dir / "sections" / name)

    if video is None:
        say("  (gif: one animated gif per step in steps/, no joined video)")
    else:
        _write_full_video(runs, infos, chapters, video, say, files.get("narration"), _cue_gap(options),
                          burn_captions=options.burn_captions)

    if options.slides:
        say(f"  slides: converting {len(runs)} steps to HTML, PDF and PPTX")
        try:
            revealjs: Path | None = pack.ensure_revealjs(pack.cache_dir())
        except pack.RevealUnavailableError as why:
            revealjs = None
            say(f"  note: {why}, so the HTML deck loads reveal.js from a CDN "
                "(it needs a network; the PDF and PPTX do not)")
        assert runs[0].slides_dir is not None
        title = f"{load_example(options.example).title} – attention-explainer"  # the PDF's title
        scenes = [r.step.scene for r in runs]
        staging = out_dir / f".{stem}.voiced-slides.partial-{os.getpid()}"
        try:
            deck_dir = runs[0].slides_dir
            if options.voice:  # each slide of the HTML and PPTX decks plays its beat's voice
                from attention_explainer.render.narrated_slides import narrate_slides

                say("  slides: giving each slide its beat's voice")
                deck_dir = narrate_slides(runs[0].slides_dir, scenes, [r.video for r in runs], staging)
            pack.convert_slides(deck_dir, scenes, out_dir, stem, revealjs, title=title,
                                chapters=[r.step.title for r in runs], handout_dir=runs[0].slides_dir)
        except RuntimeError as error:
            raise RenderError(str(error)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    _write_json(manifest, {
        "example": example, "variant": options.variant, "video": video.name if video else None,
        "steps": [{"number": run.number, "module": run.step.module, "scene": run.step.scene,
                   "title": run.step.title, "start": round(c.start, 3), "end": round(c.end, 3),
                   "duration": round(c.end - c.start, 3), "frames": info.frames,
                   "render_seconds": None if run.cached else round(run.seconds, 2),
                   "still": f"stills/{name}.png", "clip": f"steps/{name}{run.video.suffix}"}
                  for run, c, info, name in zip(runs, chapters, infos, names, strict=True)],
        "signature": signature,
    })
    return RenderResult(out_dir, video, files, runs, chapters, [], 0.0)


def _output_files(options: RenderOptions, out_dir: Path, stem: str, names: list[str]) -> dict[str, Path]:
    """Every file or folder a render leaves in ``out_dir``, by label."""
    files = {f"still {name}": out_dir / "stills" / f"{name}.png" for name in names}
    files["steps"] = out_dir / "steps"
    if options.save_sections:
        files["sections"] = out_dir / "sections"
    if options.format != "gif":
        video = out_dir / f"{stem}{options.extension}"
        files |= {"video": video, "subtitles": video.with_suffix(".srt"),
                  "captions (vtt)": video.with_suffix(".vtt"),
                  "chapters": out_dir / f"{stem}.chapters.json",
                  "chapter list": out_dir / f"{stem}.chapters.txt",
                  "chapters (vtt)": out_dir / f"{stem}.chapters.vtt"}
        if options.voice:
            files["narration"] = out_dir / f"{stem}.narration.m4a"
    if options.slides:
        files |= {f"slides ({fmt})": out_dir / f"{stem}.slides.{fmt}" for fmt in pack.DECK_FORMATS}
    files["manifest"] = out_dir / f"{stem}.manifest.json"
    return files


def _signature(options: RenderOptions, runs: list[StepRun]) -> list[object]:
    """What the outputs are made from: the step videos (as files), their chapter titles and
    the pack's options."""
    videos = [[str(run.video), run.video.stat().st_size, run.video.stat().st_mtime_ns, run.step.title]
              for run in runs]
    return [options.save_sections, options.slides, options.voice, options.burn_captions, *videos]


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_step(options: RenderOptions, run: StepRun, folder: Path, name: str) -> None:
    """The step's video in ``folder`` (a link to it, or, with subtitles, a copy of its packets
    with a caption track) and its subtitles, laid out as the joined video's are (cues of 2
    lines of 42 characters, at most 7 s, 2 frames apart), as ``.srt`` and ``.vtt``."""
    clip = folder / f"{name}{run.video.suffix}"
    if not run.srt.exists():
        pack.link_or_copy(run.video, clip)
        return
    laid = join.lay_out_subtitles(run.srt.read_text(encoding="utf-8"), _cue_gap(options))
    shown = list(srt.parse(laid))
    written = {folder / f"{name}.srt": laid, folder / f"{name}.vtt": join.webvtt(shown)}
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in written.items():
        tmp = _tmp(path)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # replaces a link to the step's own file, never writes through it
    if clip.suffix.lower().lstrip(".") not in join.CAPTION_FORMATS:  # a gif, a webm: as it is
        pack.link_or_copy(run.video, clip)
        return
    tmp = _tmp(clip)
    try:
        join.with_caption_track(run.video, shown, tmp)
        os.replace(tmp, clip)
    finally:
        _discard(tmp)


def _cue_gap(options: RenderOptions) -> float:
    """Seconds between two subtitle cues (:func:`cues.cue_gap`: 2 frames, of the render and of the
    caption rules' 30 fps, whichever is longer)."""
    return cues.cue_gap(options.size[2])


def _write_full_video(runs: list[StepRun], infos: list[join.VideoInfo], chapters: list[join.Chapter],
                      video: Path, say: Progress, narration: Path | None = None, gap: float = 0.0,
                      burn_captions: bool = False) -> None:
    """Join, then write subtitles and chapters; every file appears only when complete.

    With ``narration`` (``--voice``), each step's sound is decoded and placed at the step's
    start (silence where a step has none) as one AAC track, also written to ``narration``.
    """
    subtitles = video.with_suffix(".srt")
    chapters_json = video.with_name(f"{video.stem}.chapters.json")
    chapters_txt = video.with_name(f"{video.stem}.chapters.txt")
    captions = video.with_suffix(".vtt")
    chapters_vtt = video.with_name(f"{video.stem}.chapters.vtt")
    outputs = [video, subtitles, captions, chapters_json, chapters_txt, chapters_vtt,
               *([narration] if narration else [])]
    tmps = {path: _tmp(path) for path in outputs}
    try:
        audio = None
        if narration is not None:
            say(f"  sound  {len(infos)} step tracks -> one AAC track and {narration.name}")
            audio = join.place_tracks([join.read_track(run.video) for run in runs],
                                      [info.duration for info in infos])
        cue_text = join.join_subtitles([r.srt for r in runs], chapters, gap)
        shown = list(srt.parse(cue_text))
        say(f"  join   {len(infos)} step videos -> {video.name} (no re-encoding), {len(shown)} captions")
        join.join_videos(infos, tmps[video], chapters, audio=audio, subtitles=shown)
        if burn_captions:  # the picture scaled into the top, the captions drawn under it: encoded again
            joined = video.with_name(f".{video.stem}.joined-{os.getpid()}{video.suffix}")
            try:
                os.replace(tmps[video], joined)
                say(f"  burn   {len(shown)} captions into {video.name} (encoded again)")
                burn.burn_captions(joined, shown, tmps[video], settings().encoder_preset)
            finally:
                _discard(joined)
        if narration is not None:  # the joined video's track, copied: encoded once
            join.copy_sound(tmps[video], tmps[narration])
        tmps[subtitles].write_text(cue_text, encoding="utf-8")
        tmps[captions].write_text(join.webvtt(shown), encoding="utf-8")
        tmps[chapters_vtt].write_text(join.chapters_webvtt(chapters), encoding="utf-8")
        join.write_chapters_json(chapters, tmps[chapters_json], video.name)
        tmps[chapters_txt].write_text(join.chapters_text(chapters), encoding="utf-8")
        for path in outputs:  # each atomically, one right after the other
            os.replace(tmps[path], path)
    finally:
        for tmp in tmps.values():
            _discard(tmp)


def _copy_sections(run: StepRun, target: Path) -> None:
    """The step's per-beat clips and manim's index of them."""
    index = run.sections_dir / f"{run.step.scene}.json"
    sections = json.loads(index.read_text())
    for section in sections:
        pack.link_or_copy(run.sections_dir / section["video"], target / section["video"])
    pack.link_or_copy(index, target / index.name)


def _write_json(path: Path, data: object) -> None:
    tmp = _tmp(path)
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        _discard(tmp)


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
