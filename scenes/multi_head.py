r"""Multi-head attention: several heads look at the sentence in different ways.

    \mathrm{head}_h = \mathrm{softmax}(Q_h K_h^T / \sqrt{d_k}) V_h
    x' = x + [\mathrm{head}_1, \dots, \mathrm{head}_H]\, W_O

Each head has its own W_Q, W_K, W_V and so its own weights over the sentence. The scene
follows the ambiguous word only: each head's weights row and its output, the outputs side
by side in one long vector, W_O mapping that back to the model's dimension, and the
residual adding the result to the word. Few numbers, all large enough to read.

Render: ``manim -ql scenes/multi_head.py MultiHeadAttention`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    Group,
    MathTex,
    Rectangle,
    VGroup,
    Write,
    config,
)

from attention_core import MultiHeadTrace, multi_head_attention
from attention_core.story import claim, head_favourites
from scenes import style
from scenes.attention_matrix import residual_sum, vector_tex
from scenes.base import ExplainerScene
from scenes.components import word_color, word_label
from scenes.components.flat import FlatFadeIn
from scenes.components.matrices import MatrixGrid, cell_colors, signed_colors
from scenes.style import fmt

__all__ = ["LEGIBLE_CELL", "MultiHeadAttention"]

CELL = 0.8  # the cell of every grid when there is room: its printed digits are ~0.2 units tall
# Below this a cell's printed digits are under 24 px tall at 1080p (0.178 units): such a grid
# is drawn as a plain heat map (tests measure the digits at 1080p).
LEGIBLE_CELL = 0.72
STRIP_WIDTH = 5.6  # the most a head's weights row takes, whatever the sentence's length
VECTOR_WIDTH = 2.4  # the most a head's output takes
BOTTOM_HEIGHT = 2.9  # the most W_O takes


def _grid(values: np.ndarray, colors: np.ndarray, cell: float, **kwargs: object) -> MatrixGrid:
    """A grid whose numbers are printed only when they are legible."""
    numbers = "image" if cell >= LEGIBLE_CELL else False
    return MatrixGrid(values, colors, cell, numbers=numbers, **kwargs)  # type: ignore[arg-type]


def _names(count: int) -> str:
    """``[\\mathrm{head}_1, \\mathrm{head}_2]`` for two heads, with dots for more than three."""
    if count <= 3:
        parts = [rf"\mathrm{{head}}_{{{h + 1}}}" for h in range(count)]
    else:
        parts = [r"\mathrm{head}_{1}", r"\dots", rf"\mathrm{{head}}_{{{count}}}"]
    return "[" + ", ".join(parts) + "]"


class MultiHeadAttention(ExplainerScene):
    """Each head's weights and output for the focus, their concatenation, W_O, the residual."""

    title = "Multi-head attention"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        self.focus = self.sentence.focus_index
        x = self.example.embeddings(self.sentence)
        self.trace: MultiHeadTrace = multi_head_attention(
            x, [h.weights for h in self.example.heads], self.example.w_o)
        self.names = [h.name for h in self.example.heads]
        self.show_title_card()
        self.show_heads()
        self.compare_heads()
        self.head_outputs()
        self.concatenate()
        self.map_back()
        self.add_residual()

    # -- beats

    def show_heads(self) -> None:
        s, i = self.sentence, self.focus
        n = len(s.tokens)
        cell = min(CELL, STRIP_WIDTH / n)
        rows = [head.weights[i] for head in self.trace.heads]  # each (n,): the focus's weights
        sums = [float(np.round(row, style.DECIMALS).sum()) for row in rows]  # as the shown numbers add up
        odd = [k for k, total in enumerate(sums) if abs(total - 1.0) > 0.005]
        rounding = ""
        if odd and cell >= LEGIBLE_CELL:  # the numbers are shown: say why a row adds to 0.99 or 1.01
            rounding = f" (rounded, \u201c{self.names[odd[0]]}\u201d's add to {fmt(sums[odd[0]])})"
        self.beat("heads", f"Each head has its own W_Q, W_K and W_V, so its own weights for {s.focus}"
                  f"{rounding}.")
        colors = [word_color(self.example, w) for w in s.tokens]
        self.strips: list[MatrixGrid] = []
        self.labels = VGroup()
        for k, (name, head) in enumerate(zip(self.names, self.trace.heads, strict=True)):
            row = head.weights[i : i + 1]  # (1, n): the focus's weights in this head
            strip = _grid(row, cell_colors(row, style.FOCUS, 1.0), cell,
                          col_labels=s.tokens if k == 0 else (), label_colors=colors, always_label=[i])
            self.strips.append(strip)
            self.labels.add(VGroup(word_label(f"head {k + 1}", style.TEXT, style.LABEL_SIZE),
                                   word_label(f"\u201c{name}\u201d", style.MUTED, style.SMALL_SIZE))
                            .arrange(DOWN, aligned_edge=RIGHT, buff=0.08))
        self.rows = Group(*self.strips).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        # The focus names the rows' column: its label stands level with the words above them.
        self.weights_title = word_label(f"{s.focus}'s weights", style.FOCUS, style.LABEL_SIZE)
        column = max(self.weights_title.width, max(label.width for label in self.labels))
        self.rows.to_edge(UP, buff=style.MARGIN)
        left = -config.frame_width / 2 + style.MARGIN + column + 0.3
        self.rows.shift((left - self.strips[0].image.get_left()[0]) * RIGHT)
        for label, strip in zip(self.labels, self.strips, strict=True):
            label.next_to(strip.image, LEFT, buff=0.3)
        self.weights_title.next_to(Group(self.strips[0].image, self.labels[0]), UP, buff=0.15)
        self.weights_title.align_to(self.labels, RIGHT)
        self.play(FlatFadeIn(self.rows, self.labels, self.weights_title), run_time=style.BEAT)

    def compare_heads(self) -> None:
        s = self.sentence
        favourites = head_favourites(self.example, 0)
        listed = ", ".join(
            f"\u201c{n}\u201d{' looks most' if k == 0 else ''} at \"{nb.word}\" ({fmt(nb.value)})"
            for k, (n, nb) in enumerate(zip(self.names, favourites, strict=True)))
        try:
            apart = claim(self.example, "heads_look_apart", 0).holds
        except KeyError:  # one head: nothing to compare
            apart = False
        if apart:
            line = f"The heads look at different words: {listed}."
        elif len(favourites) == 1:
            line = f"This example has one head: {listed}."
        elif len({nb.word for nb in favourites}) == 1:
            line = f"Here the heads look most at the same word: {listed}."
        else:
            line = f"Some heads look most at the same word: {listed}."
        self.beat("favourites", line)
        self.favourite_boxes = VGroup(*(
            Rectangle(width=strip.cell, height=strip.cell, color=style.TEXT, stroke_width=4)
            .move_to(strip.cell_center(0, s.tokens.index(nb.word)))
            for strip, nb in zip(self.strips, favourites, strict=True)))
        self.play(FadeIn(self.favourite_boxes), run_time=style.BEAT)

    def head_outputs(self) -> None:
        i = self.focus
        outputs = [h.output[i] for h in self.trace.heads]
        self.beat("head outputs", "Each head's weights times its own values give one output: "
                  + ", ".join(vector_tex(o) for o in outputs) + ".")
        d_v = max(len(o) for o in outputs)
        cell = min(CELL, VECTOR_WIDTH / d_v)
        # one colour scale for every head's output and their concatenation
        self.value_max = float(np.max(np.abs(self.trace.concatenated[i]))) or 1.0
        self.times = VGroup()
        self.outputs: list[MatrixGrid] = []
        for k, (strip, out) in enumerate(zip(self.strips, outputs, strict=True)):
            symbol = MathTex(rf"\times\, V_{{{k + 1}}} \;=").scale(style.MATH_SCALE)
            symbol.next_to(strip.image, RIGHT, buff=0.3)
            row = out[None, :]  # (1, d_v)
            grid = _grid(row, signed_colors(row, style.VALUE, self.value_max), cell, title_color=style.VALUE)
            grid.next_to(symbol, RIGHT, buff=0.3)
            self.times.add(symbol)
            self.outputs.append(grid)
        self.play(FadeIn(self.times), *(FadeIn(g) for g in self.outputs), run_time=style.BEAT)

    def concatenate(self) -> None:
        i = self.focus
        row = self.trace.concatenated[i : i + 1]  # (1, H * d_v)
        if len(self.outputs) > 1:
            line = f"Side by side, the heads' outputs make one vector of {row.shape[1]} numbers."
        else:
            line = f"With one head there is nothing to put side by side: {row.shape[1]} numbers."
        self.beat("concatenate", line)
        h_dv, d = self.trace.w_o.shape
        self.w_o_cell = min(CELL, BOTTOM_HEIGHT / h_dv, VECTOR_WIDTH / d)
        cell = min(CELL, 5.0 / h_dv)
        self.concat = _grid(row, signed_colors(row, style.VALUE, self.value_max), cell,
                            title=_plain(len(self.outputs)),
                            title_color=style.VALUE, title_below=True)
        i = self.focus
        x, update = self.trace.heads[0].inputs[i], self.trace.output[i]
        self.residual = residual_sum(self.sentence.focus, x, update, r"\mathrm{update}")  # shown last
        top = min(m.get_bottom()[1] for m in (*self.strips, *self.outputs, self.labels)) - 0.4
        self.concat.to_edge(LEFT, buff=style.MARGIN)
        # level with the middle of W_O (and the residual's "+ update" row), all below ``top``
        above = self.residual.get_top()[1] - self.residual[1][0][1].get_y()  # over its "+ update" row
        half = max(h_dv * self.w_o_cell / 2, above)
        self.concat.shift((top - half - self.concat.image.get_y()) * UP)
        pieces = Group(*(g.copy() for g in self.outputs))
        slots, start = [], self.concat.image.get_left()
        for g in self.outputs:  # each head's output goes to its own cells of the long vector
            width = g.values.shape[1] * self.concat.cell
            slots.append((start + (width / 2) * RIGHT, width))
            start = start + width * RIGHT
        moves = [p.animate.scale_to_fit_width(w).move_to(c) for p, (c, w) in zip(pieces, slots, strict=True)]
        self.play(*moves, run_time=style.BEAT)
        self.remove(*pieces)
        self.play(FadeIn(self.concat), run_time=style.BEAT / 2)

    def map_back(self) -> None:
        i = self.focus
        update = self.trace.output[i]  # (d,)
        self.beat("W_O", f"The output matrix W_O maps those {self.trace.w_o.shape[0]} numbers back to "
                  f"{len(update)}: {self.sentence.focus}'s update, {vector_tex(update)}.")
        w_o = self.trace.w_o
        times = MathTex(r"\times").next_to(self.concat.image, RIGHT, buff=0.3)
        self.w_o = _grid(w_o, signed_colors(w_o, style.KEY), self.w_o_cell, title_color=style.KEY)
        self.w_o.next_to(times, RIGHT, buff=0.3)
        self.w_o_label = MathTex(r"W_{O}", color=style.KEY).scale(style.MATH_SCALE)
        self.w_o_label.next_to(self.w_o.image, DOWN, buff=0.15)
        equals = MathTex("=").next_to(self.w_o.image, RIGHT, buff=0.3)
        row = update[None, :]
        self.update = _grid(row, signed_colors(row, style.FOCUS), min(CELL, VECTOR_WIDTH / len(update)),
                            title="update",
                            title_color=style.FOCUS, title_below=True)
        self.update.next_to(equals, RIGHT, buff=0.3)
        self.update.shift((self.concat.image.get_y() - self.update.image.get_y()) * UP)
        self.symbols = VGroup(times, equals)
        self.play(FadeIn(times), FadeIn(self.w_o), FadeIn(self.w_o_label), run_time=style.BEAT)
        self.play(FadeIn(equals), FadeIn(self.update), run_time=style.BEAT)

    def add_residual(self) -> None:
        s, i = self.sentence, self.focus
        x, update = self.trace.heads[0].inputs[i], self.trace.output[i]
        self.beat("residual", f"The residual again: {s.focus} keeps itself and adds the update, "
                  f"{vector_tex(x)} + {vector_tex(update)} = {vector_tex(x + update)}.")
        name, sum_ = self.residual
        left = self.update.image.get_right()[0] + 0.6
        room = config.frame_width / 2 - style.MARGIN - left
        if sum_.width > room:
            sum_.scale_to_fit_width(room)
        sum_.move_to([left, 0, 0], aligned_edge=LEFT)
        sum_.shift((self.update.image.get_y() - sum_[0][1].get_y()) * UP)
        name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT)
        self.formula = MathTex(r"x' = x + " + _names(len(self.outputs)) + r"\, W_{O}")
        self.formula.scale(style.MATH_SCALE).next_to(self.residual, DOWN, buff=0.5, aligned_edge=LEFT)
        over = self.formula.get_right()[0] - (config.frame_width / 2 - style.MARGIN)
        self.formula.shift(max(0.0, over) * LEFT)
        self.play(FadeIn(self.residual, shift=0.1 * UP), Write(self.formula), run_time=style.BEAT)


def _plain(count: int) -> str:
    """The concatenation's caption in plain text: ``[head 1, head 2]``."""
    if count <= 3:
        return "[" + ", ".join(f"head {h + 1}" for h in range(count)) + "]"
    return f"[head 1, …, head {count}]"
