"""The manim process the renderer starts for one step: ``python -m attention_explainer.launcher
[--slides] <manim arguments>``.

It dies with the renderer (Linux ``PR_SET_PDEATHSIG``; a process whose renderer is already
gone stops at once), applies :mod:`attention_manim.manim_patches` (with the encoder's
thread count, plain tracebacks for the log and the frames' clock for cached plays) and runs
manim's command line; with ``--slides`` manim renders the slide variant of the step's scene
class (:func:`attention_manim.slides.slides_of`: each beat a slide, in ``ATTENTION_SLIDES_DIR``).
"""

from __future__ import annotations

import os
import signal
import sys


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the renderer's process group stops us
        pass


SLIDES = "--slides"  # before manim's arguments: render the scene's slide variant


def main(argv: list[str]) -> None:
    """Run ``manim <argv>`` as one step of a render (``--slides`` first: as slides)."""
    _die_with_parent()
    as_slides = argv[:1] == [SLIDES]
    argv = argv[1:] if as_slides else argv
    from attention_manim.settings import SettingsError, settings

    try:
        parent = settings().render_parent
    except SettingsError as error:
        sys.exit(f"attention-explainer: {error}")
    if parent is not None and os.getppid() != parent:
        sys.exit("attention-explainer: the renderer is gone")
    from attention_manim import manim_patches

    manim_patches.apply(encoder_threads=settings().encoder_threads, plain_tracebacks=True,
                        frame_clock=True)
    if as_slides:
        from attention_manim.slides import slides_of

        manim_patches.render_scenes_as(slides_of)
    from manim.__main__ import main as manim_main

    sys.argv = ["manim", *argv]
    manim_main()


if __name__ == "__main__":
    main(sys.argv[1:])
