r"""The attention matrix's layout and its numbers written out: how large the cells of Q, K^T,
the n x n grid, V and A V can be in the frame (:func:`plan_grids`), whether a cell's printed
numbers can be read (:func:`legible`), vectors as the narration says them, and the residual as
a column sum. Shared by the attention-matrix and multi-head chapters and the story's lints.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, MathTex, VGroup, config

from scenes import style
from scenes.components import word_label
from scenes.components.matrices import MAX_LABEL_CHARS, MIN_CELL_FOR_NUMBERS, MatrixGrid
from scenes.style import fmt

__all__ = ["LEGIBLE_CELL", "MIN_MATH_SCALE", "GridPlan", "factor", "lay_labels_flat", "legible", "per_line",
           "plan_grids", "residual_sum", "rounding_row", "tex_size", "text_size", "vector_tex"]

# A cell's printed digits are 24 px tall at 1080p (0.178 units) from this size on (tests measure them).
LEGIBLE_CELL = 0.72
# The smallest a formula is scaled to fit: its digits are 26 px tall at 1080p (24 is the floor).
MIN_MATH_SCALE = 0.56
MAX_CELL = 1.0  # the largest cell, for a short sentence
# The most Q's width, K^T's height, V's or A V's width takes (d_k = 3 fits at 0.72), in the
# order tried: a matrix of many columns gets narrower ones before the n x n grid gets smaller.
MATRIX_SIDES = (2.2, 1.8, 1.5, 1.2)
# gaps between the pieces, left to right and top to bottom (scene units)
LABEL_GAP = 0.1  # row labels to Q; column labels above K^T
GRID_GAP = 0.25  # Q to the scores, K^T to the scores
V_GAP = 0.35  # the scores to V
AV_GAP = 0.45  # V to A V
SIDE_GAP = 0.4  # A V to the residual
TITLE_GAP = 0.12  # a grid to its title
PAIR_SCALE = 1.0  # the focus's query, key and score beside the grid, as large as the room allows
PLUS_ROOM = 0.3  # more room between the update and x' (before the sum's scaling), for the "+"
FLAT_LABEL_GAP = 0.15  # the least room between two column labels laid flat side by side


def vector_tex(v: np.ndarray, per_line: int | None = None) -> str:
    """A vector as the narration says it, ``(1.50, 1.60)``; with ``per_line``, longer ones
    written on lines of that many numbers."""
    parts = [fmt(float(a)) for a in v]
    if per_line is None or len(parts) <= per_line:
        return "(" + ", ".join(parts) + ")"
    lines = [", ".join(parts[k:k + per_line]) for k in range(0, len(parts), per_line)]
    return r"\begin{array}{l}(" + r",\\ \;".join(lines) + r")\end{array}"


@functools.lru_cache(maxsize=256)
def text_size(text: str, size: float) -> tuple[float, float]:
    """(width, height) of ``text`` in the scenes' font at ``size`` (measured once)."""
    label = word_label(text, style.TEXT, size)
    return label.width, label.height


@functools.lru_cache(maxsize=64)
def tex_size(tex: str, scale: float = 1.0) -> tuple[float, float]:
    """(width, height) of ``MathTex(tex)`` scaled by ``scale`` (typeset once)."""
    formula = MathTex(tex).scale(scale)
    return formula.width, formula.height


def factor(a: float) -> str:
    """A number as a factor of a written-out product: negative ones in parentheses.

    >>> factor(2.5), factor(-0.391)
    ('2.50', '(-0.39)')
    """
    return fmt(a) if a >= 0 else f"({fmt(a)})"


def per_line(d: int) -> int | None:
    """How many numbers a line of a written-out vector of ``d`` holds: all of up to 3, else
    lines of at most 3, as even as they come.

    >>> [per_line(d) for d in (2, 3, 4, 5, 8)]
    [None, None, 2, 3, 3]
    """
    return None if d <= 3 else -(-d // -(-d // 3))


def legible(cell: float, width: float | None = None) -> bool:
    """Whether numbers printed in cells ``cell`` tall (and ``width`` wide) can be read at 1080p."""
    return min(cell, cell if width is None else width) >= LEGIBLE_CELL


def lay_labels_flat(grid: MatrixGrid, words: Sequence[str], size: float) -> list[int]:
    """Lay flat each of ``grid``'s column labels that stands upright (a word wider than its
    column) where, centred on its column, it keeps :data:`FLAT_LABEL_GAP` from its neighbours'
    labels and reaches past the grid's edge by half a column at most: a word read across, not
    down, whenever the short words beside it leave the room. ``words`` are the column labels'
    words at font ``size``, uncut (a crowded grid's cut labels stay as they are). Returns the
    columns laid flat.

    The grid's labels, left to right, are ``grid.col_labels`` for the columns ``grid.labelled``."""
    labels = list(grid.col_labels)
    if grid.cell_width < MIN_CELL_FOR_NUMBERS or len(labels) != len(grid.labelled):
        return []
    left, right = grid.image.get_left()[0], grid.image.get_right()[0]
    flat: list[int] = []
    for n, (k, label) in enumerate(zip(grid.labelled, labels, strict=True)):
        wide, tall = text_size(words[k], size)
        if abs(label.width - tall) >= abs(label.width - wide):  # it lies flat already
            continue
        x = grid.cell_center(0, k)[0]
        # past the grid's edge by half a column at most (the band above K^T is free there)
        low = labels[n - 1].get_right()[0] + FLAT_LABEL_GAP if n > 0 else left - grid.cell_width / 2
        high = (labels[n + 1].get_left()[0] - FLAT_LABEL_GAP if n + 1 < len(labels)
                else right + grid.cell_width / 2)
        if low <= x - wide / 2 and x + wide / 2 <= high:
            grid.seat_column_label(label.rotate(-np.pi / 2), k, LABEL_GAP)
            flat.append(k)
    return flat


def rounding_row(weights: np.ndarray) -> int | None:
    """The first row of ``weights`` whose numbers, rounded as shown, do not add up to 1.00."""
    shown = np.round(np.nan_to_num(weights), style.DECIMALS).sum(axis=1)
    off = np.flatnonzero(np.abs(shown - 1.0) > 10 ** -style.DECIMALS / 2)
    return int(off[0]) if len(off) else None


def residual_sum(word: str, x: np.ndarray, update: np.ndarray, update_tex: str,
                 title: str | None = None) -> VGroup:
    """The residual as a column sum, ``x`` plus the update equals ``x'``, unplaced:
    ``VGroup(name, VGroup(rows, rule))`` where each row is ``VGroup(symbol, numbers)`` and
    each symbol ends in "=" (``x =``, ``(A V)_i =``, ``x' =``: a name is never printed
    against its numbers with nothing between); the update's symbol is
    ``MathTex("+", update_tex + " =")``, its ``+`` left of the rule under the update (as in a
    written sum), so the update can be shown without its ``+`` first and the column is no
    wider than its widest name and vector. Vectors of more than 3 numbers are written on
    lines (:func:`per_line`). ``title`` names the column in place of ``word`` (where the
    update's symbol needs its index said)."""
    lines = per_line(len(x))
    name = word_label(title or word, style.FOCUS)
    lhs = [MathTex("x ="), MathTex("+", update_tex + " ="), MathTex("x' =", color=style.FOCUS)]
    rhs = [MathTex(vector_tex(x, lines)), MathTex(vector_tex(update, lines)),
           MathTex(vector_tex(x + update, lines), color=style.FOCUS)]
    names = [lhs[0], lhs[1][1], lhs[2]]  # what stands left of each vector (the "+" goes by the rule)
    rows = VGroup(*(VGroup(a, b) for a, b in zip(lhs, rhs, strict=True)))
    rows.arrange(DOWN, buff=0.35)
    rows[2].shift(PLUS_ROOM * DOWN)  # room for the "+" on the rule's line
    line = tex_size("(0.00,")[1] if lines else 0.0  # a symbol stands level with its vector's first line
    for a, b in rows:
        a.next_to(rows, LEFT, buff=0).set_y(b.get_top()[1] - line / 2 if lines else b.get_y())
    for a, named in zip(lhs, names, strict=True):
        a.shift((names[0].get_right()[0] - named.get_right()[0]) * RIGHT)
    for named, b in zip(names, rhs, strict=True):
        b.next_to(named, RIGHT, buff=0.2)
        if lines:  # its first line level with the symbol
            b.align_to(named, UP)
    for b in rhs:
        b.align_to(rhs[0], LEFT)
    rule = Line(rhs[1].get_corner(DOWN + LEFT), rhs[1].get_corner(DOWN + RIGHT), color=style.MUTED,
                stroke_width=2)
    rule.set_y((rhs[1].get_bottom()[1] + rhs[2].get_top()[1]) / 2)
    lhs[1][0].next_to(rule, LEFT, buff=0.15).set_y(rule.get_y())
    sum_ = VGroup(rows, rule).scale(style.MATH_SCALE)
    return VGroup(name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT), sum_)


@dataclass(frozen=True)
class GridPlan:
    """Cell sizes of the attention matrix's grids (scene units).

    Attributes:
        cell: a row's height in every grid and a column's width in K^T and the n x n grids.
        qk_width: a column's width in Q, and a row's height in K^T.
        v_width: a column's width in V and A V.
    """

    cell: float
    qk_width: float
    v_width: float


def plan_grids(n: int, d_k: int, d_v: int, words: list[str], right_room: float) -> GridPlan:
    """Cells with which the row labels ``words``, Q, K^T and its column labels, the n x n
    grid, V, A V and ``right_room`` more fit the frame. Q, K^T, V and A V take one of
    :data:`MATRIX_SIDES` at most across their d_k or d_v columns. Preferred, in this order:
    an n x n grid that prints its numbers, then Q, V and A V that print theirs, then the
    largest cells (at most :data:`MAX_CELL`), then the widest Q, V and A V.

    >>> plan = plan_grids(5, 2, 2, ["buy", "an", "orange", "and", "apple"], 2.4)
    >>> legible(plan.cell), legible(plan.cell, plan.qk_width), legible(plan.cell, plan.v_width)
    (True, True, True)
    >>> plan = plan_grids(5, 8, 8, ["buy", "an", "orange", "and", "apple"], 3.0)
    >>> legible(plan.cell), legible(plan.qk_width), 8 * plan.qk_width <= MATRIX_SIDES[0]
    (True, False, True)
    """
    width = config.frame_width - 2 * style.MARGIN
    height = config.frame_height - 2 * style.MARGIN
    title = text_size("Q Kᵀ", style.LABEL_SIZE)[1]
    sizes = {}  # crowded -> (width, height) of each label, at the size grids draw them
    for crowded in (False, True):  # crowded labels are cut short
        shown = [w if not crowded or len(w) <= MAX_LABEL_CHARS else w[:MAX_LABEL_CHARS - 1] + "…"
                 for w in words]
        sizes[crowded] = [text_size(w, style.SMALL_SIZE) for w in shown]
    best: tuple[tuple[object, ...], GridPlan] | None = None
    for step in range(int(MAX_CELL * 100), 4, -1):
        cell = step / 100
        crowded = cell < MIN_CELL_FOR_NUMBERS
        label_width = max(w for w, _ in sizes[crowded])
        label_height = max(w if crowded or w > 0.95 * cell else h for w, h in sizes[crowded])
        for rank, side in enumerate(MATRIX_SIDES):
            qk, v = min(cell, side / d_k), min(cell, side / d_v)
            wide = (label_width + LABEL_GAP + d_k * qk + GRID_GAP + n * cell + V_GAP + 2 * d_v * v + AV_GAP
                    + SIDE_GAP + right_room)
            # one title under the n x n grid (K^T's name is beside it, Q's, V's and A V's beside K^T)
            tall = title + TITLE_GAP + label_height + LABEL_GAP + d_k * qk + GRID_GAP + n * cell
            if wide <= width and tall <= height:
                key = (legible(cell), legible(cell, qk) + legible(cell, v), cell, -rank)
                if best is None or key > best[0]:
                    best = (key, GridPlan(cell, qk, v))
    if best is None:  # nothing fits: the smallest cells
        return GridPlan(0.05, min(0.05, MATRIX_SIDES[-1] / d_k), min(0.05, MATRIX_SIDES[-1] / d_v))
    return best[1]
