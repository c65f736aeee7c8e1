"""A word's name set a little away from its dot, with a thin line to it, where no spot right
beside the dot is free (a word of small weight crowded by a neighbour or an axis): every dot a
chapter draws stays named (issue 30, m19: the buy key and value dots were bare).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, UR, Line, Mobject, SurroundingRectangle

from scenes.components import WordDot, WordPlane
from scenes.components.words import LABEL_SPOTS, along, boxes_overlap, is_named, nearest_is_own

__all__ = ["CLEARANCE", "FAR", "LEADER_DISTANCES", "MORE_DIRECTIONS", "name_with_leader"]

# How far (scene units) a label may stand from its dot, nearest first: beyond the label's own
# height, so the line between them is seen as a line.
LEADER_DISTANCES = (0.3, 0.45, 0.6)
# Where a crowd of arrows leaves no compass spot free: this many directions, at these distances.
MORE_DIRECTIONS = 16
FAR = (0.3, 0.45, 0.6, 0.8, 1.0, 1.2)
# A label set away keeps this far (scene units) from other labels and marks: touching, two
# names read as one word (bat's "wooden" against "a": "woodena").
CLEARANCE = 0.08
LEADER_WIDTH = 1.5
LEADER_OPACITY = 0.8


def name_with_leader(plane: WordPlane, word: WordDot, obstacles: Sequence[Mobject],
                     rivals: Sequence[Mobject], crossable: Sequence[Mobject] = ()) -> bool:
    """Name ``word`` (its label hidden) at the first spot of :func:`_spots` that stays inside
    ``plane``, :data:`CLEARANCE` away from ``obstacles`` and covers none of ``crossable``; a
    line from the dot to the label joins them and crosses none of ``obstacles`` (it may cross
    ``crossable``: an axis, an arrow). The label and the line join the word's group (``word.leader``). Returns
    whether it found a spot (else the word stays bare)."""
    if is_named(word):
        return True
    low, high = plane.get_corner(DL)[:2], plane.get_corner(UR)[:2]
    for nearest, distance, spot in _spots():
        _put(word, spot, distance)
        lo, hi = word.label.get_corner(DL)[:2], word.label.get_corner(UR)[:2]
        if not (np.all(lo >= low) and np.all(hi <= high)):
            continue
        room = SurroundingRectangle(word.label, buff=CLEARANCE)
        if any(boxes_overlap(room, o) for o in obstacles) or any(
                boxes_overlap(word.label, o) for o in crossable):
            continue
        if nearest and not nearest_is_own(word, rivals):
            continue
        leader = _leader(word)
        if any(boxes_overlap(p, o) for p in along(leader, 0.05) for o in obstacles):
            continue
        word.leader = leader
        word.add(leader)
        word.show_label()
        return True
    return False


def _spots() -> list[tuple[bool, float, np.ndarray]]:
    """(nearest own dot first?, distance, direction) in the order tried: the eight spots of
    :data:`LABEL_SPOTS` at each of :data:`LEADER_DISTANCES`, first where the label's nearest dot
    is its own, then anywhere; last, :data:`MORE_DIRECTIONS` directions at :data:`FAR`."""
    near = [(n, d, spot) for n in (True, False) for d in LEADER_DISTANCES for spot in LABEL_SPOTS]
    turns = [np.array([np.cos(a), np.sin(a), 0.0])
             for a in np.linspace(0, 2 * np.pi, MORE_DIRECTIONS, endpoint=False)]
    return near + [(False, d, u) for d in FAR for u in turns]


def _put(word: WordDot, direction: np.ndarray, distance: float) -> None:
    """The label beside the dot, ``distance`` away from its edge in ``direction``: next to it
    for the eight spots, its centre further along a direction otherwise."""
    if any(np.array_equal(direction, spot) for spot in LABEL_SPOTS):
        word.label.next_to(word.dot, direction, buff=distance)
        return
    u = direction / np.linalg.norm(direction)
    half = np.array([word.label.width / 2, word.label.height / 2])
    reach = min(half[k] / abs(u[k]) for k in (0, 1) if abs(u[k]) > 1e-9)  # centre to box edge along u
    word.label.move_to(word.dot.get_center() + (word.dot.width / 2 + distance + reach) * u)


def _leader(word: WordDot) -> Line:
    """A thin line in the word's colour from the edge of its dot to the edge of its label."""
    start, end = word.dot.get_center(), word.label.get_center()
    direction = (end - start) / np.linalg.norm(end - start)
    half = np.array([word.label.width / 2, word.label.height / 2])
    inside = min(half[k] / abs(direction[k]) for k in (0, 1) if abs(direction[k]) > 1e-9)
    radius = word.dot.width / 2
    return Line(start + (radius + 0.03) * direction, end - (inside + 0.03) * direction,
                color=word.dot.get_color(), stroke_width=LEADER_WIDTH).set_opacity(LEADER_OPACITY)
