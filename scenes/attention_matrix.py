r"""The attention matrix: every word attends to every word at once.

    A = softmax(Q K^T / \sqrt{d_k})          X' = X + A V

Q and K^T multiply into the grid of scores; every score is divided by sqrt(d_k), as the keys
chapter introduced and explained it (this chapter refers back and reuses its weights, the focus's
row the same numbers); softmax turns each row into weights that sum to 1; the weights times V
give every word its update, Attention(Q, K, V) as the paper writes it, which the residual adds
to the word (X' = X + Attention(Q, K, V), a line of its own). Then a causal mask hides the
future: scores above the diagonal become -inf, their weights 0, and the cells say so ("-inf",
"–"), never "0.00"; A V is the masked product from the moment A is masked, and the line says
whose updates changed. Last, the mask as a beat of its own, on one sentence (the first whose
decider comes after its focus, else the first): its weights with the causal mask (next-word
models such as GPT) beside its weights with none (encoders such as BERT), and what that means
for the example: the focus cannot see a later decider, the decider still sees the focus, and
the chapters before used no mask.

Laid out for 1080p: the grids take the frame's height (K^T over the n x n grid, Q to its
left, V and A V to its right, the residual beside A V), with cells as large as fit
(:func:`plan_grids`). Numbers are printed only in cells large enough to read (digits of at
least 24 px at 1080p); a matrix with many columns (d_k or d_v up to 8) gets narrow cells
without numbers, and a long sentence a plain heat map. The numbers the narration says are
always on screen in large type: the focus's query, key and score beside the grid, the
residual's column sum, and, where the grid cannot print them, a weight beside the formula.

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
    Group,
    MathTex,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    Write,
    config,
)

from attention_content.story import claim, decider, focus_attention
from attention_core import AttentionTrace
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import word_color, word_label
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import (
    MatrixGrid,
    cell_colors,
    signed_colors,
)
from scenes.key_formulas import SCALE_IS_A_TEMPERATURE, WHY_SCALE, scaling_lines
from scenes.mask_beats import MaskBeats
from scenes.matrix_layout import (
    AV_GAP,
    GRID_GAP,
    LEGIBLE_CELL,
    MIN_MATH_SCALE,
    SIDE_GAP,
    V_GAP,
    GridPlan,
    factor,
    lay_labels_flat,
    legible,
    per_line,
    plan_grids,
    residual_sum,
    rounding_row,
    tex_size,
    text_size,
    vector_tex,
)
from scenes.style import fmt

__all__ = ["LEGIBLE_CELL", "MASKED_SCORE", "MASKED_WEIGHT", "MIN_MATH_SCALE", "AttentionMatrix", "GridPlan",
           "legible", "plan_grids", "residual_sum", "tex_size", "text_size", "vector_tex"]

MASKED_SCORE = "\u2212\u221e"  # what a masked score cell shows: minus infinity
MASKED_WEIGHT = "\u2013"  # what a masked weight cell shows: a dash, not 0.00
PAIR_SCALE = 1.0  # the focus's query, key and score beside the grid, as large as the room allows
KT_TITLE_GAP = 0.2  # K^T's name to its left edge
MASK_NOTE = "–  masked: weight 0"  # said once, under the formula, where masked cells first show it


class AttentionMatrix(MaskBeats, ExplainerScene):
    """Q K^T, the scaling and why, the row-wise softmax, A V and the residual, the causal mask."""

    title = "The attention matrix"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        self.focus = self.sentence.focus_index
        self.trace: AttentionTrace = focus_attention(self.example, 0)
        self.masked: AttentionTrace = focus_attention(self.example, 0, masked=True)
        self.colors = [word_color(self.example, w) for w in self.sentence.tokens]
        row = self.trace.scores[self.focus]
        # the word whose key matches the focus's query best (the focus itself aside)
        self.best = int(np.argmax(np.where(np.arange(len(row)) == self.focus, -np.inf, row)))

        self.show_title_card()
        self.show_queries_and_keys()
        self.fill_scores()
        self.scale_scores()
        self.softmax_rows()
        self.multiply_by_values()
        self.add_residual()
        self.show_formula()
        self.mask_the_scores()
        self.mask_the_weights()
        self.what_the_focus_still_sees()
        self.masked_update()
        self.compare_masks()
        self.say_what_the_mask_costs()

    # -- layout

    def lay_out(self) -> None:
        """Plan the cells, then build every grid of the scene in its place: K^T over the n x n
        grid, Q to its left (its labels at the left margin), V and A V to its right, the whole
        centred in the frame's height; the residual column takes the room left on the right."""
        t, words, n = self.trace, self.sentence.tokens, len(self.sentence.tokens)
        i = self.focus
        self.residuals = {
            masked: residual_sum(self.sentence.focus, trace.inputs[i], trace.output[i], r"(A V)_i",
                                 title=f"{self.sentence.focus}, row i")  # the i of (A V)_i
            for masked, trace in ((False, self.trace), (True, self.masked))}
        room = max(r.width for r in self.residuals.values()) * MIN_MATH_SCALE / style.MATH_SCALE
        plan = plan_grids(n, t.queries.shape[1], t.values.shape[1], list(words), room)
        self.plan, self.cell = plan, plan.cell
        self.numbers = legible(plan.cell)  # the n x n grids print their numbers
        self.q = self.matrix(t.queries, style.QUERY, "Q", plan.qk_width, row_labels=words)
        self.kt = MatrixGrid(t.keys.T, signed_colors(t.keys.T, style.KEY), plan.qk_width,
                             numbers=self.numbers_for(plan.qk_width, plan.cell), cell_width=plan.cell,
                             col_labels=words, title="Kᵀ", title_color=style.KEY, label_colors=self.colors,
                             always_label=[i], label_size=style.SMALL_SIZE)
        lay_labels_flat(self.kt, words, style.SMALL_SIZE)  # "orange" read across where "an" leaves room
        self.scores = self.grid(t.scores, signed=True, title="Q Kᵀ")
        self.v = self.matrix(t.values, style.VALUE, "V", plan.v_width)
        self.output = self.matrix(t.output, style.FOCUS, "A V", plan.v_width)
        self.q.next_to(self.scores.image, LEFT, buff=GRID_GAP)
        self.q.shift((self.scores.image.get_top()[1] - self.q.image.get_top()[1]) * UP)
        self.kt.next_to(self.scores.image, UP, buff=GRID_GAP)
        self.kt.shift((self.scores.image.get_left()[0] - self.kt.image.get_left()[0]) * RIGHT)
        block = Group(self.q, self.kt, self.scores)  # (only to measure it)
        right = -config.frame_width / 2 + style.MARGIN - self.q.get_left()[0]
        middle = -(block.get_top()[1] + block.get_bottom()[1]) / 2
        for grid in (self.q, self.kt, self.scores):
            grid.shift(right * RIGHT + middle * UP)
        # K^T's name beside it, on the left (the room above Q is free), not over its column
        # labels, where it read as one with a word stood upright ("Kᵀ orange")
        self.kt.title.next_to(self.kt.image, LEFT, buff=KT_TITLE_GAP)
        self.v.next_to(self.scores.image, RIGHT, buff=V_GAP)
        self.output.next_to(self.v.image, RIGHT, buff=AV_GAP)
        for grid in (self.v, self.output):
            grid.shift((self.scores.image.get_top()[1] - grid.image.get_top()[1]) * UP)

    def numbers_for(self, cell: float, width: float) -> str | bool:
        return "image" if legible(cell, width) else False

    def matrix(self, values: np.ndarray, color: object, title: str, width: float,
               row_labels: tuple[str, ...] | list[str] = ()) -> MatrixGrid:
        """An n x d grid whose rows stand level with the n x n grid's, ``width`` a column."""
        return MatrixGrid(values, signed_colors(values, color), self.cell,
                          numbers=self.numbers_for(self.cell, width), cell_width=width,
                          row_labels=row_labels, title=title, title_color=color, label_colors=self.colors,
                          always_label=[self.focus], label_size=style.SMALL_SIZE)

    def grid(self, values: np.ndarray, signed: bool, title: str, masked: np.ndarray | None = None,
             masked_text: str = MASKED_WEIGHT) -> MatrixGrid:
        """An n x n grid over the scores' place; ``masked`` cells show ``masked_text``."""
        finite = np.where(np.isfinite(values), values, 0.0)
        colors = signed_colors(finite, style.POSITIVE) if signed else cell_colors(finite, style.FOCUS, 1.0)
        grid = MatrixGrid(values, colors, self.cell, title=title, title_color=style.TEXT, title_below=True,
                          numbers="image" if self.numbers else False, masked=masked, masked_text=masked_text)
        if hasattr(self, "scores"):
            grid.shift(self.scores.image.get_center() - grid.image.get_center())
        return grid

    def right_of_grids(self) -> float:
        """Where the room right of K^T and the n x n grid begins."""
        return max(self.kt.image.get_right()[0], self.scores.image.get_right()[0]) + 0.6

    def fit(self, group: Mobject, room: float, floor: float = MIN_MATH_SCALE / style.MATH_SCALE,
            height: float = np.inf) -> Mobject:
        """Scale ``group`` down to ``room`` wide and ``height`` tall, never by less than
        ``floor`` (by default, to MIN_MATH_SCALE from formulas typeset at style.MATH_SCALE)."""
        factor = min(1.0, room / group.width, height / group.height)
        if factor < 1.0:
            group.scale(max(factor, floor))
        return group

    @staticmethod
    def keep_in_frame(group: Mobject) -> Mobject:
        """Shift ``group`` up or down into the frame's margins, if it can."""
        low = -config.frame_height / 2 + style.MARGIN - group.get_bottom()[1]
        high = config.frame_height / 2 - style.MARGIN - group.get_top()[1]
        return group.shift(min(max(0.0, low), high) * UP)

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
        box = Rectangle(width=cols * grid.cell_width, height=grid.cell, color=color, stroke_width=4)
        if col is None:
            return box.move_to(grid.row_box(row).mean(axis=0))
        return box.move_to(grid.cell_center(row, col))

    def column_box(self, grid: MatrixGrid, col: int, color: object) -> Rectangle:
        """A frame around column ``col`` of ``grid``."""
        rows = grid.values.shape[0]
        box = Rectangle(width=grid.cell_width, height=rows * grid.cell, color=color, stroke_width=4)
        return box.move_to((grid.cell_center(0, col) + grid.cell_center(rows - 1, col)) / 2)

    def panel(self, *lines: MathTex, top: float) -> VGroup:
        """Formula lines, left-aligned, right of the grids from height ``top`` down, never
        wider than the room there."""
        group = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        left = self.right_of_grids()
        room = config.frame_width / 2 - style.MARGIN - left
        if group.width > room:
            group.scale_to_fit_width(room)
        return group.move_to([left, top, 0], aligned_edge=UP + LEFT)

    def callout(self, row: int, col: int) -> VGroup:
        """``word → word  0.82``: a weight of the grid, large, under the formula (for grids
        too small to print their numbers)."""
        words = self.sentence.tokens
        value = MathTex(fmt(float(self.weights.values[row, col]))).scale(style.MATH_SCALE)
        group = VGroup(word_label(words[row], self.colors[row], style.BODY_SIZE),
                       word_label("\u2192", style.TEXT, style.BODY_SIZE),
                       word_label(words[col], self.colors[col], style.BODY_SIZE), value)
        group.arrange(RIGHT, buff=0.2)
        return group.next_to(self.formula, DOWN, buff=0.4, aligned_edge=RIGHT)

    def row_sum_note(self, row: int, shown: float) -> Mobject:
        """``row “swim”, as printed,`` over ``adds up to 0.99``: the rounded sum of a row of
        the grid, which the line says (its numbers, as printed, do not add to 1.00); never
        wider than the room right of the grids."""
        word = self.sentence.tokens[row]
        note = VGroup(word_label(f"row \u201c{word}\u201d, as printed,", style.TEXT, style.LABEL_SIZE),
                      word_label(f"adds up to {fmt(shown)}", style.TEXT, style.LABEL_SIZE))
        note.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        return self.fit(note, config.frame_width / 2 - style.MARGIN - self.right_of_grids(),
                        floor=style.SMALL_SIZE / style.LABEL_SIZE)

    def as_in(self, chapter: str) -> str:
        """``, as in the keys chapter``: a reference back to a plane chapter, which shows the
        same numbers (the first sentence's focus, the first head), when the example has one."""
        return f", as in the {chapter} chapter" if self.example.is_planar else ""

    # -- beats

    def show_queries_and_keys(self) -> None:
        t, i, j = self.trace, self.focus, self.best
        words = self.sentence.tokens
        self.beat("queries and keys", f"Every word of \"{self.sentence.text}\" has a query, a row of "
                  "Q, and a key, a column of K transposed.")
        self.lay_out()
        # The focus's query and the best key, large, beside the grids: their product is the
        # score the next beat names.
        wrap = per_line(len(t.queries[i]))
        lines = [
            VGroup(word_label(f"{words[i]}'s query", self.colors[i], style.BODY_SIZE),
                   MathTex("q = " + vector_tex(t.queries[i], wrap), color=style.QUERY)),
            VGroup(word_label(f"{words[j]}'s key", self.colors[j], style.BODY_SIZE),
                   MathTex("k = " + vector_tex(t.keys[j], wrap), color=style.KEY)),
        ]
        for line in lines:
            line[1].scale(PAIR_SCALE)
            line.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.product = self.worked_score()
        self.pair = VGroup(*lines, self.product).arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        left = self.right_of_grids()
        self.fit(self.pair, config.frame_width / 2 - style.MARGIN - left,
                 max(MIN_MATH_SCALE / PAIR_SCALE, style.SMALL_SIZE / style.BODY_SIZE),
                 height=config.frame_height - 2 * style.MARGIN)
        self.pair.move_to([left, self.scores.image.get_y(), 0], aligned_edge=LEFT)
        self.keep_in_frame(self.pair)
        # framed in the colours of their words, as the lines beside them
        self.pair_boxes = VGroup(self.cell_box(self.q, i, color=self.colors[i]),
                                 self.column_box(self.kt, j, self.colors[j]))
        self.play(FlatFadeIn(self.q, self.kt), run_time=style.BEAT)
        self.play(FadeIn(self.pair_boxes), FlatFadeIn(*lines), run_time=style.BEAT)

    def worked_score(self) -> VGroup:
        """``q · k = 2.08 × 3.88 + 1.29 × 2.76 = 11.63`` for the focus and the best key, two
        products a line, each line's sign under the first ``=``; for d_k > 3 the sum is
        written with dots. ``≈`` when the shown numbers' products do not add to the shown score."""
        t, i, j = self.trace, self.focus, self.best
        q, k = t.queries[i], t.keys[j]
        if len(q) <= 3:
            terms = [f"{factor(a)} \\times {factor(b)}" for a, b in zip(q, k, strict=True)]
        else:
            terms = [rf"q_1 k_1 + \dots + q_{{{len(q)}}} k_{{{len(q)}}}"]
        rounded = sum(round(float(a), 2) * round(float(b), 2) for a, b in zip(q, k, strict=True))
        same = len(q) > 3 or fmt(rounded) == fmt(t.scores[i, j])
        lines = [MathTex(r"q \cdot k", "=", " + ".join(terms[:2]))]
        lines += [MathTex("{}+", " + ".join(terms[n:n + 2])) for n in range(2, len(terms), 2)]
        lines.append(MathTex("=" if same else r"\approx", fmt(t.scores[i, j])))
        for above, line in zip(lines, lines[1:], strict=False):
            line.next_to(above, DOWN, buff=0.25)
            line.shift((lines[0][1].get_center()[0] - line[0].get_center()[0]) * RIGHT)
        return VGroup(*lines).scale(PAIR_SCALE)

    def fill_scores(self) -> None:
        i, j = self.focus, self.best
        row = self.trace.scores[i]
        self.beat("scores", f"Each score is a query times a key. {self.sentence.focus}'s row: its "
                  f"largest score, {fmt(row[j])}, is with {self.sentence.tokens[j]}.")
        self.focus_box = self.cell_box(self.scores, i)
        self.score_box = self.cell_box(self.scores, i, j, style.TEXT)
        self.play(FlatFadeIn(self.scores), run_time=style.BEAT)
        self.play(FadeIn(self.focus_box), FadeIn(self.score_box), FlatFadeIn(self.product),
                  run_time=style.BEAT)

    def scale_scores(self) -> None:
        t = self.trace
        d_k = t.keys.shape[1]
        root = 1 / t.scale
        # the keys chapter explains the scaling for every example it can draw; else it is said here
        told = self.example.is_planar
        if told:
            self.beat("scale", f"As in the keys chapter, every score is divided by √d_k, here √{d_k} ≈ "
                      f"{fmt(root)}: the softmax temperature.")
        else:
            self.beat("scale", f"A head divides every score by √d_k, where d_k is how many numbers a key "
                      f"holds: here {d_k}, so by {fmt(root)}.")
        self.formula = MathTex(r"\frac{Q K^T}{\sqrt{d_k}}").scale(style.MATH_SCALE).to_corner(
            UP + RIGHT, buff=style.MARGIN)
        lines = scaling_lines(d_k)
        if told:
            lines = [lines[0], MathTex(r"T = \sqrt{d_k} \quad \text{(keys chapter)}", color=style.FOCUS)]
        self.reasons = self.panel(*lines, top=self.formula.get_bottom()[1] - 0.4)
        scaled = self.grid(t.scaled_scores, signed=True, title="Q Kᵀ / √dₖ")
        # the query, key and score of the last beats leave as the scaling comes in
        first = self.reasons if told else self.reasons[:1]
        self.crossfade((self.scores, scaled), also_in=(Write(self.formula), FlatFadeIn(*first)),
                       also_out=(FlatFadeOut(*self.pair), FadeOut(self.pair_boxes, self.score_box)))
        self.scores = scaled
        if not told:
            self.beat("why scale", WHY_SCALE)
            self.play(FlatFadeIn(*self.reasons[1:4], shift=0.1 * DOWN), run_time=style.BEAT)
            self.beat("temperature", SCALE_IS_A_TEMPERATURE)
            self.play(FlatFadeIn(*self.reasons[4:], shift=0.1 * DOWN), run_time=style.BEAT)

    def softmax_rows(self) -> None:
        t, s = self.trace, self.sentence
        i = self.focus
        best = int(np.argmax(t.weights[i]))
        odd = rounding_row(t.weights) if self.numbers else None  # only shown numbers are added up
        if odd is None:
            said = (f"Softmax, row by row: {s.focus} puts {fmt(t.weights[i, best])} on {s.tokens[best]}"
                    f"{self.as_in('keys')}. Every row sums to 1.")
        else:
            shown = float(np.round(t.weights[odd], style.DECIMALS).sum())
            said = (f"Softmax, row by row: {s.focus} puts {fmt(t.weights[i, best])} on {s.tokens[best]}"
                    f"{self.as_in('keys')}. Rows sum to 1 (rounded, \"{s.tokens[odd]}\"'s shows "
                    f"{fmt(shown)}).")
        self.beat("softmax", said)
        self.weights = self.grid(t.weights, signed=False, title="A = softmax(Q Kᵀ / √dₖ)")
        formula = MathTex(r"A = \mathrm{softmax}\!\left(\frac{Q K^T}{\sqrt{d_k}}\right)").scale(
            style.MATH_SCALE).move_to(self.formula, aligned_edge=RIGHT)
        if odd is not None:  # the rounded sum the line says, printed under the formula
            note = self.row_sum_note(odd, shown)
            formula = VGroup(formula, note).arrange(DOWN, aligned_edge=RIGHT, buff=0.25)
            formula.move_to(self.formula, aligned_edge=UP + RIGHT)
        self.crossfade((self.scores, self.weights), (self.formula, formula),
                       also_out=(FlatFadeOut(*self.reasons),))
        self.formula = formula
        self.said_weight = VGroup()
        if not self.weights.printed:  # the grid cannot print the weight the line says: say it here
            self.said_weight = VGroup(self.callout(i, best), self.cell_box(self.weights, i, best, style.TEXT))
            self.play(FadeIn(self.said_weight), run_time=style.BEAT / 2)

    def multiply_by_values(self) -> None:
        t = self.trace
        self.beat("times V", f"A times V gives each word its update, the weighted sum of the values: "
                  f"{self.sentence.focus}'s is {vector_tex(t.output[self.focus])}.")
        self.output_box = self.cell_box(self.output, self.focus)
        self.residual = self.residual_lines(masked=False)
        name, (rows, _rule) = self.residual
        self.update_line = VGroup(name, rows[1][0][1], rows[1][1])  # said now; its "+" comes next
        self.play(FlatFadeIn(self.v), FadeOut(self.said_weight), run_time=style.BEAT)
        self.play(FlatFadeIn(self.output, self.update_line), FadeIn(self.output_box), run_time=style.BEAT)

    def residual_lines(self, masked: bool) -> VGroup:
        """The focus's residual update as a column sum right of A V: x, + (A V)_i, = x'; its
        (A V)_i line level with the focus's row of A V, the whole column inside the frame."""
        column = self.residuals[masked]
        name, sum_ = column
        rows = sum_[0]
        left = self.output.image.get_right()[0] + SIDE_GAP
        self.fit(sum_, config.frame_width / 2 - style.MARGIN - left)  # (the name keeps its size)
        name.next_to(sum_, UP, buff=0.3, aligned_edge=LEFT)
        column.move_to([left, 0, 0], aligned_edge=LEFT)
        column.shift((self.output.cell_center(self.focus, 0)[1] - rows[1][1].get_y()) * UP)
        return self.keep_in_frame(column)

    def add_residual(self) -> None:
        t = self.trace
        i = self.focus
        x, update = t.inputs[i], t.output[i]
        self.beat("residual", f"The residual: {self.sentence.focus} keeps itself and adds its update: "
                  f"it lands at {vector_tex(x + update)}{self.as_in('values')}.")
        _name, (rows, rule) = self.residual
        rest = VGroup(rows[0], rows[1][0][0], rule, rows[2])
        self.play(FlatFadeIn(rest, shift=0.1 * UP), run_time=style.BEAT)
        self.remove(self.update_line, rest)
        self.add(self.residual)  # one scene member, which the masked update fades out whole

    def show_formula(self) -> None:
        """The paper's formula, Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, and the
        residual that adds it to X on a line of its own (attention itself has no X in it)."""
        self.beat("formula", "All of it in two lines: attention is softmax of Q K transposed over the "
                  "square root of d_k, times V; and X' is X plus attention.")
        attention = MathTex(r"\mathrm{Attention}(", "Q", ",", "K", ",", "V",
                            r") = \mathrm{softmax}\!\left(\frac{", "Q", "K", r"^T}{\sqrt{d_k}}\right)", "V")
        for k, color in ((1, style.QUERY), (3, style.KEY), (5, style.VALUE), (7, style.QUERY), (8, style.KEY),
                         (10, style.VALUE)):
            attention[k].set_color(color)
        residual = MathTex(r"X' = X + \mathrm{Attention}(Q, K, V)")
        formula = VGroup(attention, residual).arrange(DOWN, aligned_edge=RIGHT, buff=0.3)
        formula.scale(style.MATH_SCALE)
        left = self.kt.image.get_right()[0] + 0.5
        room = config.frame_width / 2 - style.MARGIN - left
        top = config.frame_height / 2 - style.MARGIN
        self.fit(formula, room, height=top - max(self.v.get_top()[1], self.output.get_top()[1]) - 0.3)
        formula.to_corner(UP + RIGHT, buff=style.MARGIN)
        self.crossfade((self.formula, formula))
        self.formula = self.paper_formula = formula
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
        formula.scale(style.MATH_SCALE).to_corner(UP + RIGHT, buff=style.MARGIN)
        self.crossfade((self.weights, scores), (self.formula, formula))
        self.scores, self.formula = scores, formula

    def changed_updates(self) -> list[int]:
        """The rows of A V whose shown numbers the mask changes (to the shown decimals)."""
        before, after = (np.round(t.output, style.DECIMALS) for t in (self.trace, self.masked))
        return [k for k in range(len(before)) if not np.array_equal(before[k], after[k])]

    def mask_the_weights(self) -> None:
        """The masked weights, and with them A V: its rows are the masked product from the
        moment A is masked (the focus's residual, if its update changes, leaves until the next
        beat says the new one)."""
        m = self.masked
        s = self.sentence
        i = self.focus
        odd = rounding_row(m.weights) if self.numbers else None
        then = ", and A times V changes with it" if self.changed_updates() else ""
        if odd is None:
            said = ("Softmax turns −∞ into a weight of 0, shown as a dash: masked cells drop out, each "
                    f"row still sums to 1{then}.")
        else:
            shown = float(np.round(np.nan_to_num(m.weights[odd]), style.DECIMALS).sum())
            said = (f"Softmax turns −∞ into 0, shown as a dash: masked cells drop out; rows still sum "
                    f"to 1 (rounded, \"{s.tokens[odd]}\"'s shows {fmt(shown)}){then}.")
        self.beat("masked softmax", said)
        self.weights = self.grid(m.weights, signed=False, title="A with a causal mask", masked=~m.mask)
        formula = VGroup(MathTex(r"e^{-\infty} = 0").scale(style.MATH_SCALE),
                         word_label(MASK_NOTE, style.TEXT, style.LABEL_SIZE))
        if odd is not None:  # the rounded sum the line says, printed
            formula.add(self.row_sum_note(odd, shown))
        formula.arrange(DOWN, aligned_edge=RIGHT, buff=0.25)
        formula.move_to(self.formula, aligned_edge=UP + RIGHT)
        output = self.matrix(m.output, style.FOCUS, "A V", self.plan.v_width)
        output.shift(self.output.image.get_center() - output.image.get_center())
        stale = vector_tex(m.output[i]) != vector_tex(self.trace.output[i])
        self.crossfade((self.scores, self.weights), (self.formula, formula), (self.output, output),
                       also_out=(FlatFadeOut(self.residual),) if stale else ())
        self.formula, self.output = formula, output
        if stale:
            self.residual = None  # the next beat brings the focus's new sum

    def what_the_focus_still_sees(self) -> None:
        m, s = self.masked, self.sentence
        i = self.focus
        said = claim(self.example, "decider_before_focus", 0)
        d = s.tokens.index(decider(self.example, 0))
        if said.holds:
            line = (f"{s.focus} still sees {s.tokens[d]}, which came before it ({fmt(m.weights[i, d])}); "
                    f"{s.tokens[d]} can no longer see {s.focus}.")
            boxes = [self.cell_box(self.weights, i, d), self.cell_box(self.weights, d, i, style.NEGATIVE)]
            named = d
        else:
            top = int(np.argmax(m.weights[i]))
            on = "itself" if top == i else s.tokens[top]
            line = (f"{s.focus} can no longer see {s.tokens[d]}, which comes after it: it now puts "
                    f"{fmt(m.weights[i, top])} on {on}.")
            boxes = [self.cell_box(self.weights, i, d, style.NEGATIVE), self.cell_box(self.weights, i, top)]
            named = top
        self.beat("what it still sees", line)
        self.sees = VGroup(*boxes)
        if not self.weights.printed:  # the grid cannot print the weight the line says: say it here
            self.sees.add(self.callout(i, named))
        self.play(FadeOut(self.focus_box), FadeIn(self.sees), run_time=style.BEAT)

    def masked_update(self) -> None:
        """What the mask did to A V, as its shown rows say: which words' updates changed, and
        the focus's (the same, or its new sum)."""
        m, s = self.masked, self.sentence
        i = self.focus
        update = m.output[i]
        changed = self.changed_updates()
        others = [k for k in changed if k != i]
        if len(others) == len(s.tokens) - 1:
            moved = "every other word's update changes"
        elif others:
            names = [f"\u201c{s.tokens[k]}\u201d" for k in others]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            moved = (f"the updates of {listed} change" if len(others) > 1
                     else f"the update of {listed} changes")
        else:
            moved = "no other word's update changes"
        if i not in changed:
            why = ("no word comes after it" if i == len(s.tokens) - 1
                   else "the words after it had almost no weight")
            but = "but" if others else "and"
            line = f"So {moved}, {but} {s.focus}'s stays {vector_tex(update)}: {why}."
        else:
            line = f"So {moved}, and {s.focus}'s is now {vector_tex(update)}."
        self.beat("masked update", line)
        self.changed_boxes = VGroup(*(self.rows_box(self.output, run) for run in _runs(others)))
        anims = [FadeOut(self.sees), FadeIn(self.changed_boxes)]
        if self.residual is None:  # the focus's new sum
            self.residual = self.residual_lines(masked=True)
            anims.append(FlatFadeIn(self.residual))
        self.play(*anims, run_time=style.BEAT)

    def rows_box(self, grid: MatrixGrid, rows: range) -> Rectangle:
        """A frame around the consecutive ``rows`` of ``grid``."""
        cols = grid.values.shape[1]
        box = Rectangle(width=cols * grid.cell_width, height=len(rows) * grid.cell, color=style.TEXT,
                        stroke_width=3)
        return box.move_to((grid.cell_center(rows[0], 0) + grid.cell_center(rows[-1], cols - 1)) / 2)


def _runs(indices: list[int]) -> list[range]:
    """Sorted ``indices`` as runs of consecutive numbers.

    >>> _runs([0, 1, 2, 4])
    [range(0, 3), range(4, 5)]
    """
    runs: list[range] = []
    for k in indices:
        if runs and runs[-1].stop == k:
            runs[-1] = range(runs[-1].start, k + 1)
        else:
            runs.append(range(k, k + 1))
    return runs
