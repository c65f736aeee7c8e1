r"""Keys and queries: two linear maps that make similarity better at its job.

    \vec k_j = \vec x_j W_K        \vec q_i = \vec x_i W_Q        s_{ij} = \vec q_i \cdot \vec k_j

The plane itself is transformed by W_K (its grid stretches), the words move to their key
positions, the ambiguous word gets its query, and the weights computed there pick the
deciding word more clearly than the raw embeddings did: before and after, side by side.

Render: ``manim -ql scenes/keys_and_queries.py KeysAndQueries`` (from the repo root).
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
    VGroup,
)

from attention_core import AttentionTrace, scaled_dot_product_attention, similarity_matrix, softmax
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.components.bars import WeightBars
from scenes.components.maps import apply_map, matrix_tex, plane_grid
from scenes.style import fmt

__all__ = ["KeysAndQueries"]

BAR_WIDTH = 5.2


class KeysAndQueries(ExplainerScene):
    """W_K bends the plane, words move to their keys, the query picks the decider."""

    title = "Keys and queries"

    def construct(self) -> None:
        self.example.require_planar("the keys and queries scene")
        self.head = self.example.heads[0]
        self.sentence = self.example.sentences[0]
        self.show_title_card()
        self.show_raw_weights()
        self.transform_plane_to_keys()
        self.show_query()
        self.compare_weights()
        for sentence in self.example.sentences[1:2]:
            self.compare_other_sentence(sentence)
        self.wait(style.BEAT)

    # -- numbers from the core

    def raw_weights(self, sentence: Sentence) -> np.ndarray:
        """Softmax of the raw dot products of the focus, scaled like attention: shape (n,)."""
        e = self.example.embeddings(sentence)
        scores = similarity_matrix(e, e).matrix[sentence.focus_index]
        return softmax(scores / np.sqrt(e.shape[1]))

    def attention(self, sentence: Sentence) -> AttentionTrace:
        e = self.example.embeddings(sentence)
        return scaled_dot_product_attention(e, self.head.query, self.head.key, self.head.value)

    # -- beats

    def show_raw_weights(self) -> None:
        s = self.sentence
        self.before = self.raw_weights(s)
        self.trace = self.attention(s)
        decider = int(np.argmax(np.where(np.arange(len(s.tokens)) == s.focus_index, -1, self.before)))
        self.decider = decider
        self.beat("raw", f"With the raw embeddings, {s.focus} gives {s.tokens[decider]} a weight of "
                  f"{fmt(self.before[decider])}.", duration=2 * style.BEAT + style.PAUSE)
        e = self.example.embeddings(s)
        points = np.vstack([e, self.trace.keys, self.trace.queries])
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis, height=5.0)
        self.plane.to_edge(LEFT, buff=2 * style.MARGIN).shift(0.3 * DOWN)
        self.grid = plane_grid(self.plane)
        self.dots = VGroup(*(WordDot(self.plane, w, e[j], word_color(self.example, w))
                             for j, w in enumerate(s.tokens)))
        self.caption = sentence_caption(s.text)
        self.caption.to_corner(UP + RIGHT, buff=style.MARGIN)
        colors = [word_color(self.example, w) for w in s.tokens]
        self.before_bars = WeightBars(s.tokens, self.before, colors, unit=1.6, width=BAR_WIDTH)
        self.before_title = word_label("raw embeddings", style.MUTED, style.SMALL_SIZE)
        self.before_bars.next_to(self.caption, DOWN, buff=1.9).align_to(self.caption, RIGHT)
        self.before_title.next_to(self.before_bars.baseline, UP, buff=1.75)
        self.play(Create(self.grid), Create(self.plane), FadeIn(self.caption), run_time=style.BEAT)
        self.play(FadeIn(self.dots), FadeIn(self.before_bars), FadeIn(self.before_title),
                  run_time=style.BEAT)
        self.wait(style.PAUSE)

    def transform_plane_to_keys(self) -> None:
        w_k = self.head.key
        self.beat("keys", "The key matrix W_K is a linear map: the whole plane stretches, and every "
                  "word moves to its key.", duration=2 * style.BEAT + style.PAUSE)
        self.matrix = matrix_tex("W_K", w_k, style.KEY)
        self.matrix.next_to(self.plane, UP, buff=0.1).align_to(self.plane, LEFT)
        keys = self.trace.keys
        targets = VGroup(*(WordDot(self.plane, w, keys[j], word_color(self.example, w))
                           for j, w in enumerate(self.sentence.tokens)))
        self.play(FadeIn(self.matrix), run_time=style.BEAT / 2)
        self.play(apply_map(self.grid, w_k, self.plane),
                  *(d.animate.move_to(t) for d, t in zip(self.dots, targets, strict=True)),
                  run_time=style.SLOW)
        self.key_dots = self.dots
        self.wait(style.PAUSE)

    def show_query(self) -> None:
        i = self.sentence.focus_index
        q = self.trace.queries[i]
        self.beat("query", f"W_Q gives {self.sentence.focus} its query, ({fmt(q[0])}, {fmt(q[1])}): "
                  "what it is looking for.", duration=style.BEAT + style.PAUSE)
        self.query_arrow = Arrow(self.plane.point((0, 0)), self.plane.point(q), buff=0, color=style.QUERY,
                                 stroke_width=5, max_tip_length_to_length_ratio=0.12)
        self.query_label = word_label(f"query of {self.sentence.focus}", style.QUERY, style.SMALL_SIZE)
        self.query_label.next_to(self.query_arrow.get_end(), DOWN + RIGHT, buff=0.15)
        self.query_arrow.coords = q
        self.play(Create(self.query_arrow), FadeIn(self.query_label), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def compare_weights(self) -> None:
        s, d = self.sentence, self.decider
        self.after = self.trace.weights[s.focus_index]
        self.beat("after", f"Query against keys, then softmax: {s.tokens[d]} now gets "
                  f"{fmt(self.after[d])} instead of {fmt(self.before[d])}.",
                  duration=2 * style.BEAT + style.PAUSE)
        colors = [word_color(self.example, w) for w in s.tokens]
        self.after_bars = WeightBars(s.tokens, self.after, colors, unit=1.6, width=BAR_WIDTH)
        self.after_bars.next_to(self.before_bars, DOWN, buff=0.9).align_to(self.before_bars, RIGHT)
        self.after_title = word_label("keys and queries", style.KEY, style.SMALL_SIZE)
        self.after_title.next_to(self.after_bars.baseline, UP, buff=1.75)
        self.play(FadeIn(self.after_bars), FadeIn(self.after_title), run_time=style.BEAT)
        self.wait(style.PAUSE + style.BEAT)

    def compare_other_sentence(self, sentence: Sentence) -> None:
        before, trace = self.raw_weights(sentence), self.attention(sentence)
        after = trace.weights[sentence.focus_index]
        d = int(np.argmax(np.where(np.arange(len(sentence.tokens)) == sentence.focus_index, -1, before)))
        self.beat("other sentence", f"In \"{sentence.text}\": {sentence.tokens[d]} goes from "
                  f"{fmt(before[d])} to {fmt(after[d])}.", duration=2 * style.BEAT + style.PAUSE)
        colors = [word_color(self.example, w) for w in sentence.tokens]
        caption = sentence_caption(sentence.text)
        caption.move_to(self.caption).align_to(self.caption, RIGHT)
        before_bars = WeightBars(sentence.tokens, before, colors, unit=1.6, width=BAR_WIDTH)
        before_bars.shift(self.before_bars.baseline.get_center() - before_bars.baseline.get_center())
        after_bars = WeightBars(sentence.tokens, after, colors, unit=1.6, width=BAR_WIDTH)
        after_bars.shift(self.after_bars.baseline.get_center() - after_bars.baseline.get_center())
        keys = VGroup(*(WordDot(self.plane, w, trace.keys[j], word_color(self.example, w))
                        for j, w in enumerate(sentence.tokens)))
        q = trace.queries[sentence.focus_index]
        query = Arrow(self.plane.point((0, 0)), self.plane.point(q), buff=0, color=style.QUERY,
                      stroke_width=5, max_tip_length_to_length_ratio=0.12)
        query.coords = q
        label = word_label(f"query of {sentence.focus}", style.QUERY, style.SMALL_SIZE)
        label.next_to(query.get_end(), DOWN + RIGHT, buff=0.15)
        self.play(FadeOut(self.caption), FadeOut(self.before_bars), FadeOut(self.after_bars),
                  FadeIn(caption), FadeIn(before_bars), FadeIn(after_bars),
                  FadeOut(self.key_dots), FadeIn(keys), FadeOut(self.query_arrow), FadeIn(query),
                  FadeOut(self.query_label), FadeIn(label), run_time=style.BEAT)
        self.caption, self.before_bars, self.after_bars = caption, before_bars, after_bars
        self.key_dots, self.query_arrow, self.query_label = keys, query, label
        self.wait(style.PAUSE + style.BEAT)
