"""The render's transcript: ``….transcript.html`` and ``.txt`` beside the video.

Made from a storyboard of the rendered steps (each beat's settled frame, its narration and its
frame in words), built in ``<media dir>/render/transcript/`` so the user's own storyboard is left
alone. Remade when a step was rendered or a transcript file is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from attention_manim import atomic

if TYPE_CHECKING:
    from attention_explainer.render import RenderPlan

__all__ = ["transcript_files", "write_transcript"]


def transcript_files(out_dir: Path, stem: str) -> dict[str, Path]:
    """The transcript files of a render, by label."""
    return {"transcript": out_dir / f"{stem}.transcript.html",
            "transcript (text)": out_dir / f"{stem}.transcript.txt"}


def write_transcript(plan: RenderPlan, say: Callable[[str], None]) -> dict[str, Path]:
    """Write (or keep, when up to date) the transcript of ``plan``'s steps; its files by label.
    A StoryboardError if the storyboard cannot be built."""
    from attention_explainer.storyboard import TRANSCRIPT_HTML, TRANSCRIPT_TEXT, make_storyboard

    files = transcript_files(plan.out_dir, plan.stem)
    newest_video = max((run.video.stat().st_mtime_ns for run in plan.runs), default=0)
    if all(p.exists() and p.stat().st_mtime_ns >= newest_video for p in files.values()):
        return files
    say(f"  transcript: building the {len(plan.runs)} steps' settled frames and their text")
    media = plan.options.media_dir / "render" / "transcript"
    folder = make_storyboard(str(plan.example_file), [run.step.module for run in plan.runs], media,
                             jobs=plan.jobs, story=plan.story or None, log=lambda line: None)
    for source, label in ((TRANSCRIPT_HTML, "transcript"), (TRANSCRIPT_TEXT, "transcript (text)")):
        target = files[label]
        with atomic.replacing(target) as tmp:
            shutil.copyfile(folder / source, tmp)
    return files
