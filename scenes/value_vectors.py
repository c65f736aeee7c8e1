r"""Values: the map that moves the words, and the weighted sum that moves the ambiguous one.

    \vec v_j = \vec x_j W_V          \vec o_i = \sum_j w_{ij} \vec v_j

W_V transforms the plane into the space where words are moved; the ambiguous word's
output is built term by term, each value vector scaled by its attention weight and laid
tip to tail, ending exactly on the core's output. In the other sentence the same word ends
somewhere else.

Render: ``manim -ql scenes/value_vectors.py ValueVectors`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    ReplacementTransform,
    VGroup,
)

from attention_core import AttentionTrace, scaled_dot_product_attention
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, WordPlane, sentence_caption, word_color, word_label
from scenes.components.maps import apply_map, matrix_tex, plane_grid
from scenes.components.words import along, sentence_dots
from scenes.style import fmt

__all__ = ["ValueVectors"]

SHOWN_TERM = 0.01  # terms with a smaller weight are added together, silently
MAX_TERMS = 6  # terms drawn one by one; the rest join the sum together
COLUMN_LEFT = np.array([1.8, 0.0, 0.0])  # left edge of the sum's column of formulas


class ValueVectors(ExplainerScene):
    """W_V moves the plane; the output is the weighted sum of value vectors, term by term."""

    title = "Values: what moves a word"

    def construct(self) -> None:
        self.example.require_planar("the values scene")
        self.head = self.example.heads[0]
        self.traces = [self.attention(s) for s in self.example.sentences[:2]]
        self.show_title_card()
        self.map_to_values(self.example.sentences[0], self.traces[0])
        self.sum_term_by_term(self.example.sentences[0], self.traces[0])
        for sentence, trace in zip(self.example.sentences[1:2], self.traces[1:], strict=False):
            self.other_sentence(sentence, trace)
        self.wait(style.BEAT)

    def attention(self, sentence: Sentence) -> AttentionTrace:
        e = self.example.embeddings(sentence)
        return scaled_dot_product_attention(e, self.head.query, self.head.key, self.head.value)

    # -- beats

    def map_to_values(self, sentence: Sentence, trace: AttentionTrace) -> None:
        self.beat("values", "The value matrix W_V is one more linear map: it sends each word to the "
                  "vector that will be used to move the others.")
        points = np.vstack([trace.inputs, trace.values, *(t.output for t in self.traces), np.zeros((1, 2))])
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis, height=5.4)
        self.plane.to_edge(LEFT, buff=2 * style.MARGIN).shift(0.2 * DOWN)
        self.grid = plane_grid(self.plane)
        weights = trace.weights[sentence.focus_index]
        self.dots = sentence_dots(self.plane, self.example, sentence, trace.inputs, weights)
        self.caption = sentence_caption(sentence.text)
        self.caption.to_corner(UP + RIGHT, buff=style.MARGIN)
        w_v = self.head.value
        self.matrix = matrix_tex("W_V", w_v, style.VALUE)
        self.matrix.next_to(self.caption, DOWN, buff=0.3).align_to(self.caption, RIGHT)
        self.play(Create(self.grid), Create(self.plane), FadeIn(self.caption), FadeIn(self.dots),
                  run_time=style.BEAT)
        self.play(FadeIn(self.matrix), run_time=style.BEAT / 2)
        path = Line(self.plane.point((0, 0)), self.plane.point(trace.output[sentence.focus_index]))
        targets = sentence_dots(self.plane, self.example, sentence, trace.values, weights, avoid=along(path))
        self.play(apply_map(self.grid, w_v, self.plane),
                  *(ReplacementTransform(d, t) for d, t in zip(self.dots, targets, strict=True)),
                  run_time=style.BEAT * 1.5)
        self.dots = targets
        self.wait(style.PAUSE)

    def sum_term_by_term(self, sentence: Sentence, trace: AttentionTrace) -> None:
        i = sentence.focus_index
        weights, values = trace.weights[i], trace.values
        out = trace.output[i]
        self.beat("weighted sum", f"{sentence.focus}'s new vector is the weighted sum of the values: each "
                  f"value times its weight, tip to tail, ending at ({fmt(out[0])}, {fmt(out[1])}).")
        self.terms = VGroup()
        self.total = Readout(r"\vec o", 0.0, style.FOCUS)
        self.formula = MathTex(r"\vec o = \sum_j w_j \vec v_j").scale(style.MATH_SCALE)
        self.formula.next_to(self.matrix, DOWN, buff=0.4).align_to(COLUMN_LEFT, LEFT)
        lines = VGroup()
        self.play(FadeIn(self.formula), run_time=style.BEAT / 2)
        position = np.zeros(2)
        order = [j for j in np.argsort(-weights) if weights[j] >= SHOWN_TERM][:MAX_TERMS]
        rest = [j for j in range(len(weights)) if j not in order]
        for j in order:
            step = weights[j] * values[j]
            color = word_color(self.example, sentence.tokens[j])
            arrow = Arrow(self.plane.point(position), self.plane.point(position + step), buff=0, color=color,
                          stroke_width=5, max_tip_length_to_length_ratio=0.15)
            line = VGroup(MathTex(fmt(weights[j]) + r"\times", color=color).scale(style.MATH_SCALE * 0.8),
                          word_label(sentence.tokens[j], color, style.SMALL_SIZE))
            line.arrange(RIGHT, buff=0.1)
            lines.add(line)
            lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(self.formula, DOWN, buff=0.3)
            lines.align_to(self.formula, LEFT)
            position = position + step
            self.terms.add(arrow)
            self.play(Create(arrow), FadeIn(line), run_time=style.BEAT / 2)
        if rest:  # the small remaining terms, as one arrow
            step = sum((weights[j] * values[j] for j in rest), np.zeros(2))
            arrow = Arrow(self.plane.point(position), self.plane.point(position + step), buff=0,
                          color=style.MUTED, stroke_width=4, max_tip_length_to_length_ratio=0.15)
            lines.add(word_label(f"+ {len(rest)} smaller terms", style.MUTED, style.SMALL_SIZE))
            lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(self.formula, DOWN, buff=0.3)
            lines.align_to(self.formula, LEFT)
            position = position + step
            self.terms.add(arrow)
            self.play(Create(arrow), FadeIn(lines[-1]), run_time=style.BEAT / 2)
        self.end = position
        self.output_line = MathTex(rf"\vec o = ({fmt(out[0])},\ {fmt(out[1])})", color=style.FOCUS)
        self.output_line.scale(style.MATH_SCALE).next_to(lines, DOWN, buff=0.3).align_to(lines, LEFT)
        self.output_arrow = Arrow(self.plane.point((0, 0)), self.plane.point(out), buff=0, color=style.FOCUS,
                                  stroke_width=6, max_tip_length_to_length_ratio=0.1)
        self.output_arrow.coords = out
        self.play(Create(self.output_arrow), FadeIn(self.output_line), run_time=style.BEAT)
        self.lines = lines
        self.wait(max(style.PAUSE, 2 * style.SLOW - style.BEAT * (1.5 + len(order) / 2)))

    def other_sentence(self, sentence: Sentence, trace: AttentionTrace) -> None:
        i = sentence.focus_index
        out = trace.output[i]
        self.beat("other sentence", f"In \"{sentence.text}\" the weights differ, so {sentence.focus} ends at "
                  f"({fmt(out[0])}, {fmt(out[1])}) instead.")
        caption = sentence_caption(sentence.text)
        caption.align_to(self.caption, RIGHT).align_to(self.caption, UP)
        arrow = Arrow(self.plane.point((0, 0)), self.plane.point(out), buff=0, color=style.FOCUS,
                      stroke_width=6, max_tip_length_to_length_ratio=0.1)
        arrow.coords = out
        line = MathTex(rf"\vec o = ({fmt(out[0])},\ {fmt(out[1])})", color=style.FOCUS)
        line.scale(style.MATH_SCALE).move_to(self.output_line, aligned_edge=LEFT)
        dots = sentence_dots(self.plane, self.example, sentence, trace.values, trace.weights[i],
                             avoid=[*along(arrow), *along(self.output_arrow)])
        self.play(FadeOut(self.terms), FadeOut(self.lines), FadeOut(self.caption), FadeIn(caption),
                  FadeOut(self.dots), FadeIn(dots),
                  FadeOut(self.output_line), FadeIn(line), self.output_arrow.animate.set_opacity(0.35),
                  run_time=style.BEAT)
        self.play(Create(arrow), run_time=style.BEAT)
        self.caption, self.output_line, self.second_arrow, self.dots = caption, line, arrow, dots
        self.wait(style.PAUSE)
