r"""From scores to weights: why dividing by the sum fails, and softmax.

    naive:   w_i = s_i / \sum_j s_j          softmax: w_i = e^{s_i / T} / \sum_j e^{s_j / T}

The ambiguous word's similarity scores in the first sentence are drawn as bars. Dividing
them by their sum gives a negative weight (a function word has a negative score), and a
score that makes the sum zero leaves nothing to divide by. Softmax first takes
exponentials, which are always positive, then divides by their sum: bars that are positive
and add up to one. Last, the temperature: low sharpens, high flattens.

Render: ``manim -ql scenes/softmax_normalize.py SoftmaxNormalize`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, FadeIn, FadeOut, Indicate, MathTex, ReplacementTransform, VGroup, Write

from attention_core import (
    NaiveNormalizeTrace,
    SoftmaxTrace,
    naive_normalize,
    similarity_matrix,
    softmax_trace,
    with_zero_sum,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, word_color, word_label
from scenes.components.bars import WeightBars
from scenes.style import fmt

__all__ = ["SoftmaxNormalize"]

TEMPERATURES = (0.5, 2.0)  # shown after the example's own temperature


UP_ROOM, DOWN_ROOM = 2.4, 1.0  # scene units the bars may take above and below their baseline



def fit_unit(values: np.ndarray) -> float:
    """Scene units per 1.0 so that ``values`` fit the room above and below the baseline."""
    top, bottom = max(float(values.max()), 0.0), max(-float(values.min()), 0.0)
    return min(UP_ROOM / top if top else np.inf, DOWN_ROOM / bottom if bottom else np.inf)


class SoftmaxNormalize(ExplainerScene):
    """Naive normalisation failing on the example's own numbers, then softmax."""

    title = "Softmax: from scores to weights"

    def construct(self) -> None:
        self.sentence = self.example.sentences[0]
        e = self.example.embeddings(self.sentence)
        self.scores = similarity_matrix(e, e).matrix[self.sentence.focus_index]
        self.naive: NaiveNormalizeTrace = naive_normalize(self.scores)
        self.softmax: SoftmaxTrace = softmax_trace(self.scores, self.example.knobs.temperature)

        self.show_title_card()
        self.show_scores()
        self.divide_by_the_sum()
        self.sum_of_zero()
        self.take_exponentials()
        self.change_temperature()
        self.wait(style.BEAT)

    # -- beats

    def show_scores(self) -> None:
        focus = self.sentence.focus
        self.beat("scores", f"How similar is {focus} to each word of \"{self.sentence.text}\"? "
                  "These dot products are its scores.", duration=2 * style.BEAT + style.PAUSE)
        self.heading = VGroup(word_label(self.sentence.text, style.MUTED, style.BODY_SIZE))
        self.heading.to_edge(UP, buff=style.MARGIN)
        colors = [word_color(self.example, w) for w in self.sentence.tokens]
        self.bars = WeightBars(self.sentence.tokens, self.scores, colors, fit_unit(self.scores))
        self.bars.move_to(0.4 * DOWN)
        self.formula = MathTex(r"s_j = \vec{" + "x" + r"}_{\text{focus}} \cdot \vec x_j").scale(
            style.MATH_SCALE).next_to(self.heading, DOWN, buff=0.3)
        self.play(FadeIn(self.heading), Write(self.formula), run_time=style.BEAT)
        self.play(FadeIn(self.bars, shift=0.2 * UP), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def divide_by_the_sum(self) -> None:
        t = self.naive
        problem = t.problems[0] if t.problems else "here every weight happens to be positive"
        self.beat("divide by the sum", f"Divide each score by their sum, {fmt(t.total)}. Problem: "
                  f"{problem}.", duration=3 * style.BEAT + 2 * style.PAUSE)
        formula = MathTex(r"w_j = \frac{s_j}{\sum_k s_k} = \frac{s_j}{" + fmt(t.total) + "}").scale(
            style.MATH_SCALE).move_to(self.formula)
        self.play(ReplacementTransform(self.formula, formula), run_time=style.BEAT)
        self.formula = formula
        self.to_values(t.weights, unit=fit_unit(t.weights))
        self.problem_text = word_label(problem, style.NEGATIVE, style.SMALL_SIZE)
        self.problem_text.to_edge(DOWN, buff=style.MARGIN)
        self.play(FadeIn(self.problem_text), run_time=style.BEAT)
        for i in t.negative_indices:
            self.play(Indicate(self.bars.bars[i], color=style.NEGATIVE), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def sum_of_zero(self) -> None:
        # The word with the smallest score takes the value that makes the sum zero.
        index = int(np.argmin(self.scores))
        self.zero_scores = with_zero_sum(self.scores, index)
        self.zero = naive_normalize(self.zero_scores)
        word = self.sentence.tokens[index]
        self.beat("sum of zero", f"Worse: if \"{word}\" scored {fmt(self.zero_scores[index])}, the "
                  "scores would add up to 0, and dividing by zero gives no weights at all.",
                  duration=2 * style.BEAT + 2 * style.PAUSE)
        self.to_values(self.zero_scores, unit=fit_unit(self.zero_scores))
        formula = MathTex(r"w_j = \frac{s_j}{" + fmt(self.zero.total) + r"} = \ ?",
                          color=style.NEGATIVE).scale(style.MATH_SCALE).move_to(self.formula)
        problem = word_label(f"what if \"{word}\" scored {fmt(self.zero_scores[index])}? "
                             f"{self.zero.problems[0]}", style.NEGATIVE, style.SMALL_SIZE)
        problem.move_to(self.problem_text)
        self.play(ReplacementTransform(self.formula, formula),
                  ReplacementTransform(self.problem_text, problem), run_time=style.BEAT)
        self.formula, self.problem_text = formula, problem
        self.wait(2 * style.PAUSE)

    def take_exponentials(self) -> None:
        t = self.softmax
        self.beat("softmax", f"Softmax takes e to the power of each score, always positive, and "
                  f"divides by their sum, {fmt(t.total)}. The weights add up to 1.",
                  duration=3 * style.BEAT + 2 * style.PAUSE)
        self.play(FadeOut(self.problem_text), run_time=style.BEAT)
        self.to_values(self.scores, unit=fit_unit(self.scores))
        formula = MathTex(r"w_j = \frac{e^{s_j / T}}{\sum_k e^{s_k / T}} = \frac{e^{s_j / T}}{"
                          + fmt(t.total) + "}").scale(style.MATH_SCALE).move_to(self.formula)
        self.play(ReplacementTransform(self.formula, formula), run_time=style.BEAT)
        self.formula = formula
        self.to_values(t.weights, unit=fit_unit(np.ones(1)))
        self.total = Readout(r"\textstyle\sum_j w_j", float(t.weights.sum()), style.POSITIVE)
        self.total.to_edge(DOWN, buff=style.MARGIN)
        self.play(FadeIn(self.total), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def change_temperature(self) -> None:
        base = self.example.knobs.temperature
        self.temperature_traces = [softmax_trace(self.scores, t) for t in (*TEMPERATURES, base)]
        cold, hot, _ = self.temperature_traces
        self.beat("temperature", f"Temperature: at T = {TEMPERATURES[0]:g} the largest score takes "
                  f"{fmt(cold.weights.max())}, at T = {TEMPERATURES[1]:g} only "
                  f"{fmt(hot.weights.max())}.", duration=3 * style.BEAT + 2 * style.PAUSE)
        self.temperature = Readout("T", base, style.FOCUS)
        self.temperature.next_to(self.total, UP, buff=0.2)
        self.play(FadeIn(self.temperature), run_time=style.BEAT)
        for trace in self.temperature_traces:
            self.temperature.set_value(trace.temperature)
            self.total.set_value(float(trace.weights.sum()))
            self.to_values(trace.weights, unit=fit_unit(np.ones(1)))
            self.wait(style.PAUSE / 2)

    # -- drawing helpers

    def to_values(self, values: np.ndarray, unit: float) -> None:
        """Morph the bars to show ``values`` at ``unit`` scene units per 1.0."""
        target = self.bars.with_values(values, unit)
        self.play(ReplacementTransform(self.bars, target), run_time=style.BEAT)
        self.bars = target
