"""The keys chapter's plane beside its column of text: the shared plane with tick values, its
axes as lines, words named apart from each other, the legend in a free corner, and the column's
texts kept clear of a plane too wide for its room (and the plane's names out of the column).

Shared with the values chapter, which draws the same plane and legend.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, DR, LEFT, RIGHT, UL, UR, Mobject, SurroundingRectangle, VGroup, config

from attention_content.example_types import Example
from scenes import style
from scenes.components import WordDot, WordPlane
from scenes.components.labels import APART_ROOM, axis_lines
from scenes.components.words import boxes_overlap, is_named, plane_scale, tick_numbers
from scenes.key_bars import column_left

__all__ = ["COLUMN_ROOM", "LEGEND_GAP", "LEGEND_INSET", "TAG_ROOM", "axis_lines", "clear_of_plane",
           "legend_in_corner", "right_of_plane", "shared_plane", "unname_over_marks"]

TAG_ROOM = APART_ROOM  # a word's label keeps this far from a query's label, so they never read as one
LEGEND_GAP = 0.08  # between the legend's lines
LEGEND_INSET = 0.12  # the legend keeps this far inside the plane's corner
COLUMN_ROOM = 0.15  # the right-hand column's texts keep this far from the plane's marks


def shared_plane(example: Example) -> WordPlane:
    """The plane every chapter of ``example`` draws (:func:`plane_scale`), tick values written
    (the x axis's name under them), on the left of the frame, centred in height."""
    plane = WordPlane(np.zeros((1, 2)), example.x_axis, example.y_axis, scale=plane_scale(example),
                      numbers=True)
    return plane.to_edge(LEFT, buff=style.MARGIN).set_y(0)


def unname_over_marks(plane: WordPlane, dots: Sequence[WordDot]) -> None:
    """Leave each of ``dots`` unnamed whose name lies over an axis or a tick value (for words
    of negligible weight, whose names a bar or a line names elsewhere)."""
    marks = [*axis_lines(plane), *tick_numbers(plane)]
    for dot in dots:
        if is_named(dot) and any(boxes_overlap(dot.label, m) for m in marks):
            dot.hide_label()


def legend_in_corner(plane: WordPlane, legend: Mobject, points: np.ndarray,
                     right: float | None = None) -> Mobject:
    """Put ``legend`` in the corner of ``plane`` that covers none of ``points`` (shape (k, 2):
    every point the chapter draws), nor an axis, a tick value or an axis name; the corner
    covering the fewest of them if none is free. A right-hand corner is taken no further right
    than ``right`` (the column of text beside the plane). Returns ``legend``."""
    marks = [*axis_lines(plane), *tick_numbers(plane), plane.x_name, plane.y_name]
    box = VGroup(*axis_lines(plane))  # the axes' lines: their ends are the plane's corners
    best, fewest = UL, None

    def put(corner: np.ndarray) -> None:
        at = box.get_corner(corner) - LEGEND_INSET * corner
        if right is not None and corner[0] > 0:
            at[0] = min(at[0], right)
        legend.move_to(at, aligned_edge=corner)

    for corner in (UL, UR, DL, DR):
        put(corner)
        lo, hi = legend.get_corner(DL)[:2] - 0.1, legend.get_corner(UR)[:2] + 0.1
        inside = [p for p in (plane.point(c)[:2] for c in points) if np.all(p >= lo) and np.all(p <= hi)]
        count = len(inside) + sum(boxes_overlap(legend, m) for m in marks)
        if fewest is None or count < fewest:
            best, fewest = corner, count
    put(best)
    return legend


def right_of_plane(plane: WordPlane, room: float = COLUMN_ROOM) -> float:
    """Where the right-hand column may start beside ``plane``: :func:`column_left`, or ``room``
    right of the plane's rightmost mark (a tick value, the x axis or its name) where a wide
    plane reaches into the column."""
    marks = [*axis_lines(plane), *tick_numbers(plane), plane.x_name]
    return max(column_left(), max(m.get_right()[0] for m in marks) + room)


def clear_of_plane(plane: WordPlane, items: Sequence[Mobject], room: float = COLUMN_ROOM) -> None:
    """Move each of ``items`` (texts of the right-hand column) right, just far enough to keep
    ``room`` from the plane's tick values, axis names and axis lines it would touch (a wide
    plane's x axis reaches into the column), and no further than the frame's margin."""
    marks = [*axis_lines(plane), *tick_numbers(plane), plane.x_name, plane.y_name]
    edge = config.frame_width / 2 - style.MARGIN
    for item in items:
        padded = SurroundingRectangle(item, buff=room)
        hit = [m.get_right()[0] for m in marks if boxes_overlap(padded, m)]
        if hit:
            step = min(max(hit) + room - item.get_left()[0], edge - item.get_right()[0])
            item.shift(max(0.0, step) * RIGHT)
