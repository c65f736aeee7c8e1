r"""Values and the residual: the ambiguous word keeps itself and adds the weighted values.

    \vec v_j = \vec x_j W_V          \vec x\,' = \vec x + \sum_j w_j \vec v_j

W_V is one more map: it sends every word to its value, what it hands on; once the plane has
moved, its dots are values (named v_word), its axes say only "1st number" and "2nd number" and a
legend says "dots: values". The weights are the head's own, softmax(q . k / sqrt(d_k)), the very
numbers the keys chapter showed (where sqrt(d_k) was introduced): the narration refers back.
From the tip of the focus's own vector x the weighted values are laid tip to tail (the
negligible ones grouped as "the rest"); the next beat, with nothing else moving, says where the
focus lands, exactly on the core's x + sum_j w_j v_j: the same shape of update as the gravity
chapter's x + sum_j w_j (x_j - x), with learned values in place of the arrows. The same word ends
somewhere else in the other sentence; both end points stay on screen. While the cosine with the
decider is said, the decider's own embedding (not its value) is drawn faint, with a dashed ray
from the origin. No sentence says more than two numbers while the figure changes.

Every statement comes from :mod:`attention_content.story`: "x + sum w v turns the focus toward its
decider" is said only when the claim ``update_toward_decider`` holds.

Render: ``manim -ql scenes/value_vectors.py ValueVectors`` (from the repo root).
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
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    ManimColor,
    MathTex,
    Mobject,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    config,
)

from attention_content import story as facts
from attention_content.example_types import Example, ExampleError, Sentence
from attention_core import AttentionTrace
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, sentence_caption, word_color, word_label
from scenes.components.captions import shorten
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.labels import Rung, axis_lines, name_apart, name_on_plane, name_with_leader, place
from scenes.components.maps import apply_map, matrix_tex, plane_grid
from scenes.components.words import along, is_named, shown_labels
from scenes.keys_and_queries import (
    AXIS_NAMES,
    BAR_WIDTH,
    LEGEND_GAP,
    LEGEND_ROOM,
    column_left,
    legend_in_corner,
    quoted,
    right_of_plane,
    shared_plane,
    subscripted,
    tick_numbers,
    unname_over_marks,
    vec_text,
)
from scenes.style import fmt

__all__ = ["Chain", "ValueVectors", "chain", "cosine_text"]

SMALL_WEIGHT = 0.05  # values with a smaller weight are added together as "+ the rest"
MAX_TERMS = 5  # at most this many values are drawn one by one; the others join the rest
NAMED_TERMS = 2  # the narration names at most this many
SHORTEST_ARROW = 0.06  # scene units: a shorter step is not drawn as an arrow
COLUMN_WIDTH = BAR_WIDTH  # the right-hand column of formulas, beside the shared plane
COLUMN_GROW = 1.25  # the column's formulas are drawn up to this much larger when there is room
LINE_GAP = 0.14  # between lines of the column
BLOCK_GAP = 0.3  # between blocks of the column
NOTE_SIZE = 22  # the column's lines of words ("+ the rest", the cosine, the sentences): 30 px
TAG_ROOM = 0.1  # a word's label keeps this far from the x and x' labels
FADED = 0.35  # the first sentence's result once the second one is drawn
VALUE_TAG = 0.75  # a name on the plane, v (or x) with the word under it: the symbol this much of a formula's
NAME_SIZE = style.SMALL_SIZE  # and the word as large as the words' names on the plane
EMBEDDING_OPACITY = 0.55  # the decider's own embedding, drawn faint while its cosine is said
# x's and x''s names: off the arrows, the axes and the value dots, else over an axis, else a dot.
X_TAG = (Rung(("names", "lines", "axes", "dots", "taken")), Rung(("names", "lines", "dots", "taken")),
         Rung(("names", "lines", "taken")))
# The decider's embedding's name: off the arrows, the axes and what is named, else over an axis.
EMBEDDING_NAME = (Rung(("names", "arrows", "marks", "labels"), nearest=True),
                  Rung(("names", "arrows", "labels"), nearest=True))


@dataclass(frozen=True)
class Chain:
    """The focus's residual update in sentence ``k``, as the scene lays it tip to tail.

    Attributes:
        x: the focus's own vector, shape (2,).
        weights: the head's attention weights of the focus, shape (n,).
        values: every word's value x_j W_V, shape (n, 2).
        terms: the words drawn one by one, heaviest first (weight >= SMALL_WEIGHT).
        rest: the other words, added together.
        points: x, then x plus each drawn term in turn, then plus the rest (if any);
            the last is ``update``.
        update: x + sum_j w_j v_j (:func:`attention_content.story.focus_update`).
    """

    k: int
    sentence: Sentence
    trace: AttentionTrace
    x: np.ndarray
    weights: np.ndarray
    values: np.ndarray
    terms: tuple[int, ...]
    rest: tuple[int, ...]
    points: tuple[np.ndarray, ...]
    update: np.ndarray

    @property
    def rest_weight(self) -> float:
        return float(sum(self.weights[j] for j in self.rest))


@dataclass
class Drawn:
    """What the plane shows of one sentence's update: its steps tip to tail (the ones long
    enough to see), the result arrow from the origin, the labels of x and x', and invisible
    dots along every arrow (labels keep off them)."""

    steps: list[Arrow]
    result: Arrow
    x_tag: Mobject
    result_tag: Mobject
    lines: list[Mobject]


def cosine_text(c: float) -> str:
    """A cosine as printed: two decimals, or more where two would round it to 1 (or -1), which a
    cosine is only for vectors pointing the same way.

    >>> cosine_text(0.843), cosine_text(0.9976), cosine_text(1.0)
    ('0.84', '0.998', '1.00')
    """
    places = style.DECIMALS
    while abs(float(f"{c:.{places}f}")) == 1.0 and abs(c) < 1.0 and places < 6:
        places += 1
    return fmt(c, places)


def chain(example: Example, k: int) -> Chain:
    """Sentence ``k``'s residual update, its terms chosen and its partial sums laid out."""
    sentence = example.sentences[k]
    trace = facts.focus_attention(example, k)
    i = sentence.focus_index
    weights, values = trace.weights[i], trace.values
    heavy = [int(j) for j in np.argsort(-weights, kind="stable") if weights[j] >= SMALL_WEIGHT][:MAX_TERMS]
    rest = tuple(j for j in range(len(weights)) if j not in heavy)
    x = trace.inputs[i]
    points = [x]
    for j in heavy:
        points.append(points[-1] + weights[j] * values[j])
    if rest:
        points.append(points[-1] + sum((weights[j] * values[j] for j in rest), np.zeros(2)))
    update = facts.focus_update(example, k)
    return Chain(k, sentence, trace, x, weights, values, tuple(heavy), rest, tuple(points), update)


class ValueVectors(ExplainerScene):
    """W_V sends words to their values; x keeps itself and adds the weighted values."""

    title = "Values: what moves a word"

    def construct(self) -> None:
        self.example.require_planar("the values scene")
        self.head = self.example.heads[0]
        if self.head.value.shape != (2, 2):
            raise ExampleError(self.example.path, [
                f"heads[1].value: the values scene adds values to the words in the plane, so W_V must be "
                f"2x2; this one is {self.head.value.shape[0]}x{self.head.value.shape[1]}"])
        self.shown = range(min(2, len(self.example.sentences)))
        self.chains = [chain(self.example, k) for k in self.shown]
        self.show_title_card()
        self.map_to_values()
        self.show_weights(self.chains[0])
        self.show_residual()
        self.lay_tip_to_tail(self.chains[0])
        self.say_where_it_lands(self.chains[0])
        self.compare_with_gravity()
        self.say_where_it_turned()
        if len(self.chains) > 1:
            self.other_sentence(self.chains[1])
            self.compare_sentences()
        self.wait(style.BEAT)

    # -- drawing

    def arrow(self, start: np.ndarray, end: np.ndarray, color: ManimColor, width: float = 5) -> Arrow:
        """An arrow on the plane between two points (``coords`` holds them)."""
        a = Arrow(self.plane.point(start), self.plane.point(end), buff=0, color=color, stroke_width=width,
                  max_tip_length_to_length_ratio=0.2, max_stroke_width_to_length_ratio=12)
        a.coords = (np.asarray(start), np.asarray(end))
        return a

    def draw(self, c: Chain) -> Drawn:
        """Sentence ``c``'s arrows and its x' label (x's label once, for every sentence), placed
        off the arrows, the axes, every value dot and the labels placed before."""
        steps = [self.arrow(a, b, self.step_color(c, n))
                 for n, (a, b) in enumerate(zip(c.points, c.points[1:], strict=False))]
        steps = [a for a in steps if a.get_length() >= SHORTEST_ARROW]
        result = self.arrow(np.zeros(2), c.update, style.FOCUS, 6)
        if not hasattr(self, "x_arrow"):
            self.x_arrow = self.arrow(np.zeros(2), c.x, style.FOCUS, 4)
        arrows = (self.x_arrow, *steps, result, *(d.result for d in self.drawn))
        lines = [dot for a in arrows for dot in along(a)]
        axes = [*axis_lines(self.plane), *tick_numbers(self.plane)]
        dots = [Dot(self.plane.point(v), radius=0.07) for ch in self.chains for v in ch.values]
        taken = [t for d in self.drawn for t in (d.x_tag, d.result_tag)] + [self.legend]
        tags: list[Mobject] = []
        for tex, coords in ((r"\vec x", c.x), (rf"\vec x\,'_{c.k + 1}", c.update)):
            if tex == r"\vec x" and self.drawn:
                tags.append(self.drawn[0].x_tag)
                continue
            tag = WordDot(self.plane, "x", coords, style.FOCUS)
            tag.relabel(MathTex(tex, color=style.FOCUS).scale(style.MATH_SCALE))
            marks = {"names": [self.plane.x_name, self.plane.y_name], "lines": lines, "axes": axes,
                     "dots": dots, "taken": taken}
            if not place([tag], X_TAG, marks, self.plane):
                tag.show_label()  # nowhere free: shown where it was tried last
            tags.append(tag.label)
            taken.append(tag.label)
        drawn = Drawn(steps, result, tags[0], tags[1], lines)
        self.drawn.append(drawn)
        return drawn

    def step_color(self, c: Chain, n: int) -> ManimColor:
        """A drawn term takes its word's colour; the rest is muted."""
        if n < len(c.terms):
            return word_color(self.example, c.sentence.tokens[c.terms[n]])
        return style.MUTED

    def value_dots(self, c: Chain) -> VGroup:
        """The sentence's words as dots at their values, heaviest named first, labels clear of
        the axis names, every arrow and the x and x' labels drawn so far; a word of "the rest"
        whose name finds no spot off the axes and their tick values, or the focus's whose finds
        none off the arrows, is named a little away with a line to its dot
        (:func:`~scenes.components.labels.name_with_leader`), or left unnamed if even that fails."""
        s = c.sentence
        dots = [self.value_dot(w, c.values[j]) for j, w in enumerate(s.tokens)]
        order = sorted(range(len(dots)), key=lambda j: (j != s.focus_index, -c.weights[j]))
        tags = [t for d in self.drawn[: c.k + 1] for t in (d.x_tag, d.result_tag)]
        avoid = [*self.drawn[c.k].lines, *(SurroundingRectangle(t, buff=TAG_ROOM) for t in tags), self.legend]
        name_apart(self.plane, [dots[j] for j in order], avoid)
        # a word of "the rest" is left unnamed rather than named over an axis or a tick value
        unname_over_marks(self.plane, [dots[j] for j in c.rest])
        focus = dots[s.focus_index]
        lines = self.drawn[c.k].lines
        for j in (s.focus_index, *c.rest):  # a bare dot is named a little away, with a line to it
            if not is_named(dots[j]):  # (the line may cross an axis or an arrow; the name may not)
                others = [d.dot for d in dots if d is not dots[j]]
                labels = shown_labels(dots)
                marks = [*tick_numbers(self.plane), self.plane.x_name, self.plane.y_name]
                name_with_leader(self.plane, dots[j], [*avoid[len(lines):], *marks, *others, *labels], others,
                                 crossable=[*axis_lines(self.plane), *lines])
        if not is_named(focus):  # its value sits on the arrows (W_V near the identity): name it over them
            focus.show_label()
            name_on_plane(self.plane, [focus], [*avoid[len(self.drawn[c.k].lines):], *(d.dot for d in dots),
                                                *shown_labels([d for d in dots if d is not focus])],
                          rivals=[d.dot for d in dots if d is not focus])
        return VGroup(*dots)

    def value_dot(self, word: str, coords: np.ndarray) -> WordDot:
        """A word's value on the plane, named as a value: v with the word as its subscript."""
        color = word_color(self.example, word)
        dot = WordDot(self.plane, word, coords, color)
        dot.relabel(subscripted(r"\vec v", word, style.VALUE, color, NAME_SIZE, VALUE_TAG))
        return dot

    def column(self, *blocks: Mobject, grow: float = COLUMN_GROW) -> float:
        """Stack ``blocks`` under the caption, left-aligned on the right-hand column, all grown
        together (from their own size) up to ``grow`` as far as the column's width and the
        frame's margin allow, or shrunk when even their own size reaches below it. Returns
        the factor they took."""
        left = right_of_plane(self.plane)  # a wide plane's ticks and axis name keep the column right
        width = min(COLUMN_WIDTH, config.frame_width / 2 - style.MARGIN - left)
        room = self.caption.get_bottom()[1] - (-config.frame_height / 2 + style.MARGIN)
        for block in blocks:  # back to the size each was made at
            block.scale(1 / getattr(block, "column_scale", 1.0))
        needed = sum(b.height for b in blocks) + BLOCK_GAP * len(blocks)
        shrink = min(grow, room / needed, width / max(b.width for b in blocks))
        above: Mobject = self.caption
        for block in blocks:
            block.scale(shrink)
            block.column_scale = shrink
            block.next_to(above, DOWN, buff=BLOCK_GAP * shrink)
            block.shift((left - block.get_left()[0]) * RIGHT)
            above = block
        return shrink

    def term_lines(self, c: Chain) -> VGroup:
        """One line per drawn value, ``+ 0.82 x v_orange``, then ``+ the rest`` if any."""
        lines = VGroup()
        for j in c.terms:
            word = c.sentence.tokens[j]
            times = MathTex(r"+\ " + fmt(c.weights[j]) + r"\times", color=style.TEXT).scale(style.MATH_SCALE)
            line = VGroup(times,
                          subscripted(r"\vec v", word, style.VALUE, word_color(self.example, word)))
            line.arrange(RIGHT, buff=0.1)
            line[1].shift((line[0].get_center()[1] - line[1][0].get_center()[1]) * UP)
            line.weight = c.weights[j]
            lines.add(line)
        if c.rest:
            n = len(c.rest)
            rest = word_label(f"+ the rest: {n} word{'s' if n > 1 else ''}, {fmt(c.rest_weight)} in all",
                              style.MUTED, NOTE_SIZE)
            rest.weight = c.rest_weight
            lines.add(rest)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)
        printed = sum(float(fmt(line.weight)) for line in lines)
        if fmt(printed) != fmt(c.weights.sum()):  # rounding shows: say what they add up to
            lines.add(word_label(f"rounded; the weights add up to {fmt(c.weights.sum())}", style.MUTED,
                                 NOTE_SIZE))
            lines.arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)
        return lines

    def result_line(self, c: Chain) -> MathTex:
        u = c.update
        return MathTex(rf"\vec x\,'_{c.k + 1} = ({fmt(u[0])},\ {fmt(u[1])})", color=style.FOCUS).scale(
            style.MATH_SCALE)

    # -- beats

    def map_to_values(self) -> None:
        c = self.chains[0]
        self.beat("values", "The value matrix W_V is one more map: a word's value, v = x W_V, is what it "
                  "hands on.")
        self.plane = shared_plane(self.example)
        self.grid = plane_grid(self.plane)
        dots = VGroup(*(WordDot(self.plane, w, c.trace.inputs[j], word_color(self.example, w))
                        for j, w in enumerate(c.sentence.tokens)))
        name_apart(self.plane, list(dots), [])  # the embeddings, on the embeddings' axes
        self.embedding_dots = dots
        # everything after is laid out on the axes as the values' plane names them
        self.plane.rename_axes(*AXIS_NAMES)
        self.legend = self.build_legend()
        self.drawn: list[Drawn] = []
        for ch in self.chains:
            self.draw(ch)
        self.x_tag = self.drawn[0].x_tag
        self.caption = self.caption_for(c)
        self.build_column(c)
        self.w_v = matrix_tex("W_{V}", self.head.value, style.VALUE)
        self.w_v.matrix = self.head.value
        self.w_v.next_to(self.value_formula, DOWN, buff=BLOCK_GAP).align_to(self.value_formula, LEFT)
        self.dots = self.value_dots(c)
        self.plane.rename_axes(self.example.x_axis, self.example.y_axis)  # first, the embeddings
        self.play(Create(self.grid), Create(self.plane), FadeIn(self.caption), FadeIn(dots),
                  run_time=style.BEAT)
        old_names = self.plane.rename_axes(*AXIS_NAMES)  # the dots become values: no "fruit" axis
        self.add(*old_names)
        self.play(FadeIn(self.w_v), FadeIn(self.value_formula), run_time=style.BEAT / 2)
        # the dots move; the words' names leave and the values' names come (no word morphs into v_word)
        self.play(apply_map(self.grid, self.head.value, self.plane),
                  *(ReplacementTransform(d.dot, t.dot) for d, t in zip(dots, self.dots, strict=True)),
                  FadeOut(*shown_labels(dots)), FadeIn(*shown_labels(self.dots, leaders=True)),
                  FadeOut(*old_names), FadeIn(self.plane.x_name, self.plane.y_name, self.legend),
                  run_time=style.SLOW)
        self.remove(*(m for t in self.dots for m in (t.dot, t.label)))
        self.add(*self.dots)  # each value's dot and name, one group again
        self.play(self.grid.animate.set_stroke(opacity=0.4), run_time=style.BEAT / 2)

    def build_legend(self) -> VGroup:
        """What the dots are once they move: values (x and x' are named on their arrows), in a
        corner of the plane no point of the chapter covers."""
        legend = VGroup(word_label("dots: values, v = x W_V", style.VALUE, style.SMALL_SIZE))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=LEGEND_GAP)
        points = [p for c in self.chains for p in (*c.trace.inputs, *c.values, *c.points)]
        points += [self.example.words[facts.decider(self.example, c.k)] for c in self.chains]
        return legend_in_corner(self.plane, legend, np.array(points),
                                right=right_of_plane(self.plane) - LEGEND_ROOM)

    def caption_for(self, c: Chain) -> Mobject:
        """Sentence ``c``'s caption, at the top of the right-hand column."""
        caption = sentence_caption(c.sentence.text, max_width=COLUMN_WIDTH)
        caption.to_edge(UP, buff=style.MARGIN)
        return caption.shift((column_left() - caption.get_left()[0]) * RIGHT)

    def build_column(self, c: Chain) -> None:
        """Every formula of the right-hand column, laid out once so that none moves when the
        next one comes: v = x W_V, the weights, the update, its terms (a slot as tall as either
        sentence's), where the focus lands, gravity's update and the cosine with the decider."""
        self.value_formula = MathTex(r"\vec v_j = \vec x_j W_{V}", color=style.VALUE).scale(style.MATH_SCALE)
        self.weights_formula = MathTex(r"w_j = \mathrm{softmax}_j\!"
                                       r"\left(\vec q \cdot \vec k_j / \sqrt{d_k}\right)",
                                       color=style.MUTED).scale(style.MATH_SCALE)
        self.formula = MathTex(r"\vec x\,' = \vec x + \sum\nolimits_j w_j \vec v_j", color=style.TEXT)
        self.formula.scale(style.MATH_SCALE)
        self.gravity_formula = MathTex(r"\text{gravity: } \vec x\,' = \vec x"
                                       r" + \sum\nolimits_j w_j (\vec x_j - \vec x)",
                                       color=style.MUTED).scale(style.MATH_SCALE)
        self.term_blocks = [self.term_lines(ch) for ch in self.chains]
        self.results = [self.result_line(ch) for ch in self.chains]
        self.lines, self.result = self.term_blocks[c.k], self.results[c.k]
        self.lines_slot = Rectangle(width=max(b.width for b in self.term_blocks),
                                    height=max(b.height for b in self.term_blocks)).set_opacity(0)
        self.turn = self.turn_line()
        self.column_factor = factor = self.column(*self.blocks())
        for block in self.term_blocks:
            block.scale(factor).move_to(self.lines_slot, aligned_edge=UP + LEFT)
        for result in self.results[1:]:
            result.scale(factor).move_to(self.result, aligned_edge=UP + LEFT)

    def blocks(self) -> list[Mobject]:
        """The right-hand column, top to bottom (the terms' slot in place of the terms)."""
        return [self.value_formula, self.weights_formula, self.formula, self.lines_slot, self.result,
                self.gravity_formula, self.turn]

    def weights_said(self, c: Chain) -> str:
        """The weights of the first terms: the keys chapter's, softmax(q . k / sqrt(d_k))."""
        named = ", ".join(f"{c.sentence.tokens[j]} {fmt(c.weights[j])}" for j in c.terms[:NAMED_TERMS])
        return f"The weights are the keys chapter's, softmax of q · k / √d_k: {named}."

    def show_weights(self, c: Chain) -> None:
        self.beat("weights", self.weights_said(c))
        self.play(FlatFadeOut(self.w_v), run_time=style.BEAT / 2)
        self.play(FadeIn(self.weights_formula), FadeIn(self.lines), run_time=style.BEAT)

    def show_residual(self) -> None:
        focus = self.chains[0].sentence.focus
        self.beat("residual", f"The residual: {focus} keeps itself, x, and adds the weighted values: "
                  "x' = x + Σ w v.")
        self.play(FadeIn(self.formula), Create(self.x_arrow), FadeIn(self.x_tag), run_time=style.BEAT)

    def lay_tip_to_tail(self, c: Chain) -> None:
        s = c.sentence
        first = s.tokens[c.terms[0]]
        self.beat(f"tip to tail {c.k + 1}", f"From x's tip, each weighted value is laid tip to tail, "
                  f"{first}'s first: {fmt(c.weights[c.terms[0]])} × its value.")
        for step in self.drawn[c.k].steps:
            self.play(Create(step), run_time=style.BEAT / 2)

    def say_where_it_lands(self, c: Chain) -> None:
        """Where the focus lands, said while only the result comes in."""
        self.beat(f"lands {c.k + 1}", f"{c.sentence.focus} lands at {vec_text(c.update)}: x' = x + Σ w v.")
        drawn = self.drawn[c.k]
        self.play(Create(drawn.result), FadeIn(drawn.result_tag), FadeIn(self.results[c.k]),
                  run_time=style.BEAT)

    def compare_with_gravity(self) -> None:
        self.beat("gravity", "The same shape as gravity's x' = x + Σ w (x_j − x), with learned values in "
                  "place of the arrows.")
        self.play(FadeIn(self.gravity_formula), run_time=style.BEAT)

    def say_where_it_turned(self) -> None:
        c = self.chains[0]
        d = facts.decider(self.example, 0)
        before, after = facts.decider_cosines(self.example, 0)
        if facts.claim(self.example, "update_toward_decider", 0).holds:
            said = (f"x + Σ w v turns {c.sentence.focus} toward {d}: its cosine with {d} goes from "
                    f"{cosine_text(before)} to {cosine_text(after)}.")
        else:
            said = (f"Its cosine with {d} goes from {cosine_text(before)} to {cosine_text(after)}: no clear "
                    f"turn toward {d}.")
        self.beat("turn", said)
        self.decider_embedding = self.embedding_of(d)
        self.play(FadeIn(self.turn), Create(self.decider_embedding[0]), FadeIn(*self.decider_embedding[1:]),
                  run_time=style.BEAT)

    def embedding_of(self, word: str) -> VGroup:
        """``word``'s own embedding (not its value), faint: a dashed ray from the origin, a dot
        and its name x_word, placed off every arrow, dot and label on the plane."""
        coords = self.example.words[word]
        color = word_color(self.example, word)
        ray = DashedLine(self.plane.point((0, 0)), self.plane.point(coords), color=color,
                         stroke_width=3).set_opacity(EMBEDDING_OPACITY)
        dot = WordDot(self.plane, word, coords, color)
        dot.relabel(subscripted(r"\vec x", word, style.TEXT, color, NAME_SIZE, VALUE_TAG))
        dot.dot.set_opacity(EMBEDDING_OPACITY)
        drawn = self.drawn[0]
        arrows = [*drawn.lines, *along(ray)]
        shown = list(self.dots)
        labels = [*shown_labels(shown), drawn.x_tag, drawn.result_tag, self.legend,
                  *(v.dot for v in shown)]
        marks = [*axis_lines(self.plane), *tick_numbers(self.plane)]
        sets = {"names": [self.plane.x_name, self.plane.y_name], "arrows": arrows, "marks": marks,
                "labels": labels}
        place([dot], EMBEDDING_NAME, sets, self.plane, [v.dot for v in shown])
        dot.coords = np.asarray(coords)
        return VGroup(ray, dot)

    def turn_line(self) -> VGroup:
        """``cosine with orange: 0.84 -> 1.00``, the first sentence's focus before and after."""
        d = facts.decider(self.example, 0)
        before, after = facts.decider_cosines(self.example, 0)
        change = MathTex(cosine_text(before) + r"\ \to\ " + cosine_text(after)).scale(style.MATH_SCALE * 0.85)
        turn = VGroup(word_label(f"cosine with {d}:", style.TEXT, NOTE_SIZE), change)
        return turn.arrange(RIGHT, buff=0.15)

    def other_sentence(self, c: Chain) -> None:
        s = c.sentence
        top = c.terms[0]
        self.beat("other sentence", f"In {quoted(s.text)}, {s.tokens[top]} takes the most weight, "
                  f"{fmt(c.weights[top])}, and the values are laid tip to tail again.")
        first = self.chains[0]
        caption = self.caption_for(c)
        dots = self.value_dots(c)
        lines, result = self.term_blocks[c.k], self.results[c.k]
        old_caption, self.caption = self.caption, caption
        drawn, first_drawn = self.drawn[c.k], self.drawn[first.k]
        # the first sentence's words, terms and numbers leave before the second's come
        self.play(FlatFadeOut(old_caption, *self.dots, self.lines, self.result, self.turn,
                              *first_drawn.steps, *self.decider_embedding),
                  first_drawn.result.animate.set_opacity(FADED),
                  first_drawn.result_tag.animate.set_opacity(FADED),
                  run_time=style.BEAT / 2)
        self.play(FlatFadeIn(caption, *dots, lines), run_time=style.BEAT / 2)
        for step in drawn.steps:
            self.play(Create(step), run_time=style.BEAT / 2)
        self.dots, self.lines, self.result = dots, lines, result
        self.beat("lands 2", f"The same {s.focus} lands somewhere else: at {vec_text(c.update)}.")
        self.play(Create(drawn.result), FadeIn(drawn.result_tag), FadeIn(result), run_time=style.BEAT)

    def compare_sentences(self) -> None:
        a, b = self.chains
        focus = a.sentence.focus
        da, db = facts.decider(self.example, 0), facts.decider(self.example, 1)
        if all(facts.claim(self.example, "update_toward_decider", k).holds for k in (0, 1)):
            said = f"One {focus}, two places: toward {da} in the first sentence, toward {db} in the second."
        else:
            said = f"One {focus}, two sentences, two places: the context moves it."
        self.beat("compare", said)
        rows = VGroup()
        for c in self.chains:  # the sentence, and under it where the focus ends
            row = VGroup(word_label(quoted(shorten(c.sentence.text, 40)), style.MUTED, NOTE_SIZE),
                         self.result_line(c))
            row.arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)
            rows.add(row)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=BLOCK_GAP)
        rows.scale(self.column_factor)
        gap = BLOCK_GAP * self.column_factor
        room = self.lines_slot.get_top()[1] - self.gravity_formula.get_top()[1] - gap
        if rows.height > room:  # in place of the terms and the result, above gravity's formula
            rows.scale(room / rows.height)
        rows.move_to(self.lines_slot, aligned_edge=UP + LEFT)
        self.comparison = rows
        self.play(FlatFadeOut(self.lines, self.result),
                  *(m.animate.set_opacity(1.0) for m in (self.drawn[0].result, self.drawn[0].result_tag)),
                  run_time=style.BEAT / 2)
        self.play(FlatFadeIn(rows), run_time=style.BEAT / 2)
        self.lines = VGroup()

    # -- for tests

    def labels_on_screen(self) -> list[Mobject]:
        """Every label, formula and block of text now on screen, each as one box."""
        if not hasattr(self, "plane"):
            return []
        on = set()
        for m in self.mobjects:
            on.update(id(x) for x in m.get_family())
        candidates: list[Mobject] = [self.plane.x_name, self.plane.y_name, self.caption, self.w_v]
        for name in ("value_formula", "formula", "gravity_formula", "weights_formula", "result", "turn",
                     "comparison"):
            if hasattr(self, name):
                candidates.append(getattr(self, name))
        candidates += list(getattr(self, "lines", []))
        candidates += shown_labels(self.dots)
        candidates += [t for d in getattr(self, "drawn", []) for t in (d.x_tag, d.result_tag)]
        candidates += [*getattr(self, "legend", [])]
        if hasattr(self, "decider_embedding") and is_named(self.decider_embedding[1]):
            candidates.append(self.decider_embedding[1].label)
        unique = {id(m): m for m in candidates}  # every sentence shares x's label
        return [m for m in unique.values() if id(m) in on]

    def word_dots_on_screen(self) -> list[WordDot]:
        """The dots now on screen: the embeddings, then the values, and the decider's embedding."""
        on = {id(x) for m in self.mobjects for x in m.get_family()}
        dots = [*getattr(self, "embedding_dots", []), *getattr(self, "dots", [])]
        if hasattr(self, "decider_embedding"):
            dots.append(self.decider_embedding[1])
        return [d for d in dots if id(d.dot) in on]

    def arrows_on_screen(self) -> list[Arrow]:
        """The arrows now on screen: x, the steps and the results."""
        on = {id(x) for m in self.mobjects for x in m.get_family()}
        arrows = [a for d in getattr(self, "drawn", []) for a in (*d.steps, d.result)]
        arrows += [self.x_arrow] if hasattr(self, "x_arrow") else []
        return [a for a in arrows if id(a) in on]
