"""What a scene's manim process and the renderer that starts it agree on, written once.

The renderer (:mod:`attention_explainer.render`) runs each scene in a manim process of its own
and then reads what that process left: the video, in the folder :func:`video_dir` names (the
scene gives manim that folder as it is set up, the renderer looks there), and, when the scene
refused its example, why: the scene prints one clean message (:func:`cannot_render`) and writes
its parts to the file the renderer named in ``ATTENTION_REFUSAL_FILE``
(:func:`write_refusal`), from which the renderer words the same message (:func:`read_refusal`).
Both sides import this module; neither re-derives the other's rule.
"""

from __future__ import annotations

import json
from pathlib import Path

from attention_manim import atomic

__all__ = ["MANIM_VIDEO_DIR", "cannot_render", "read_refusal", "video_dir", "video_folder", "write_refusal"]

# manim's own ``config.video_dir``: a scene's videos go to the example's folder only in its place
# (a video_dir the user chose stays theirs)
MANIM_VIDEO_DIR = "{media_dir}/videos/{module_name}/{quality}"

def video_dir(media_dir: str, example: str, module: str, quality: str, *, voice: bool, pace: str) -> str:
    """The folder of a scene's videos: ``<media_dir>/videos/<example>/<video_folder>/<quality>``,
    so that videos of different examples, voices and paces never overwrite each other. The scene
    gives it to manim with manim's placeholders (``{media_dir}``, ``{module_name}``, ``{quality}``,
    which manim fills with ``<pixel height>p<frame rate>``); the renderer with its step's values.

    >>> video_dir("media/render/softmax_normalize", "apple", "softmax_normalize", "480p15", voice=False,
    ...           pace="slow")
    'media/render/softmax_normalize/videos/apple/softmax_normalize-slow/480p15'
    >>> video_dir("{media_dir}", "bank", "{module_name}", "{quality}", voice=True, pace="normal")
    '{media_dir}/videos/bank/{module_name}-voice/{quality}'
    """
    return f"{media_dir}/videos/{example}/{video_folder(module, voice=voice, pace=pace)}/{quality}"


def video_folder(module: str, *, voice: bool, pace: str) -> str:
    """The folder of a scene's videos under ``videos/<example>/``: the scene's module, then
    ``-voice`` when spoken and ``-slow`` at the slow pace (a spoken video, and a slow one, last
    longer: never written in place of another).

    >>> video_folder("softmax_normalize", voice=True, pace="slow")
    'softmax_normalize-voice-slow'
    >>> video_folder("{module_name}", voice=False, pace="normal")
    '{module_name}'
    """
    return module + ("-voice" if voice else "") + ("-slow" if pace == "slow" else "")


def cannot_render(scene: str, error: object) -> str:
    """The message a scene prints (to stderr) when its example cannot be drawn: one line
    naming the scene, then the example's problems.

    >>> print(cannot_render("CosineSimilarity", "apple.toml: 1 problem"))
    <BLANKLINE>
    attention-explainer: cannot render CosineSimilarity:
    apple.toml: 1 problem
    """
    return f"\nattention-explainer: cannot render {scene}:\n{error}"


def write_refusal(path: Path, scene: str, error: object) -> None:
    """Write why ``scene`` cannot draw its example to ``path`` (the renderer's
    ``ATTENTION_REFUSAL_FILE``), whole: JSON ``{"scene": <class name>, "problems": <text>}``."""
    atomic.write_text(path, json.dumps({"scene": scene, "problems": str(error)}))


def read_refusal(path: Path) -> str | None:
    """The message of the refusal a scene wrote to ``path`` (:func:`write_refusal`), as the
    scene printed it (:func:`cannot_render`, without the blank line before it); None when no
    scene wrote one there (or the file holds no refusal)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cannot_render(data["scene"], data["problems"]).strip()
    except (OSError, ValueError, KeyError, TypeError):
        return None
