r"""The attention matrix: every word attends to every word at once.

    A = softmax(Q K^T / \sqrt{d_k})          X' = X + A V

Q and K^T multiply into the grid of scores; dividing by sqrt(d_k) keeps the scores at unit
scale whatever the dimension (q . k adds d_k products, so its spread grows like sqrt(d_k):
it is the softmax temperature T = sqrt(d_k)); softmax turns each row into weights that sum
to 1; the weights times V give every word its update, which the residual adds to the word.
Last, a causal mask hides the future: scores above the diagonal become -inf, their weights
0, and the cells say so ("-inf", "–"), never "0.00".

Grids are heat maps (one image each) with numbers only where cells are big enough, so a
32-word sentence costs about what a 5-word one does.

Render: ``manim -ql scenes/attention_matrix.py AttentionMatrix`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    Write,
    config,
)

from attention_core import AttentionTrace
from attention_core.story import claim, decider, focus_attention
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import word_color, word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import MatrixGrid, cell_colors, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["AttentionMatrix", "MASKED_SCORE", "MASKED_WEIGHT", "residual_sum", "vector_tex"]

GRID_SIDE = 3.6  # scene units the n x n grid takes, whatever n is
MASKED_SCORE = "\u2212\u221e"  # what a masked score cell shows: minus infinity
MASKED_WEIGHT = "\u2013"  # what a masked weight cell shows: a dash, not 0.00


def vector_tex(v: np.ndarray) -> str:
    """A vector as the narration says it: ``(1.50, 1.60)``."""
    return "(" + ", ".join(fmt(float(a)) for a in v) + ")"


def rounding_row(weights: np.ndarray) -> int | None:
    """The first row of ``weights`` whose numbers, rounded as shown, do not add up to 1.00."""
    shown = np.round(np.nan_to_num(weights), style.DECIMALS).sum(axis=1)
    off = np.flatnonzero(np.abs(shown - 1.0) > 10 ** -style.DECIMALS / 2)
    return int(off[0]) if len(off) else None


def residual_sum(word: str, x: np.ndarray, update: np.ndarray, update_tex: str) -> VGroup:
    """The residual as a column sum, ``x`` plus the update equals ``x'``, unplaced:
    ``VGroup(name, VGroup(rows, rule))`` where each row is ``VGroup(symbol, numbers)``."""
    name = word_label(word, style.FOCUS)
    lhs = [MathTex("x"), MathTex(r"+\," + update_tex), MathTex(r"=\,x'", color=style.FOCUS)]
    rhs = [MathTex(vector_tex(x)), MathTex(vector_tex(update)),
           MathTex(vector_tex(x + update), color=style.FOCUS)]
    rows = VGroup(*(VGroup(a, b) for a, b in zip(lhs, rhs, strict=True)))
    rows.arrange(DOWN, buff=0.35)
    for a, b in rows:
        a.next_to(rows, LEFT, buff=0).set_y(b.get_y())
    for a in lhs:
        a.align_to(lhs[0], RIGHT)
    for a, b in rows:
        b.next_to(a, RIGHT, buff=0.2)
    for b in rhs:
        b.align_to(rhs[0], LEFT)
    rule = Line(rhs[1].get_corner(DOWN + LEFT), rhs[1].get_corner(DOWN + RIGHT), color=style.MUTED,
                stroke_width=2).shift(0.15 * DOWN)
    sum_ = VGroup(rows, rule).scale(style.MATH_SCALE)
    return VGroup(name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT), sum_)


class AttentionMatrix(ExplainerScene):
    """Q K^T, the scaling and why, the row-wise softmax, A V and the residual, the causal mask."""

    title = "The attention matrix"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        self.focus = self.sentence.focus_index
        self.trace: AttentionTrace = focus_attention(self.example, 0)
        self.masked: AttentionTrace = focus_attention(self.example, 0, masked=True)
        n = len(self.sentence.tokens)
        self.cell = GRID_SIDE / n
        # Numbers printed into each grid's one image (cheap to fade and transform), only
        # where a cell is big enough to read one.
        self.numbers = printed_numbers(self.cell)
        self.colors = [word_color(self.example, w) for w in self.sentence.tokens]

        self.show_title_card()
        self.show_queries_and_keys()
        self.fill_scores()
        self.scale_scores()
        self.explain_scale()
        self.scale_is_a_temperature()
        self.softmax_rows()
        self.multiply_by_values()
        self.add_residual()
        self.show_formula()
        self.mask_the_scores()
        self.mask_the_weights()
        self.what_the_focus_still_sees()
        self.masked_update()

    # -- beats

    def show_queries_and_keys(self) -> None:
        t = self.trace
        self.beat("queries and keys", f"Every word of \"{self.sentence.text}\" has a query, a row of "
                  "Q, and a key, a column of K transposed.")
        words = self.sentence.tokens
        self.q = MatrixGrid(t.queries, signed_colors(t.queries, style.QUERY), self.cell, numbers=self.numbers,
                            row_labels=words, title="Q", title_color=style.QUERY, label_colors=self.colors,
                            always_label=[self.focus])
        self.kt = MatrixGrid(t.keys.T, signed_colors(t.keys.T, style.KEY), self.cell, numbers=self.numbers,
                             col_labels=words, title="Kᵀ", title_color=style.KEY, label_colors=self.colors,
                             always_label=[self.focus])
        self.scores = self.grid(t.scores, signed=True, title="Q Kᵀ")
        self.layout()
        self.play(FadeIn(self.q), FadeIn(self.kt), run_time=style.BEAT)

    def grid(self, values: np.ndarray, signed: bool, title: str, masked: np.ndarray | None = None,
             masked_text: str = MASKED_WEIGHT) -> MatrixGrid:
        """An n x n grid over the scores' place; ``masked`` cells show ``masked_text``."""
        finite = np.where(np.isfinite(values), values, 0.0)
        colors = signed_colors(finite, style.POSITIVE) if signed else cell_colors(finite, style.FOCUS, 1.0)
        grid = MatrixGrid(values, colors, self.cell, title=title, title_color=style.TEXT, title_below=True,
                          numbers=self.numbers, masked=masked, masked_text=masked_text)
        if hasattr(self, "scores"):
            grid.move_to(self.scores, aligned_edge=DOWN)
        return grid

    def layout(self) -> None:
        """K^T above the n x n grid, Q to its left, Q's labels at the left margin: the room
        on the right is for V, A V and the explanations."""
        self.scores.move_to(0.9 * DOWN)
        self.q.next_to(self.scores.image, LEFT, buff=0.25).align_to(self.scores.image, UP)
        self.q.shift((self.scores.image.get_top()[1] - self.q.image.get_top()[1]) * UP)
        self.kt.next_to(self.scores.image, UP, buff=0.25)
        self.kt.shift((self.scores.image.get_left()[0] - self.kt.image.get_left()[0]) * RIGHT)
        to_the_margin = (-config.frame_width / 2 + style.MARGIN) - self.q.get_left()[0]
        # Tall rotated word labels above K^T must not push its title off the top of the frame.
        over_the_top = max(0.0, self.kt.get_top()[1] - (config.frame_height / 2 - style.MARGIN))
        for grid in (self.q, self.kt, self.scores):
            grid.shift(to_the_margin * RIGHT + over_the_top * DOWN)

    def crossfade(self, *pairs: tuple[Mobject, Mobject], also_in: tuple[Animation, ...] = (),
                  also_out: tuple[Animation, ...] = ()) -> None:
        """Fade each old grid or formula out, then its new one in, half a beat each: two sets
        of numbers are never on screen at once, and no glyph morphs into another."""
        self.play(*(FlatFadeOut(old) for old, _ in pairs), *also_out, run_time=style.BEAT / 2)
        self.play(*(FlatFadeIn(new) for _, new in pairs), *also_in, run_time=style.BEAT / 2)
        # frames around cells stay over the grids that came in under them
        self.bring_to_front(*(m for m in self.mobjects if isinstance(m, Rectangle)))

    def cell_box(self, grid: MatrixGrid, row: int, col: int | None = None,
                 color: object = style.FOCUS) -> Rectangle:
        """A frame around cell (row, col) of ``grid``, or around its whole row."""
        cols = grid.values.shape[1] if col is None else 1
        box = Rectangle(width=cols * grid.cell, height=grid.cell, color=color, stroke_width=3)
        if col is None:
            return box.move_to(grid.row_box(row).mean(axis=0))
        return box.move_to(grid.cell_center(row, col))

    def panel(self, *lines: MathTex, top: float) -> VGroup:
        """Formula lines, left-aligned, right of the grids from height ``top`` down, never
        wider than the room there."""
        group = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        left = max(self.kt.image.get_right()[0], self.scores.image.get_right()[0]) + 0.6
        room = config.frame_width / 2 - style.MARGIN - left
        if group.width > room:
            group.scale_to_fit_width(room)
        return group.move_to([left, top, 0], aligned_edge=UP + LEFT)

    def fill_scores(self) -> None:
        i = self.focus
        row = self.trace.scores[i]
        best = int(np.argmax(np.where(np.arange(len(row)) == i, -np.inf, row)))
        self.beat("scores", f"Each score is a query times a key. {self.sentence.focus}'s row: its "
                  f"largest score, {fmt(row[best])}, is with {self.sentence.tokens[best]}.")
        self.focus_box = self.cell_box(self.scores, i)
        self.play(FadeIn(self.scores), run_time=style.BEAT)
        self.play(FadeIn(self.focus_box), run_time=style.BEAT)

    def scale_scores(self) -> None:
        t = self.trace
        d_k = t.keys.shape[1]
        root = 1 / t.scale
        self.beat("scale", f"Queries and keys have d_k = {d_k} numbers here, so every score is divided "
                  f"by √{d_k} ≈ {fmt(root)}.")
        self.formula = MathTex(r"\frac{Q K^T}{\sqrt{d_k}}").scale(style.MATH_SCALE).to_corner(
            UP + RIGHT, buff=style.MARGIN)
        # The whole explanation is laid out at once (one size for every line); the beats of
        # the scaling reveal it a line or two at a time.
        self.reasons = self.panel(
            MathTex(rf"d_k = {d_k}, \quad \sqrt{{d_k}} = \sqrt{{{d_k}}} \approx {fmt(root)}"),
            MathTex(r"q \cdot k = q_1 k_1 + q_2 k_2 + \dots + q_{d_k} k_{d_k}"),
            MathTex(r"\mathrm{Var}(q_m) = \mathrm{Var}(k_m) = 1 \;\Rightarrow\; "
                    r"\mathrm{Var}(q \cdot k) = d_k"),
            MathTex(r"\text{spread of } q \cdot k \sim \sqrt{d_k} \;\Rightarrow\; "
                    r"\frac{q \cdot k}{\sqrt{d_k}} \text{ has spread } 1"),
            MathTex(r"\mathrm{softmax}\!\left(\frac{s}{T}\right), \quad T = \sqrt{d_k}", color=style.FOCUS),
            top=self.formula.get_bottom()[1] - 0.4)
        scaled = self.grid(t.scaled_scores, signed=True, title="Q Kᵀ / √dₖ")
        self.crossfade((self.scores, scaled), also_in=(Write(self.formula), FadeIn(self.reasons[0])))
        self.scores = scaled

    def explain_scale(self) -> None:
        self.beat("why scale", "Why: q·k adds up d_k products, so its spread grows like √d_k. Dividing "
                  "keeps scores at unit scale.")
        self.play(FadeIn(self.reasons[1:4], shift=0.1 * DOWN), run_time=style.BEAT)

    def scale_is_a_temperature(self) -> None:
        self.beat("temperature", "Dividing by √d_k is softmax's temperature T = √d_k: in big models it "
                  "keeps softmax from going all-or-nothing.")
        self.play(FadeIn(self.reasons[4], shift=0.1 * DOWN), run_time=style.BEAT)

    def softmax_rows(self) -> None:
        t, s = self.trace, self.sentence
        i = self.focus
        best = int(np.argmax(t.weights[i]))
        odd = rounding_row(t.weights) if self.numbers else None  # only shown numbers are added up
        if odd is None:
            said = (f"Softmax, row by row: {s.focus} puts {fmt(t.weights[i, best])} of its attention "
                    f"on {s.tokens[best]}. Every row sums to 1.")
        else:
            shown = float(np.round(t.weights[odd], style.DECIMALS).sum())
            said = (f"Softmax, row by row: {s.focus} puts {fmt(t.weights[i, best])} on {s.tokens[best]}. "
                    f"Rows sum to 1 (rounded, \"{s.tokens[odd]}\"'s shows {fmt(shown)}).")
        self.beat("softmax", said)
        self.weights = self.grid(t.weights, signed=False, title="A = softmax(Q Kᵀ / √dₖ)")
        formula = MathTex(r"A = \mathrm{softmax}\!\left(\frac{Q K^T}{\sqrt{d_k}}\right)").scale(
            style.MATH_SCALE).move_to(self.formula, aligned_edge=RIGHT)
        self.crossfade((self.scores, self.weights), (self.formula, formula),
                       also_out=(FadeOut(self.reasons),))
        self.formula = formula

    def output_grid(self, output: np.ndarray) -> MatrixGrid:
        grid = MatrixGrid(output, signed_colors(output, style.FOCUS), self.cell, title="A V",
                          title_color=style.FOCUS, numbers=self.numbers)
        if hasattr(self, "output"):
            return grid.move_to(self.output, aligned_edge=DOWN)
        grid.next_to(self.v.image, RIGHT, buff=0.5)
        return grid.shift((self.v.image.get_top()[1] - grid.image.get_top()[1]) * UP)

    def multiply_by_values(self) -> None:
        t = self.trace
        self.beat("times V", f"A times V gives each word its update, the weighted sum of the values: "
                  f"{self.sentence.focus}'s is {vector_tex(t.output[self.focus])}.")
        self.v = MatrixGrid(t.values, signed_colors(t.values, style.VALUE), self.cell, title="V",
                            title_color=style.VALUE, numbers=self.numbers)
        self.v.next_to(self.weights.image, RIGHT, buff=0.3).align_to(self.weights.image, UP)
        self.v.shift((self.weights.image.get_top()[1] - self.v.image.get_top()[1]) * UP)
        self.output = self.output_grid(t.output)
        self.output_box = self.cell_box(self.output, self.focus)
        self.play(FadeIn(self.v), run_time=style.BEAT)
        self.play(FadeIn(self.output), FadeIn(self.output_box), run_time=style.BEAT)

    def residual_lines(self, trace: AttentionTrace) -> VGroup:
        """The focus's residual update as a column sum right of A V: x, + (A V)_i, = x'."""
        i = self.focus
        name, sum_ = residual_sum(self.sentence.focus, trace.inputs[i], trace.output[i], r"(A V)_i")
        rows = sum_[0]
        rhs = [row[1] for row in rows]
        left = self.output.image.get_right()[0] + 0.4
        room = config.frame_width / 2 - style.MARGIN - left
        if sum_.width > room:
            sum_.scale_to_fit_width(room)
        # The (A V)_i line level with the focus's row of A V, the whole column inside the frame.
        sum_.move_to([left, 0, 0], aligned_edge=LEFT)
        sum_.shift((self.output.cell_center(i, 0)[1] - rhs[1].get_y()) * UP)
        column = VGroup(name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT), sum_)
        low = -config.frame_height / 2 + style.MARGIN - column.get_bottom()[1]
        high = config.frame_height / 2 - style.MARGIN - column.get_top()[1]
        return column.shift(min(max(0.0, low), high) * UP)

    def add_residual(self) -> None:
        t = self.trace
        i = self.focus
        x, update = t.inputs[i], t.output[i]
        self.beat("residual", f"The residual: {self.sentence.focus} keeps itself and adds its update, "
                  f"{vector_tex(x)} + {vector_tex(update)} = {vector_tex(x + update)}.")
        self.residual = self.residual_lines(t)
        self.play(FadeIn(self.residual, shift=0.1 * UP), run_time=style.BEAT)

    def show_formula(self) -> None:
        self.beat("formula", "All of it in one line: X plus softmax of Q K transposed over the square "
                  "root of d_k, times V.")
        formula = MathTex("X +", r"\mathrm{softmax}\!\left(\frac{", "Q", "K",
                          r"^T}{\sqrt{d_k}}\right)", "V")
        formula.scale(style.MATH_SCALE * 1.1).move_to(self.formula, aligned_edge=RIGHT)
        formula[2].set_color(style.QUERY)
        formula[3].set_color(style.KEY)
        formula[5].set_color(style.VALUE)
        self.crossfade((self.formula, formula))
        self.formula = formula
        links = [SurroundingRectangle(g.title, color=c, buff=0.06)
                 for g, c in ((self.q, style.QUERY), (self.kt, style.KEY), (self.v, style.VALUE))]
        self.play(*(FadeIn(link) for link in links), run_time=style.BEAT / 2)
        self.play(*(FadeOut(link) for link in links), run_time=style.BEAT / 2)

    def mask_the_scores(self) -> None:
        m = self.masked
        self.beat("causal mask", "To predict the next word, a word may not look ahead: scores above the "
                  "diagonal become −∞.")
        scores = self.grid(m.scaled_scores, signed=True, title="Q Kᵀ / √dₖ, masked", masked=~m.mask,
                           masked_text=MASKED_SCORE)
        formula = MathTex(r"\frac{Q K^T}{\sqrt{d_k}} + M, \quad M_{ij} = -\infty \text{ for } j > i")
        formula.scale(style.MATH_SCALE).move_to(self.formula, aligned_edge=RIGHT)
        self.crossfade((self.weights, scores), (self.formula, formula))
        self.scores, self.formula = scores, formula

    def mask_the_weights(self) -> None:
        m = self.masked
        s = self.sentence
        odd = rounding_row(m.weights) if self.numbers else None
        if odd is None:
            said = "Softmax turns −∞ into a weight of 0: masked cells drop out, and each row still sums to 1."
        else:
            shown = float(np.round(np.nan_to_num(m.weights[odd]), style.DECIMALS).sum())
            said = (f"Softmax turns −∞ into 0: masked cells drop out; rows still sum to 1 "
                    f"(rounded, \"{s.tokens[odd]}\"'s shows {fmt(shown)}).")
        self.beat("masked softmax", said)
        self.weights = self.grid(m.weights, signed=False, title="A with a causal mask", masked=~m.mask)
        formula = MathTex(r"e^{-\infty} = 0").scale(style.MATH_SCALE)
        formula.move_to(self.formula, aligned_edge=RIGHT)
        self.crossfade((self.scores, self.weights), (self.formula, formula))
        self.formula = formula

    def what_the_focus_still_sees(self) -> None:
        m, s = self.masked, self.sentence
        i = self.focus
        said = claim(self.example, "decider_before_focus", 0)
        d = s.tokens.index(decider(self.example, 0))
        if said.holds:
            line = (f"{s.focus} still sees {s.tokens[d]}, which came before it ({fmt(m.weights[i, d])}); "
                    f"{s.tokens[d]} can no longer see {s.focus}.")
            boxes = [self.cell_box(self.weights, i, d), self.cell_box(self.weights, d, i, style.NEGATIVE)]
        else:
            top = int(np.argmax(m.weights[i]))
            on = "itself" if top == i else s.tokens[top]
            line = (f"{s.focus} can no longer see {s.tokens[d]}, which comes after it: it now puts "
                    f"{fmt(m.weights[i, top])} on {on}.")
            boxes = [self.cell_box(self.weights, i, d, style.NEGATIVE), self.cell_box(self.weights, i, top)]
        self.beat("what it still sees", line)
        self.sees = VGroup(*boxes)
        self.play(FadeOut(self.focus_box), FadeIn(self.sees), run_time=style.BEAT)

    def masked_update(self) -> None:
        m, s = self.masked, self.sentence
        i = self.focus
        update = m.output[i]
        if vector_tex(update) == vector_tex(self.trace.output[i]):
            why = ("no word comes after it" if i == len(s.tokens) - 1
                   else "the words after it had almost no weight")
            line = f"So {s.focus}'s update stays {vector_tex(update)}: {why}."
        else:
            line = (f"So {s.focus}'s update is now {vector_tex(update)}, and it becomes "
                    f"{vector_tex(m.inputs[i] + update)}.")
        self.beat("masked update", line)
        output = self.output_grid(m.output)
        residual = self.residual_lines(m)
        self.crossfade((self.output, output), (self.residual, residual))
        self.output, self.residual = output, residual
