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
    ReplacementTransform,
    Text,
    config,
)

from attention_core import (
    AttentionTrace,
    keep_heaviest,
    scaled_dot_product_attention,
    similarity_matrix,
    softmax,
)
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordPlane, sentence_caption, word_color, word_label
from scenes.components.bars import WeightBars
from scenes.components.flat import FlatFadeIn
from scenes.components.maps import apply_map, matrix_tex, plane_grid
from scenes.components.words import along, sentence_dots
from scenes.style import fmt

__all__ = ["KeysAndQueries"]

BAR_WIDTH = 5.2
BAR_UNIT = 1.6  # scene units per 1.0 of weight
ROW_GAP = 0.2  # between a row title and the tallest bar, and between the rows
NUMBER_ROOM = 0.3  # above the tallest bar, for its number
MAX_BARS = 10  # a longer sentence shows its 9 heaviest words and one bar for all the others


def strongest_other(sentence: Sentence, weights: np.ndarray) -> int:
    """Index of the word, other than the ambiguous one, with the largest of ``weights`` (n,)."""
    return int(np.argmax(np.where(np.arange(len(sentence.tokens)) == sentence.focus_index, -1, weights)))


class KeysAndQueries(ExplainerScene):
    """W_K bends the plane, words move to their keys, the query picks the decider."""

    title = "Keys and queries"

    def construct(self) -> None:
        self.example.require_planar("the keys and queries scene")
        self.head = self.example.heads[0]
        self.sentence = self.example.sentences[0]
        self.traces = [self.attention(s) for s in self.example.sentences[:2]]
        self.show_title_card()
        self.show_raw_weights()
        self.transform_plane_to_keys()
        self.show_query()
        self.compare_weights()
        for sentence, trace in zip(self.example.sentences[1:2], self.traces[1:], strict=False):
            self.compare_other_sentence(sentence, trace)
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

    # -- drawing

    def query(self, sentence: Sentence, trace: AttentionTrace) -> tuple[Arrow, Text]:
        """The focus's query as an arrow from the origin (``coords`` holds its numbers), and
        its label."""
        q = trace.queries[sentence.focus_index]
        arrow = Arrow(self.plane.point((0, 0)), self.plane.point(q), buff=0, color=style.QUERY,
                      stroke_width=5, max_tip_length_to_length_ratio=0.12)
        arrow.coords = q
        label = word_label(f"query of {sentence.focus}", style.QUERY, style.SMALL_SIZE)
        label.next_to(arrow.get_end(), DOWN + RIGHT, buff=0.15)
        return arrow, label

    def bar_rows(self, sentence: Sentence, before: np.ndarray, after: np.ndarray
                 ) -> tuple[WeightBars, WeightBars]:
        """Before and after rows of bars (not yet placed), over the same words: every word, or
        for a long sentence the heaviest and one "+N others" bar holding the rest's total."""
        words = list(sentence.tokens)
        colors = [word_color(self.example, w) for w in words]
        rows = np.vstack([before, after])
        if len(words) > MAX_BARS:
            kept = keep_heaviest(rows, MAX_BARS - 1)
            words = [words[j] for j in kept.indices] + [f"+{kept.rest_count} others"]
            colors = [colors[j] for j in kept.indices] + [style.MUTED]
            rows = np.hstack([kept.kept, kept.rest[:, None]])
        return tuple(WeightBars(words, row, colors, unit=BAR_UNIT, width=BAR_WIDTH) for row in rows)

    def lay_out_rows(self, rows: list[tuple[WeightBars, WeightBars]]) -> None:
        """Stack the titles and the before/after rows under the caption, every sentence's rows
        on the same two baselines, each baseline low enough for the tallest bar of any
        sentence and the rows apart by the deepest labels of any; all shrunk together if
        that does not fit above the bottom of the frame."""
        peak = max(float(bars.values.max()) for pair in rows for bars in pair) * BAR_UNIT
        above = self.before_title.height + ROW_GAP + peak + NUMBER_ROOM
        depth = max(bars.label_depth() for pair in rows for bars in pair)
        top = self.caption.get_bottom()[1] - 2 * ROW_GAP
        needed = 2 * (above + depth) + 2 * ROW_GAP
        room = top - (-config.frame_height / 2 + style.MARGIN)
        shrink = min(1.0, room / needed)
        right = self.caption.get_right()[0]
        baselines = (top - shrink * above, top - shrink * (2 * above + depth + 2 * ROW_GAP))
        for pair in rows:
            for bars, y in zip(pair, baselines, strict=True):
                bars.scale(shrink)
                bars.shift([right - bars.baseline.get_right()[0], y - bars.baseline.get_center()[1], 0])
        for title, y in zip((self.before_title, self.after_title), baselines, strict=True):
            title.scale(shrink).move_to([rows[0][0].baseline.get_center()[0],
                                         y + shrink * (above - self.before_title.height / 2), 0])

    # -- beats

    def show_raw_weights(self) -> None:
        s = self.sentence
        self.before = self.raw_weights(s)
        self.trace = self.traces[0]
        decider = self.decider = strongest_other(s, self.before)
        self.beat("raw", f"With the raw embeddings, {s.focus} gives {s.tokens[decider]} a weight of "
                  f"{fmt(self.before[decider])}.")
        points = np.vstack([m for t in self.traces for m in (t.inputs, t.keys, t.queries)])
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis, height=5.0)
        self.plane.to_edge(LEFT, buff=2 * style.MARGIN).shift(0.3 * DOWN)
        self.grid = plane_grid(self.plane)
        weights = self.trace.weights[s.focus_index]
        self.dots = sentence_dots(self.plane, self.example, s, self.trace.inputs, weights)
        self.caption = sentence_caption(s.text)
        self.caption.to_corner(UP + RIGHT, buff=style.MARGIN)
        self.before_title = word_label("raw embeddings", style.MUTED, style.SMALL_SIZE)
        self.after_title = word_label("keys and queries", style.KEY, style.SMALL_SIZE)
        self.rows = [self.bar_rows(t, self.raw_weights(t), trace.weights[t.focus_index])
                     for t, trace in zip(self.example.sentences[:2], self.traces, strict=True)]
        self.lay_out_rows(self.rows)
        self.before_bars, self.after_bars = self.rows[0]
        self.play(Create(self.grid), Create(self.plane), FadeIn(self.caption), run_time=style.BEAT)
        self.play(FlatFadeIn(self.dots, self.before_bars, self.before_title), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def transform_plane_to_keys(self) -> None:
        w_k = self.head.key
        self.beat("keys", "The key matrix W_K is a linear map: the whole plane stretches, and every "
                  "word moves to its key.")
        self.matrix = matrix_tex("W_K", w_k, style.KEY)
        self.matrix.next_to(self.plane, UP, buff=0.1).align_to(self.plane, LEFT)
        self.query_arrow, self.query_label = self.query(self.sentence, self.trace)
        weights = self.trace.weights[self.sentence.focus_index]
        targets = sentence_dots(self.plane, self.example, self.sentence, self.trace.keys, weights,
                                 avoid=[*along(self.query_arrow), self.query_label])
        self.play(FadeIn(self.matrix), run_time=style.BEAT / 2)
        self.play(apply_map(self.grid, w_k, self.plane),
                  *(ReplacementTransform(d, t) for d, t in zip(self.dots, targets, strict=True)),
                  run_time=style.SLOW)
        self.key_dots = targets
        self.wait(style.PAUSE)

    def show_query(self) -> None:
        q = self.query_arrow.coords
        self.beat("query", f"W_Q gives {self.sentence.focus} its query, ({fmt(q[0])}, {fmt(q[1])}): "
                  "what it is looking for.")
        self.play(Create(self.query_arrow), FadeIn(self.query_label), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def compare_weights(self) -> None:
        s, d = self.sentence, self.decider
        self.after = self.trace.weights[s.focus_index]
        self.beat("after", f"Query against keys, then softmax: {s.tokens[d]} now gets "
                  f"{fmt(self.after[d])} instead of {fmt(self.before[d])}.")
        self.play(FadeIn(self.after_bars), FadeIn(self.after_title), run_time=style.BEAT)
        self.wait(style.PAUSE + style.BEAT)

    def compare_other_sentence(self, sentence: Sentence, trace: AttentionTrace) -> None:
        before, after = self.raw_weights(sentence), trace.weights[sentence.focus_index]
        d = strongest_other(sentence, before)
        self.beat("other sentence", f"In \"{sentence.text}\": {sentence.tokens[d]} goes from "
                  f"{fmt(before[d])} to {fmt(after[d])}.")
        caption = sentence_caption(sentence.text)
        caption.align_to(self.caption, RIGHT).align_to(self.caption, UP)
        before_bars, after_bars = self.rows[1]
        query, label = self.query(sentence, trace)
        keys = sentence_dots(self.plane, self.example, sentence, trace.keys, after,
                             avoid=[*along(query), label])
        self.play(FadeOut(self.caption), FadeOut(self.before_bars), FadeOut(self.after_bars),
                  FadeIn(caption), FadeIn(before_bars), FadeIn(after_bars),
                  FadeOut(self.key_dots), FadeIn(keys), FadeOut(self.query_arrow), FadeIn(query),
                  FadeOut(self.query_label), FadeIn(label), run_time=style.BEAT)
        self.caption, self.before_bars, self.after_bars = caption, before_bars, after_bars
        self.key_dots, self.query_arrow, self.query_label = keys, query, label
        self.wait(style.PAUSE + style.BEAT)
