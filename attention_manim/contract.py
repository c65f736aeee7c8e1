"""What a scene's manim process and the renderer that starts it agree on, written once.

The renderer (:mod:`attention_explainer.render`) runs each scene in a manim process of its own
and then reads what that process left: the video, at a path the scene's folder rule decides
(:func:`video_folder`), and, when the scene refused its example, one clean message in the log
(:func:`cannot_render`, found again with :data:`CANNOT_RENDER`). Both sides import this module;
neither re-derives the other's rule.
"""

from __future__ import annotations

import re

__all__ = ["CANNOT_RENDER", "cannot_render", "video_folder"]

# What the renderer looks for in a step's log: the first line of a scene's clean message.
CANNOT_RENDER = re.compile(r"^attention-explainer: cannot render \w+:$", re.MULTILINE)


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
    naming the scene, which :data:`CANNOT_RENDER` finds, then the example's problems.

    >>> print(cannot_render("CosineSimilarity", "apple.toml: 1 problem"))
    <BLANKLINE>
    attention-explainer: cannot render CosineSimilarity:
    apple.toml: 1 problem
    >>> bool(CANNOT_RENDER.search(cannot_render("CosineSimilarity", "x")))
    True
    """
    return f"\nattention-explainer: cannot render {scene}:\n{error}"
