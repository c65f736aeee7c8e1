r"""The recap: the whole pipeline once, with the example's own numbers, then the end card.

    q = x W_Q \quad k_j = x_j W_K \quad v_j = x_j W_V \quad
    w = \mathrm{softmax}\!\left(\frac{q \cdot k_j}{\sqrt{d_k}}\right) \quad
    x' = x + \sum_j w_j v_j \quad x'' = x + [h_1, \dots, h_H]\, W_O

Nine stations in a snake of three rows, one beat lighting up one to three of them, each
showing the focus's numbers of the first sentence (:func:`attention_content.arc.recap`, from the
attention traces): the word, its query, the score with the deciding word's key, the scaling
by sqrt(d_k), the softmax weights, the weighted values, the residual, the heads joined by
W_O, and what learns the matrices. The end card credits the talk, the tools, the voice and
the real model, with their licences (:data:`CREDITS`).

Render: ``manim -ql scenes/recap.py Recap`` (from the repo root).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    FadeIn,
    FadeOut,
    LaggedStart,
    MathTex,
    RoundedRectangle,
    VGroup,
    config,
)

from attention_content.arc import Recap as RecapNumbers
from attention_content.arc import meaning, recap
from scenes import style
from scenes.base import ExplainerScene, reading_seconds
from scenes.components import sentence_caption, word_color, word_label
from scenes.components.captions import quoted
from scenes.components.lists import baseline
from scenes.opening import TALK
from scenes.style import fmt

__all__ = ["CREDITS", "Recap", "Station", "card_reading_seconds", "stations", "vector"]

BOX_WIDTH = 4.1  # a station's box, in scene units
BOX_HEIGHT = 1.75
BOX_GAP = 0.5  # between two stations of a row (an arrow fits)
ROW_GAP = 0.45  # between two rows of stations
LINE_GAP = 0.1  # between the lines of a station (a heading and three lines fit, 0.1 clear of the outline)
HEADING_SIZE = 22  # a station's heading (30 px of cap height at 1080p)
FORMULA_SIZE = 30  # a station's formulas (29 px)
SMALLEST_FORMULA = 26  # a formula is shrunk to fit its box down to this size (25 px), no further
NUMBERS_RATE = 13.0  # characters a second for a sentence with three or more numbers
DIM = 0.3  # the opacity of a station's outline and heading before its numbers are filled in
RESULT_HOLD = 2.0  # seconds a beat's result stays after its sentence could be read

# The end card: what the video is made from, with licences (README, assets/models/NOTICE), in
# as few words as name them: the card is up as long as it takes to read, no longer.
CREDITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Retold from", (quoted(TALK.title), f"{TALK.speaker}, {TALK.channel}")),
    ("Animation", ("Manim Community (MIT)",)),
    ("Voice", ("Piper (GPL-3.0-or-later), voice en_US-joe-medium (MIT)",)),
    ("Real model", ("all-MiniLM-L6-v2 (Apache-2.0)",)),
)


def vector(v: np.ndarray) -> str:
    """A vector as the narration says it and the stations print it: ``(1.50, 1.60)``."""
    return "(" + ", ".join(fmt(float(a)) for a in v) + ")"


@dataclass(frozen=True)
class Station:
    """One stop of the pipeline: a heading (plain text: it may hold the example's words)
    over formulas (LaTeX: symbols and numbers only) and text lines (words and numbers)."""

    heading: str
    formulas: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()


def more_of(example, numbers: RecapNumbers) -> tuple[str, int] | None:
    """``(meaning, axis)`` when adding the weighted values raised the focus on the axis of the
    sentence's meaning (``("fruit", 1)``: more fruit); else None."""
    if numbers.updated is None:
        return None
    sense = meaning(example, 0)
    axis = 0 if sense == example.x_axis else 1
    if len(numbers.x) > axis and numbers.updated[axis] > numbers.x[axis]:
        return sense, axis
    return None


def softmax_lines(r: RecapNumbers) -> tuple[str, ...]:
    """The softmax station's lines: the row of scaled scores that goes in, each going to its
    weight, ``orange  8.22 → 0.82`` for the two largest weights, then the other words at once
    (``3 others  ≤ 0.43 → 0.00``: each scaled score at most 0.43, each weight 0.00; a single
    other word by name): every scaled score of the row is printed or bounded."""
    order = np.argsort(-r.weights, kind="stable")
    lines = [f"{r.tokens[j]}  {fmt(float(r.scaled[j]))} \u2192 {fmt(float(r.weights[j]))}" for j in order[:2]]
    rest = order[2:]
    if len(rest) == 1:
        j = rest[0]
        lines.append(f"{r.tokens[j]}  {fmt(float(r.scaled[j]))} \u2192 {fmt(float(r.weights[j]))}")
    elif len(rest) > 1:
        weights = {fmt(float(r.weights[j])) for j in rest}
        most = max(float(r.weights[j]) for j in rest)
        weight = weights.pop() if len(weights) == 1 else f"\u2264 {fmt(most)}"
        lines.append(f"{len(rest)} others  \u2264 {fmt(float(r.scaled[rest].max()))} \u2192 {weight}")
    return tuple(lines)


def stations(example, numbers: RecapNumbers) -> list[Station]:
    """The nine stations for ``numbers`` (the focus of one sentence of ``example``)."""
    r = numbers
    f, d = r.focus, r.decider
    residual = (("\\textstyle x + \\sum_j w_j v_j = " + vector(r.updated),) if r.updated is not None else ())
    more = more_of(example, r)
    raised = ()
    if more is not None and r.updated is not None:  # "more fruit: 1.60 -> 3.92"
        sense, axis = more
        raised = (f"more {sense}: {fmt(float(r.x[axis]))} \u2192 {fmt(float(r.updated[axis]))}",)
    heads = ", ".join(f"h_{k + 1}" for k in range(min(r.heads, 3))) + (", \\dots" if r.heads > 3 else "")
    return [
        Station(f, (f"x = {vector(r.x)}",)),
        Station("three maps", (f"q = x\\,W_Q = {vector(r.query)}", "k_j = x_j W_K \\quad v_j = x_j W_V")),
        Station(f"score with {d}\u2019s key", (f"k = {vector(r.key)}", f"q \\cdot k = {fmt(r.score_of(d))}")),
        Station("scaled", (f"\\sqrt{{d_k}} = \\sqrt{{{r.d_k}}} = {fmt(r.root_d_k)}",
                           f"{fmt(r.score_of(d))} / {fmt(r.root_d_k)} = {fmt(r.scaled_of(d))}")),
        Station("softmax: weights", (), softmax_lines(r)),
        Station("weights \u00d7 values", (f"\\textstyle\\sum_j w_j v_j = {vector(r.mix)}",)),
        Station(f"{f} keeps itself", residual, raised),
        Station(f"{r.heads} head{'s' if r.heads > 1 else ''}, side by side",
                (f"[\\,{heads}\\,]\\,W_O = {vector(r.multi)}",
                 f"x + [\\,\\dots\\,]\\,W_O = {vector(r.multi_updated)}")),
        Station("learned", ("W_Q,\\ W_K,\\ W_V,\\ W_O",),
                ("set by hand here", "GPT: next-word prediction")),
    ]


def station_box(station: Station, color=style.MUTED) -> VGroup:
    """A station drawn: its heading over its lines inside a rounded box of BOX_WIDTH x
    BOX_HEIGHT. ``box.frame`` is the outline, ``box.lines`` the formulas and texts."""
    room = BOX_WIDTH - 0.3
    heading = word_label(station.heading, style.MUTED, HEADING_SIZE)
    lines = [MathTex(t, font_size=FORMULA_SIZE, color=style.TEXT) for t in station.formulas]
    lines += [word_label(t, style.TEXT, HEADING_SIZE + 2) for t in station.texts]
    for part in [heading, *lines]:
        if part.width > room:
            smallest = SMALLEST_FORMULA / FORMULA_SIZE
            part.scale(max(room / part.width, smallest))
    content = VGroup(heading, *lines).arrange(DOWN, buff=LINE_GAP)
    frame = RoundedRectangle(corner_radius=0.15, width=BOX_WIDTH, height=BOX_HEIGHT, color=color,
                             stroke_width=2)
    content.move_to(frame)
    box = VGroup(frame, content)
    box.frame, box.heading, box.lines = frame, heading, VGroup(*lines)
    return box


def credits_card() -> VGroup:
    """The end card: "Credits" over one row per credit, its role muted and left of it."""
    rows = VGroup()
    size = style.SMALL_SIZE + 4  # 30 px of cap height at 1080p
    for role, lines in CREDITS:
        what = VGroup(*(word_label(line, style.TEXT, size) for line in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.12)
        rows.add(VGroup(word_label(role, style.MUTED, size), what))
    role_width = max(row[0].width for row in rows)
    for row in rows:
        row[1].next_to(row[0], RIGHT, buff=role_width - row[0].width + 0.5)
        row[1].shift((baseline(row[0]) - baseline(row[1][0])) * UP)  # the role on its first line
    rows.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
    heading = word_label("Thank you for watching", style.FOCUS, style.HEADING_SIZE)
    card = VGroup(heading, rows).arrange(DOWN, buff=0.8)
    room = config.frame_width - 2 * style.MARGIN
    if card.width > room:
        card.scale_to_fit_width(room)
    card.heading, card.rows = heading, rows
    return card.move_to(0)


def card_reading_seconds(card: VGroup) -> float:
    """How long the end card's texts take to read at style.READING_RATE."""
    texts = [m for m in card.get_family() if hasattr(m, "original_text")]
    return sum(len(t.original_text) for t in texts) / style.READING_RATE


class Recap(ExplainerScene):
    """The pipeline once for the example's first sentence, then the credits."""

    title = "The whole pipeline, once"

    def construct(self) -> None:
        self.numbers = recap(self.example, 0)
        self.sentence = self.example.sentences[0]
        self.show_title_card()
        self.lay_out()
        self.show_word()
        self.show_score()
        self.show_weights()
        self.show_values()
        self.show_heads()
        self.show_learned()
        self.show_credits()

    # -- beats

    def show_word(self) -> None:
        r = self.numbers
        self.say("word", f"Once more for {r.focus} in {quoted(self.sentence.text)}: x = {vector(r.x)}, "
                 f"query q = {vector(r.query)}.")
        # each station whole, its lines unseen until it is lit: what reads the frame in drawing
        # order (the transcript's alt text) reads a station's heading with its numbers
        outline = VGroup(*(VGroup(box.frame, box.heading, box.lines) for box in self.boxes), self.arrows)
        for box in self.boxes:
            box.frame.set_stroke(opacity=DIM)
            box.heading.set_opacity(DIM)
            box.lines.set_opacity(0)
        self.arrows.set_opacity(DIM)
        self.play(FadeIn(self.caption), FadeIn(outline), run_time=style.BEAT / 2)
        self.light(0, 1)

    def show_score(self) -> None:
        r = self.numbers
        self.say("score", f"Its query times {r.decider}'s key: {fmt(r.score_of(r.decider))}; over "
                 f"\u221ad_k = {fmt(r.root_d_k)}, {fmt(r.scaled_of(r.decider))}.")
        self.light(2, 3)

    def show_weights(self) -> None:
        r = self.numbers
        order = np.argsort(-r.weights, kind="stable")
        said = " and ".join(f"{r.tokens[j]} {fmt(float(r.weights[j]))}" for j in order[:2])
        self.say("weights", f"Softmax turns every word's scaled score into a weight: {said}.")
        self.light(4)

    def show_values(self) -> None:
        r = self.numbers
        line = f"Weights times values: {vector(r.mix)}"
        if r.updated is not None:
            line += f"; {r.focus} adds it to itself: {vector(r.updated)}"
            more = more_of(self.example, r)
            if more:
                line += f", more {more[0]}"
        self.say("values", line + ".")
        self.light(5, 6)

    def show_heads(self) -> None:
        r = self.numbers
        heads = f"{r.heads} heads side by side" if r.heads > 1 else "One head"
        self.say("heads", f"{heads}, W_O maps them back: {r.focus} becomes {vector(r.multi_updated)}.")
        self.light(7)

    def show_learned(self) -> None:
        self.say("learned", "Set by hand here; a next-word model such as GPT learns these matrices by "
                 "predicting the next word.")
        self.light(8)

    def show_credits(self) -> None:
        self.say("credits", f"Thank you for watching. This retold {TALK.speaker}'s talk; the credits are "
                 "on screen.")
        self.play(FadeOut(VGroup(self.caption, self.pipeline, self.arrows)), run_time=style.BEAT / 2)
        self.card = credits_card()
        self.card_shown = self.renderer.time  # the card starts to come in: reading starts
        self.play(FadeIn(self.card.heading, shift=0.2 * UP), run_time=style.BEAT / 2)
        self.play(LaggedStart(*(FadeIn(row) for row in self.card.rows), lag_ratio=0.2), run_time=style.BEAT)
        # the card is the last thing on screen: up as long as it takes to read every line of it
        short = card_reading_seconds(self.card) - (self.renderer.time - self.card_shown)
        if short > 0:
            self.wait(short)

    # -- layout and helpers

    def lay_out(self) -> None:
        """The caption on top, then the nine stations in a snake of three rows, and the arrows
        between them (built now, shown station by station)."""
        self.caption = sentence_caption(self.sentence.text, max_width=config.frame_width - 2 * style.MARGIN)
        self.caption.to_edge(UP, buff=style.MARGIN)
        self.stations = stations(self.example, self.numbers)
        boxes = [station_box(s) for s in self.stations]
        rows = [VGroup(*boxes[k:k + 3]) for k in range(0, len(boxes), 3)]
        for number, row in enumerate(rows):
            order = list(row) if number % 2 == 0 else list(row)[::-1]
            VGroup(*order).arrange(RIGHT, buff=BOX_GAP)
        self.pipeline = VGroup(*rows).arrange(DOWN, buff=ROW_GAP)
        self.pipeline.next_to(self.caption, DOWN, buff=0.35)
        self.boxes = boxes
        self.arrows = VGroup()
        for a, b in zip(boxes, boxes[1:], strict=False):
            if abs(a.get_center()[1] - b.get_center()[1]) < 1e-6:
                side = RIGHT if b.get_center()[0] > a.get_center()[0] else LEFT
                start, end = a.frame.get_edge_center(side), b.frame.get_edge_center(-side)
            else:
                start, end = a.frame.get_bottom(), b.frame.get_top()
            self.arrows.add(Arrow(start, end, buff=0.05, color=style.MUTED, stroke_width=3,
                                  max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=10))
        self.shown = -1
        self.color_words()

    def color_words(self) -> None:
        """The focus in its colour in the first station's heading, the decider in its own."""
        self.boxes[0].heading.set_color(style.FOCUS)
        self.boxes[2].heading.set_color(word_color(self.example, self.numbers.decider))

    def light(self, *numbers: int) -> None:
        """Fill in stations ``numbers``: their outlines in the focus colour, their headings and
        the arrows leading to them at full strength, their lines written; the stations filled
        in before keep their numbers and go back to muted outlines."""
        previous = [self.boxes[k].frame for k in range(self.shown + 1)]
        animations = [frame.animate.set_stroke(style.MUTED) for frame in previous]
        if animations:
            self.play(*animations, run_time=style.BEAT / 4)
        steps = []
        for k in numbers:
            box = self.boxes[k]
            if k > 0:
                steps.append(self.arrows[k - 1].animate.set_opacity(1))
            steps.append(AnimationGroup(box.frame.animate.set_stroke(style.FOCUS, opacity=1),
                                        box.heading.animate.set_opacity(1), box.lines.animate.set_opacity(1)))
        self.play(LaggedStart(*steps, lag_ratio=0.3), run_time=style.BEAT)
        self.shown = max(numbers)
        self.settle()

    def say(self, name: str, narration: str, spoken: str | None = None) -> None:
        """A beat whose start is noted, so that :meth:`settle` can hold its result."""
        self.beat(name, narration, spoken=spoken)
        self._said = (narration, self.renderer.time)

    def settle(self) -> None:
        """Hold the beat's picture until its sentence could be read (at most
        :data:`NUMBERS_RATE` characters a second when it says three or more numbers), or has
        been spoken (with the voice), and :data:`RESULT_HOLD` seconds more."""
        narration, start = self._said
        count = sum(1 for part in narration.replace(",", " ").split() if _is_number(part))
        rate = NUMBERS_RATE if count >= 3 else style.READING_RATE
        # the base's length of the beat's speech and pause, 0 when silent
        spoken = getattr(self, "_spoken_seconds", 0.0)
        reading = max(len(narration) / rate, reading_seconds(narration), spoken)
        short = reading + RESULT_HOLD - (self.renderer.time - start)
        if short > 1e-6:
            self.wait(short)


def _is_number(word: str) -> bool:
    """Whether ``word`` (a piece of a sentence) is a decimal number such as ``1.50)``."""
    try:
        float(word.strip("().;:"))
    except ValueError:
        return False
    return "." in word
