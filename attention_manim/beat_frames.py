"""A scene built beat by beat with its animations skipped: the settled frame at the end of every beat.

:func:`build_beats` is the one implementation the storyboard (:mod:`attention_explainer.storyboard`),
the accessibility check (:mod:`attention_explainer.access_check`) and the key-frame tests
(``tests/scene_harness.py``) build scenes with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from attention_content.example_types import Example
    from scenes.base import ExplainerScene

__all__ = ["BeatFrames", "build_beats", "slug"]


def slug(name: str) -> str:
    """A beat's name as it appears in file names: ``"end of pulls 1"`` -> ``end-of-pulls-1``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "beat"


@dataclass
class BeatFrames:
    """A scene built with animations skipped: the scene, and the frame at the end of every beat
    (``"NN-end-of-<beat>"`` -> RGB array (h, w, 3)), in order."""

    scene: ExplainerScene
    frames: dict[str, np.ndarray] = field(default_factory=dict)


def build_beats(scene_class: type[ExplainerScene], example: Example, workdir: Path, size: tuple[int, int],
                *, at_beat_end: Callable[[ExplainerScene, str], None] | None = None,
                at_play: Callable[[ExplainerScene, str, tuple[Any, ...]], None] | None = None,
                at_frame: Callable[[str, np.ndarray], None] | None = None,
                storyboard: bool = False) -> BeatFrames:
    """Construct ``scene_class`` for ``example`` with animations skipped, at ``size`` pixels, no
    video written (manim's dry run, its files under ``workdir``), keeping the frame at the end of
    every beat. ``at_beat_end(scene, key)`` is called as each frame is taken (the scene as that
    frame shows it), ``at_play(scene, beat, animations)`` before each ``play``,
    ``at_frame(key, frame)`` with each frame as it is taken (to write it while the scene goes on).

    ``storyboard=True`` (the storyboard's build; the key-frame tests build with manim's own
    skipping) turns on :func:`attention_manim.manim_patches.storyboard`: the same frames
    for far less work (nothing drawn but the frames kept; fades, Create, Write and GrowArrow
    jump to their end without copies; parsed SVGs shared by every process). And a beat that
    ends on an empty frame (the title card fades out at the end of its beat) shows the frame
    before the play that emptied it, as the video shows it: the storyboard has no blank frames."""
    import numpy as np
    from manim import tempconfig
    from manim.utils.iterables import list_update

    from attention_manim import manim_patches

    result: BeatFrames
    frames: dict[str, np.ndarray] = {}

    class Recording(scene_class):  # type: ignore[misc, valid-type]
        def next_section(self, name: str = "unnamed", *args: object, **kwargs: object) -> None:
            if (frames or self.mobjects) and not self._cut_beat:
                self._keep_frame()
            self._cut_beat = bool(kwargs.get("skip_animations"))  # left out: no frame of its end
            self._beat_name = slug(name)
            self._before_emptied = None
            super().next_section(name, *args, **kwargs)

        def play(self, *animations: object, **kwargs: object) -> None:
            if at_play is not None:
                at_play(self, self._beat_name, animations)
            if storyboard and self.mobjects and _empties_the_frame(self, animations):
                camera = self.renderer.camera
                camera.reset()
                camera.capture_mobjects(list_update(self.mobjects, self.foreground_mobjects))
                self._before_emptied = np.array(camera.pixel_array)[:, :, :3].copy()
            super().play(*animations, **kwargs)

        def tear_down(self) -> None:
            if not self._cut_beat:
                self._keep_frame()
            super().tear_down()

        def _keep_frame(self) -> None:
            key = f"{len(frames):02d}-end-of-{self._beat_name}"
            if storyboard and self._before_emptied is not None and not _drawn(self.mobjects):
                frames[key] = self._before_emptied
            else:
                self.renderer.update_frame(self, ignore_skipping=True)
                frames[key] = np.array(self.renderer.get_frame())[:, :, :3].copy()
            if at_frame is not None:
                at_frame(key, frames[key])
            if at_beat_end is not None:
                at_beat_end(self, key)

    Recording.__name__ = scene_class.__name__
    Recording.__qualname__ = scene_class.__qualname__
    Recording._beat_name = "start"
    Recording._before_emptied = None
    Recording._cut_beat = False
    width, height = size
    settings = {
        "dry_run": True,
        "quality": "low_quality",
        "pixel_width": width,
        "pixel_height": height,
        "media_dir": str(workdir / "media"),
        "output_file": str(workdir / scene_class.__name__),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    try:
        with tempconfig(settings):
            manim_patches.storyboard(storyboard)
            renderer = manim_patches.storyboard_renderer()
            scene = Recording(example=example, skip_animations=True,
                              **({"renderer": renderer} if renderer is not None else {}))
            scene.render()
    finally:
        manim_patches.storyboard(False)
    result = BeatFrames(scene, frames)
    return result


def _empties_the_frame(scene: ExplainerScene, animations: tuple[Any, ...]) -> bool:
    """Whether ``animations`` all take their mobjects away and those are all ``scene`` shows
    (a flat fade's mobjects are the group it fades, not its picture) and draws."""
    leaving: set[int] = set()
    for animation in animations:
        if not getattr(animation, "remover", False):
            return False
        for mobject in getattr(animation, "group", None) or [animation.mobject]:
            leaving.update(map(id, mobject.get_family()))
    return not _drawn(m for m in scene.mobjects if id(m) not in leaving)


def _drawn(mobjects: Iterable[Any]) -> bool:
    """Whether any of ``mobjects`` draws something (a wait leaves an empty mobject in the scene)."""
    return any(m.family_members_with_points() for m in mobjects)
