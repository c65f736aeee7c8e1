r"""Context as gravity: the words of a sentence pull the ambiguous word toward them.

    w_j = softmax_j(x_{focus} \cdot x_j / T)      target = \sum_j w_j x_j
    x' = x + strength (target - x)

Each word of the sentence pulls the ambiguous word as hard as its weight (thicker, brighter
arrows pull harder; the weights are listed beside the plane); the word then moves along
the core's trajectory, in ``pull_steps`` steps, to its new place. That place is written out
as the weighted average it is: every weight times its word's vector, summed, then
``strength`` of the way from the word to that target. In the other sentence the same word
is pulled elsewhere: context decides.

Render: ``manim -ql scenes/gravity_pull.py GravityPull`` (from the repo root).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    DashedLine,
    DecimalNumber,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Text,
    TracedPath,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    Write,
    smooth,
)

from attention_core import ContextPullTrace, context_pull, keep_heaviest, similarity_matrix
from attention_core.examples import Example, Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, boxes_overlap, place_labels, word_color, word_label
from scenes.components.captions import shorten, wrapped_label
from scenes.components.flat import FlatFadeIn
from scenes.style import fmt

__all__ = ["ARROW_NUMBER_WEIGHT", "MAX_TERMS", "GravityPull", "SentenceShown", "Term", "pull_of",
           "shown_terms"]

ARROW_NUMBER_WEIGHT = 0.05  # pulls at least this strong also get their number on the plane
MAX_TERMS = 6  # rows of the weighted average; a longer sentence shows its strongest pulls
PANEL_GAP = 0.6  # between the plane and the panel on its right
PLANE_MAX_WIDTH = 6.6
ROW_GAP = 0.14
CAPTION_SIZES = ((style.BODY_SIZE, 1), (style.LABEL_SIZE, 2), (style.SMALL_SIZE, 3))
LEGEND_CHARS = 36  # a sentence in the closing legend is shortened to about this many characters
INDENT = 0.4  # the lines that continue a formula
MATH_SIZE = 48 * style.MATH_SCALE  # a DecimalNumber as large as the scenes' scaled MathTex


def pull_of(example: Example, sentence: Sentence) -> ContextPullTrace:
    """The core's pull on every word of ``sentence``, with the example's knobs."""
    e = example.embeddings(sentence)
    knobs = example.knobs
    return context_pull(e, similarity_matrix(e, e).matrix, strength=knobs.pull_strength,
                        steps=knobs.pull_steps, temperature=knobs.temperature)


def shown_terms(weights: np.ndarray, limit: int = MAX_TERMS) -> list[int]:
    """Indices of the words whose terms are written out: all of them when they fit, else the
    ``limit`` heaviest, in sentence order."""
    return keep_heaviest(weights, limit).indices.tolist()


def label_words(words: list[WordDot | Dot]) -> None:
    """Name the labelled words (most important first) around the bare dots among them."""
    place_labels([w for w in words if isinstance(w, WordDot)],
                 obstacles=[w for w in words if not isinstance(w, WordDot)])


def target_marker() -> Circle:
    """The hollow ring that marks a target, on the plane and before its formula."""
    return Circle(radius=0.09, color=style.TEXT, stroke_width=2)


def vec_tex(v: np.ndarray) -> str:
    """A 2-D vector as the scenes print it: ``(0.40,\\ 3.80)``."""
    return rf"({fmt(v[0])},\ {fmt(v[1])})"


def vec_text(v: np.ndarray) -> str:
    """A 2-D vector for the narration: ``(0.40, 3.80)``."""
    return f"({fmt(v[0])}, {fmt(v[1])})"


def q(text: str) -> str:
    """``text`` in quotation marks."""
    return f"\u201c{text}\u201d"


@dataclass
class Term:
    """One row of the weighted average: ``word  weight  x (vector)``."""

    index: int
    word: Text
    weight: DecimalNumber
    vector: MathTex


@dataclass
class SentenceShown:
    """What the scene drew for one sentence (tests read the numbers back from these)."""

    arrows: VGroup
    arrow_numbers: VGroup
    terms: list[Term]
    more: VGroup
    formula: VGroup
    path: VMobject
    mover: WordDot


class GravityPull(ExplainerScene):
    """Context words pull the ambiguous word; it moves to (toward) their weighted average."""

    title = "Context as gravity"

    def construct(self) -> None:
        self.example.require_planar("the gravity pull scene")
        self.sentences = list(self.example.sentences[:2])
        self.pulls: list[ContextPullTrace] = [pull_of(self.example, s) for s in self.sentences]
        self.ends: list[WordDot] = []
        self.shown: list[SentenceShown] = []
        self.show_title_card()
        self.show_plane()
        for number, (sentence, pull) in enumerate(zip(self.sentences, self.pulls, strict=True)):
            self.show_pulls(sentence, pull, number)
            self.move_along_trajectory(sentence, pull, number)
            self.explain_weighted_average(sentence, pull, number)
        self.compare_end_points()
        self.wait(style.BEAT)

    # -- beats

    def show_plane(self) -> None:
        focus = self.sentences[0].focus
        self.beat("plane", f"Where {q(focus)} sits decides what it means. The other words of a sentence "
                  "pull on it, like gravity.")
        points = np.vstack([*(p.embeddings for p in self.pulls), *(p.new_embeddings for p in self.pulls)])
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis)
        if self.plane.width > PLANE_MAX_WIDTH:
            self.plane.scale_to_fit_width(PLANE_MAX_WIDTH)
        self.plane.to_edge(LEFT, buff=style.MARGIN).shift(0.2 * DOWN)
        self.panel_left = self.plane.get_right()[0] + PANEL_GAP
        self.panel_width = 7.1 - style.MARGIN - self.panel_left
        self.play(Create(self.plane), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_pulls(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i, weights = sentence.focus_index, pull.weights[sentence.focus_index]
        strongest = max((j for j in range(len(sentence.tokens)) if j != i), key=lambda j: weights[j])
        self.beat(f"pulls {number + 1}", f"In {q(sentence.text)} each word pulls {q(sentence.focus)} as "
                  f"hard as its weight: {q(sentence.tokens[strongest])} pulls hardest, "
                  f"{fmt(weights[strongest])}; {q(sentence.focus)} keeps {fmt(weights[i])} of itself.")
        if number:
            self.clear_sentence()
        self.caption = wrapped_label(q(sentence.text), style.TEXT, self.panel_width, CAPTION_SIZES)
        self.caption.to_edge(UP, buff=style.MARGIN).align_to([self.panel_left, 0, 0], LEFT)
        self.formula = self.average_formula(pull, i)  # shown later; its height limits the rows
        self.limit = self.rows_that_fit(len(sentence.tokens))
        named = set(shown_terms(weights, self.limit))  # a long sentence names only its strongest pulls
        self.dots = VGroup(*(self.word_dot(w, pull.embeddings[j], named=j in named)
                             for j, w in enumerate(sentence.tokens) if j != i))
        self.focus_dot = WordDot(self.plane, sentence.focus, pull.embeddings[i], style.FOCUS)
        label_words([self.focus_dot, *self.dots])
        self.arrows, self.arrow_numbers = self.pull_arrows(sentence, pull)
        self.terms, self.more = self.term_rows(sentence, pull)
        self.place_formula()
        self.play(FlatFadeIn(self.caption, self.dots, self.focus_dot), run_time=style.BEAT)
        self.play(*(Create(a) for a in self.arrows), run_time=style.BEAT)
        self.play(FlatFadeIn(self.arrow_numbers, *(VGroup(t.word, t.weight) for t in self.terms), self.more),
                  run_time=style.BEAT)
        self.wait(2 * style.PAUSE)

    def move_along_trajectory(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i = sentence.focus_index
        path = pull.trajectory[:, i, :]  # (steps + 1, 2): the core's positions, start to end
        self.beat(f"move {number + 1}", f"{q(sentence.focus)} moves in {len(path) - 1} steps from "
                  f"{vec_text(path[0])} to {vec_text(path[-1])}.")
        self.path = VMobject().set_points_as_corners([self.plane.point(p) for p in path])
        self.steps = VGroup(*(Dot(self.plane.point(p), radius=0.025, color=style.FOCUS) for p in path))
        self.ghost = self.focus_dot.copy().set_opacity(0.3)
        self.trail = TracedPath(self.focus_dot.dot.get_center, stroke_color=style.FOCUS, stroke_width=3)
        self.add(self.ghost, self.trail)
        self.play(FadeOut(self.arrows), FadeOut(self.arrow_numbers), FadeIn(self.steps),
                  run_time=style.BEAT / 2)

        def slide(word: WordDot, alpha: float) -> None:
            word.shift(self.path.point_from_proportion(alpha) - word.dot.get_center())

        self.play(UpdateFromAlphaFunc(self.focus_dot, slide, rate_func=smooth), run_time=style.SLOW)
        self.wait(style.PAUSE)

    def explain_weighted_average(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i, strength = sentence.focus_index, pull.strength
        self.beat(f"average {number + 1}", f"The target is the weighted average: each word's vector times "
                  f"its weight, summed, {vec_text(pull.targets[i])}. {q(sentence.focus)} moves "
                  f"{fmt(strength)} of the way there, to {vec_text(pull.new_embeddings[i])}.")
        target = self.plane.point(pull.targets[i])
        self.target_mark = VGroup(
            DashedLine(self.plane.point(pull.embeddings[i]), target, color=style.MUTED, stroke_width=2),
            target_marker().move_to(target),
        )
        self.play(*(FadeIn(t.vector) for t in self.terms), run_time=style.BEAT)
        self.play(Write(self.formula[0]), FadeIn(self.target_mark), run_time=style.BEAT)
        self.play(Write(self.formula[1]), run_time=style.BEAT)
        self.play(Write(self.formula[2]), Write(self.formula[3]), run_time=style.BEAT)
        self.wait(2 * style.PAUSE)
        end = WordDot(self.plane, f"{sentence.focus} ({number + 1})", pull.new_embeddings[i], style.FOCUS)
        end.dot.move_to(self.focus_dot.dot)  # where the moving word really stopped
        self.ends.append(end)
        self.shown.append(SentenceShown(self.arrows, self.arrow_numbers, self.terms, self.more,
                                        self.formula, self.path, self.focus_dot))

    def compare_end_points(self) -> None:
        if len(self.sentences) == 1:
            s = self.sentences[0]
            self.beat("compare", f"This example has one sentence; add a second to see {q(s.focus)} land "
                      "somewhere else.")
        else:
            (a, b), (pa, pb) = self.sentences, self.pulls
            ends = (vec_text(pa.new_embeddings[a.focus_index]), vec_text(pb.new_embeddings[b.focus_index]))
            if a.focus == b.focus:
                said = (f"The same word, two sentences, two places: {q(a.focus)} ends at {ends[0]} in one "
                        f"and {ends[1]} in the other.")
            else:
                said = (f"Two sentences, two places: {q(a.focus)} ends at {ends[0]}, "
                        f"{q(b.focus)} at {ends[1]}.")
            self.beat("compare", said)
        self.clear_sentence()
        starts, arrows, legend = VGroup(), VGroup(), VGroup()
        for number, (sentence, pull, end) in enumerate(zip(self.sentences, self.pulls, self.ends,
                                                           strict=True)):
            i = sentence.focus_index
            if not any(np.allclose(s.coords, pull.embeddings[i]) for s in starts):
                starts.add(WordDot(self.plane, sentence.focus, pull.embeddings[i], style.FOCUS))
            arrows.add(Arrow(self.plane.point(pull.embeddings[i]), end.dot.get_center(), buff=0.1,
                             color=style.FOCUS, stroke_width=3, max_tip_length_to_length_ratio=0.15))
            legend.add(self.panel_text(f"({number + 1}) {q(shorten(sentence.text, LEGEND_CHARS))} \u2192 "
                                       f"{vec_text(pull.new_embeddings[i])}", style.FOCUS, style.LABEL_SIZE))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.25).to_edge(UP, buff=style.MARGIN)
        legend.align_to([self.panel_left, 0, 0], LEFT)
        # The words that did the pulling, faintly, once each; a long sentence names its strongest.
        context: dict[str, bool] = {}
        for s, pull in zip(self.sentences, self.pulls, strict=True):
            named = shown_terms(pull.weights[s.focus_index])
            for j, w in enumerate(s.tokens):
                if w != s.focus:
                    context[w] = context.get(w, False) or j in named
        self.context = VGroup(*(self.word_dot(w, self.example.words[w], named) for w, named in
                                context.items())).set_opacity(0.45)
        label_words([*starts, *self.ends, *self.context])  # the moving word first
        self.play(FadeIn(starts), FadeIn(legend), FadeIn(self.context), run_time=style.BEAT / 2)
        self.play(*(Create(a) for a in arrows), *(FadeIn(e) for e in self.ends), run_time=style.BEAT)
        self.end_arrows, self.legend = arrows, legend
        self.wait(style.PAUSE)

    # -- builders

    def pull_arrows(self, sentence: Sentence, pull: ContextPullTrace) -> tuple[VGroup, VGroup]:
        """One arrow from the focus toward each other word, thicker and brighter the stronger its
        weight; the strong ones also carry their number where it overlaps no label or number."""
        i = sentence.focus_index
        start = self.plane.point(pull.embeddings[i])
        arrows = VGroup()
        for j, word in enumerate(sentence.tokens):
            if j == i:
                continue
            w = float(pull.weights[i, j])
            end = self.plane.point(pull.embeddings[j])
            color = word_color(self.example, word)
            if np.linalg.norm(end - start) < 1e-6:  # a word at the focus's own place: no direction
                arrow = Dot(start, radius=0.02, color=color)
            else:
                arrow = Arrow(start, start + 0.8 * (end - start), buff=0.1, color=color,
                              stroke_width=1.5 + 10 * w, stroke_opacity=0.3 + 0.7 * w,
                              tip_length=0.08 + 0.22 * w, max_tip_length_to_length_ratio=0.25,
                              max_stroke_width_to_length_ratio=1000)  # width is the weight only
            arrow.weight, arrow.word, arrow.index = w, word, j
            arrows.add(arrow)
        taken = [d.label for d in self.dots if isinstance(d, WordDot)] + [self.focus_dot.label]
        numbers = VGroup()
        for arrow in sorted(arrows, key=lambda a: -a.weight):
            if arrow.weight < ARROW_NUMBER_WEIGHT or not isinstance(arrow, Arrow):
                continue
            number = self.arrow_number(arrow, taken)
            if number is not None:
                taken.append(number)
                numbers.add(number)
        return arrows, numbers

    def arrow_number(self, arrow: Arrow, taken: list[Mobject]) -> DecimalNumber | None:
        """The arrow's weight beside it, at the first spot that overlaps nothing ``taken``."""
        number = DecimalNumber(arrow.weight, num_decimal_places=style.DECIMALS, color=arrow.get_color(),
                               font_size=style.LABEL_SIZE)
        number.weight, number.word, number.index = arrow.weight, arrow.word, arrow.index
        number.add_background_rectangle(color=style.BACKGROUND, opacity=0.8, buff=0.04)
        along = arrow.get_unit_vector()
        side = np.array([-along[1], along[0], 0.0])
        for where in (0.5, 0.75, 0.3):
            for direction in (side, -side):
                number.next_to(arrow.point_from_proportion(where), direction, buff=0.15)
                if not any(boxes_overlap(number, other) for other in taken):
                    return number
        return None

    def term_rows(self, sentence: Sentence, pull: ContextPullTrace) -> tuple[list[Term], VGroup]:
        """The rows ``word  w_j  x (x_j)`` of the weighted average, under the caption; the
        vector column is placed now and shown later."""
        weights = pull.weights[sentence.focus_index]
        indices = shown_terms(weights, self.limit)
        terms = []
        for j in indices:
            color = word_color(self.example, sentence.tokens[j])
            terms.append(Term(
                j, word_label(sentence.tokens[j], color, style.LABEL_SIZE),
                DecimalNumber(weights[j], num_decimal_places=style.DECIMALS, color=color,
                              font_size=MATH_SIZE),
                MathTex(r"\times\ " + vec_tex(pull.embeddings[j]), color=color).scale(style.MATH_SCALE),
            ))
        word_width = max(t.word.width for t in terms)
        weight_width = max(t.weight.width for t in terms)
        top = self.caption.get_bottom()[1] - 0.45
        row_height = max(max(t.vector.height, t.word.height) for t in terms) + ROW_GAP
        for k, t in enumerate(terms):
            y = top - k * row_height
            t.word.move_to([self.panel_left + word_width, y, 0], aligned_edge=RIGHT)
            t.weight.move_to([self.panel_left + word_width + 0.3 + weight_width, y, 0], aligned_edge=RIGHT)
            t.vector.next_to(t.weight, RIGHT, buff=0.15)
        more = VGroup()
        left_out = [j for j in range(len(weights)) if j not in indices]
        if left_out:
            more.add(word_label(f"+ {len(left_out)} more words, each weight at most "
                                f"{max(weights[j] for j in left_out):.2g}", style.MUTED, style.SMALL_SIZE))
            more.next_to(terms[-1].word, DOWN, buff=0.2).align_to([self.panel_left, 0, 0], LEFT)
        self.terms_bottom = (more if left_out else terms[-1].vector).get_bottom()[1]
        return terms, more

    def average_formula(self, pull: ContextPullTrace, i: int) -> VGroup:
        """``target = sum_j w_j x_j = (..)``, ``x' = x + s (target - x)`` and its numbers."""
        lines = VGroup(
            MathTex(r"\text{target} = \sum_j w_j\, \vec x_j = " + vec_tex(pull.targets[i])),
            MathTex(r"\vec x\,' = \vec x + " + fmt(pull.strength) + r"\,(\text{target} - \vec x)"),
            MathTex(r"= " + vec_tex(pull.embeddings[i]) + " + " + fmt(pull.strength) + r"\,\big["
                    + vec_tex(pull.targets[i]) + " - " + vec_tex(pull.embeddings[i]) + r"\big]"),
            MathTex(r"= " + vec_tex(pull.new_embeddings[i]), color=style.FOCUS),
        )
        for k, line in enumerate(lines):
            line.scale(style.MATH_SCALE)
            room = self.panel_width - (INDENT if k >= 2 else 0.0)
            if line.width > room:
                line.scale_to_fit_width(room)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        lines[2:].shift(INDENT * RIGHT)
        return lines

    def place_formula(self) -> None:
        """The formula under the rows, after a rule that reads as "summed"."""
        self.formula.next_to([self.panel_left, self.terms_bottom, 0], DOWN, buff=0.45, aligned_edge=LEFT)
        # the plane's target ring, before the word "target" (in the gap left of the panel)
        ring = target_marker().next_to(self.formula[0], LEFT, buff=0.12).match_y(self.formula[0][0][:6])
        self.formula[0].add(ring)
        self.formula[0].add(Line([self.panel_left, self.terms_bottom - 0.22, 0],
                                 [self.panel_left + self.panel_width, self.terms_bottom - 0.22, 0],
                                 color=style.MUTED, stroke_width=1.5))

    def rows_that_fit(self, n: int) -> int:
        """How many rows of terms fit between the caption and the formula (at most MAX_TERMS)."""
        row = MathTex(r"\times\ (0.00,\ 0.00)").scale(style.MATH_SCALE).height + ROW_GAP
        room = (self.caption.get_bottom()[1] - 0.45) - (-4.0 + style.MARGIN + self.formula.height + 0.45)
        fit = int(room // row) + 1
        if fit < n:
            fit = int((room - 0.35) // row) + 1  # leave room for the "+ k more words" line
        return max(1, min(MAX_TERMS, n, fit))

    def word_dot(self, word: str, coords: np.ndarray, named: bool) -> WordDot | Dot:
        """A word of the sentence on the plane: with its label when ``named``, else a bare dot."""
        color = word_color(self.example, word)
        if named:
            return WordDot(self.plane, word, coords, color)
        return Dot(self.plane.point(coords), radius=0.05, color=color)

    def panel_text(self, text: str, color: ManimColor, size: float) -> Text:
        """A line of text in the panel right of the plane, shrunk to fit it."""
        line = word_label(text, color, size)
        if line.width > self.panel_width:
            line.scale_to_fit_width(self.panel_width)
        return line.align_to([self.panel_left, 0, 0], LEFT)

    def clear_sentence(self) -> None:
        gone = [self.dots, self.caption, self.formula, self.target_mark, self.focus_dot, self.trail,
                self.ghost, self.steps, self.more, *(VGroup(t.word, t.weight, t.vector) for t in self.terms)]
        self.play(*(FadeOut(m) for m in gone), run_time=style.BEAT / 2)

