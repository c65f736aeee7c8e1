r"""The attention matrix: every word attends to every word at once.

    A = softmax(Q K^T / \sqrt{d_k})          output = A V

Q and K^T multiply into the grid of scores; dividing by sqrt(d_k) keeps the scores from
growing with the dimension; softmax turns each row into weights that sum to 1; the
weights times V give every word's new vector. Last, a causal mask hides the future: the
upper triangle goes dark and the core recomputes the weights.

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
    FadeIn,
    FadeOut,
    MathTex,
    Polygon,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Write,
    config,
)

from attention_core import AttentionTrace, causal_mask, scaled_dot_product_attention
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import word_color
from scenes.components.matrices import MatrixGrid, cell_colors, printed_numbers, signed_colors
from scenes.style import fmt

__all__ = ["AttentionMatrix"]

GRID_SIDE = 3.6  # scene units the n x n grid takes, whatever n is



class AttentionMatrix(ExplainerScene):
    """Q K^T, the scaling, the row-wise softmax, times V, the formula, the causal mask."""

    title = "The attention matrix"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        self.head = self.example.heads[0]
        x = self.example.embeddings(self.sentence)
        self.trace: AttentionTrace = scaled_dot_product_attention(
            x, self.head.query, self.head.key, self.head.value)
        self.masked: AttentionTrace = scaled_dot_product_attention(
            x, self.head.query, self.head.key, self.head.value, mask=causal_mask(len(x)))
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
        self.softmax_rows()
        self.multiply_by_values()
        self.show_formula()
        self.mask_the_future()
        self.wait(style.BEAT)

    # -- beats

    def show_queries_and_keys(self) -> None:
        t = self.trace
        self.beat("queries and keys", f"Every word of \"{self.sentence.text}\" has a query, a row of "
                  "Q, and a key, a column of K transposed.")
        words = self.sentence.tokens
        self.q = MatrixGrid(t.queries, signed_colors(t.queries, style.QUERY), self.cell, numbers=self.numbers,
                            row_labels=words, title="Q", title_color=style.QUERY, label_colors=self.colors,
                            always_label=[self.sentence.focus_index])
        self.kt = MatrixGrid(t.keys.T, signed_colors(t.keys.T, style.KEY), self.cell, numbers=self.numbers,
                             col_labels=words, title="Kᵀ", title_color=style.KEY, label_colors=self.colors,
                             always_label=[self.sentence.focus_index])
        self.scores = self.grid(t.scores, signed=True, title="Q Kᵀ")
        self.layout()
        self.play(FadeIn(self.q), FadeIn(self.kt), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def grid(self, values: np.ndarray, signed: bool, title: str) -> MatrixGrid:
        colors = signed_colors(values, style.POSITIVE) if signed else cell_colors(values, style.FOCUS, 1.0)
        return MatrixGrid(np.where(np.isfinite(values), values, 0.0), colors, self.cell, title=title,
                          title_color=style.TEXT, title_below=True, numbers=self.numbers)

    def layout(self) -> None:
        """K^T above the n x n grid, Q to its left; the whole arrangement left of centre."""
        self.scores.move_to(1.2 * LEFT + 0.9 * DOWN)
        self.q.next_to(self.scores.image, LEFT, buff=0.25).align_to(self.scores.image, UP)
        self.q.shift((self.scores.image.get_top()[1] - self.q.image.get_top()[1]) * UP)
        self.kt.next_to(self.scores.image, UP, buff=0.25)
        self.kt.shift((self.scores.image.get_left()[0] - self.kt.image.get_left()[0]) * RIGHT)
        # Tall rotated word labels above K^T must not push its title off the top of the frame.
        over_the_top = self.kt.get_top()[1] - (config.frame_height / 2 - style.MARGIN)
        if over_the_top > 0:
            for grid in (self.q, self.kt, self.scores):
                grid.shift(over_the_top * DOWN)

    def fill_scores(self) -> None:
        i = self.sentence.focus_index
        row = self.trace.scores[i]
        best = int(np.argmax(np.where(np.arange(len(row)) == i, -np.inf, row)))
        self.beat("scores", f"Each score is a query times a key. {self.sentence.focus}'s row: its "
                  f"largest score, {fmt(row[best])}, is with {self.sentence.tokens[best]}.")
        self.focus_box = Rectangle(width=self.scores.values.shape[1] * self.cell, height=self.cell,
                                   color=style.FOCUS, stroke_width=3)
        self.focus_box.move_to(self.scores.row_box(i).mean(axis=0))
        self.play(FadeIn(self.scores), run_time=style.BEAT)
        self.play(FadeIn(self.focus_box), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def scale_scores(self) -> None:
        t = self.trace
        d_k = t.keys.shape[1]
        self.beat("scale", f"Divide by the square root of d_k = {d_k}, that is multiply by "
                  f"{fmt(t.scale)}: longer vectors give bigger scores, and scaling keeps softmax "
                  "from becoming all-or-nothing.")
        self.formula = MathTex(r"\frac{Q K^T}{\sqrt{d_k}} = " + fmt(t.scale) + r"\, Q K^T").scale(
            style.MATH_SCALE).to_corner(UP + RIGHT, buff=style.MARGIN)
        scaled = self.grid(t.scaled_scores, signed=True, title="Q Kᵀ / √dₖ")
        scaled.move_to(self.scores, aligned_edge=DOWN)
        self.play(Write(self.formula), ReplacementTransform(self.scores, scaled), run_time=style.BEAT)
        self.scores = scaled
        self.wait(style.PAUSE)

    def softmax_rows(self) -> None:
        t = self.trace
        i = self.sentence.focus_index
        best = int(np.argmax(t.weights[i]))
        self.beat("softmax", f"Softmax, row by row: {self.sentence.focus} puts {fmt(t.weights[i, best])} "
                  f"of its attention on {self.sentence.tokens[best]}. Every row sums to 1.")
        self.weights = self.grid(t.weights, signed=False, title="A = softmax(Q Kᵀ / √dₖ)")
        self.weights.move_to(self.scores, aligned_edge=DOWN)
        formula = MathTex(r"A = \mathrm{softmax}\!\left(\frac{Q K^T}{\sqrt{d_k}}\right)").scale(
            style.MATH_SCALE).move_to(self.formula, aligned_edge=RIGHT)
        self.play(ReplacementTransform(self.scores, self.weights),
                  ReplacementTransform(self.formula, formula), run_time=style.BEAT)
        self.formula = formula
        self.wait(style.PAUSE)

    def multiply_by_values(self) -> None:
        t = self.trace
        i = self.sentence.focus_index
        out = t.output[i]
        self.beat("times V", f"Weights times the values give each word its new vector: "
                  f"{self.sentence.focus} becomes ({', '.join(fmt(v) for v in out)}).")
        self.v = MatrixGrid(t.values, signed_colors(t.values, style.VALUE), self.cell, title="V",
                            title_color=style.VALUE, numbers=self.numbers)
        self.v.next_to(self.weights.image, RIGHT, buff=0.3).align_to(self.weights.image, UP)
        self.v.shift((self.weights.image.get_top()[1] - self.v.image.get_top()[1]) * UP)
        self.output = MatrixGrid(t.output, signed_colors(t.output, style.FOCUS), self.cell, title="A V",
                                 title_color=style.FOCUS, numbers=self.numbers)
        self.output.next_to(self.v.image, RIGHT, buff=0.5)
        self.output.shift((self.v.image.get_top()[1] - self.output.image.get_top()[1]) * UP)
        corners = self.output.row_box(i)
        self.output_box = Rectangle(width=corners[1][0] - corners[0][0], height=self.cell,
                                    color=style.FOCUS, stroke_width=3).move_to(corners.mean(axis=0))
        self.play(FadeIn(self.v), run_time=style.BEAT)
        self.play(FadeIn(self.output), FadeIn(self.output_box), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_formula(self) -> None:
        self.beat("formula", "That is the whole of attention: softmax of Q K transposed over the "
                  "square root of d_k, times V.")
        formula = MathTex(r"\mathrm{softmax}\!\left(\frac{", "Q", "K", r"^T}{\sqrt{d_k}}\right)", "V")
        formula.scale(style.MATH_SCALE * 1.2).move_to(self.formula, aligned_edge=RIGHT)
        formula[1].set_color(style.QUERY)
        formula[2].set_color(style.KEY)
        formula[4].set_color(style.VALUE)
        self.play(ReplacementTransform(self.formula, formula), run_time=style.BEAT)
        self.formula = formula
        links = [SurroundingRectangle(g.title, color=c, buff=0.06)
                 for g, c in ((self.q, style.QUERY), (self.kt, style.KEY), (self.v, style.VALUE))]
        self.play(*(FadeIn(link) for link in links), run_time=style.BEAT / 2)
        self.play(*(FadeOut(link) for link in links), run_time=style.BEAT / 2)
        self.wait(style.PAUSE)

    def mask_the_future(self) -> None:
        m = self.masked
        i = self.sentence.focus_index
        self.beat("causal mask", f"To predict the next word, a word may not look ahead: the upper "
                  f"triangle goes dark. {self.sentence.focus} now attends to "
                  f"{', '.join(self.sentence.tokens[: i + 1])} only.")
        image = self.weights.image
        top_left, top_right = image.get_corner(UP + LEFT), image.get_corner(UP + RIGHT)
        bottom_right = image.get_corner(DOWN + RIGHT)
        n = self.weights.values.shape[0]
        # The cells above the diagonal: a staircase polygon over the heat map.
        steps = [top_left + RIGHT * self.cell]
        for r in range(n - 1):
            steps += [top_left + RIGHT * (r + 1) * self.cell + DOWN * (r + 1) * self.cell,
                      top_left + RIGHT * (r + 2) * self.cell + DOWN * (r + 1) * self.cell]
        self.mask_shape = Polygon(*steps, bottom_right + UP * self.cell * 0, top_right,
                                  stroke_width=0, fill_color=style.BACKGROUND, fill_opacity=0.85)
        self.play(FadeIn(self.mask_shape), run_time=style.BEAT)
        masked = self.grid(m.weights, signed=False, title="A with a causal mask")
        masked.move_to(self.weights, aligned_edge=DOWN)
        output = MatrixGrid(m.output, signed_colors(m.output, style.FOCUS), self.cell, title="A V",
                            title_color=style.FOCUS, numbers=self.numbers)
        output.move_to(self.output, aligned_edge=DOWN)
        self.play(ReplacementTransform(self.weights, masked), ReplacementTransform(self.output, output),
                  FadeOut(self.mask_shape), run_time=style.BEAT)
        self.weights, self.output = masked, output
        self.wait(style.PAUSE)
