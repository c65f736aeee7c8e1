r"""From scores to weights: why dividing by the sum fails, and softmax.

    naive:   w_j = s_j / \sum_k s_k          softmax: w_j = e^{s_j / T} / \sum_k e^{s_k / T}

The ambiguous word's dot products with the words of the example's first sentence (the
sentence the gravity chapter opened with) are drawn as bars. Dividing them by their sum
gives a negative weight when a score is negative: said only when the story's
``naive_gives_negative`` claim holds, else the scene says what happened. A set of scores
that adds up to zero leaves nothing to divide by (a made-up case, one score changed,
unless the example's own scores do it). Softmax first takes exponentials, which are
always positive, then divides by their sum: bars that are positive and add up to one
(with a remark when the printed ones add up to 0.99 or 1.01, and "all above zero though the
tiny ones print as zero" where a bar prints 0.00). These weights are the pulls of the gravity
chapter. Last, the temperature T, one beat per value, each line said as its bars change: a
low T sharpens the weights, a high T flattens them, then the example's own T (the attention
chapter's sqrt(d_k) is such a temperature). During that sweep the formula is the general
one and T counts in place: no number in the formula fades out and in. A sentence with three
numbers (the made-up zero-sum case) is said in a beat of its own, once its picture is still.

Render: ``manim -ql scenes/softmax_normalize.py SoftmaxNormalize`` (from the repo root).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DecimalNumber,
    FadeIn,
    FadeOut,
    ManimColor,
    MathTex,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
)

from attention_content.example_types import Example, Sentence
from attention_content.story import claim
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
from scenes.components.captions import quoted as q
from scenes.components.captions import shorten, wrapped_label
from scenes.components.flat import FlatFadeIn
from scenes.components.readout import Recount
from scenes.components.swap import SwapParts
from scenes.style import PRINTABLE, fmt, num_tex, num_text

__all__ = ["TEMPERATURES", "Shown", "SoftmaxNormalize", "ZeroSumCase",
           "choose_sentence", "shown_sum", "zero_sum_case"]

TEMPERATURES = (0.5, 2.0)  # shown in this order, then the example's own temperature again
DOWN_ROOM = 0.7  # scene units the most negative bar may take below the baseline
BASELINE_Y = -0.9  # the baseline's height, unless the labels need it higher
NOTE_TOP = -3.0  # the note under the bars stays below this
NOTE_WIDTH = 12.5  # the longest a note under the bars may be
HEADING_WIDTH = 12.5
SAID_CHARS = 28  # a sentence in the narration is shortened to about this many characters
BAR_NUMBER_SIZE = 26  # the numbers over the bars: digits at least 24 px tall at 1080p
TEMPERATURE_TEX = r"\text{temperature } T"  # how the readout names T


# The formulas are written in parts, so that a change of formula moves the parts two formulas
# share and fades only the others (SwapParts): s_j glides into the numerator, e^{s_j / T} too,
# and a new temperature changes only T's value and the sum.
SCORES_TEX = ("s_j", "=", r"\vec x_{\text{focus}} \cdot \vec x_j")


def naive_tex(total: str, *tail: str) -> tuple[str, ...]:
    """w_j = s_j / sum_k s_k = s_j / ``total`` (then ``= tail``), in parts."""
    end = ("=", *tail) if tail else ()
    return ("w_j", "=", r"\frac{", "s_j", "}{", r"\sum_k s_k", "}",
            "=", r"\frac{", "s_j", "}{", total, "}", *end)


def exponential_tex(trace: SoftmaxTrace) -> tuple[str, ...]:
    """e^{s_j / T} = e^{s_j / t}, in parts."""
    return ("e^{", "s_j", "/ T}", "=", "e^{", "s_j", f"/ {trace.temperature:g}}}")


def softmax_tex(trace: SoftmaxTrace | None) -> tuple[str, ...]:
    """w_j = e^{s_j / T} / sum_k e^{s_k / T} = e^{s_j / t} / (the sum), in parts; with no
    trace, only the general formula."""
    general = ("w_j", "=", r"\frac{", "e^{", "s_j", "/ T}", "}{", r"\sum_k e^{s_k / T}", "}")
    if trace is None:
        return general
    return (*general, "=", r"\frac{", "e^{", "s_j", f"/ {trace.temperature:g}}}", "}{",
            num_tex(trace.total), "}")


def tex_readout(label_tex: str, value: float, color: ManimColor) -> MathTex:
    """A readout ``label = value`` written in TeX (for numbers too large for a DecimalNumber);
    ``.value`` keeps the number."""
    relation = " = " if np.isfinite(value) else " "  # num_tex writes "> 10^{308}" for an overflow
    shown = MathTex(label_tex + relation + num_tex(value), color=color).scale(style.MATH_SCALE)
    shown.value = value
    return shown


def focus_scores(example: Example, sentence: Sentence) -> np.ndarray:
    """The focus word's dot-product scores with every word of ``sentence`` (the core's), (n,)."""
    e = example.embeddings(sentence)
    return similarity_matrix(e, e).matrix[sentence.focus_index]


def choose_sentence(example: Example) -> Sentence:
    """The first sentence: the one the gravity chapter opened with (so the weights here are its
    pulls) and the one the story's ``naive_gives_negative`` claim is about."""
    return example.sentences[0]


def shown_sum(weights: np.ndarray) -> float:
    """What ``weights`` add up to as printed, each rounded to ``style.DECIMALS`` places."""
    return float(sum(float(fmt(w)) for w in weights))


@dataclass(frozen=True)
class ZeroSumCase:
    """Scores that add up to zero: the example's own (``made_up`` False) or the shown
    sentence's with the score of ``tokens[index]`` changed from ``was`` (``made_up`` True)."""

    sentence: Sentence
    scores: np.ndarray
    trace: NaiveNormalizeTrace
    made_up: bool
    index: int
    was: float


def zero_sum_case(example: Example, sentence: Sentence) -> ZeroSumCase:
    """``sentence``'s own scores if they add up to zero, else the same scores with the lowest
    changed (by the core's ``with_zero_sum``) so that they do: the bars keep their words."""
    scores = focus_scores(example, sentence)
    own = naive_normalize(scores)
    if own.weights is None:
        return ZeroSumCase(sentence, scores, own, made_up=False, index=-1, was=0.0)
    index = int(np.argmin(scores))
    changed = with_zero_sum(scores, index)
    return ZeroSumCase(sentence, changed, naive_normalize(changed), made_up=True, index=index,
                       was=float(scores[index]))


class LevelReadout(Readout):
    """A :class:`Readout` whose number sits level with its ``=`` (a label with a subscript,
    such as a sum, would otherwise pull the number down to the subscript's bottom), also
    while it counts."""

    def set_value(self, value: float) -> LevelReadout:
        super().set_value(value)
        self.number.match_y(self.label[1])
        return self


def readout(label_tex: str, value: float, color: ManimColor) -> LevelReadout:
    """A :class:`LevelReadout` of ``label = value``, its number written as the formulas write it."""
    shown = LevelReadout(label_tex, value, color)
    shown.number.group_with_commas = False  # 1203.55, as the formulas write it
    shown.set_value(value)
    return shown


@dataclass(frozen=True)
class Shown:
    """What the screen showed at one moment, read back from the mobjects."""

    values: np.ndarray  # the numbers over the bars
    formula: str  # the formula's TeX, its parts joined
    readouts: tuple[float, ...]  # the numbers of the readouts, left then right
    note: str  # the note under the bars ("" when none)


class SoftmaxNormalize(ExplainerScene):
    """Naive normalisation failing on the example's own numbers, then softmax and temperature."""

    title = "Softmax: from scores to weights"

    def construct(self) -> None:
        self.sentence = choose_sentence(self.example)
        self.scores = focus_scores(self.example, self.sentence)
        self.naive: NaiveNormalizeTrace = naive_normalize(self.scores)
        self.zero = zero_sum_case(self.example, self.sentence)
        self.softmax: SoftmaxTrace = softmax_trace(self.scores, self.example.knobs.temperature)
        self.temperature_traces = [softmax_trace(self.scores, t)
                                   for t in (*TEMPERATURES, self.example.knobs.temperature)]

        exps = self.softmax.exponentials
        self.drawable = bool(np.isfinite(exps).all() and exps.max() < PRINTABLE)
        self.shown: dict[str, Shown] = {}
        self.show_title_card()
        self.show_scores()
        self.divide_by_the_sum()
        self.sum_of_zero()
        self.take_exponentials()
        self.divide_exponentials()
        self.point_back_to_gravity()
        self.change_temperature()
        self.wait(style.BEAT)

    # -- beats

    def show_scores(self) -> None:
        s, focus = self.sentence, self.sentence.focus
        low, high = int(np.argmin(self.scores)), int(np.argmax(self.scores))
        said = q(shorten(s.text, SAID_CHARS))
        self.beat("scores", f"The dot products of {q(focus)} with the words of {said}: "
                  f"from {fmt(self.scores[low])} for {q(s.tokens[low])} to {fmt(self.scores[high])} for "
                  f"{q(s.tokens[high])}.")
        self.heading = wrapped_label(q(s.text), style.MUTED, HEADING_WIDTH).to_edge(UP, buff=style.MARGIN)
        self.formula = self.formula_tex(SCORES_TEX)
        self.bars = self.lay_out_bars()
        self.play(FadeIn(self.heading), Write(self.formula), run_time=style.BEAT)
        self.play(FlatFadeIn(self.bars, shift=0.2 * UP), run_time=style.BEAT)
        self.record("scores")
        self.wait(style.PAUSE)

    def lay_out_bars(self) -> WeightBars:
        """The scores' bars, as low as the note under them allows and with room above for the
        tallest formula and the widest number the scene will write."""
        s = self.sentence
        colors = [word_color(self.example, w) for w in s.tokens]
        width = 10.0 if len(s.tokens) <= 12 else 12.8
        rows = [self.scores, self.zero.scores, *(t.weights for t in self.temperature_traces)]
        if self.drawable:
            rows.append(self.softmax.exponentials)
        if self.naive.weights is not None:
            rows.append(self.naive.weights)
        # Room below for the most negative bar of the whole scene, so the labels never move.
        self.down_room = DOWN_ROOM if min(r.min() for r in rows) < 0 else 0.0

        def build(unit: float) -> WeightBars:
            return WeightBars(s.tokens, self.scores, colors, unit, width, room_below=self.down_room,
                              number_size=BAR_NUMBER_SIZE, label_size=style.LABEL_SIZE,
                              label_baseline=True)

        trial = build(1.0)
        baseline_y = max(BASELINE_Y, NOTE_TOP + trial.label_depth())
        widest = max((DecimalNumber(v, num_decimal_places=style.DECIMALS, font_size=BAR_NUMBER_SIZE,
                                    group_with_commas=False)
                      for v in (max(r, key=lambda x: len(fmt(x))) for r in rows)), key=lambda m: m.width)
        number = widest.width if trial.numbers_upright else widest.height
        tallest = self.formula_tex(softmax_tex(self.softmax))
        self.up_room = tallest.get_bottom()[1] - 0.25 - number - baseline_y
        bars = build(self.fit_unit(self.scores))
        bars.shift(baseline_y * UP - bars.baseline.get_center())
        return bars

    def divide_by_the_sum(self) -> None:
        t, s = self.naive, self.sentence
        if claim(self.example, "naive_gives_negative", 0).holds:
            i = t.negative_indices[0]
            said = f"{q(s.tokens[i])} gets {fmt(t.weights[i])}, but a word cannot pull by a negative amount."
            note = t.problems[0]
        elif t.weights is None:  # the scores add up to zero
            said = "dividing by zero gives no weights at all."
            note = t.problems[0]
        else:
            said = "with no negative score it works here; one negative score would break it."
            note = "no weight is negative here, so dividing by the sum happens to work"
        self.beat("divide by the sum", f"Divide each score by their sum, {fmt(t.total)}: {said}")
        self.sum_readout = readout(r"\textstyle\sum_k s_k", t.total, style.TEXT)
        self.place_readout(self.sum_readout, 0)
        self.play(self.swap_formula(naive_tex(fmt(t.total))), FadeIn(self.sum_readout), run_time=style.BEAT)
        self.naive_total = None  # what the naive weights add up to, from their source (rounding aside)
        if t.weights is not None:
            self.unit = self.fit_unit(t.weights)
            self.naive_total = readout(r"\textstyle\sum_j w_j", float(t.weights.sum()), style.TEXT)
            self.place_readout(self.naive_total, 1)
            self.play(self.bars.change_values(t.weights, self.unit), FadeIn(self.naive_total),
                      run_time=style.BEAT)
        else:
            self.wait(style.BEAT)
        self.wait(style.PAUSE)
        self.note = self.note_text(note, style.NEGATIVE if t.problems else style.MUTED)
        self.marks = VGroup(*(SurroundingRectangle(VGroup(self.bars.bars[i], self.bars.numbers[i]),
                                                   color=style.NEGATIVE, buff=0.08)
                              for i in t.negative_indices))
        self.play(FadeIn(self.note), FadeIn(self.marks), run_time=style.BEAT)
        self.record("divide by the sum", self.sum_readout,
                    *([self.naive_total] if self.naive_total is not None else []), note=self.note)
        self.wait(2 * style.PAUSE)

    def sum_of_zero(self) -> None:
        z, total = self.zero, self.zero.trace.total
        numbers = None  # the made-up case's three numbers, said once the picture is still
        if z.made_up:
            word = z.sentence.tokens[z.index]
            tag = f"a made-up case: {q(word)} scores {fmt(z.scores[z.index])} instead of {fmt(z.was)}"
            said = f"A made-up case: change {q(word)}'s score so that the scores add up to zero."
            numbers = (f"If {q(word)} scored {fmt(z.scores[z.index])}, not {fmt(z.was)}, the sum would be "
                       f"{fmt(total)}: nothing to divide by, no weights at all.")
        else:
            tag = f"this example's own scores in {q(z.sentence.text)}"
            said = (f"Here the scores really add up to {fmt(total)}: with nothing to divide by, there are "
                    "no weights at all.")
        if not self.naive.problems:
            said = "It can still fail, in a made-up case: " + said.removeprefix("A made-up case: ")
        self.beat("sum of zero", said)
        note = self.note_text(tag + ":\n" + z.trace.problems[0], style.NEGATIVE)
        gone = [FadeOut(self.naive_total)] if self.naive_total is not None else []
        # The sum counts down to zero as the changed bar drops; the old note is gone before
        # the new one comes.
        self.play(FadeOut(self.marks), SwapParts(self.note, note), *gone,
                  self.bars.change_values(z.scores, self.fit_unit(z.scores)),
                  Recount(self.sum_readout, total, style.NEGATIVE), run_time=style.BEAT)
        self.note = note
        self.play(self.swap_formula(naive_tex(fmt(total), r"\ ?"), style.NEGATIVE), run_time=style.BEAT)
        self.record("sum of zero", self.sum_readout, note=self.note)
        self.wait(2 * style.PAUSE)
        if numbers is not None:
            self.beat("no weights", numbers)

    def take_exponentials(self) -> None:
        t, s = self.softmax, self.sentence
        low = int(np.argmin(t.scores))
        if self.drawable:
            said = f"all positive, even {fmt(t.exponentials[low])} for {q(s.tokens[low])}."
        else:
            said = (f"all positive, but huge here, up to {num_text(t.exponentials.max())}: too large to draw "
                    "as bars.")
        self.beat("exponentials", "Softmax raises e to each score over the temperature "
                  f"T = {fmt(t.temperature)}: " + said)
        self.unit = self.fit_unit(self.scores)
        # Softmax has no negative bars: the labels move up to the baseline.
        self.play(FadeOut(self.note), self.bars.change_values(self.scores, self.unit),
                  self.swap_formula(SCORES_TEX), Recount(self.sum_readout, self.naive.total, style.TEXT),
                  run_time=style.BEAT)
        make = readout if self.drawable else tex_readout
        exp_readout = make(r"\textstyle\sum_k e^{s_k / T}", t.total, style.TEXT)
        self.temperature = readout(TEMPERATURE_TEX, t.temperature, style.FOCUS)
        self.place_readout(exp_readout, 0)
        self.place_readout(self.temperature, 1)
        self.play(self.swap_formula(exponential_tex(t)), FadeIn(self.temperature), run_time=style.BEAT)
        if self.drawable:
            self.unit = self.fit_unit(t.exponentials)
            self.play(self.bars.change_values(t.exponentials, self.unit, room_below=0.0),
                      SwapParts(self.sum_readout, exp_readout), run_time=style.BEAT)
            self.note = None
        else:  # the bars keep the scores; a note says why
            self.note = self.note_text(f"e^(s/T) reaches {num_text(t.exponentials.max())} here: too large "
                                       "to draw. Softmax takes the largest score off first, which leaves "
                                       "the weights the same.", style.MUTED)
            self.play(SwapParts(self.sum_readout, exp_readout), FadeIn(self.note), run_time=style.BEAT)
        self.sum_readout = exp_readout
        self.record("exponentials", self.sum_readout, self.temperature, note=self.note)
        self.wait(style.PAUSE)

    def divide_exponentials(self) -> None:
        t, s = self.softmax, self.sentence
        top = int(np.argmax(t.weights))
        printed = shown_sum(t.weights)
        rounding = f" ({fmt(printed)} here because of rounding)" if fmt(printed) != fmt(1.0) else ""
        # "positive" over a bar that prints 0.00 would be read as false: say why it shows 0.00
        tiny = ", all above zero though the tiny ones print as zero" if any(
            fmt(w) == fmt(0.0) for w in t.weights) else ", all positive"
        self.beat("softmax", f"It divides each by that sum: weights that add up to 1{rounding}{tiny}; "
                  f"{q(s.tokens[top])} gets {fmt(t.weights[top])}.")
        self.play(self.swap_formula(softmax_tex(t)),
                  *([FadeOut(self.note)] if self.note is not None else []), run_time=style.BEAT)
        # One scale for every temperature: the tallest weight any of them gives fills the room.
        self.unit = self.fit_unit(np.concatenate([t.weights for t in self.temperature_traces]))
        self.total = readout(r"\textstyle\sum_j w_j", float(t.weights.sum()), style.POSITIVE)
        self.place_readout(self.total, 0)
        # the rounded sum the line says, printed: the bars' own numbers add to it
        self.rounding_note = (self.note_text(f"the bars as printed add up to {fmt(printed)}", style.MUTED)
                              if rounding else None)
        self.play(self.bars.change_values(t.weights, self.unit, room_below=0.0),
                  SwapParts(self.sum_readout, self.total),
                  *([FadeIn(self.rounding_note)] if self.rounding_note is not None else []),
                  run_time=style.BEAT)
        self.record("softmax", self.total, self.temperature, note=self.rounding_note)
        self.wait(2 * style.PAUSE)

    def point_back_to_gravity(self) -> None:
        t, s = self.softmax, self.sentence
        top = max((j for j in range(len(s.tokens)) if j != s.focus_index), key=lambda j: (t.weights[j], -j))
        self.beat("pulls", "These weights are the pulls of the gravity chapter: there too "
                  f"{q(s.tokens[top])} pulled {q(s.focus)} with {fmt(t.weights[top])}.")
        self.note = self.note_text(f"the same weights pulled {q(s.focus)} in \u201cContext as gravity\u201d:",
                                   style.POSITIVE)
        same = MathTex(r"w_j = \operatorname{softmax}_j(\vec x \cdot \vec x_j \,/\, T)", color=style.POSITIVE)
        same.scale(style.MATH_SCALE * 0.8)
        line = VGroup(self.note, same).arrange(RIGHT, buff=0.2).to_edge(DOWN, buff=style.MARGIN)
        gone = [FadeOut(self.rounding_note)] if self.rounding_note is not None else []
        self.play(*gone, FadeIn(line), run_time=style.BEAT)
        self.record("pulls", self.total, self.temperature, note=self.note)
        self.note = line
        self.wait(style.PAUSE)

    def change_temperature(self) -> None:
        """One beat per temperature, each line said as its bars change: colder, hotter, then the
        example's own. The formula turns general first (its numbers would have to fade out and
        in at every temperature, leaving an empty denominator between); T counts in place."""
        traces, s = self.temperature_traces, self.sentence
        top = int(np.argmax(self.softmax.weights))
        word = q(s.tokens[top])
        cold, hot, own = traces
        lines = [("temperature", f"A low temperature sharpens the weights: at T = {fmt(cold.temperature)}, "
                                 f"{word} takes {fmt(cold.weights[top])}."),
                 ("hotter", f"A high one flattens them: at T = {fmt(hot.temperature)}, {word} takes only "
                            f"{fmt(hot.weights[top])}."),
                 ("this video's T", f"This video uses T = {fmt(own.temperature)}, where {word} takes "
                                    f"{fmt(own.weights[top])}.")]
        for (name, line), trace in zip(lines, traces, strict=True):
            self.beat(name, line)
            first = [FadeOut(self.note), self.swap_formula(softmax_tex(None))] if trace is cold else []
            self.play(*first, Recount(self.temperature, trace.temperature),
                      Recount(self.total, float(trace.weights.sum())),
                      self.bars.change_values(trace.weights), run_time=style.BEAT)
            self.record(f"T = {trace.temperature:g} ({len(self.shown)})", self.total, self.temperature)
            self.wait(style.PAUSE)

    # -- drawing helpers

    def record(self, moment: str, *readouts: Readout | MathTex, note: Text | None = None) -> None:
        """Keep what the screen shows now (numbers read back from the mobjects) for the tests."""
        self.shown[moment] = Shown(self.bars.shown_values(), "".join(self.formula.tex_strings),
                                   tuple(r.value if isinstance(r, MathTex) else r.number.get_value()
                                         for r in readouts),
                                   note.text if note is not None else "")

    def formula_tex(self, parts: Sequence[str], color: ManimColor = style.TEXT) -> MathTex:
        """The formula under the heading, written in ``parts`` (see :class:`SwapParts`)."""
        formula = MathTex(*parts, color=color).scale(style.MATH_SCALE)
        return formula.next_to(self.heading, DOWN, buff=0.3)

    def swap_formula(self, parts: Sequence[str], color: ManimColor = style.TEXT) -> SwapParts:
        """Animation: the formula under the heading becomes the one written in ``parts``; the
        parts both show glide, the others fade out before the new ones fade in."""
        new = self.formula_tex(parts, color)
        old, self.formula = self.formula, new
        return SwapParts(old, new)

    def fit_unit(self, values: np.ndarray) -> float:
        """Scene units per 1.0 so that ``values`` fit the room above and below the baseline."""
        top, bottom = max(float(values.max()), 0.0), max(-float(values.min()), 0.0)
        return min(self.up_room / top if top else np.inf,
                   self.down_room / bottom if bottom else np.inf, 1e6)

    def place_readout(self, readout: Readout, side: int) -> None:
        """Readouts sit level with the formula, clear of the bars: side 0 left, 1 right."""
        y = self.heading.get_bottom()[1] - 0.75
        readout.to_edge(RIGHT if side else LEFT, buff=style.MARGIN).set_y(y)

    def note_text(self, text: str, color: ManimColor) -> Text:
        note = word_label(text, color, style.SMALL_SIZE)
        note.scale_to_fit_width(min(note.width, NOTE_WIDTH))
        return note.to_edge(DOWN, buff=style.MARGIN)

