"""What a render is asked for and what it made: :class:`RenderOptions` (the command line's
options, and the folder and manim flags they mean), :class:`RenderResult`, :class:`RenderError`.
Re-exported by :mod:`attention_explainer.render`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from attention_explainer.render.jobs import PROJECT_DIR, StepRun
from attention_explainer.render.join import Chapter
from attention_manim.settings import settings
from scenes.story import Step

__all__ = ["FORMATS", "MAX_FPS", "QUALITIES", "RenderError", "RenderOptions", "RenderResult", "default_jobs"]

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
    chapters: list[Chapter]
    skipped: list[Step]
    seconds: float


class RenderError(Exception):
    """A render that cannot start or did not finish; the message says why."""

