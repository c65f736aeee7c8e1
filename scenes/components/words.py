"""Words: their colour, their label, the plane they live in, and arrows or dots in it.

Words are always drawn with :func:`word_label` (Pango ``Text``), never LaTeX, so any
Unicode or LaTeX special character in an example is shown literally.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DL,
    DOWN,
    DR,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    AnimationGroup,
    Arrow,
    Axes,
    DashedLine,
    Dot,
    FadeIn,
    GrowArrow,
    ManimColor,
    Mobject,
    Text,
    VGroup,
    VMobject,
)

from attention_content.example_types import Example
from attention_content.story import plane_points
from scenes import style
from scenes.components.captions import quoted, word_label, wrapped_label

__all__ = ["PlaneScale", "WordDot", "WordPlane", "WordVector", "along", "along_points", "boxes_overlap",
           "dashed", "is_named", "named", "plane_scale", "sentence_caption", "shown_labels", "tick_numbers",
           "word_color", "word_label", "xy_box"]

# Where a label may sit around its dot, in the order they are tried.
LABEL_SPOTS = (UR, UL, DR, DL, RIGHT, LEFT, UP, DOWN)
LABEL_BUFF = 0.05
# A key's arrow is dashed (a query's is solid): told apart by more than colour. Scene units.
KEY_DASH = 0.14
ALONG_RADIUS = 0.03  # the dots along a line that keep labels off it
# A label's own dot is nearer its centre than any other word's dot by at least this factor, so
# that a reader who takes the nearest dot takes the right one at a glance.
NEAREST_BY = 1.1


def word_color(example: Example, word: str) -> ManimColor:
    """The colour of ``word`` in every scene of ``example``: focus words share one colour,
    the others take the palette in the order the file lists them."""
    if any(word == s.focus for s in example.sentences):
        return style.FOCUS
    others = [w for w in example.words if not any(w == s.focus for s in example.sentences)]
    return style.WORD_COLORS[others.index(word) % len(style.WORD_COLORS)]


def sentence_caption(text: str, max_width: float = 6.8) -> Text:
    """A sentence in quotes on one line, or at a smaller size on two when it is long (a
    32-word sentence stays readable), shrunk to ``max_width`` scene units if even that is wide."""
    return wrapped_label(quoted(text), style.TEXT, max_width,
                         ((style.BODY_SIZE, 1), (style.LABEL_SIZE, 1), (style.SMALL_SIZE, 2)))


@dataclass(frozen=True)
class PlaneScale:
    """The one scale of every plane of an example: ranges ``[low, high, step]`` in embedding
    units, and ``unit``, scene units per embedding unit."""

    x_range: tuple[float, float, float]
    y_range: tuple[float, float, float]
    unit: float

    @staticmethod
    def holding(points: np.ndarray, height: float) -> PlaneScale:
        """The scale whose plane, ``height`` scene units tall, holds ``points`` (shape (k, 2))
        and the origin, with round ticks and a margin."""
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        low = np.minimum(pts.min(axis=0, initial=0.0), 0.0)
        high = np.maximum(pts.max(axis=0, initial=0.0), 0.0)
        span = float(max(high - low)) or 1.0
        step = nice_step(span, ticks=8)  # a tick per unit for the shipped examples
        x_range = (_floor_to(low[0] - 0.1 * span, step), _ceil_to(high[0] + 0.1 * span, step), step)
        y_range = (_floor_to(low[1] - 0.1 * span, step), _ceil_to(high[1] + 0.1 * span, step), step)
        return PlaneScale(x_range, y_range, height / (y_range[1] - y_range[0]))


def plane_scale(example: Example, height: float = style.SHARED_PLANE_HEIGHT) -> PlaneScale:
    """The scale every plane of ``example`` uses: it holds every point any chapter draws
    (:func:`attention_content.story.plane_points`), so a plane never changes scale between
    chapters."""
    return PlaneScale.holding(plane_points(example), height)


class WordPlane(VGroup):
    """Axes for 2-D embeddings, sized to hold ``points`` (shape (k, 2)), axes named.

    With ``scale`` (from :func:`plane_scale`) the plane takes that scale's ranges and unit
    instead, the same in every chapter. ``numbers`` writes the tick values on both axes.
    ``self.axes`` converts coordinates with ``c2p``; the origin is always in view.
    """

    def __init__(self, points: np.ndarray, x_name: str, y_name: str,
                 height: float = style.PLANE_HEIGHT, scale: PlaneScale | None = None,
                 numbers: bool = False) -> None:
        if scale is None:
            scale = PlaneScale.holding(points, height)
        x_range, y_range, unit = list(scale.x_range), list(scale.y_range), scale.unit
        self.scale_used = scale
        self.axes = Axes(
            x_range=x_range, y_range=y_range,
            x_length=unit * (x_range[1] - x_range[0]), y_length=unit * (y_range[1] - y_range[0]),
            axis_config={"color": style.MUTED, "stroke_width": 2, "include_ticks": True,
                         "tick_size": 0.05},
            tips=False,
        )
        if numbers:
            self._write_tick_numbers(x_range, y_range)
        self.numbers = numbers
        self.x_name, self.y_name = self._axis_names(x_name, y_name)
        super().__init__(self.axes, self.x_name, self.y_name)

    def _axis_names(self, x_name: str, y_name: str) -> tuple[Text, Text]:
        """The axes' names, placed: x's at the right end under the axis (under the row of
        tick values when there is one, so the last values stay clear), y's right of its top."""
        x_label = word_label(x_name, style.MUTED, style.SMALL_SIZE)
        y_label = word_label(y_name, style.MUTED, style.SMALL_SIZE)
        end = self.axes.x_axis.get_end()
        if self.numbers:
            x_label.next_to(self.axes.x_axis.numbers, DOWN, buff=0.12).align_to(end, RIGHT)
        else:
            x_label.next_to(end, DOWN, buff=0.15).align_to(end, RIGHT)
        y_label.next_to(self.axes.y_axis.get_end(), RIGHT, buff=0.15)
        return x_label, y_label

    def rename_axes(self, x_name: str, y_name: str) -> tuple[Text, Text]:
        """Name the axes anew (where the old names were placed, as the plane now draws
        something else than the embeddings); returns the old names, out of the plane, for an
        animation to take them away."""
        old = self.x_name, self.y_name
        self.remove(*old)
        self.x_name, self.y_name = self._axis_names(x_name, y_name)
        self.add(self.x_name, self.y_name)
        return old

    def _write_tick_numbers(self, x_range: list[float], y_range: list[float]) -> None:
        """Tick values along both axes (not at the origin), large enough to read at 1080p."""
        decimals = 0 if float(x_range[2]).is_integer() else 1
        for axis, (low, high, step) in ((self.axes.x_axis, x_range), (self.axes.y_axis, y_range)):
            values = [v for v in np.arange(low, high + step / 2, step) if abs(v) > step / 2]
            axis.add_numbers(values, font_size=style.TICK_SIZE, num_decimal_places=decimals,
                             buff=0.12, color=style.MUTED)

    def point(self, coords: Sequence[float]) -> np.ndarray:
        """Scene position of the embedding ``coords`` (shape (2,))."""
        return self.axes.c2p(float(coords[0]), float(coords[1]))


def tick_numbers(plane: WordPlane) -> list[Mobject]:
    """``plane``'s tick values, one mobject per value (labels keep off them); none when the
    plane writes no values."""
    return [n for axis in (plane.axes.x_axis, plane.axes.y_axis) for n in getattr(axis, "numbers", [])]


class WordVector(VGroup):
    """An arrow from the plane's origin to a word's embedding, labelled at its tip."""

    def __init__(self, plane: WordPlane, word: str, coords: Sequence[float],
                 color: ManimColor, label_side: float = 0.0) -> None:
        """``label_side`` turns the label off the arrow's line: -1 right of it, +1 left."""
        self.plane, self.word, self.label_side = plane, word, label_side
        self.coords = np.asarray(coords, dtype=float)
        self.arrow = Arrow(plane.point((0, 0)), plane.point(self.coords), buff=0, color=color,
                           stroke_width=5, max_tip_length_to_length_ratio=0.12)
        self.label = word_label(word, color)
        super().__init__(self.arrow, self.label)
        self._place_label()

    def _place_label(self) -> None:
        direction = self.arrow.get_end() - self.arrow.get_start()
        direction = direction / (np.linalg.norm(direction) or 1.0)
        side = np.array([-direction[1], direction[0], 0.0])
        where = direction + self.label_side * side
        self.label.next_to(self.arrow.get_end(), where / np.linalg.norm(where), buff=0.12)

    def relabel(self, label: Mobject) -> None:
        """Name the arrow with ``label`` (a formula) in place of its text, not yet placed
        (:meth:`move_tip` places it)."""
        self.remove(self.label)
        self.label = label
        self.add(label)

    def grow(self, run_time: float = style.BEAT) -> AnimationGroup:
        """The arrow grows from the origin while its label fades in."""
        return AnimationGroup(GrowArrow(self.arrow), FadeIn(self.label), run_time=run_time)

    def move_tip(self, coords: Sequence[float]) -> WordVector:
        """Point the arrow at new coordinates (for updaters); returns self."""
        self.coords = np.asarray(coords, dtype=float)
        self.arrow.put_start_and_end_on(self.plane.point((0, 0)), self.plane.point(self.coords))
        self._place_label()
        return self


class WordDot(VGroup):
    """A word drawn as a dot with its label beside it (for crowded planes).

    ``label_shown`` (read only) is False once the label placer (:mod:`scenes.components.labels`)
    found no free spot for the label and took it out of the group (``self.label`` still holds
    the word). Scenes ask :func:`is_named` or :func:`shown_labels`, and show or hide a label
    only with :meth:`show_label` and :meth:`hide_label`.
    """

    def __init__(self, plane: WordPlane, word: str, coords: Sequence[float],
                 color: ManimColor) -> None:
        self.word, self.coords = word, np.asarray(coords, dtype=float)
        self.dot = Dot(plane.point(self.coords), color=color, radius=0.07)
        self.label = word_label(word, color, style.SMALL_SIZE).next_to(self.dot, UR, buff=LABEL_BUFF)
        self._label_shown = True
        super().__init__(self.dot, self.label)

    @property
    def label_shown(self) -> bool:
        return self._label_shown

    def show_label(self) -> None:
        """Put the label back in the group, after the dot (where it was last placed)."""
        if not self._label_shown:
            self.add(self.label)
            self._label_shown = True

    def hide_label(self) -> None:
        """Leave the dot bare (the label leaves the group, so no animation brings it back)."""
        if self._label_shown:
            self.remove(self.label)
            self._label_shown = False

    def relabel(self, label: Mobject) -> None:
        """Name the word with ``label`` (a formula, two lines) in place of its text; the new
        label is shown, not yet placed."""
        self.remove(self.label)
        self.label = label
        self.add(label)
        self._label_shown = True


def is_named(word: Mobject) -> bool:
    """True when ``word`` is a :class:`WordDot` whose label is shown (a bare ``Dot``: False)."""
    return isinstance(word, WordDot) and word.label_shown


def named(words: Sequence[Mobject]) -> list[WordDot]:
    """The words of ``words`` whose labels are shown, in order."""
    return [w for w in words if is_named(w)]


def shown_labels(words: Sequence[Mobject], leaders: bool = False) -> list[Mobject]:
    """The shown labels of ``words``, in order; with ``leaders``, each followed by its leader
    line when it has one (:mod:`scenes.components.labels`)."""
    return [m for w in named(words)
            for m in (w.label, *([w.leader] if leaders and hasattr(w, "leader") else []))]


def dashed(arrow: Arrow, dash_length: float = KEY_DASH) -> DashedLine:
    """``arrow`` drawn dashed, with the same start, end, colour, width and tip (a key's arrow
    beside a query's solid one: the two differ by line style, not by colour alone); its
    ``coords`` and z-index carry over."""
    line = DashedLine(arrow.get_start(), arrow.get_end(), dash_length=dash_length, dashed_ratio=0.6,
                      color=arrow.get_color(), stroke_width=arrow.get_stroke_width())
    line.add_tip(tip_length=arrow.tip.length, tip_width=arrow.tip.width)
    line.tip.set_color(arrow.get_color())
    if hasattr(arrow, "coords"):
        line.coords = arrow.coords
    line.set_z_index(arrow.z_index)
    return line


def along(line: Mobject, spacing: float = 0.15) -> list[Dot]:
    """Small invisible dots every ``spacing`` scene units along ``line`` (an Arrow or a Line):
    an obstacle for the label placer that blocks the line itself, not its bounding box."""
    return [Dot(p, radius=ALONG_RADIUS).set_opacity(0) for p in along_points(line, spacing)]


def along_points(line: Mobject, spacing: float = 0.15) -> np.ndarray:
    """The centres of :func:`along`'s dots, shape (k, 3): from start to end, ``spacing`` apart
    at most, two at least."""
    start, end = line.get_start(), line.get_end()
    count = max(2, int(np.linalg.norm(end - start) / spacing) + 1)
    return np.array([start + t * (end - start) for t in np.linspace(0, 1, count)])


def boxes_overlap(a: Mobject, b: Mobject) -> bool:
    """True when the bounding boxes of ``a`` and ``b`` overlap."""
    (a_low, a_high), (b_low, b_high) = xy_box(a), xy_box(b)
    return bool(np.all(a_low < b_high) and np.all(b_low < a_high))


def xy_box(m: Mobject) -> tuple[np.ndarray, np.ndarray]:
    """``m.get_corner(DL)[:2]`` and ``m.get_corner(UR)[:2]``, the same floats, from the points
    manim's ``get_points_defining_boundary`` takes (a VMobject's: the two anchors of every
    curve of every member; another mobject's: all its family's points) as slices, in one walk.
    Label placement asks thousands of times; each get_corner walks the family again, and
    manim gathers the anchors row by row in Python."""
    kind = type(m).get_points_defining_boundary
    if kind is not VMobject.get_points_defining_boundary and kind is not Mobject.get_points_defining_boundary:
        points = m.get_points_defining_boundary()  # a class of its own: its own boundary
    else:
        parts = []
        for member in m.get_family():
            points = member.points
            if kind is VMobject.get_points_defining_boundary and len(points) > 1:
                n = member.n_points_per_cubic_curve
                starts, ends = points[::n], points[n - 1::n]
                if len(starts) != len(ends):  # not whole curves: as manim does (it raises)
                    return _corners(m)
                parts += (starts, ends)
            elif len(points):
                parts.append(points)
        points = np.concatenate(parts) if parts else np.zeros((0, 3))
    if len(points) == 0:
        return np.zeros(2), np.zeros(2)
    return points[:, :2].min(axis=0), points[:, :2].max(axis=0)


def _corners(m: Mobject) -> tuple[np.ndarray, np.ndarray]:
    return m.get_corner(DL)[:2], m.get_corner(UR)[:2]


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks over
    ``span`` > 0."""
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _floor_to(x: float, step: float) -> float:
    return math.floor(x / step) * step


def _ceil_to(x: float, step: float) -> float:
    return math.ceil(x / step) * step

