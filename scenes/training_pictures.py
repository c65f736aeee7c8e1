"""The training chapter's pictures that hold no state of the scene: the sizes table, the
model's and the training step's formulas, the matrices' colour key, guesses as lines and a
heat map's words (:mod:`scenes.training` places and plays them; the vocabulary's chances are
:class:`scenes.components.bars.ChanceBars`).

Laid out for 1080p like the chapter: every text and formula at least 24 px of cap height.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Group,
    ManimColor,
    MathTex,
    Square,
    Text,
    VGroup,
)

from scenes import style
from scenes.components import word_label
from scenes.components.matrices import MatrixGrid
from scenes.style import fmt

__all__ = ["adam_lines", "guess_lines", "heat_label", "model_formulas", "probability_text",
           "quoted_sentence", "sign_key", "size_table", "stood_up", "typeset_title", "word_labels"]

FORMULA_SCALE = 1.0  # formulas at MathTex's full size (46 px capitals)
TABLE_HEADER_SIZE, TABLE_NAME_SIZE, TABLE_NUMBER_SIZE = 30, 36, 48  # the sizes table, large
RULE_SCALE = 1.5  # the training step's two formulas, large


def probability_text(p: float) -> str:
    """A probability to three significant digits, never in e-notation (``0.0143``, ``0.513``),
    so that minus its log, printed beside it, can be checked from what is printed: when the
    three digits' log rounds otherwise than ``p``'s (``0.0367``: 3.30, not 3.31), more digits."""
    for digits in range(3, 10):
        text = np.format_float_positional(p, precision=digits, unique=False, fractional=False, trim="-")
        if fmt(-np.log(float(text))) == fmt(-np.log(p)):
            break
    return text


def typeset_title(grid: MatrixGrid, name: str, color: ManimColor) -> None:
    """Replace ``grid.title`` (Text "W_Q") by the matrix's name typeset as W with a subscript,
    at the same height and place: pictures never show a literal underscore."""
    base, sub = name.split("_")
    tex = MathTex(f"{base}_{{{sub}}}", color=color).scale_to_fit_height(grid.title.height)
    tex.move_to(grid.title)
    grid.submobjects[grid.submobjects.index(grid.title)] = tex
    grid.title = tex


def heat_label(word: str, size: float) -> Text:
    """A heat map's muted word label (made once, copied: see :func:`word_label`)."""
    return word_label(word, style.MUTED, size)


def quoted_sentence(text: str, width: float) -> Text:
    """``text`` in quotes on one line, at BODY_SIZE or, if that is wider than ``width``,
    LABEL_SIZE (scaled to ``width``, never below SMALL_SIZE, if even that is wider)."""
    quoted = f"\u201c{text}\u201d"
    label = word_label(quoted, style.TEXT, style.BODY_SIZE)
    if label.width > width:
        label = word_label(quoted, style.TEXT, style.LABEL_SIZE)
        if label.width > width:
            label.scale(max(width / label.width, style.SMALL_SIZE / style.LABEL_SIZE))
    return label


def stood_up(label: Text) -> Text:
    """``label`` turned a quarter, reading upward. Manim derives a Text's ``font_size`` from
    its height, which the turn swaps with its width; this keeps ``font_size`` the size the
    text is drawn at (what a measure of the frame's text sizes reads)."""
    height = label.height
    label.rotate(np.pi / 2)
    label.initial_height *= label.height / height
    return label


def size_table(toy: dict[str, object], size: dict[str, int]) -> VGroup:
    """Rows: what is counted, the toy's number (``toy``), this model's (``size``);
    ``table.cells[row][col]``."""
    rows = [("", "the toy (before)", "this model"),
            ("numbers per word", str(toy["d"]), str(size["d"])),
            ("words", str(toy["words"]), str(size["words"])),
            ("attention heads", str(toy["heads"]), str(size["heads"])),
            ("W_Q, W_K, W_V", str(toy["matrices"]), f"{size['d']} \u00d7 {size['k']}"),
            ("W_O", str(toy["output"]), f"{size['o']} \u00d7 {size['d']}")]
    colors = (style.MUTED, style.TEXT, style.FOCUS)  # what is counted, the toy, this model
    sizes = (TABLE_NAME_SIZE, TABLE_NUMBER_SIZE, TABLE_NUMBER_SIZE)
    cells = [[word_label(text, style.MUTED if r == 0 else colors[c],
                         TABLE_HEADER_SIZE if r == 0 else sizes[c])
              for c, text in enumerate(row)] for r, row in enumerate(rows)]
    names = cells[-2][0]  # "W_Q, W_K, W_V" typeset, at the size of the row names' text
    cells[-2][0] = MathTex(r"W_{Q},\ W_{K},\ W_{V}", color=style.MUTED)
    factor = names.height / cells[-2][0].height
    cells[-2][0].scale(factor)
    cells[-1][0] = MathTex(r"W_{O}", color=style.MUTED).scale(factor)  # and W_O at the same scale
    table = VGroup(*(cell for row in cells for cell in row))
    table.arrange_in_grid(rows=len(rows), cols=3, buff=(1.5, 0.5), col_alignments="lcc")
    table.cells = cells
    return table


def model_formulas(size: dict[str, int]) -> VGroup:
    """The residual connection (attention's output through W_O, back to the word's size)
    and the output layer, each with a note beside it."""
    lines, words = VGroup(), size["words"]
    for tex, note in ((r"h = x + \text{attention}(x)\,W_O",
                       f"{size['o']} numbers back to {size['d']}; x keeps its own"),
                      (r"p = \text{softmax}(h\,W_U + b)",
                       f"output layer: a score for each of the {words} words")):
        lines.add(VGroup(MathTex(tex).scale(FORMULA_SCALE),
                         word_label(note, style.MUTED, style.LABEL_SIZE)))
    formulas = VGroup(*(line[0] for line in lines)).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
    for line in lines:  # the notes in a column right of the formulas
        line[1].next_to(formulas, RIGHT, buff=0.5).match_y(line[0])
    return lines


def adam_lines(sentences: int) -> VGroup:
    """The heading, then g and the step, each with a note under it: the gradient over the
    corpus, and a small step against it whose size Adam sets weight by weight."""
    rows = [
        (r"g = \frac{\partial\, \text{loss}}{\partial W}",
         f"the gradient, over all {sentences} sentences"),
        (r"W \leftarrow W - \text{a small step along } g", "Adam sizes each weight\u2019s step"),
    ]
    lines = VGroup(*(VGroup(MathTex(tex).scale(RULE_SCALE),
                            word_label(note, style.MUTED, style.BODY_SIZE)) for tex, note in rows))
    for line in lines:  # each note under its formula
        line.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
    lines.arrange(DOWN, buff=0.9, aligned_edge=LEFT)
    heading = word_label("One training step", style.TEXT, style.HEADING_SIZE)
    heading.next_to(lines, UP, buff=0.8).align_to(lines, LEFT)
    Group(heading, lines).move_to(ORIGIN)
    lines.add_to_back(heading)
    return lines


def sign_key() -> VGroup:
    """What the matrices' colours mean: a swatch and a word for below, near and above 0."""
    key = VGroup()
    for color, word in ((style.NEGATIVE, "negative"), (style.GRID, "near zero"),
                        (style.POSITIVE, "positive")):
        swatch = Square(0.32, color=color, fill_color=color, fill_opacity=1, stroke_width=0)
        key.add(VGroup(swatch, word_label(word, style.MUTED, style.LABEL_SIZE)).arrange(RIGHT, buff=0.2))
    return key.arrange(RIGHT, buff=0.7)


def word_labels(grid: MatrixGrid, words: tuple[str, ...], size: float) -> VGroup:
    """The words left of ``grid``'s rows and over its columns, at ``size`` (larger than
    MatrixGrid's own labels); the column words stand up, all of them, when one is wider
    than its column."""
    rows = VGroup(*(heat_label(w, size).next_to(grid.cell_center(k, 0), LEFT, buff=grid.cell / 2 + 0.12)
                    for k, w in enumerate(words)))
    tops = [heat_label(w, size) for w in words]
    if max(t.width for t in tops) > 0.92 * grid.cell:
        tops = [stood_up(t).next_to(grid.cell_center(0, k), UP, buff=grid.cell / 2 + 0.12)
                for k, t in enumerate(tops)]
    else:
        for k, t in enumerate(tops):
            grid.seat_column_label(t, k, 0.12)
    cols = VGroup(*tops)
    return VGroup(rows, cols)


def guess_lines(guesses: list[tuple[str, float]], header: str = "",
                size: float = style.LABEL_SIZE) -> VGroup:
    """``word  chance`` a line, under ``header`` (muted, smaller) when there is one."""
    lines = VGroup(*(word_label(f"{word}  {fmt(p)}", style.TEXT, size) for word, p in guesses))
    if header:
        lines.add_to_back(word_label(header, style.MUTED, style.LABEL_SIZE if size > style.LABEL_SIZE
                                     else style.SMALL_SIZE))
    lines.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
    lines.guesses = guesses
    return lines
