"""Fading a still group as one picture: drawn once, then only its opacity changes.

``FadeIn``/``FadeOut`` of a group interpolate every submobject every frame and manim redraws
each of them (a title card is ~40 glyph outlines, a panel of matrices and a plot ~200): at
1080p such a fade is costly every frame. :class:`FlatFadeIn` and :class:`FlatFadeOut`
draw the group once, as the camera would, into a transparent image laid pixel for pixel over
the frame, and fade that image: one blend a frame (manim's camera, and the lean one of
:mod:`attention_manim.manim_patches`, copy such an image without resampling). The group
fades as one piece: where its parts overlap (a word on a card), nothing shows through
mid-fade, as it does with manim's fades. A ``shift`` moves the picture by whole pixels, so it
stays one to one with the frame.

The group must hold still while it fades (nothing else animating it).
"""

from __future__ import annotations

import numpy as np
from manim import BLACK, Animation, ImageMobject, Mobject, config
from manim.constants import RESAMPLING_ALGORITHMS

from attention_manim import manim_patches

__all__ = ["FlatFadeIn", "FlatFadeOut", "flattened"]


def flattened(*mobjects: Mobject) -> ImageMobject | None:
    """``mobjects`` drawn at the render's resolution on a transparent background, cut to
    where they drew and placed exactly over that box of the frame (RGBA, straight alpha).
    None when they draw nothing (all off frame, or empty)."""
    camera = manim_patches.camera_class()(background_color=BLACK, background_opacity=0)
    camera.capture_mobjects(list(mobjects))
    drawn = camera.pixel_array  # premultiplied by alpha (cairo's ARGB32)
    rows, cols = np.nonzero(drawn[..., 3])
    if not len(rows):
        return None
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    box = drawn[top:bottom, left:right].astype(np.uint32)
    alpha = box[..., 3:]
    straight = np.where(alpha > 0, (box[..., :3] * 255 + alpha // 2) // np.maximum(alpha, 1), 0)
    image = ImageMobject(np.concatenate([straight, alpha], axis=2).astype(np.uint8))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    unit = config.frame_width / config.pixel_width  # scene units per pixel
    image.stretch_to_fit_width((right - left) * unit).stretch_to_fit_height((bottom - top) * unit)
    center = camera.frame_center + np.array([(left + right - config.pixel_width) / 2 * unit,
                                             (config.pixel_height - top - bottom) / 2 * unit, 0.0])
    return image.move_to(center)


class _FlatFade(Animation):
    """The picture of ``mobjects`` fading in (``appearing``) or out; see the module."""

    def __init__(self, *mobjects: Mobject, appearing: bool, shift: np.ndarray | None = None,
                 **kwargs) -> None:
        self.group = list(mobjects)
        # a storyboard draws no frame of a play: the picture would never be seen (drawing the
        # group is costly, and the training step alone makes many fades)
        picture = None if manim_patches.storyboard_on() else flattened(*mobjects)
        if picture is None:  # nothing drawn: an empty pixel to fade
            picture = ImageMobject(np.zeros((1, 1, 4), dtype=np.uint8))
        self.opaque = picture.pixel_array[..., 3].astype(np.uint16)
        self.home = picture.get_center()
        self.step = np.zeros(3) if shift is None else np.asarray(shift, dtype=float)
        self.appearing = appearing
        self.shown: tuple[int, ...] | None = None
        super().__init__(picture, introducer=True, remover=not appearing, **kwargs)

    def _setup_scene(self, scene) -> None:
        """The picture takes the group's place in the scene (on top, for one appearing).

        Overrides ``Animation._setup_scene`` (private in manim 0.21: ``Scene.begin_animations``
        calls it to add an introducer's mobject) in this animation of our own, because the
        picture must stand where the group stood, not on top; not a patch of manim's classes.
        """
        place = len(scene.mobjects)
        if not self.appearing:
            family = {id(m) for group in self.group for m in group.get_family()}
            place = min((i for i, m in enumerate(scene.mobjects) if id(m) in family), default=place)
            scene.remove(*self.group)
            place = min(place, len(scene.mobjects))
        scene.mobjects.insert(place, self.mobject)

    def clean_up_from_scene(self, scene) -> None:
        if self.appearing:  # the group itself from now on, where its picture was
            place = scene.mobjects.index(self.mobject)
            scene.mobjects[place:place + 1] = []
            scene.mobjects[place:place] = [m for m in self.group if m not in scene.mobjects]
        else:
            super().clean_up_from_scene(scene)

    def interpolate_mobject(self, alpha: float) -> None:
        weight = self.rate_func(alpha)
        opacity = weight if self.appearing else 1 - weight
        level = int(round(255 * float(np.clip(opacity, 0, 1))))
        unit = config.frame_width / config.pixel_width
        travel = self.step * (weight - 1 if self.appearing else weight)
        pixels = tuple(int(round(v / unit)) for v in travel[:2])
        if (level, pixels) == self.shown:
            return
        self.shown = (level, pixels)
        self.mobject.pixel_array[..., 3] = (self.opaque * level + 127) // 255
        self.mobject.move_to(self.home + np.array([pixels[0] * unit, pixels[1] * unit, 0.0]))


class FlatFadeIn(_FlatFade):
    """``FadeIn(*mobjects, shift=shift)`` as one picture; the mobjects themselves are in the
    scene once it ends."""

    def __init__(self, *mobjects: Mobject, shift: np.ndarray | None = None, **kwargs) -> None:
        super().__init__(*mobjects, appearing=True, shift=shift, **kwargs)


class FlatFadeOut(_FlatFade):
    """``FadeOut(*mobjects, shift=shift)`` as one picture, which leaves with them."""

    def __init__(self, *mobjects: Mobject, shift: np.ndarray | None = None, **kwargs) -> None:
        super().__init__(*mobjects, appearing=False, shift=shift, **kwargs)
