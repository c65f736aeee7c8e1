"""Two exact speedups of manim 0.21's cairo renderer: the same pixels, less work.

**Glyphs forget their parsed path.** Every ``Text``, ``MathTex`` and ``DecimalNumber`` glyph is
a ``VMobjectFromSVGPath`` that keeps its parsed ``svgelements.Path`` (hundreds of small
``Point`` and segment objects) as ``path_obj`` after turning it into bezier points, and never
reads it again. Manim deep-copies mobjects at the start of nearly every animation
(FadeTransform four times), so those objects were most of a render: cProfile of the softmax
scene at -ql had deepcopy at half the run, 80% of the objects copied svgelements ``Point``s.

**Images are blended where they are.** manim pastes each image into a transparent image as
large as the frame and alpha-composites that whole frame (3.1 ms a time at 1080p here, for
every image in every frame). :class:`LeanCamera` composites only the box that holds the
image's pixels; outside it the full-frame composite changed nothing anyway (Pillow copies the
destination where the source is transparent).

Applied by :mod:`scenes.base`: every scene gets both. Pinned to manim 0.21; :func:`apply`
leaves manim alone if the glyph class has changed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

import numpy as np
from manim import Camera
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.types.image_mobject import AbstractImageMobject
from PIL import Image

__all__ = ["LeanCamera", "apply", "applied"]

_ORIGINAL = VMobjectFromSVGPath.generate_points


def _generate_points_then_forget_path(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
    _ORIGINAL(self)
    self.path_obj = None  # read only by generate_points, which manim calls once, at init
    return self


def applied() -> bool:
    """True when glyphs drop their parsed path after making their points."""
    return VMobjectFromSVGPath.generate_points is _generate_points_then_forget_path


def apply() -> None:
    """Make every SVG glyph forget its parsed path once its points exist (idempotent)."""
    if applied() or not hasattr(VMobjectFromSVGPath, "handle_commands"):
        return
    VMobjectFromSVGPath.generate_points = _generate_points_then_forget_path


class LeanCamera(Camera):
    """manim's cairo camera, drawing each image once per look and only over its own pixels.

    An image with the same pixels at the same place is drawn from the patch manim's own
    transform made the first time (a bounded LRU of :data:`PATCHES_KEPT` patches); any
    change of pixels, opacity, position, size or resampling makes a new patch.
    """

    PATCHES_KEPT = 48

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patches: OrderedDict[tuple, _Patch | None] = OrderedDict()
        self._last_patch: _Patch | None = None
        self.patch_hits = self.patch_misses = 0

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        pixels = image_mobject.get_pixel_array()
        key = (self.points_to_subpixel_coords(image_mobject, image_mobject.points).tobytes(),
               image_mobject.resampling_algorithm, pixels.shape, hash(pixels.tobytes()))
        if key in self._patches:
            self._patches.move_to_end(key)
            self.patch_hits += 1
            _blend(pixel_array, self._patches[key])
            return
        self.patch_misses += 1
        self._last_patch = None
        super().display_image_mobject(image_mobject, pixel_array)  # ends in overlay_PIL_image
        self._patches[key] = self._last_patch
        if len(self._patches) > self.PATCHES_KEPT:
            self._patches.popitem(last=False)

    def overlay_PIL_image(self, pixel_array: np.ndarray, image: Image.Image) -> None:  # noqa: N802
        """Blend ``image`` (RGBA, frame-sized, mostly transparent) onto ``pixel_array``
        ((height, width, 4) uint8) inside the box of its non-transparent pixels."""
        box = image.getbbox(alpha_only=True)
        self._last_patch = None if box is None else _Patch(box[0], box[1], image.crop(box))
        _blend(pixel_array, self._last_patch)


class _Patch(NamedTuple):
    """The non-transparent box of an image as drawn on the frame: its top-left pixel and it."""

    left: int
    top: int
    image: Image.Image


def _blend(pixel_array: np.ndarray, patch: _Patch | None) -> None:
    """Alpha-composite ``patch`` onto ``pixel_array`` ((height, width, 4) uint8) in place."""
    if patch is None:
        return
    region = pixel_array[patch.top:patch.top + patch.image.height, patch.left:patch.left + patch.image.width]
    region[:] = np.asarray(Image.alpha_composite(Image.fromarray(region), patch.image))
