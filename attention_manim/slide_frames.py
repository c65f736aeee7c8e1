"""The last frame of each slide, kept beside the slide's video by the scene that drew it.

The PDF deck (:func:`attention_explainer.render.pack.build_pdf`) shows each slide's last frame.
Decoding it back from the slide's video is slow at 1080p60 (a whole video's slides, one after
another on one core, after every step has rendered), while the scene had the frame in hand when
the slide ended. A scene rendered as slides (``scenes/base.py``) writes it
with :func:`keep` as ``<video stem>.last.png`` beside the video manim-slides made of the slide;
the deck reads it with :func:`kept`, and decodes the video when there is none. The video's
name is manim-slides' hash of the slide's animations, so a frame kept beside it is that
video's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from attention_manim import atomic

__all__ = ["frame_file", "keep", "kept"]


def frame_file(video: Path) -> Path:
    """Where the last frame of the slide ``video`` is kept."""
    return video.with_name(f"{video.stem}.last.png")


def keep(video: Path, frame: np.ndarray) -> Path:
    """Write ``frame`` ((height, width, 4) uint8 RGBA, the camera's) as ``video``'s last frame,
    under a temporary name renamed when complete; returns where."""
    target = frame_file(video)
    with atomic.replacing(target) as tmp:
        Image.fromarray(np.ascontiguousarray(frame[..., :3]), "RGB").save(tmp, format="PNG", compress_level=1)
    return target


def kept(video: Path) -> Image.Image | None:
    """The last frame kept for the slide ``video`` (RGB), or None when there is none to read."""
    try:
        with Image.open(frame_file(video)) as image:
            return image.convert("RGB")
    except (OSError, ValueError):  # none, or not a whole PNG: the deck decodes the video
        return None
