"""Narrated slides: in a spoken render, each slide of the HTML and PPTX decks plays its beat's voice.

manim-slides writes one silent video per slide (``<slides>/files/<Scene>/…``) and a config per
scene listing them in order; played one after another they are the scene. The step's own video
(rendered as slides, with ``--voice``) carries the scene's sound track. So slide ``k`` of a scene
gets the slice of that track from the sum of the slides before it to that sum plus its own length,
copied into a voiced copy of its video (video packets copied, the slice encoded as AAC); the
configs are written again in a staging folder pointing at the copies, and ``manim-slides
convert`` reads that folder. The PDF handout is built from the silent slides, as before.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from attention_explainer.render.join import probe
from attention_manim import audio

__all__ = ["narrate_slides"]


def narrate_slides(slides_dir: Path, scenes: Sequence[str], step_videos: Sequence[Path],
                   staging: Path) -> Path:
    """A slides folder under ``staging`` with ``scenes``' configs (from ``slides_dir``), each
    slide's video a voiced copy cut from the matching ``step_videos`` (same order); returns it.
    A scene whose step video has no sound keeps its silent slides."""
    if len(scenes) != len(step_videos):
        raise ValueError(f"{len(scenes)} scenes but {len(step_videos)} step videos")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for scene, step_video in zip(scenes, step_videos, strict=True):
        config_file = slides_dir / f"{scene}.json"
        config = json.loads(config_file.read_text(encoding="utf-8"))
        track = audio.read_track(step_video)
        if track is not None:
            start = Fraction(0)
            folder = staging / "files" / scene
            folder.mkdir(parents=True, exist_ok=True)
            for index, slide in enumerate(config["slides"]):
                source = _resolved(config_file, slide["file"])
                length = probe(source).duration
                first, last = round(start * audio.AUDIO_RATE), round((start + length) * audio.AUDIO_RATE)
                voiced = folder / f"{index:03d}-{source.name}"
                audio.remux_with_track(source, track[first:last], voiced)
                slide["file"] = str(voiced)
                if slide.get("rev_file"):
                    slide["rev_file"] = str(_resolved(config_file, slide["rev_file"]))
                start += length
        else:
            for slide in config["slides"]:
                for key in ("file", "rev_file"):
                    if slide.get(key):
                        slide[key] = str(_resolved(config_file, slide[key]))
        (staging / config_file.name).write_text(json.dumps(config, indent=2), encoding="utf-8")
    return staging


def _resolved(config_file: Path, name: str) -> Path:
    """A video named in a manim-slides config: relative names are relative to its folder."""
    path = Path(name)
    return path if path.is_absolute() else config_file.parent / path
