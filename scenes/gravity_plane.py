"""The gravity chapter's plane: where its labels and numbers may go, and the arrows it draws.

A word's label keeps off the plane's tick values and a thin strip along each axis
(:func:`~scenes.components.labels.plane_marks`; the labels are placed by
:func:`~scenes.components.labels.label_words`); the pull arrows run from the focus toward each
word, as thick as its weight (:func:`pull_arrows`), and the pulls ``w_j (x_j - x)`` are drawn tip to tail
(:func:`tip_to_tail`). A number beside a line takes the first free spot (:func:`beside`); as
the focus moves, its label and the one left behind take sides that never meet
(:func:`free_side`, :func:`side_on_the_way`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DL,
    UR,
    Arrow,
    Circle,
    DecimalNumber,
    Dot,
    Line,
    ManimColor,
    Mobject,
    VGroup,
    smooth,
)

from attention_content.example_types import Example, Sentence
from attention_core import ContextPullTrace
from scenes import style
from scenes.components import WordDot, WordPlane, boxes_overlap, word_color
from scenes.components.paths import points_along
from scenes.components.words import LABEL_BUFF, LABEL_SPOTS, NEAREST_BY, is_named

__all__ = ["ARROW_NUMBER_WEIGHT", "beside", "drawn_parts", "first_third", "fits", "free_side",
           "leading_side", "pull_arrows", "pull_lines", "side_on_the_way",
           "target_marker", "tip_to_tail"]

ARROW_NUMBER_WEIGHT = 0.05  # pulls at least this strong also get their number on the plane
MIN_CHAIN_ARROW = 0.12  # a pull shorter than this on screen is added to the chain but not drawn


def drawn_parts(words: list[WordDot | Dot]) -> list[Mobject]:
    """Each word's dot and, when it is shown, its label: boxes that fit what is drawn."""
    return [m for w in words for m in ((w.dot, w.label) if is_named(w)
                                       else (w.dot,) if isinstance(w, WordDot) else (w,))]


def target_marker() -> Circle:
    """The hollow ring that marks the weighted average, on the plane and in its formula."""
    return Circle(radius=0.09, color=style.TEXT, stroke_width=2)


def leading_side(heading: np.ndarray) -> np.ndarray:
    """The side of a dot (UR, UP, LEFT, ...) that faces ``heading``: a label there stays ahead of
    the dot as it moves along ``heading``; one on the opposite side stays behind."""
    size = np.linalg.norm(heading[:2])
    side = np.array([np.sign(c) if abs(c) > 0.3 * size else 0.0 for c in heading[:2]] + [0.0])
    return side


def first_third(t: float) -> float:
    """A rate function that does all its work, smoothly, in the first third of the time."""
    return smooth(min(1.0, 3 * t))


def pull_lines(plane: WordPlane, sentence: Sentence, pull: ContextPullTrace) -> list[Line]:
    """The lines :func:`pull_arrows` will draw, from the focus 0.8 of the way to each other word
    (a word at the focus's own place has none): what the words' labels keep off."""
    i = sentence.focus_index
    start = plane.point(pull.embeddings[i])
    ends = [plane.point(pull.embeddings[j]) for j in range(len(sentence.tokens)) if j != i]
    return [Line(start, start + 0.8 * (end - start)) for end in ends if np.linalg.norm(end - start) >= 1e-6]


def pull_arrows(plane: WordPlane, example: Example, sentence: Sentence, pull: ContextPullTrace,
                taken: list[Mobject]) -> tuple[VGroup, VGroup]:
    """One arrow from the focus toward each other word, thicker and brighter the stronger its
    weight; the strong ones also carry their number where it overlaps nothing ``taken`` (nor each
    other). ``taken`` grows by the numbers placed."""
    i = sentence.focus_index
    start = plane.point(pull.embeddings[i])
    arrows = VGroup()
    for j, word in enumerate(sentence.tokens):
        if j == i:
            continue
        w = float(pull.weights[i, j])
        end = plane.point(pull.embeddings[j])
        color = word_color(example, word)
        if np.linalg.norm(end - start) < 1e-6:  # a word at the focus's own place: no direction
            arrow = Dot(start, radius=0.02, color=color)
        else:
            arrow = Arrow(start, start + 0.8 * (end - start), buff=0.1, color=color,
                          stroke_width=1.5 + 10 * w, stroke_opacity=0.3 + 0.7 * w,
                          tip_length=0.08 + 0.22 * w, max_tip_length_to_length_ratio=0.25,
                          max_stroke_width_to_length_ratio=1000)  # width is the weight only
        arrow.weight, arrow.word, arrow.index = w, word, j
        arrows.add(arrow)
    numbers = VGroup()
    for arrow in sorted(arrows, key=lambda a: -a.weight):
        if arrow.weight < ARROW_NUMBER_WEIGHT or not isinstance(arrow, Arrow):
            continue
        shown = beside(arrow, arrow.weight, arrow.get_color(), taken, anyway=False)
        if shown is not None:
            shown.weight, shown.word, shown.index = arrow.weight, arrow.word, arrow.index
            taken.append(shown)
            numbers.add(shown)
    return arrows, numbers


def beside(line: Mobject, value: float, color: ManimColor, taken: list[Mobject],
           anyway: bool = True) -> DecimalNumber | None:
    """``value`` beside ``line`` (an arrow or a dashed line), at the first spot that overlaps
    nothing ``taken``; if there is none, at its middle (``anyway``) or nowhere (None)."""
    shown = DecimalNumber(value, num_decimal_places=style.DECIMALS, color=color,
                          font_size=style.LABEL_SIZE)
    shown.add_background_rectangle(color=style.BACKGROUND, opacity=0.8, buff=0.04)
    start, end = line.get_start(), line.get_end()
    along = (end - start) / (np.linalg.norm(end - start) or 1.0)
    side = np.array([-along[1], along[0], 0.0])
    for buff in (0.15, 0.35):  # beside the middle first, a little farther out on a short line
        for where in (0.5, 0.75, 0.3):
            for direction in (side, -side):
                shown.next_to(start + where * (end - start), direction, buff=buff)
                if not any(boxes_overlap(shown, other) for other in taken):
                    return shown
    return shown.next_to(start + 0.5 * (end - start), side, buff=0.15) if anyway else None


def tip_to_tail(plane: WordPlane, example: Example, sentence: Sentence,
                pull: ContextPullTrace) -> tuple[VGroup, list[np.ndarray]]:
    """The pulls ``w_j (x_j - x)`` from the core, strongest first, each starting where the last
    ended; the chain ends at ``x'``. Pulls too short to see are added but not drawn."""
    i = sentence.focus_index
    order = sorted((j for j in range(len(sentence.tokens)) if j != i), key=lambda j: -pull.weights[i, j])
    here = pull.embeddings[i]
    points, chain = [plane.point(here)], VGroup()
    for j in order:
        there = here + pull.pulls[i, j]
        a, b = plane.point(here), plane.point(there)
        if np.linalg.norm(b - a) >= MIN_CHAIN_ARROW:
            arrow = Arrow(a, b, buff=0, color=word_color(example, sentence.tokens[j]),
                          stroke_width=5, max_tip_length_to_length_ratio=0.2)
            arrow.index = j
            chain.add(arrow)
        points.append(b)
        here = there
    return chain, points


def fits(plane: WordPlane, label: Mobject, others: list[Mobject], roomy: bool = False) -> bool:
    """``label`` is inside ``plane`` and overlaps none of ``others`` (``roomy``: nor comes close to
    them, as if it were 1.3 times larger)."""
    inside = bool(np.all(label.get_corner(DL) >= plane.get_corner(DL))
                  and np.all(label.get_corner(UR) <= plane.get_corner(UR)))
    boxes = [label, label.copy().scale(1.3)] if roomy else [label]
    return inside and not any(boxes_overlap(b, m) for b in boxes for m in others)


def free_side(plane: WordPlane, ghost: WordDot, heading: np.ndarray, crowd: list[Mobject]) -> np.ndarray:
    """The side of the start (:data:`LABEL_SPOTS`) for the ``ghost``'s label (the word left behind
    as it moves along ``heading``): the one most behind the way the word goes that is clear of
    ``crowd``."""
    label = ghost.label.copy()
    behind = sorted(LABEL_SPOTS, key=lambda s: float(np.dot(s, heading) / np.linalg.norm(s)))
    for spot in behind:
        if fits(plane, label.next_to(ghost.dot, spot, buff=LABEL_BUFF), crowd):
            return spot
    return -leading_side(heading)


def side_on_the_way(plane: WordPlane, mover: WordDot, ghost: WordDot, corners: np.ndarray,
                    heading: np.ndarray, crowd: list[Mobject], rivals: Sequence[Mobject] = ()) -> np.ndarray:
    """The side of the moving word ``mover`` for its label as it goes through ``corners`` (k, 3):
    the first (:data:`LABEL_SPOTS`) where it never crosses the ``ghost``'s label on the way and,
    where the word stops, is clear of ``crowd`` and nearer the word's dot than any of ``rivals``
    (the other words' dots and the ghost's); else the side facing the way it goes (the ghost's
    label is behind)."""
    label, dot = mover.label.copy(), mover.dot
    stops = points_along(corners, np.linspace(0, 1, 41))
    for spot in LABEL_SPOTS:
        offset = label.next_to(dot, spot, buff=LABEL_BUFF).get_center() - dot.get_center()
        if not fits(plane, label.move_to(stops[-1] + offset), [*crowd, ghost.dot], roomy=True):
            continue
        own, there = NEAREST_BY * float(np.linalg.norm(offset[:2])), (stops[-1] + offset)[:2]
        if any(np.linalg.norm(r.get_center()[:2] - there) <= own for r in [*rivals, ghost.dot]):
            continue
        if not any(boxes_overlap(label.move_to(p + offset), ghost.label) for p in stops):
            return spot
    return leading_side(heading)
