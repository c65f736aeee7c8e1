"""The storyboard's renderer: a scene built with every animation skipped, frames drawn only when
asked for (see :func:`attention_manim.manim_patches.storyboard`)."""

from __future__ import annotations

from typing import Any

from manim import Mobject
from manim.renderer.cairo_renderer import CairoRenderer


class StoryboardRenderer(CairoRenderer):
    """manim 0.21's cairo renderer for a scene built with every animation skipped, whose
    frames are drawn only when asked for (the storyboard's frame at the end of each beat);
    the same frames as manim's renderer, for much less drawing.

    A skipped play of manim's draws the still mobjects into a "static image", then the moving
    ones over it (a wait), or each animation's last frame (anything else), and writes neither.
    This one draws nothing while playing. What a later frame inherits is kept: after a still
    wait manim's next frame is drawn over that static image (the still mobjects drawn twice:
    edges and see-through fills darker than in the video, and so in the key frames), so the
    still mobjects are remembered and drawn into it when, and only if, a frame is asked for
    before the next play.

    Animations whose end is their mobject as it was (:data:`SETTLING`: a fade in or out,
    a Create, a Write, a GrowArrow, ending on their rate's 1, no updater in the mobject's family)
    skip their beginning and interpolation (copies of the mobject, alignment): only their
    adding to and removing from the scene is done. Any other animation plays as manim skips
    it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the last still wait (its scene, the scene's members then, its animations): drawn under
        # the next frame asked for before another play, as manim's static image
        self._still: tuple[Any, list[Mobject], list[Mobject], list[Any]] | None = None

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        """``CairoRenderer.play`` of manim 0.21 for a skipped play, drawing nothing."""
        self.skip_animations = self._original_skipping_status
        self.update_skipping_status()
        if not self.skip_animations:
            super().play(scene, *args, **kwargs)
            return
        scene.compile_animation_data(*args, **kwargs)
        self.time += scene.duration
        self.file_writer.add_partial_movie_file(None)
        self.animations_hashes.append(None)
        self.file_writer.begin_animation(False)
        # Scene.begin_animations without its split into moving and still mobjects (the still
        # ones are only drawn, under a frame asked for after a still wait: split then)
        for animation in scene.animations:
            if _settles_at_once(animation):
                _only_enter_and_leave(animation)
            animation._setup_scene(scene)
            animation.begin()
        self.static_image, self._still = None, None
        if scene.is_current_animation_frozen_frame():
            self._still = (scene, list(scene.mobjects), list(scene.foreground_mobjects), scene.animations)
        else:
            scene.play_internal()
        self.file_writer.end_animation(False)
        self.num_plays += 1

    def render(self, scene: Any, time: float, moving_mobjects: Any = None) -> None:
        """A frame of a play: written only when not skipping (a skipped play's is dropped)."""
        if not self.skip_animations:
            super().render(scene, time, moving_mobjects)

    def update_frame(self, scene: Any, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = True, **kwargs: Any) -> None:
        if self._still is not None and (ignore_skipping or not self.skip_animations):
            self._draw_still()
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def _draw_still(self) -> None:
        """manim's static image of the last still wait: its still mobjects (the scene's members
        then, less what its wait moves), drawn as they are now."""
        scene, members, foreground, animations = self._still
        self._still = None
        kept = scene.mobjects, scene.foreground_mobjects
        try:
            scene.mobjects, scene.foreground_mobjects = members, foreground
            still = scene.get_moving_and_static_mobjects(animations)[1]
        finally:
            scene.mobjects, scene.foreground_mobjects = kept
        if still:
            super().update_frame(scene, mobjects=still)
            self.static_image = self.get_frame()


def _settling_types() -> frozenset[type]:
    from manim import Create, FadeIn, FadeOut, GrowArrow, Write

    return frozenset({FadeIn, FadeOut, Create, Write, GrowArrow})


SETTLING: frozenset[type] = _settling_types()


def _settles_at_once(animation: Any) -> bool:
    """Whether ``animation`` (after manim's ``prepare_animation``) ends on its mobject as it
    was: one of :data:`SETTLING` exactly (not a subclass), at its rate's 1, with no updater
    that the animation's suspending and resuming would call differently."""
    mobject = getattr(animation, "mobject", None)
    return (type(animation) in SETTLING and mobject is not None
            and abs(animation.rate_func(1.0) - 1.0) < 1e-9 and not mobject.get_family_updaters())


def _nothing(*args: Any) -> None:
    return None


def _only_enter_and_leave(animation: Any) -> None:
    """Let ``animation`` (one that :func:`_settles_at_once`) only add its mobject to the scene
    (an introducer) or take it away (a remover): no starting copy, no interpolation."""
    animation.begin = animation.finish = animation.interpolate = animation.update_mobjects = _nothing
