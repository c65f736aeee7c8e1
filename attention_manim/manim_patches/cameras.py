"""The scenes' cameras: :class:`CrispCamera` (images asking to be copied are copied),
:class:`LeanCamera` (images blended where they are) and :class:`StoryboardCamera` (outlines drawn
once from the path made before)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

import numpy as np
from manim import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject
from PIL import Image

# to one is copied at the nearest whole pixel instead of resampled (a printed grid of numbers).
SNAP_TOLERANCE = 0.5


class CrispCamera(Camera):
    """manim's cairo camera, but an image asking to be copied is copied (not a patch).

    An image with ``pixel_for_pixel = True`` (a grid of printed numbers) lying within
    :data:`SNAP_TOLERANCE` pixels of one to one is copied at the nearest whole pixels, crisp,
    where manim would resample it by a fraction of a pixel. Every other image is manim's.
    """

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        if getattr(image_mobject, "pixel_for_pixel", False):
            pixels = image_mobject.get_pixel_array()
            corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
            top_left = _pixel_for_pixel(corners, pixels.shape, SNAP_TOLERANCE)
            if top_left is not None:
                _blend(pixel_array, _cut(pixels, top_left, pixel_array.shape))
                return
        super().display_image_mobject(image_mobject, pixel_array)


class LeanCamera(CrispCamera):
    """manim's cairo camera, drawing each image only over its own pixels, once per look.

    An image is transformed to where it lands as manim's camera does it, then blended over
    that box of the frame (manim pastes it into a transparent frame-sized image and blends
    the whole frame). An image with the same pixels at the same place is drawn from the
    patch made the first time (a bounded LRU of :data:`PATCHES_KEPT` patches); any change
    of pixels, opacity, position, size or resampling makes a new patch.
    """

    PATCHES_KEPT = 48

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patches: OrderedDict[tuple, _Placed | None] = OrderedDict()
        self.patch_hits = self.patch_misses = 0

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        pixels = image_mobject.get_pixel_array()
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        # manim's transform would copy the image (nearest, one to one), or the image asks to be
        # copied and lies within half a pixel of one to one: blend it as it is.
        snap = getattr(image_mobject, "pixel_for_pixel", False)
        if snap or image_mobject.resampling_algorithm == Image.Resampling.NEAREST:
            top_left = _pixel_for_pixel(corners, pixels.shape, SNAP_TOLERANCE if snap else 1e-6)
            if top_left is not None:
                _blend(pixel_array, _cut(pixels, top_left, pixel_array.shape))
                return
        key = (corners.tobytes(), pixel_array.shape, image_mobject.resampling_algorithm, pixels.shape,
               hash(pixels.tobytes()))
        if key in self._patches:
            self._patches.move_to_end(key)
            self.patch_hits += 1
        else:
            self.patch_misses += 1
            self._patches[key] = _placed(pixels, corners, image_mobject.resampling_algorithm,
                                         pixel_array.shape)
            if len(self._patches) > self.PATCHES_KEPT:
                self._patches.popitem(last=False)
        _blend(pixel_array, self._patches[key])


class StoryboardCamera(LeanCamera):
    """The lean camera for the storyboard: a vector mobject whose points it has drawn before
    (in an earlier frame of this scene) is traced from the cairo path it made then.

    The storyboard draws the frame at the end of every beat, and most of a frame is what the
    last one showed: gravity's 14 frames draw 6871 outlines, 5853 of them seen before. manim's
    ``set_cairo_context_path`` is Python and numpy for each (finding the subpaths, then a
    ``curve_to`` a curve): most of the drawing, whose pixels depend only on the points. The
    path is kept by the points' bytes (the camera's transform lives in the cairo context, not
    the path), :data:`PATHS_KEPT` of them (least recently used out), and gives the same pixels
    (``tests/test_storyboard.py``). Only for the storyboard: a video's moving mobjects are new
    points nearly every frame, and its still ones are drawn once into manim's static image."""

    PATHS_KEPT = 8192

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paths: OrderedDict[bytes, Any] = OrderedDict()
        self.path_hits = self.path_misses = 0

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> StoryboardCamera:
        if len(vmobject.points) == 0:  # manim's leaves the context's path as it was
            return super().set_cairo_context_path(ctx, vmobject)
        key = vmobject.points.tobytes()
        path = self._paths.get(key)
        if path is None:
            self.path_misses += 1
            super().set_cairo_context_path(ctx, vmobject)
            self._paths[key] = ctx.copy_path()
            if len(self._paths) > self.PATHS_KEPT:
                self._paths.popitem(last=False)
        else:
            self.path_hits += 1
            self._paths.move_to_end(key)
            ctx.new_path()
            ctx.append_path(path)
        return self


class _Placed(NamedTuple):
    """An image as drawn on the frame, cut to the frame: its top-left pixel and its pixels."""

    left: int
    top: int
    image: Image.Image


def _blend(pixel_array: np.ndarray, patch: _Placed | None) -> None:
    """Alpha-composite ``patch`` onto ``pixel_array`` ((height, width, 4) uint8) in place."""
    if patch is None:
        return
    region = pixel_array[patch.top:patch.top + patch.image.height, patch.left:patch.left + patch.image.width]
    region[:] = np.asarray(Image.alpha_composite(Image.fromarray(region), patch.image))


def _pixel_for_pixel(corners: np.ndarray, shape: tuple[int, ...], tolerance: float) -> tuple[int, int] | None:
    """The frame pixel of an image's top-left when its ``corners`` ((4, 2) subpixel coordinates:
    top-left, top-right, bottom-left, bottom-right) put its ``shape`` pixels one on one onto
    the frame's, unturned, each corner within ``tolerance`` pixels of that; else None."""
    height, width = shape[:2]
    left, top = np.rint(corners[0])
    exact = np.array([[left, top], [left + width, top], [left, top + height], [left + width, top + height]])
    return (int(left), int(top)) if np.abs(corners - exact).max() <= tolerance else None


def _cut(pixels: np.ndarray, top_left: tuple[int, int], frame_shape: tuple[int, ...]) -> _Placed | None:
    """``pixels`` with their top-left at frame pixel ``top_left``, cut to the frame."""
    left, top = top_left
    height, width = frame_shape[:2]
    box = (max(0, -left), max(0, -top),
           min(pixels.shape[1], width - left), min(pixels.shape[0], height - top))
    if box[0] >= box[2] or box[1] >= box[3]:
        return None
    return _Placed(left + box[0], top + box[1], Image.fromarray(pixels[box[1]:box[3], box[0]:box[2]]))


def _placed(pixels: np.ndarray, corners: np.ndarray, resampling: int,
            frame_shape: tuple[int, ...]) -> _Placed | None:
    """The image ``pixels`` ((h, w, 4) uint8) as manim 0.21's ``Camera.display_image_mobject``
    draws it with its corners at ``corners`` ((4, 2) subpixel coordinates: top-left,
    top-right, bottom-left, bottom-right): the same perspective transform, cut to the frame
    instead of pasted into a frame-sized image. None when manim would draw nothing."""
    image = Image.fromarray(pixels)
    source = np.array([[0, 0], [image.width, 0], [0, image.height], [image.width, image.height]])
    whole = corners.astype(np.int64)
    shift = whole.min(axis=0)
    target, whole = corners - shift, whole - shift
    size = (int(whole[:, 0].max()), int(whole[:, 1].max()))
    # manim skips an image seen edge-on: its height from the longest side under half a pixel
    ordered = target[[0, 1, 3, 2]]
    sides = np.roll(ordered, -1, axis=0) - ordered
    lengths = np.linalg.norm(sides, axis=1)
    longest = int(np.argmax(lengths))
    if lengths[longest] == 0:
        return None
    side, previous = sides[longest], sides[(longest - 1) % 4]
    if abs(side[0] * previous[1] - side[1] * previous[0]) / lengths[longest] < 0.5:
        return None
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    try:
        coefficients = np.linalg.solve(np.array(rows, dtype=np.float64), source.reshape(8).astype(np.float64))
    except np.linalg.LinAlgError:
        return None
    drawn = image.transform(size=size, method=Image.Transform.PERSPECTIVE, data=coefficients,
                            resample=resampling)
    return _cut(np.asarray(drawn), (int(shift[0]), int(shift[1])), frame_shape)
