"""Keeping a label clear: the marks it keeps off (text boxes and line segments, read once from
their mobjects), a test of one spot against them, and a word's arrow whose label keeps clear of
the plane's marks and of whatever else it is told to avoid (the other arrow and its label).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import DL, UR, Mobject, config

from scenes.components.words import WordPlane, WordVector, tick_numbers

__all__ = ["Box", "Marks", "PlacedVector", "Segment", "box_of", "clear_of", "axes_marks",
           "segment_meets_box"]


Box = tuple[np.ndarray, np.ndarray]  # lower-left and upper-right (x, y) corners
Segment = tuple[np.ndarray, np.ndarray]  # start and end (x, y)


@dataclass
class Marks:
    """What a label keeps off: ``boxes`` (texts) and ``segments`` (lines and arrows), read
    once from their mobjects, so that testing a spot costs a few comparisons per frame."""

    boxes: list[Box] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @staticmethod
    def of(texts: Sequence[Mobject] = (), lines: Sequence[Mobject] = ()) -> Marks:
        return Marks([box_of(t) for t in texts], [(m.get_start()[:2], m.get_end()[:2]) for m in lines])

    def __add__(self, other: Marks) -> Marks:
        return Marks(self.boxes + other.boxes, self.segments + other.segments)


def box_of(mobject: Mobject) -> Box:
    return mobject.get_corner(DL)[:2], mobject.get_corner(UR)[:2]


def axes_marks(plane: WordPlane) -> Marks:
    """The plane's tick values, axis names and axis lines."""
    return Marks.of([*tick_numbers(plane), plane.x_name, plane.y_name],
                    [plane.axes.x_axis, plane.axes.y_axis])


def segment_meets_box(segment: Segment, box: Box) -> bool:
    """True when the segment crosses or touches the box (Liang-Barsky clipping).

    >>> box = (np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    >>> [segment_meets_box((np.array(a), np.array(b)), box) for a, b in
    ...  (([-1.0, 0.5], [2.0, 0.5]), ([-1.0, 2.0], [2.0, 2.0]), ([0.5, 0.5], [0.6, 0.6]))]
    [True, False, True]
    """
    (x0, y0), (x1, y1) = segment
    (left, bottom), (right, top) = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - bottom), (dy, top - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def clear_of(mobject: Mobject, marks: Marks, pad: float = 0.0) -> bool:
    """True when ``mobject``'s box, grown by ``pad`` on every side, lies inside the frame and
    meets none of ``marks``."""
    low, high = box_of(mobject)
    low, high = low - pad, high + pad
    half = np.array([config.frame_width, config.frame_height]) / 2 - 0.1
    if np.any(low < -half) or np.any(high > half):
        return False
    if any(np.all(low < b_high) and np.all(b_low < high) for b_low, b_high in marks.boxes):
        return False
    return not any(segment_meets_box(s, (low, high)) for s in marks.segments)


class PlacedVector(WordVector):
    """A :class:`WordVector` whose label keeps off the plane's marks and whatever
    :attr:`avoid` returns (the other arrow and its label).

    The label tries spots around the tip, the side of ``label_side`` first (away from the
    other arrow, so the two labels never meet when the arrows lie along each other), then
    turning towards the tip and past it to the other side; it keeps its spot while the spot
    stays clear, so it does not hop while the arrow turns.
    """

    SPOTS = (4.0, 1.0, 0.0, -1.0, -4.0)  # label_side multiples, tried in this order

    def __init__(self, plane: WordPlane, word: str, coords, color, label_side: float = 0.0) -> None:
        self.avoid: Callable[[], Marks] = Marks
        self.spot: float | None = None
        self.marks = axes_marks(plane)
        super().__init__(plane, word, coords, color, label_side=label_side)

    def _place_at(self, k: float) -> None:
        direction = self.arrow.get_end() - self.arrow.get_start()
        direction = direction / (np.linalg.norm(direction) or 1.0)
        side = np.array([-direction[1], direction[0], 0.0])
        where = direction + k * side
        self.label.next_to(self.arrow.get_end(), where / np.linalg.norm(where), buff=0.12)

    def _place_label(self) -> None:
        sign = float(np.sign(self.label_side)) or 1.0
        order = [sign * k for k in self.SPOTS]
        if self.spot is not None:
            order.insert(0, self.spot)
        marks = self.marks + self.avoid()
        for k in order:
            self._place_at(k)
            if clear_of(self.label, marks):
                self.spot = k
                return
        self.spot = None  # nowhere clear: the first choice
        self._place_at(sign * self.SPOTS[0])
