"""The one label placer: each word (most important first) climbs a ladder of placements and takes
the first rung where its label fits; a word that fits on no rung goes bare.

A :class:`Rung` says where the label goes (spots around the dot, how far out), what it keeps off
(named sets of mobjects, see :func:`place`), whether its nearest dot must be its own, whether it
sits on a patch of the background (across an axis line) or away from its dot with a leader line,
and whether an earlier neighbour may move to make room. The placers the scenes call are ladders
of it: :func:`place_labels` and :func:`name_on_plane` (one rung), :func:`name_apart` (off the
axes, a neighbour moved, then across an axis), :func:`label_words` (the gravity plane's crowd:
farther out, then across an axis on a patch) and :func:`name_with_leader` (set away, with a line).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from manim import DL, DOWN, ORIGIN, UP, UR, Dot, Line, Mobject, Rectangle, SurroundingRectangle, config

from scenes import style
from scenes.components.words import (
    ALONG_RADIUS,
    LABEL_BUFF,
    LABEL_SPOTS,
    NEAREST_BY,
    WordDot,
    WordPlane,
    along,
    along_points,
    is_named,
    tick_numbers,
    xy_box,
)

__all__ = ["APART", "APART_ROOM", "AXIS_CLEARANCE", "CLEARANCE", "CROWDED", "LEADER", "NEAR", "Rung",
           "axis_lines", "label_words", "leader_ladder", "name_apart", "name_on_plane", "name_with_leader",
           "nearest_is_own", "place", "place_labels", "plane_marks"]


@dataclass(frozen=True, eq=False)
class Rung:
    """One way of naming a word. The label goes at each of ``spots`` around the dot, ``buffs``
    out (each buff in turn, every spot at each), and fits where it is inside the room and its box
    touches nothing of the sets named in ``keep_off``, nor comes :data:`CLEARANCE` near those in
    ``clear_of``; with ``nearest``, only where its own dot is the nearest of the rivals'
    (:func:`nearest_is_own`). ``patch``: a patch of the background behind it (an axis line runs
    under it, not through its letters). ``leader``: set away from the dot, a thin line joining
    them that crosses nothing of ``clear_of`` (it may cross ``keep_off``). ``make_room``: where no
    spot fits, a word named before (the latest first) may move to another spot of this rung."""

    keep_off: tuple[str, ...]
    spots: tuple[np.ndarray, ...] = LABEL_SPOTS
    buffs: tuple[float, ...] = (LABEL_BUFF,)
    nearest: bool = False
    clear_of: tuple[str, ...] = ()
    patch: bool = False
    leader: bool = False
    make_room: bool = False


# A label set away keeps this far (scene units) from other labels and marks: touching, two
# names read as one word (bat's "wooden" against "a": "woodena").
CLEARANCE = 0.08
# How far a leader's label may stand from its dot, nearest first: beyond the label's own height,
# so the line between them is seen as a line; then, where a crowd of arrows leaves no compass
# spot free, :data:`MORE_DIRECTIONS` directions at :data:`FAR`.
LEADER_DISTANCES = (0.3, 0.45, 0.6)
MORE_DIRECTIONS = 16
FAR = (0.3, 0.45, 0.6, 0.8, 1.0, 1.2)
LEADER_WIDTH = 1.5
LEADER_OPACITY = 0.8
APART_ROOM = 0.12  # name_apart: a label keeps this far from the labels placed before it
FAR_BUFFS = (0.12, 0.2)  # label_words: how far out a crowded label may sit from its dot
FARTHEST_BUFFS = (0.35, 0.5)  # and, across an axis, farther still
AXIS_CLEARANCE = 0.08  # a label keeps this far from an axis line (its ticks reach 0.05)
LABEL_PATCH = 0.02  # the background behind a label across an axis reaches this far past its letters
ORIGIN_ROOM = 0.15  # a label across an axis keeps this far from where the axes meet

_TURNS = tuple(np.array([np.cos(a), np.sin(a), 0.0])
               for a in np.linspace(0, 2 * np.pi, MORE_DIRECTIONS, endpoint=False))
_ACROSS = (UP, DOWN, *LABEL_SPOTS)

# The ladders of the placers below. "labels" (and "padded": boxes :func:`place`'s ``pad`` around
# them) are the labels on screen and grow by each label placed; the other sets are the caller's.
# NEAR: beside the dot, off every dot, the labels placed and the caller's marks.
# APART: off the axes and apart from the labels; else a word named before moves; else across an axis.
# CROWDED: a little farther out; across an axis line on a patch (farther still); across a line
# about to be drawn; last, where the axes meet.
NEAR = (Rung(("dots", "labels", "marks"), nearest=True),)
APART = (Rung(("names", "avoid", "dots", "fixed", "padded", "axes"), nearest=True, make_room=True),
         Rung(("names", "avoid", "dots", "fixed", "padded"), nearest=True))
CROWDED = (Rung(("names", "dots", "labels", "bare", "lines", "strips"), buffs=FAR_BUFFS, nearest=True),
           Rung(("names", "dots", "labels", "bare", "lines", "ticks", "origin"), spots=_ACROSS,
                buffs=(LABEL_BUFF, *FAR_BUFFS, *FARTHEST_BUFFS), nearest=True, patch=True),
           Rung(("names", "dots", "labels", "bare", "ticks", "origin"), spots=_ACROSS,
                buffs=(LABEL_BUFF, *FAR_BUFFS), nearest=True, patch=True),
           Rung(("names", "dots", "labels", "bare", "ticks"), spots=_ACROSS, buffs=(LABEL_BUFF, *FAR_BUFFS),
                nearest=True, patch=True))


def leader_ladder(cross: tuple[str, ...], clear: tuple[str, ...]) -> tuple[Rung, ...]:
    """A label set away from its dot with a line to it, off the sets ``cross`` (the line may
    cross them) and :data:`CLEARANCE` from the sets ``clear`` (the line crosses none): the eight
    spots at :data:`LEADER_DISTANCES`, first where its own dot is the nearest, then anywhere;
    last, :data:`MORE_DIRECTIONS` directions at :data:`FAR`."""
    return (Rung(cross, clear_of=clear, buffs=LEADER_DISTANCES, nearest=True, leader=True),
            Rung(cross, clear_of=clear, buffs=LEADER_DISTANCES, leader=True),
            Rung(cross, clear_of=clear, spots=_TURNS, buffs=FAR, leader=True))


LEADER = leader_ladder(("cross",), ("clear",))


def place(words: Sequence[WordDot], ladder: Sequence[Rung],
          marks: Mapping[str, Sequence[Mobject]] | None = None, room: Mobject | None = None,
          rivals: Sequence[Mobject] = (), pad: float = 0.0) -> list[WordDot]:
    """Name ``words`` (most important first), each at the first rung of ``ladder`` where its label
    fits inside ``room``'s box (default: the frame less a small margin); a word that fits on no
    rung goes bare (:meth:`WordDot.hide_label`; its label stays at its last try). ``marks`` maps
    a set's name to its mobjects; "labels" (and "padded": boxes ``pad`` around them) hold the
    labels already on screen, and grow by each label placed. A word's own dot is never in its
    way. ``rivals``: the dots a ``nearest`` rung compares. Returns the words named, in order."""
    low, high = _room_corners(room)
    sets = {name: list(ms) for name, ms in (marks or {}).items()}
    placed: dict[int, tuple[WordDot, Mobject | None]] = {}  # id -> (word, its padded box), in order
    padding = any("padded" in r.keep_off for r in ladder)

    marks_stay = {id(m) for ms in sets.values() for m in ms}  # the caller's marks never move here
    measured: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def box_of(m: Mobject) -> tuple[np.ndarray, np.ndarray]:
        """``m``'s box; a caller's mark's measured once."""
        if id(m) not in marks_stay:
            return xy_box(m)
        if id(m) not in measured:
            measured[id(m)] = xy_box(m)
        return measured[id(m)]

    def boxes(mobjects: list[Mobject], skip: Mobject | None = None) -> _Boxes:
        """The boxes of ``mobjects`` but ``skip``."""
        return _Boxes([box_of(m) for m in mobjects if m is not skip])

    def among(names: tuple[str, ...]) -> list[Mobject]:
        found: list[Mobject] = []
        for name in names:
            found += sets.get(name, [])
            if name == "labels":
                found += [w.label for w, _ in placed.values()]
            elif name == "padded":
                found += [box for _, box in placed.values()]
        return found

    def fits(word: WordDot, rung: Rung, keep_off: _Boxes, clear_of: _Boxes) -> bool:
        """The label where it now is: inside the room, off ``keep_off``, ``CLEARANCE`` from
        ``clear_of``, nearest its own dot if ``rung`` asks."""
        lo, hi = xy_box(word.label)
        if not (np.all(lo >= low) and np.all(hi <= high)):
            return False
        if clear_of.hit(lo - CLEARANCE, hi + CLEARANCE) or keep_off.hit(lo, hi):
            return False
        return not rung.nearest or nearest_is_own(word, rivals)

    def climb(word: WordDot, rung: Rung, spots: Sequence[np.ndarray] | None = None) -> bool:
        keep_off = boxes(among(rung.keep_off), skip=word.dot)
        clearing = among(rung.clear_of)
        clear_of = boxes(clearing, skip=word.dot)
        leader_clear_of = boxes(clearing) if rung.leader else None  # a line keeps off every one
        for buff in rung.buffs:
            for spot in rung.spots if spots is None else spots:
                if rung.leader:
                    _put(word, spot, buff)
                else:
                    word.label.next_to(word.dot, spot, buff=buff)
                if not fits(word, rung, keep_off, clear_of):
                    continue
                line = _leader(word) if rung.leader else None
                if line is not None and leader_clear_of.hit_any(*_along_boxes(line, 0.05)):
                    continue
                _settle(word, rung, line)
                placed[id(word)] = (word, SurroundingRectangle(word.label, buff=pad) if padding else None)
                return True
        return False

    def make_room(word: WordDot, rung: Rung) -> bool:
        """Name ``word`` at a spot of ``rung`` and an earlier word anew at any of its spots, the
        latest first; the earlier word back where it was when no pair fits."""
        for earlier in list(placed)[::-1]:
            moved, box = placed.pop(earlier)
            where = moved.label.get_center()
            for spot in rung.spots:
                if climb(word, rung, (spot,)):
                    if climb(moved, rung):
                        return True
                    placed.pop(id(word))
            moved.label.move_to(where)
            moved.show_label()
            placed[earlier] = (moved, box)
        return False

    for word in words:
        if not any(climb(word, rung) or (rung.make_room and make_room(word, rung)) for rung in ladder):
            word.hide_label()
    return [w for w in words if id(w) in placed]


class _Boxes:
    """Boxes (low, high) to compare a label's box with, all at once (a label tries dozens of
    spots against the same marks): ``lows`` and ``highs``, shape (n, 2)."""

    def __init__(self, boxes: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        self.lows = np.array([b[0] for b in boxes]).reshape(-1, 2)
        self.highs = np.array([b[1] for b in boxes]).reshape(-1, 2)

    def hit(self, low: np.ndarray, high: np.ndarray) -> bool:
        """Whether the box (``low``, ``high``) overlaps any of them (:func:`boxes_overlap`)."""
        return bool(np.any(np.all(low < self.highs, axis=1) & np.all(self.lows < high, axis=1)))

    def hit_any(self, lows: np.ndarray, highs: np.ndarray) -> bool:
        """Whether any of the boxes (``lows``, ``highs``; shape (k, 2)) overlaps any of them."""
        return any(self.hit(lo, hi) for lo, hi in zip(lows, highs, strict=True))


def _along_boxes(line: Mobject, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """The boxes of :func:`along`'s dots on ``line`` (lows, highs; shape (k, 2)), without making
    the dots: each is the box of such a dot at the origin, moved to its centre."""
    low, high = _along_dot_box()
    centres = along_points(line, spacing)[:, :2]
    return centres + low, centres + high


@functools.cache
def _along_dot_box() -> tuple[np.ndarray, np.ndarray]:
    return xy_box(Dot(ORIGIN, radius=ALONG_RADIUS))


def _settle(word: WordDot, rung: Rung, line: Line | None) -> None:
    """Show ``word``'s label where it now is, on a patch if ``rung`` says so, after its leader
    ``line`` if it has one (the group: dot, line, label)."""
    if rung.patch:
        word.label.add_background_rectangle(color=style.BACKGROUND, opacity=1.0, buff=LABEL_PATCH)
    if line is not None:
        word.hide_label()
        word.leader = line
        word.add(line)
    word.show_label()


def nearest_is_own(word: WordDot, rivals: Sequence[Mobject]) -> bool:
    """True when every dot of ``rivals`` is :data:`NEAREST_BY` times farther from ``word``'s
    label's centre than its own dot: a reader who takes the nearest dot for the label's takes
    the right one."""
    centre = word.label.get_center()[:2]
    own = np.linalg.norm(word.dot.get_center()[:2] - centre)
    return all(np.linalg.norm(r.get_center()[:2] - centre) > NEAREST_BY * own for r in rivals
               if r is not word.dot)


def place_labels(words: Sequence[WordDot], obstacles: Sequence[Mobject] = (),
                 room: Mobject | None = None, rivals: Sequence[Mobject] = (),
                 spots: Sequence[np.ndarray] = LABEL_SPOTS) -> list[WordDot]:
    """Each word's label at the first spot around its dot (:data:`LABEL_SPOTS`, or ``spots``)
    that covers no dot of ``words``, no label placed before it and none of ``obstacles``, inside
    ``room``; with ``rivals`` (other words' dots), only where its own dot is the nearest of them
    to the label (:func:`nearest_is_own`). ``words`` come most important first; a label that fits
    nowhere is hidden. Returns the words still labelled.

    At 32 words a crowd of dots near the origin cannot all be named: the words the scene talks
    about come first and keep their names, the rest become bare dots."""
    ladder = NEAR if spots is LABEL_SPOTS else (Rung(NEAR[0].keep_off, spots=tuple(spots), nearest=True),)
    return place(words, ladder, {"dots": [w.dot for w in words], "marks": obstacles}, room, rivals)


def name_on_plane(plane: WordPlane, words: Sequence[WordDot], avoid: Sequence[Mobject] = (),
                  rivals: Sequence[Mobject] = (), spots: Sequence[np.ndarray] = LABEL_SPOTS) -> list[WordDot]:
    """:func:`place_labels` for dots on ``plane`` (most important first): labels stay inside
    the plane and off its axis names and ``avoid``. Returns the words still labelled."""
    return place_labels(words, [plane.x_name, plane.y_name, *avoid], plane, rivals, spots)


def axis_lines(plane: WordPlane) -> list[Mobject]:
    """The plane's two axes as bare lines (labels keep off them): an axis is level or upright,
    so its line's box is the line itself, one obstacle instead of a row of dots."""
    return [Line(axis.get_start(), axis.get_end()) for axis in (plane.axes.x_axis, plane.axes.y_axis)]


def name_apart(plane: WordPlane, words: Sequence[WordDot], avoid: Sequence[Mobject],
               room: float = APART_ROOM) -> None:
    """Name ``words`` (most important first) on ``plane`` (:data:`APART`), each label kept
    ``room`` away from the labels placed before it and from the axis names, off the tick values
    and ``avoid``, nearer its own dot than any other; off the axis lines where it can be, else
    where a word named before moves to make room, else across an axis line."""
    dots = [w.dot for w in words]
    names = [plane.x_name, plane.y_name]
    fixed = [*(SurroundingRectangle(n, buff=room) for n in names), *tick_numbers(plane)]
    marks = {"names": names, "avoid": avoid, "dots": dots, "fixed": fixed,
             "axes": axis_lines(plane)}
    place(words, APART, marks, plane, dots, pad=room)


def plane_marks(plane: WordPlane) -> list[Mobject]:
    """What a label on ``plane`` keeps off: its tick values and a thin strip along each axis
    (invisible, never added to the scene)."""
    marks: list[Mobject] = tick_numbers(plane)
    for axis in (plane.axes.x_axis, plane.axes.y_axis):
        start, end = axis.get_start(), axis.get_end()
        size = np.abs(end - start) + 2 * AXIS_CLEARANCE
        marks.append(Rectangle(width=size[0], height=size[1], stroke_width=0).move_to((start + end) / 2))
    return marks


def label_words(plane: WordPlane, words: Sequence[WordDot | Dot], lines: Sequence[Mobject] = ()) -> None:
    """Name the labelled words (most important first) on ``plane``, each label nearer its own dot
    than any other word's, clear of the bare dots among them, the axes, their names and tick
    values and ``lines`` (the arrows about to be drawn): first every word beside its dot
    (:data:`NEAR`), then the crowded ones by :data:`CROWDED` (a little farther out, then across
    an axis line on a patch, then across a line to be drawn, last where the axes meet)."""
    named = [w for w in words if isinstance(w, WordDot)]
    bare = [w for w in words if not isinstance(w, WordDot)]
    dots = [*(w.dot for w in named), *bare]
    origin = Dot(plane.point((0, 0)), radius=ORIGIN_ROOM).set_opacity(0)
    marks = {"names": [plane.x_name, plane.y_name], "dots": [w.dot for w in named], "bare": bare,
             "lines": [d for line in lines for d in along(line, spacing=0.1)], "strips": plane_marks(plane),
             "ticks": tick_numbers(plane), "origin": [origin]}
    shown = place(named, (Rung(CROWDED[0].keep_off, nearest=True),), marks, plane, dots)
    place([w for w in named if not is_named(w)], CROWDED, {**marks, "labels": [w.label for w in shown]},
          plane, dots)


def name_with_leader(plane: WordPlane, word: WordDot, obstacles: Sequence[Mobject],
                     rivals: Sequence[Mobject], crossable: Sequence[Mobject] = ()) -> bool:
    """Name ``word`` (its label hidden) away from its dot by :data:`LEADER`: inside ``plane``,
    :data:`CLEARANCE` away from ``obstacles``, covering none of ``crossable``; a line from the
    dot to the label crosses none of ``obstacles`` (it may cross ``crossable``: an axis, an
    arrow) and joins the word's group (``word.leader``). Returns whether it found a spot."""
    if is_named(word):
        return True
    return bool(place([word], LEADER, {"clear": obstacles, "cross": crossable}, plane, rivals))


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


def _room_corners(room: Mobject | None) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left and upper-right (x, y) of the room labels must stay in."""
    if room is not None:
        return room.get_corner(DL)[:2], room.get_corner(UR)[:2]
    half = np.array([config.frame_width / 2, config.frame_height / 2]) - 0.1
    return -half, half
