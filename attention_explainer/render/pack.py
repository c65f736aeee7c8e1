"""The lecture pack: per-beat clips, and the slide deck as HTML, PDF and PPTX.

Slides come from the same scene classes rendered with ``ATTENTION_SLIDES=1`` (see
``scenes/base.py``): one slide per beat, the beat's narration as presenter notes.
``manim-slides convert`` turns the rendered slides of every step, in story order, into one
HTML and one PPTX deck. Its HTML loads reveal.js from a CDN; for a deck that works offline the
renderer takes reveal.js once from the npm registry (``npm pack``) into
``~/.cache/attention-explainer`` and points the HTML at a copy beside it. Without npm, or when
npm cannot reach its registry within ``NPM_SECONDS``, the HTML falls back to the CDN and the
render says why (PDF and PPTX never need a network).

The PDF is built here (:func:`build_pdf`, with fpdf2), not by ``manim-slides convert --to pdf``,
whose pages are bare JPEGs titled with the temporary file's name: a page per slide, in story
order, showing the slide's settled last frame with its narration below as real (selectable,
searchable) text, the example's title as the document title and a bookmark per chapter.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
from PIL import Image

import attention_explainer.render.join as join  # not through the package: it imports this module
from attention_explainer.pdf_fonts import choose_font
from attention_manim import atomic, slide_frames
from attention_manim.settings import settings

if TYPE_CHECKING:
    from fpdf import FPDF  # imported where a PDF is built: it is slow to import

__all__ = ["REVEAL_VERSION", "DeckSlide", "RevealUnavailableError", "build_pdf", "cache_dir",
           "convert_slides", "deck_slides", "ensure_revealjs", "link_or_copy"]

# The reveal.js release manim-slides 5.7.0's HTML template is written for, and the npm registry's
# integrity of its tarball (npm view reveal.js@6.0.1 dist.integrity).
REVEAL_VERSION = "6.0.1"
REVEAL_INTEGRITY = ("sha512-9eacArNIgqO2HGWOK+93gJNn+gvdGDVbSq+i2u3Ja9kjiHps0XNLpgYTZTYjKRH91uXy3clGim"
                    "eGiw4umHG/tg==")
DECK_FORMATS = ("html", "pdf", "pptx")
# npm pack of reveal.js takes seconds online; offline, npm retries for minutes before failing.
NPM_SECONDS = 30.0
# manim-slides' HTML template writes the notes (the narration, which quotes the example's words
# and title) and the page title into the page unescaped, and reads the notes as Markdown: a
# title such as "crane <script>" would be live HTML. The deck is made with that template with
# both escaped and the notes read as plain text.
_UNESCAPED = {'<aside class="notes" data-markdown>{{ slide_config.notes }}</aside>':
              '<aside class="notes">{{ slide_config.notes | e }}</aside>',
              "<title>{{ title }}</title>": "<title>{{ title | e }}</title>",
              # WCAG 2.1 (axe-core's html-has-lang, meta-viewport): a language, and zoom allowed
              "<!doctype html>\n<html>": '<!doctype html>\n<html lang="en">',
              "initial-scale=1.0, maximum-scale=1.0, user-scalable=no": "initial-scale=1.0"}
# What manim-slides' HTML template loads from reveal.js (with the black theme it asks for).
_REVEAL_FILES = ("reveal.css", "reveal.js", "theme/black.css", "plugin/highlight/zenburn.css",
                 "plugin/notes.js", "plugin/markdown.js")


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` atomically: a hard link when possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and os.path.samefile(source, target):
        return  # already linked (rename() of two links to one file would do nothing)
    with atomic.replacing(target) as tmp:  # a full disk: no half copy left behind
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copy2(source, tmp)


def _die_with_renderer() -> None:
    """In a child, before it runs: be killed when the renderer dies, even by SIGKILL (Linux
    ``PR_SET_PDEATHSIG``), so a killed render leaves no converter or npm running."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass


def cache_dir() -> Path:
    """Where downloads the renderer keeps between runs: ``$XDG_CACHE_HOME/attention-explainer``."""
    return settings().cache_home / "attention-explainer"


class RevealUnavailableError(RuntimeError):
    """reveal.js could not be fetched; the message says why (npm missing, offline, ...)."""


def ensure_revealjs(cache_root: Path, seconds: float = NPM_SECONDS) -> Path:
    """reveal.js's ``dist`` files the deck loads, from npm's tarball of it: fetched once with
    ``npm pack`` and kept in ``cache_root``; a :class:`RevealUnavailableError` saying why when
    npm is missing, fails, or has not finished in ``seconds`` (offline, npm would retry for
    minutes).

    The tarball is used only when its SHA-512 is the npm registry's integrity of reveal.js
    :data:`REVEAL_VERSION` (:data:`REVEAL_INTEGRITY`): checked each time it is read, so an
    altered or truncated cached copy never reaches a deck (it is named, removed and fetched
    again). A cache folder others can write is not used (the tarball is fetched for this run).
    The files are unpacked into a private folder of this process, removed when it ends."""
    from attention_manim import cache_files

    variable = "XDG_CACHE_HOME"
    trusted = cache_files.usable_folder(cache_root, variable, "reveal.js is fetched for this run only")
    tarball = cache_root / f"reveal.js-{REVEAL_VERSION}.tgz"
    data = _read_tarball(tarball) if trusted else None
    if data is not None and not _genuine(data):
        cache_files.damaged(tarball, f"it is not reveal.js {REVEAL_VERSION} as npm publishes it "
                                          f"(its sha512 is not {REVEAL_INTEGRITY})")
        data = None
    if data is None:
        data = _npm_pack(seconds)
        if not _genuine(data):
            raise RevealUnavailableError(f"npm gave a reveal.js {REVEAL_VERSION} whose sha512 is not the "
                                         f"registry's ({REVEAL_INTEGRITY}); not used")
        if trusted:
            try:
                cache_files.write_new(tarball, data)
            except OSError as error:
                cache_files.note(f"cannot keep {tarball} ({variable}): {error.strerror or error}")
    return _unpacked(data)


def _read_tarball(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read()


def _genuine(data: bytes) -> bool:
    """True when ``data``'s SHA-512 is npm's integrity of the pinned reveal.js."""
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    return REVEAL_INTEGRITY == f"sha512-{digest}"


def _npm_pack(seconds: float) -> bytes:
    """The bytes of npm's tarball of reveal.js :data:`REVEAL_VERSION`, fetched now."""
    npm = shutil.which("npm")
    if npm is None:
        raise RevealUnavailableError("npm is not installed")
    package = f"reveal.js@{REVEAL_VERSION}"
    with tempfile.TemporaryDirectory() as tmp:
        # One try, each request given up after ``seconds``; npm and anything it starts are
        # stopped at the deadline (its own process group) or with the renderer.
        process = subprocess.Popen(
            [npm, "pack", package, "--pack-destination", tmp, "--loglevel=error", "--fetch-retries=0",
             f"--fetch-timeout={int(seconds * 1000)}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            start_new_session=True, preexec_fn=_die_with_renderer)
        try:
            _, errors = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RevealUnavailableError(f"npm pack {package} had not finished after {seconds:g} s "
                                         "(is the npm registry reachable? offline?); stopped it") from None
        tarballs = list(Path(tmp).glob("reveal.js-*.tgz"))
        if process.returncode != 0 or not tarballs:
            said = [line.removeprefix("npm error").strip() for line in errors.splitlines()
                    if line.strip() and "complete log" not in line]
            raise RevealUnavailableError(f"npm pack {package} failed (exit {process.returncode}): "
                                         + " / ".join(dict.fromkeys(filter(None, said[:3]))))
        return tarballs[0].read_bytes()


def _unpacked(data: bytes) -> Path:
    """The deck's reveal.js files (:data:`_REVEAL_FILES`) from the tarball ``data``, in a private
    folder removed when this process ends; its ``dist`` folder."""
    folder = Path(tempfile.mkdtemp(prefix="attention-revealjs-"))
    atexit.register(shutil.rmtree, folder, True)
    wanted = {f"package/dist/{name}" for name in _REVEAL_FILES}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = [m for m in tar.getmembers() if m.name in wanted and m.isfile()]
        tar.extractall(folder, members=members, filter="data")
    return folder / "package" / "dist"


def convert_slides(slides_dir: Path, scenes: Sequence[str], out_dir: Path, stem: str,
                   revealjs: Path | None, formats: Sequence[str] = DECK_FORMATS, *,
                   title: str = "attention-explainer", chapters: Sequence[str] | None = None,
                   handout_dir: Path | None = None) -> dict[str, Path]:
    """Convert the rendered slides of ``scenes`` (in order) into one deck per format.

    ``title`` is the PDF's document title and ``chapters`` (one per scene, default: the scene
    names) its bookmarks. Returns format -> file. Each deck is written under a temporary name
    and renamed when complete; manim-slides converts to HTML and PPTX in two processes while
    this one builds the PDF (from ``handout_dir`` when given: a spoken render's HTML and PPTX
    decks take voiced copies of the slides, the PDF the silent slides and their kept frames).
    """
    decks = {fmt: out_dir / f"{stem}.slides.{fmt}" for fmt in formats}
    processes = {}
    failures = []
    template = atomic.partial_path(out_dir / f"{stem}.slides-template.html")
    try:
        for fmt, deck in decks.items():
            if fmt == "pdf":
                continue
            tmp = atomic.partial_path(deck)
            options = []
            if fmt == "html":
                settings = [f"assets_dir={stem}.slides_assets", f"reveal_version={REVEAL_VERSION}",
                            "reveal_theme=black", "controls=true", "progress=true", "slide_number=true"]
                options = [arg for setting in settings for arg in ("-c", setting)]
                template.write_text(escaping_template(), encoding="utf-8")
                options += ["--use-template", str(template)]
                if revealjs is not None:
                    local = out_dir / f"{stem}.slides_assets" / "revealjs"
                    _copy_tree(revealjs, local / "dist")
                    options += ["-c", f"cdn_url={local.relative_to(out_dir).as_posix()}"]
            command = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(slides_dir),
                       "--to", fmt, *options, "-v", "WARNING", *scenes, str(tmp)]
            processes[fmt] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                               text=True, preexec_fn=_die_with_renderer), tmp)
        if "pdf" in decks:
            try:
                build_pdf(handout_dir or slides_dir, scenes, decks["pdf"], title=title, chapters=chapters)
            except RuntimeError as error:
                failures.append(str(error))
        for fmt, (process, tmp) in processes.items():
            output, _ = process.communicate()
            if process.returncode != 0 or not tmp.exists():
                failures.append(f"manim-slides convert --to {fmt} failed:\n{output.strip()}")
                tmp.unlink(missing_ok=True)
            else:
                os.replace(tmp, decks[fmt])
    finally:
        for process, tmp in processes.values():  # only when something above raised
            if process.poll() is None:
                process.kill()
                process.wait()
                tmp.unlink(missing_ok=True)
        template.unlink(missing_ok=True)
    if failures:
        raise RuntimeError("\n".join(failures))
    return decks


def escaping_template() -> str:
    """manim-slides' own HTML template with every text from the example escaped
    (:data:`_UNESCAPED`); a RuntimeError if manim-slides has changed it."""
    from importlib import resources

    text = (resources.files("manim_slides.templates") / "revealjs.html").read_text(encoding="utf-8")
    for old, new in _UNESCAPED.items():
        if text.count(old) != 1:
            raise RuntimeError(f"manim-slides' HTML template no longer has {old!r}; the deck would "
                               "write example text into HTML unescaped (see pack._UNESCAPED)")
        text = text.replace(old, new)
    return text


# ---------------------------------------------------------------------------- the PDF deck

# Page geometry in points: a 16:9 slide 960 pt wide (13.33 in, PowerPoint's widescreen size),
# the frame edge to edge at the top, the narration below it.
PAGE_WIDTH = 960.0
_MARGIN = 36.0
_NOTES_SIZE = 18.0  # pt; a line is 1.4 of it
_HEADER_SIZE = 10.0
_MIN_NOTE_LINES = 2
_TEXT_COLOUR = (34, 34, 34)
_HEADER_COLOUR = (110, 110, 110)


@dataclass(frozen=True)
class DeckSlide:
    """One slide of the deck, as manim-slides' config of its scene lists it."""

    scene: str
    chapter: str
    index: int  # in its scene's config
    notes: str  # whitespace collapsed
    video: Path


def deck_slides(slides_dir: Path, scenes: Sequence[str], chapters: Sequence[str] | None = None
                ) -> list[DeckSlide]:
    """Every slide of ``scenes``, in order, read from ``<slides_dir>/<Scene>.json`` with
    manim-slides' own config model (relative video paths resolved as manim-slides does)."""
    from manim_slides.config import PresentationConfig, SlideType  # pydantic: imported when needed

    chapters = list(chapters) if chapters is not None else list(scenes)
    if len(chapters) != len(scenes):
        raise RuntimeError(f"{len(scenes)} scenes but {len(chapters)} chapter titles")
    slides = []
    for scene, chapter in zip(scenes, chapters, strict=True):
        config_file = slides_dir / f"{scene}.json"
        try:
            config = PresentationConfig.from_file(config_file)
        except FileNotFoundError:
            raise RuntimeError(f"{config_file} does not exist (was {scene} rendered as slides?)") from None
        except ValueError as error:  # pydantic's ValidationError (a missing video), bad JSON
            lines = " ".join(line.strip() for line in str(error).strip().splitlines()[:3])
            raise RuntimeError(f"{config_file} is not a usable manim-slides config: {lines}") from None
        for index, slide in enumerate(config.slides):
            video = slide.src if slide.type == SlideType.Image and slide.src else slide.file
            slides.append(DeckSlide(scene, chapter, index, " ".join(slide.notes.split()), Path(video)))
    return slides


def build_pdf(slides_dir: Path, scenes: Sequence[str], target: Path, *, title: str,
              chapters: Sequence[str] | None = None) -> Path:
    """Write the PDF deck of ``scenes`` to ``target``: a page per slide, in order, showing its
    last frame with its notes below as text, leaving out slides that would show nothing (no
    notes and a blank last frame); ``title`` in the metadata, a bookmark per chapter.

    Written under a temporary name and renamed when complete. Raises RuntimeError saying
    what failed, in one message.
    """
    try:
        pdf = _layout(deck_slides(slides_dir, scenes, chapters), title)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic.replacing(target) as tmp:
            pdf.output(str(tmp))
    except RuntimeError as error:
        raise RuntimeError(f"building the PDF deck {target.name} failed: {error}") from None
    except Exception as error:  # fpdf2, fontTools, Pillow, the file system: still one message
        raise RuntimeError(f"building the PDF deck {target.name} failed: "
                           f"{type(error).__name__}: {error}") from None
    return target


def _layout(slides: list[DeckSlide], title: str) -> FPDF:
    from fpdf import ViewerPreferences

    font = choose_font("".join(slide.notes + slide.chapter for slide in slides) + title)
    clean = font.clean
    width = PAGE_WIDTH - 2 * _MARGIN
    line = 1.4 * _NOTES_SIZE
    header = 1.6 * _HEADER_SIZE
    # One page size for the whole deck, with room for the longest narration.
    scratch = font.new_pdf()
    scratch.add_page()
    scratch.set_font(font.family, size=_NOTES_SIZE)
    lines = max(len(scratch.multi_cell(width, line, clean(slide.notes), dry_run=True, output="LINES"))
                for slide in slides)
    notes_height = 0.75 * _MARGIN + header + max(lines, _MIN_NOTE_LINES) * line + 0.75 * _MARGIN

    pdf = font.new_pdf()
    pdf.set_title(title)  # metadata and bookmarks are Unicode strings, whatever the font
    pdf.set_creator("attention-explainer")
    pdf.set_lang("en")
    pdf.page_mode = "USE_OUTLINES"  # open with the chapter bookmarks showing
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    chapter = None
    box_height = None  # the frame's box: the first frame's shape, the page's width
    for slide in slides:  # one frame in memory at a time: fpdf2 keeps it compressed
        try:
            frame = _last_frame(slide.video)
        except (OSError, ValueError, av.error.FFmpegError) as error:
            raise RuntimeError(f"cannot decode the last frame of slide {slide.index + 1} of {slide.scene} "
                               f"({slide.video}): {error}") from None
        if not slide.notes and not join._has_content(av.VideoFrame.from_image(frame)):
            continue  # a blank page: nothing to see, nothing to read
        if box_height is None:
            box_height = PAGE_WIDTH * frame.height / frame.width
        pdf.add_page(format=(PAGE_WIDTH, box_height + notes_height))
        if slide.chapter != chapter:
            chapter = slide.chapter
            pdf.start_section(chapter)
        w = min(PAGE_WIDTH, box_height * frame.width / frame.height)
        h = w * frame.height / frame.width
        pdf.image(frame, x=(PAGE_WIDTH - w) / 2, y=(box_height - h) / 2, w=w, h=h)
        pdf.set_xy(_MARGIN, box_height + 0.75 * _MARGIN)
        pdf.set_font(font.family, size=_HEADER_SIZE)
        pdf.set_text_color(*_HEADER_COLOUR)
        pdf.cell(width, header, clean(slide.chapter), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font.family, size=_NOTES_SIZE)
        pdf.set_text_color(*_TEXT_COLOUR)
        pdf.multi_cell(width, line, clean(slide.notes), align="L")
    if pdf.page == 0:
        raise RuntimeError("no slide has notes or shows anything")
    return pdf


def _last_frame(video: Path) -> Image.Image:
    """The frame ``video`` shows last (the largest timestamp), as RGB: the one its scene kept
    (:mod:`attention_manim.slide_frames`), else decoded.

    Decodes from the keyframe before its last second rather than the whole clip; the whole
    clip only when that finds nothing (no duration in the file, an odd seek).
    """
    if video.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"):  # an image slide
        with Image.open(video) as image:
            return image.convert("RGB")
    kept = slide_frames.kept(video)  # the scene's own, written as the slide ended
    if kept is not None:
        return kept
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        end = None
        if stream.duration is not None and stream.time_base is not None:
            end = float(((stream.start_time or 0) + stream.duration) * stream.time_base)
        if end is not None and end > 1.0:
            container.seek(int((end - 1.0) / stream.time_base), stream=stream, backward=True)
            last = _latest(container.decode(stream))
            if last is not None:
                return last.to_image().convert("RGB")
    with av.open(str(video)) as container:
        last = _latest(container.decode(video=0))
    if last is None:
        raise ValueError("it has no video frame")
    return last.to_image().convert("RGB")


def _latest(frames: Iterator[av.VideoFrame]) -> av.VideoFrame | None:
    latest = None
    for frame in frames:
        if latest is None or frame.pts is None or latest.pts is None or frame.pts >= latest.pts:
            latest = frame
    return latest


def _copy_tree(source: Path, target: Path) -> None:
    """The few reveal.js files the deck loads (about 300 kB), not the whole package."""
    for name in _REVEAL_FILES:
        if not (target / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
