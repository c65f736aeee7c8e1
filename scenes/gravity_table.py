r"""The gravity chapter's table: for each word of a sentence, its dot product with the
focus, its weight and its pull, under their headers, with a sum row.

    \vec x \cdot \vec x_j \qquad w_j \qquad w_j\,(\vec x_j - \vec x)

Weights and pulls are printed to :data:`TABLE_DECIMALS` places, each column rounded so that
it adds up (:func:`rounded_to_add_up`): the sum row is the exact sum rounded, and a student who
adds the printed column gets it. :func:`lay_out_table` builds the table in place (the scene
shows it column by column); :func:`step_formula` is the update written under it, and the
formatters here print vectors as those formulas do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DecimalNumber, Line, ManimColor, MathTex, Mobject, Text, VGroup

from attention_content.example_types import Example, Sentence
from attention_core import ContextPullTrace, keep_heaviest
from scenes import style
from scenes.components import word_color, word_label
from scenes.style import fmt

__all__ = ["HEADERS", "MAX_TERMS", "TABLE_DECIMALS", "PullTable", "Row", "baseline", "lay_out_table",
           "number", "printed", "rounded_to_add_up", "shown_terms", "step_formula", "vec_tex",
           "vec_text"]

MAX_TERMS = 6  # rows of the table; a longer sentence shows its strongest pulls
ROW_GAP = 0.2
COLUMN_GAP = 0.25
TABLE_SCALE = 0.9  # the table's numbers, relative to the formulas
MATH_SIZE = 48 * style.MATH_SCALE * TABLE_SCALE  # a DecimalNumber as large as the table's MathTex
HEADER_SCALE = 0.8  # column headers, relative to the formulas
HEADERS = {"dot": r"\vec x \cdot \vec x_j", "weight": "w_j",
           "pull": r"w_j\,(\vec x_j - \vec x)"}  # the table's columns after the word
INDENT = 0.4  # the lines that continue a formula
TABLE_DECIMALS = 3  # the table's weights and pulls: a weight under 0.005 still shows what it pulls


def shown_terms(weights: np.ndarray, limit: int = MAX_TERMS) -> list[int]:
    """Indices of the words whose rows are written out: all of them when they fit, else the
    ``limit`` heaviest, in sentence order."""
    return keep_heaviest(weights, limit).indices.tolist()


def printed(x: float | np.ndarray, places: int = TABLE_DECIMALS) -> np.ndarray:
    """``x`` as the table prints it, ``places`` decimals (what a student reads and adds up)."""
    return np.array([float(f"{v:.{places}f}") for v in np.atleast_1d(x)]) + 0.0  # no -0.0


def rounded_to_add_up(values: np.ndarray, places: int = TABLE_DECIMALS) -> np.ndarray:
    """``values`` (n,) rounded to ``places`` decimals so that they add up to their exact sum
    rounded (the largest remainder method): each is rounded to nearest, then the ones rounded
    most the wrong way move one unit in the last place until the sum is right. A value that is
    exactly 0 (the focus's pull on itself) stays 0, and one is moved onto 0 only when no other
    can move (a printed zero should not stand for something that counts).

    >>> rounded_to_add_up(np.array([0.0024, 0.0022, 0.7655, 0.0015, 0.2284]))
    array([0.002, 0.002, 0.766, 0.002, 0.228])
    >>> rounded_to_add_up(np.array([0.3333, 0.3333, 0.3334]), places=2)
    array([0.33, 0.33, 0.34])
    """
    unit = 10.0**places
    scaled = np.asarray(values, dtype=float) * unit
    shown = np.round(scaled)
    # units the printed sum is short by (the sum taken before scaling: sum(x * unit) can land on
    # the other side of a .5 than sum(x) * unit, which is the sum a reader rounds)
    short = int(np.round(np.round(np.asarray(values, dtype=float).sum() * unit) - shown.sum()))
    step = 1.0 if short > 0 else -1.0
    movable = [j for j in range(len(shown)) if scaled[j] != 0]
    order = sorted(movable, key=lambda j: (shown[j] + step == 0, -step * (scaled[j] - shown[j])))
    for j in order[:abs(short)]:
        shown[j] += step
    return shown / unit + 0.0


def vec_tex(v: np.ndarray, places: int = style.DECIMALS) -> str:
    """A 2-D vector as the scenes print it: ``(0.40,\\ 3.80)`` (``places`` decimals)."""
    a, b = (fmt(c, places) for c in printed(v[:2], places))
    return rf"({a},\ {b})"


def vec_text(v: np.ndarray) -> str:
    """A 2-D vector for the narration: ``(0.40, 3.80)``."""
    return f"({fmt(v[0])}, {fmt(v[1])})"


def baseline(text: Text) -> float:
    """The height of the line ``text`` sits on: the lowest bottom of its letters and digits that
    have no descender (its own bottom if it has none)."""
    flat = [c.get_bottom()[1] for c, ch in zip(text.submobjects, text.text, strict=False)
            if ch.isalnum() and ch not in "gjpqyQ"]
    return max(flat) if flat else text.get_bottom()[1]


def number(value: float, color: ManimColor, places: int = style.DECIMALS) -> DecimalNumber:
    """A table number in the formulas' font, ``places`` decimals (no minus on a number that
    rounds to zero)."""
    return DecimalNumber(0.0 if value < 0 and float(printed(value, places)[0]) == 0 else value,
                         num_decimal_places=places, color=color, font_size=MATH_SIZE,
                         group_with_commas=False)


@dataclass
class Row:
    """One row of the table: ``word  x . x_j  w_j  w_j (x_j - x)``."""

    index: int
    word: Text
    dot: DecimalNumber
    weight: DecimalNumber
    pull: MathTex



@dataclass
class PullTable:
    """The table as built: its ``rows``, column ``headers`` (dot, weight, pull), the ``more``
    note (a long sentence's words left out), ``sums`` ([weight sum, pull sum, rule, sigma]) and
    ``group``, all of it."""

    rows: list[Row]
    headers: dict[str, MathTex]
    more: VGroup
    sums: VGroup
    group: VGroup


def lay_out_table(example: Example, sentence: Sentence, pull: ContextPullTrace, indices: list[int],
                  left: float, top: float, width: float) -> PullTable:
    """The table ``word | x . x_j | w_j | w_j (x_j - x)`` of ``sentence``'s words ``indices``,
    its headers and its sum row, from ``left`` and ``top`` (scene units), shrunk to ``width``;
    built in place, shown column by column later."""
    i = sentence.focus_index
    weights = pull.weights[i]
    # each column rounded so that it adds up; the sum row is the printed numbers' sum (a word
    # left out of a long table is printed nowhere but counted, and the table says so)
    shown_weights = rounded_to_add_up(weights)
    shown_pulls = np.stack([rounded_to_add_up(pull.pulls[i, :, c]) for c in range(2)], axis=1)  # (n, 2)
    rows = []
    for j in indices:
        color = word_color(example, sentence.tokens[j])
        rows.append(Row(
            j, word_label(sentence.tokens[j], color, style.LABEL_SIZE),
            number(pull.similarities[i, j], color),
            number(shown_weights[j], color, TABLE_DECIMALS),
            MathTex(vec_tex(shown_pulls[j], TABLE_DECIMALS), color=color).scale(
                style.MATH_SCALE * TABLE_SCALE),
        ))
    headers = {name: MathTex(tex, color=style.MUTED).scale(style.MATH_SCALE * HEADER_SCALE)
               for name, tex in HEADERS.items()}
    weight_sum, pull_sum = (np.round(a.sum(axis=0), TABLE_DECIMALS) for a in (shown_weights, shown_pulls))
    sums = VGroup(number(weight_sum, style.TEXT, TABLE_DECIMALS),
                  MathTex(vec_tex(pull_sum, TABLE_DECIMALS), color=style.TEXT).scale(
                      style.MATH_SCALE * TABLE_SCALE))
    sigma = MathTex(r"\Sigma", color=style.MUTED).scale(style.MATH_SCALE)

    def widest(ms: list[Mobject]) -> float:
        return max(m.width for m in ms if m is not None)

    heads = [sigma, *headers.values()]  # the word column's "header" is the sum row's sigma
    cells = [[r.word for r in rows], [r.dot for r in rows],
             [r.weight for r in rows] + [sums[0]], [r.pull for r in rows] + [sums[1]]]
    widths = [max(widest(c), h.width) for c, h in zip(cells, heads, strict=True)]
    rights, x = [], left
    for column_width in widths:
        x += column_width
        rights.append(x)
        x += COLUMN_GAP
    header_height = max(h.height for h in headers.values())
    for c, h in enumerate(headers.values(), start=1):
        if c == 3:
            h.move_to([rights[2] + COLUMN_GAP, top - header_height / 2, 0], aligned_edge=LEFT)
        else:
            h.move_to([rights[c], top - header_height / 2, 0], aligned_edge=RIGHT)
    row_height = max(max(r.pull.height, r.word.height) for r in rows) + ROW_GAP
    first = top - header_height - 0.15 - row_height / 2
    for k, r in enumerate(rows):
        y = first - k * row_height
        for c, cell in ((1, r.dot), (2, r.weight)):
            cell.move_to([rights[c], y, 0], aligned_edge=RIGHT)
        r.word.move_to([rights[0], y, 0], aligned_edge=RIGHT)
        r.word.shift((r.weight.get_bottom()[1] - baseline(r.word)) * UP)  # on the numbers' line
        r.pull.move_to([rights[2] + COLUMN_GAP, y, 0], aligned_edge=LEFT)
    more = VGroup()
    left_out = [j for j in range(len(weights)) if j not in indices]
    bottom = first - (len(rows) - 1) * row_height - row_height / 2
    if left_out:
        more.add(word_label(f"+ {len(left_out)} more words, each weight at most "
                            f"{max(weights[j] for j in left_out):.2g} (in \u03a3)", style.MUTED,
                            style.SMALL_SIZE))
        more.move_to([left, bottom - 0.05, 0], aligned_edge=LEFT + UP)
        bottom = more.get_bottom()[1] - 0.1
    rule_y = bottom - 0.1
    rule = Line([rights[2] - widths[2], rule_y, 0], [rights[3], rule_y, 0], color=style.MUTED,
                stroke_width=1.5)
    y = rule_y - 0.1 - row_height / 2
    sums[0].move_to([rights[2], y, 0], aligned_edge=RIGHT)
    sums[1].move_to([rights[2] + COLUMN_GAP, y, 0], aligned_edge=LEFT)
    sigma.move_to([rights[0], y, 0], aligned_edge=RIGHT).align_to(sums[0], DOWN)
    sums.add(rule, sigma)  # [weight sum, pull sum, rule, sigma]
    group = VGroup(*headers.values(), *(m for r in rows for m in (r.word, r.dot, r.weight, r.pull)),
                   more, sums)
    if group.width > width:
        group.scale(width / group.width, about_point=[left, top, 0])
    return PullTable(rows, headers, more, sums, group)


def step_formula(pull: ContextPullTrace, i: int, width: float) -> VGroup:
    """``x' = x + sum_j w_j (x_j - x)``, its numbers, ``= sum_j w_j x_j`` and, when the video
    moves only part of the way, the setting's line; each line at most ``width`` wide."""
    lines = VGroup(
        MathTex(r"\vec x\,' = \vec x + \sum\nolimits_j w_j\,(\vec x_j - \vec x)"),
        MathTex(r"= " + vec_tex(pull.embeddings[i]) + " + " + vec_tex(pull.step[i]) + " = "
                + vec_tex(pull.targets[i]), color=style.FOCUS),
        # x' again, not a bare "=": the ring before it is the plane's mark for x'
        MathTex(r"\vec x\,' = \sum\nolimits_j w_j\, \vec x_j \quad \text{(the weighted average)}"),
    )
    if pull.strength != 1:
        lines.add(MathTex(r"\text{this video: } \vec x + " + fmt(pull.strength)
                          + r"\,(\vec x\,' - \vec x) = " + vec_tex(pull.new_embeddings[i]),
                          color=style.MUTED))
    for k, line in enumerate(lines):
        line.scale(style.MATH_SCALE)
        room = width - (INDENT if k in (1, 2) else 0.0)
        if line.width > room:
            line.scale_to_fit_width(room)
    lines.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    lines[1:3].shift(INDENT * RIGHT)
    return lines
