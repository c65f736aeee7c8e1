r"""Context as gravity: the words of a sentence pull the ambiguous word toward them.

    w_j = softmax_j(\vec x \cdot \vec x_j / T)
    \vec x\,' = \vec x + \sum_j w_j (\vec x_j - \vec x) = \sum_j w_j \vec x_j

Each word of the sentence pulls the ambiguous word along the arrow toward it, as hard as
its weight (thicker arrows pull harder). The plane is the example's shared one
(``plane_scale``: the same ranges, unit and ticks in every chapter, tick values written);
word labels and numbers keep clear of its tick values and axes. The table beside the plane
lists, for each word, its dot product with the focus, its weight (the next chapter,
softmax, turns dot products into weights) and its pull ``w_j (x_j - x)``. The word with the
largest dot product pulls hardest: the scene boxes that dot product beside the weight
(distance is not what decides the weight, and the table does not list it). The weights and
pulls are printed to :data:`TABLE_DECIMALS` places (a weight that would print 0.00 still
shows what it pulls), each column rounded so that it adds up (:func:`rounded_to_add_up`):
the sum row is the exact sum rounded, and a student who adds the printed column gets it. The
update is ONE step: the pulls, added tip to tail, carry the word to ``x'``, which is the
weighted average ``sum_j w_j x_j`` because the weights add up to 1. The video plays that step in slow
motion (``knobs.pull_steps`` frames of it); when an example sets ``knobs.pull_strength``
below 1 the word moves only that fraction of the step, and the scene says it is the
video's setting, not attention. In the other sentence the same word is pulled elsewhere:
context decides.

What the narration asserts comes from :mod:`attention_content.story`: "moves toward the decider"
only when ``pull_toward_decider`` holds; otherwise it says what the numbers show.

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
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    ManimColor,
    MathTex,
    Mobject,
    SurroundingRectangle,
    Text,
    TracedPath,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    Write,
    config,
    smooth,
)

from attention_content.story import claim, decider, gravity, gravity_distances
from attention_core import ContextPullTrace
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, boxes_overlap, place_labels, word_color, word_label
from scenes.components.captions import quoted as q
from scenes.components.captions import shorten, wrapped_label
from scenes.components.flat import FlatFadeIn
from scenes.components.labels import label_words, nearest_is_own, plane_marks
from scenes.components.words import LABEL_BUFF, is_named, named, plane_scale
from scenes.gravity_plane import (
    ARROW_NUMBER_WEIGHT,
    beside,
    drawn_parts,
    first_third,
    fits,
    free_side,
    pull_arrows,
    pull_lines,
    side_on_the_way,
    target_marker,
    tip_to_tail,
)
from scenes.gravity_table import (
    MAX_TERMS,
    TABLE_DECIMALS,
    Row,
    lay_out_table,
    printed,
    rounded_to_add_up,
    shown_terms,
    step_formula,
    vec_text,
)
from scenes.style import fmt

__all__ = ["ARROW_NUMBER_WEIGHT", "MAX_TERMS", "TABLE_DECIMALS", "GravityPull", "Row", "SentenceShown",
           "plane_marks", "printed", "rounded_to_add_up", "shown_terms"]

PANEL_GAP = 0.45  # between the plane and the panel on its right
CAPTION_SIZES = ((style.BODY_SIZE, 1), (style.LABEL_SIZE, 2), (style.SMALL_SIZE, 3))
LEGEND_CHARS = 36  # a sentence in the closing legend is shortened to about this many characters
SAID_CHARS = 28  # a sentence in the narration is shortened to about this many characters
INDENT = 0.4  # the lines that continue a formula
MARK = style.TEXT  # the boxes that point at the cells a line talks about


@dataclass
class SentenceShown:
    """What the scene drew for one sentence (tests read the numbers back from these)."""

    arrows: VGroup  # the pull arrows from the focus toward each word
    arrow_numbers: VGroup
    rows: list[Row]
    more: VGroup  # "+ k more words" when the table shows only the strongest
    sums: VGroup  # the sum row: [weight sum, pull sum], of the printed numbers (and the words left out)
    formula: VGroup  # x' = x + sum w (x_j - x); = numbers; = sum w x (weighted average); [setting]
    chain: VGroup  # the pulls drawn tip to tail (short ones are not drawn)
    chain_points: list[np.ndarray]  # scene points: the focus, then the tip after each pull
    path: VMobject
    mover: WordDot
    distances: VGroup  # the dashed lines to the decider, before and after, each with its number
    # where it has room (the legend, last, says both)
    dots: VGroup  # the other words of the sentence (named ones are WordDots, the rest bare dots)


class GravityPull(ExplainerScene):
    """Context words pull the ambiguous word; one step carries it to their weighted average."""

    title = "Context as gravity"

    def construct(self) -> None:
        self.example.require_planar("the gravity pull scene")
        self.sentences = list(self.example.sentences[:2])
        self.pulls: list[ContextPullTrace] = [gravity(self.example, k) for k in range(len(self.sentences))]
        self.ends: list[WordDot] = []
        self.shown: list[SentenceShown] = []
        self.lines: dict[str, str] = {}  # beat name -> narration, for the tests
        self.show_title_card()
        self.show_plane()
        for k in range(len(self.sentences)):
            if k == 0:
                self.show_pulls(k)
                self.name_the_hardest(k)
                self.explain_the_weights()
                self.add_tip_to_tail(k)
                self.show_the_focus_own_pull(k)
                self.move_in_slow_motion(k)
                self.measure_toward_decider(k)
            else:
                self.show_pulls(k, with_hardest=True)
                self.add_tip_to_tail(k, with_move=True)
                self.measure_toward_decider(k)
            self.land_on_the_average(k)
        self.compare_end_points()
        self.wait(style.BEAT)

    def say(self, name: str, narration: str) -> None:
        """Start a beat and keep its line under its name."""
        self.lines[name] = narration
        self.beat(name, narration)

    # -- what the narration says (from the story module's facts and claims)

    def hardest_line(self, k: int) -> str:
        """The word that pulls hardest, with its dot product (what its weight comes from: the
        largest dot product makes the largest weight) and its weight."""
        s, trace = self.sentences[k], self.pulls[k]
        i, j = s.focus_index, self.heaviest(k)
        # the focus's own dot product may be larger still (its own pull has no length)
        among = "" if trace.similarities[i, j] > trace.similarities[i, i] else " of the other words"
        return (f"{q(s.tokens[j])}, with the largest dot product{among} ({fmt(trace.similarities[i, j])}), "
                f"pulls hardest: {fmt(trace.weights[i, j])}.")

    def toward_line(self, k: int) -> str:
        """Where the step takes the focus relative to the decider, with both distances."""
        s = self.sentences[k]
        d = decider(self.example, k)
        before, after = gravity_distances(self.example, k, d)
        numbers = f"{fmt(before)} away before, {fmt(after)} after"
        if claim(self.example, "pull_toward_decider", k).holds:
            return f"{q(s.focus)} moves toward {q(d)}: {numbers}."
        if after >= before:
            return f"{q(s.focus)} gets no nearer {q(d)}: {numbers}."
        return f"{q(s.focus)} gets hardly nearer {q(d)}: {numbers}."

    def heaviest(self, k: int) -> int:
        """Index of the other word that pulls the focus hardest, the one with the largest dot
        product with it (ties: the earlier word)."""
        s, w = self.sentences[k], self.pulls[k].weights[self.sentences[k].focus_index]
        return max((j for j in range(len(s.tokens)) if j != s.focus_index), key=lambda j: (w[j], -j))

    # -- beats

    def show_plane(self) -> None:
        focus = self.sentences[0].focus
        self.say("plane", f"Where {q(focus)} sits decides what it means. The other words of a sentence "
                 "pull on it, like gravity.")
        # the scale every chapter of this example shares (it holds every point drawn here), with tick values
        self.plane = WordPlane(np.zeros((1, 2)), self.example.x_axis, self.example.y_axis,
                               scale=plane_scale(self.example), numbers=True)
        self.plane.to_edge(LEFT, buff=style.MARGIN).set_y(0)
        self.marks_on_plane = plane_marks(self.plane)
        self.panel_left = self.plane.get_right()[0] + PANEL_GAP
        self.panel_width = config.frame_width / 2 - style.MARGIN - self.panel_left
        self.play(Create(self.plane), run_time=style.BEAT)
        self.begin_sentence(0)  # the first sentence's words, about to pull
        self.play(FlatFadeIn(self.caption, self.dots, self.focus_dot), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def begin_sentence(self, k: int) -> None:
        """Build (not show) what this sentence needs: caption, dots, arrows, table, formula."""
        sentence, pull = self.sentences[k], self.pulls[k]
        i = sentence.focus_index
        self.caption = wrapped_label(q(sentence.text), style.TEXT, self.panel_width, CAPTION_SIZES)
        self.caption.to_edge(UP, buff=style.MARGIN).align_to([self.panel_left, 0, 0], LEFT)
        self.formula = step_formula(pull, i, self.panel_width)  # shown later; its height limits the rows
        self.limit = self.build_table(k)
        named = set(self.row_words(k, self.limit))  # a long sentence names only the words of its rows
        self.dots = VGroup(*(self.word_dot(w, pull.embeddings[j], named=j in named)
                             for j, w in enumerate(sentence.tokens) if j != i))
        self.focus_dot = WordDot(self.plane, sentence.focus, pull.embeddings[i], style.FOCUS)
        label_words(self.plane, [self.focus_dot, *self.dots], pull_lines(self.plane, sentence, pull))
        taken = [*drawn_parts([*self.dots, self.focus_dot]), *self.marks_on_plane]
        self.arrows, self.arrow_numbers = pull_arrows(self.plane, self.example, sentence, pull, taken)
        self.place_formula()
        self.chain, self.chain_points = tip_to_tail(self.plane, self.example, sentence, pull)
        self.marks = VGroup()
        self.distances = VGroup()
        self.source = VGroup()

    def show_pulls(self, k: int, with_hardest: bool = False) -> None:
        sentence = self.sentences[k]
        said = shorten(sentence.text, SAID_CHARS)
        if with_hardest:
            self.say(f"pulls {k + 1}", f"In {q(said)}, " + self.hardest_line(k))
        else:
            self.say(f"pulls {k + 1}", f"In {q(said)} each word pulls {q(sentence.focus)} as hard as its "
                     "weight, which the next chapter explains.")
        if k:  # the first sentence came with the plane
            self.clear_sentence()
            self.begin_sentence(k)
            self.play(FlatFadeIn(self.caption, self.dots, self.focus_dot), run_time=style.BEAT)
        self.play(*(Create(a) for a in self.arrows), run_time=style.BEAT)
        self.play(FlatFadeIn(self.arrow_numbers, *(r.word for r in self.rows), self.column("weight"),
                             self.more, self.sums[0], self.sums[2], self.sums[3]), run_time=style.BEAT)
        if with_hardest:
            self.play(FadeIn(self.column("dot")), run_time=style.BEAT)
            self.mark_hardest(k)
        self.wait(style.PAUSE)

    def name_the_hardest(self, k: int) -> None:
        self.say(f"hardest {k + 1}", self.hardest_line(k))
        self.play(FadeIn(self.column("dot")), run_time=style.BEAT)
        self.mark_hardest(k)
        self.wait(style.PAUSE)

    def explain_the_weights(self) -> None:
        self.say("source", "The weights come from the dot products: a bigger dot product, a bigger pull. "
                 "Softmax does it: the next chapter.")
        self.play(FadeOut(self.marks), run_time=style.BEAT / 2)
        self.marks = VGroup()
        self.source = VGroup(
            MathTex(r"w_j = \operatorname{softmax}_j(\vec x \cdot \vec x_j \,/\, T)").scale(style.MATH_SCALE),
            word_label("softmax and T: the next chapter", style.MUTED, style.LABEL_SIZE),
        ).arrange(RIGHT, buff=0.3)
        if self.source.width > self.panel_width:  # the note goes under the formula
            self.source.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.source.align_to(self.formula, UP).align_to([self.panel_left, 0, 0], LEFT)
        self.source_shown = tuple(self.source)  # (formula, note), for the tests
        self.play(Write(self.source), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def add_tip_to_tail(self, k: int, with_move: bool = False) -> None:
        s = self.sentences[k]
        if with_move:
            again = "One step again" + (" (part-way)" if self.pulls[k].strength != 1 else "")
            self.say(f"step {k + 1}", f"{again}: each word's arrow times its weight, tip to tail, and "
                     f"{q(s.focus)} takes the step.")  # the distances once it has stopped
        else:
            self.say(f"step {k + 1}", "The pull is one step: each word's arrow times its weight, added tip "
                     f"to tail from where {q(s.focus)} is.")
        gone = [m for m in (self.marks, self.source) if m.submobjects]
        self.play(FadeOut(self.arrows), FadeOut(self.arrow_numbers), *(FadeOut(m) for m in gone),
                  FadeIn(self.column("pull")), FadeIn(self.sums[1]), run_time=style.BEAT)
        self.marks, self.source = VGroup(), VGroup()
        self.play(Write(self.formula[0]), *(Create(a) for a in self.chain), run_time=style.BEAT)
        if with_move:
            self.wait(style.BEAT)
            self.slide(k)
        self.wait(style.PAUSE)

    def show_the_focus_own_pull(self, k: int) -> None:
        s, w = self.sentences[k], self.pulls[k].weights[self.sentences[k].focus_index]
        self.say(f"self {k + 1}", f"The weight of {q(s.focus)} on itself, {fmt(w[s.focus_index])}, pulls "
                 "nowhere: its arrow to itself has no length.")
        own = [VGroup(r.weight, r.pull) for r in self.rows if r.index == s.focus_index]
        self.marks = VGroup(*(SurroundingRectangle(cells, color=MARK, buff=0.06) for cells in own))
        self.play(Create(self.marks), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def move_in_slow_motion(self, k: int) -> None:
        pull = self.pulls[k]
        self.say(f"move {k + 1}", "Here is that one step, slowed down.")  # (knobs.pull_steps frames of it)
        self.play(FadeOut(self.marks), run_time=style.BEAT / 2)
        self.marks = VGroup()
        self.slide(k)
        self.wait(style.PAUSE)
        if pull.strength != 1:
            self.say(f"setting {k + 1}", f"This video's setting pull_strength = {fmt(pull.strength)} stops "
                     f"{q(self.sentences[k].focus)} short of the step: it is not part of attention.")
            self.play(Write(self.formula[3]), run_time=style.BEAT)
            self.wait(style.PAUSE)

    def measure_toward_decider(self, k: int) -> None:
        self.say(f"toward {k + 1}", self.toward_line(k))
        self.show_distances(k)
        self.wait(style.PAUSE)
        self.draw_the_lesson(k)

    def draw_the_lesson(self, k: int) -> None:
        """Where the pull does not carry the focus toward its decider, a beat of its own says
        what that shows (the figure holds): the pull follows the raw dot products, which do
        not favour the decider here; keys and queries help when the story's ``head_sharpens``
        claim holds."""
        if claim(self.example, "pull_toward_decider", k).holds:
            return
        s, d = self.sentences[k], decider(self.example, k)
        helps = claim(self.example, "head_sharpens", k).holds
        ahead = "keys and queries, later, help." if helps else "later chapters look for what does."
        self.say(f"lesson {k + 1}", f"The pull follows raw dot products, which do not lead {q(s.focus)} "
                 f"to {q(d)}; {ahead}")

    def land_on_the_average(self, k: int) -> None:
        s, pull = self.sentences[k], self.pulls[k]
        i = s.focus_index
        weights = pull.weights[i]
        shown = [r.index for r in self.rows]
        rounding = ""
        if len(shown) == len(weights) and self.sums[0].get_value() != 1:  # they are rounded to add up
            rounding = f" ({self.sums[0].get_value():.{TABLE_DECIMALS}f} as shown, by rounding)"
        full = "full step" if pull.strength != 1 else "step"
        again = " again" if k else ""
        self.say(f"average {k + 1}", f"The weights add up to 1{rounding}, so the {full} lands{again} on "
                 f"their weighted average, {vec_text(pull.targets[i])}.")
        self.target_mark = target_marker().move_to(self.plane.point(pull.targets[i]))
        self.play(FadeOut(self.distances), Write(self.formula[1]), run_time=style.BEAT)
        self.play(Write(self.formula[2]), FadeIn(self.target_mark), run_time=style.BEAT)
        if len(self.formula) > 3 and k:  # the first sentence wrote it with the setting's beat
            self.play(Write(self.formula[3]), run_time=style.BEAT)
        self.wait(style.PAUSE)
        end = WordDot(self.plane, f"{s.focus} ({k + 1})", pull.new_embeddings[i], style.FOCUS)
        end.dot.move_to(self.focus_dot.dot)  # where the moving word really stopped
        self.ends.append(end)
        self.shown.append(SentenceShown(self.arrows, self.arrow_numbers, self.rows, self.more, self.sums,
                                        self.formula, self.chain, self.chain_points, self.path,
                                        self.focus_dot, self.distances, self.dots))

    def compare_end_points(self) -> None:
        if len(self.sentences) == 1:
            s = self.sentences[0]
            self.say("compare", f"This example has one sentence; add a second to see {q(s.focus)} land "
                     "somewhere else.")
        else:
            (a, b), (pa, pb) = self.sentences, self.pulls
            ends = (vec_text(pa.new_embeddings[a.focus_index]), vec_text(pb.new_embeddings[b.focus_index]))
            # the words while the picture comes; its four numbers once it is still
            if a.focus == b.focus:
                self.say("compare", f"The same word, two sentences, two places: {q(a.focus)} lands "
                         "wherever its context pulls it.")
                ends_line = f"{q(a.focus)} ends at {ends[0]} in one sentence and {ends[1]} in the other."
            else:
                self.say("compare", "Two sentences, two places: each word lands where its context pulls it.")
                ends_line = f"{q(a.focus)} ends at {ends[0]}, {q(b.focus)} at {ends[1]}."
        self.clear_sentence()
        starts, arrows, legend = VGroup(), VGroup(), VGroup()
        for k, (sentence, pull, end) in enumerate(zip(self.sentences, self.pulls, self.ends, strict=True)):
            i = sentence.focus_index
            if not any(np.allclose(s.coords, pull.embeddings[i]) for s in starts):
                starts.add(WordDot(self.plane, sentence.focus, pull.embeddings[i], style.FOCUS))
            arrows.add(Arrow(self.plane.point(pull.embeddings[i]), end.dot.get_center(), buff=0.1,
                             color=style.FOCUS, stroke_width=3, max_tip_length_to_length_ratio=0.15))
            entry = f"({k + 1}) {q(shorten(sentence.text, LEGEND_CHARS))}\n\u2192 {vec_text(end.coords)}"
            legend.add(self.panel_text(entry, style.FOCUS, style.BODY_SIZE))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.6).set_y(self.plane.get_y())
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
        label_words(self.plane, [*starts, *self.ends, *self.context])  # the moving word first
        self.play(FadeIn(starts), FadeIn(legend), FadeIn(self.context), run_time=style.BEAT / 2)
        self.play(*(Create(a) for a in arrows), *(FadeIn(e) for e in self.ends), run_time=style.BEAT)
        self.end_arrows, self.legend = arrows, legend
        self.wait(style.PAUSE)
        if len(self.sentences) > 1:
            self.say("ends", ends_line)

    # -- animations used by the beats

    def mark_hardest(self, k: int) -> None:
        """Box the hardest pull's dot product and its weight: the cause beside the effect."""
        heaviest = self.heaviest(k)
        cells = [c for r in self.rows if r.index == heaviest for c in (r.dot, r.weight)]
        self.marks = VGroup(*(SurroundingRectangle(c, color=MARK, buff=0.06) for c in cells))
        self.play(Create(self.marks), run_time=style.BEAT)

    def slide(self, k: int) -> None:
        """The focus word moves along the core's trajectory, leaving a ghost and a trail."""
        pull, i = self.pulls[k], self.sentences[k].focus_index
        path = pull.trajectory[:, i, :]  # (steps + 1, 2): the core's positions, start to end
        self.corners = np.array([self.plane.point(p) for p in path])  # (steps + 1, 3)
        self.path = VMobject().set_points_as_corners(self.corners)
        self.steps = VGroup(*(Dot(self.plane.point(p), radius=0.025, color=style.FOCUS) for p in path))
        self.ghost = self.focus_dot.copy().set_opacity(0.3)
        self.trail = TracedPath(self.focus_dot.dot.get_center, stroke_color=style.FOCUS, stroke_width=3)
        self.add(self.ghost, self.trail)
        heading = self.path.get_end() - self.path.get_start()
        if np.linalg.norm(heading) < 1e-6:
            self.play(self.chain.animate.set_opacity(0.35), FadeIn(self.steps), run_time=style.BEAT / 2)
            self.trail.clear_updaters()  # nothing to trace (see below)
            self.wait(style.SLOW)  # a strength of 0: nothing moves
            return
        # The ghost's label goes behind, the moving one's where it never meets it on the way; the
        # ghost's fades in once the word has left (the moving label does not pass over it either).
        relabel, ghost_label = [], []
        if is_named(self.focus_dot):
            self.ghost.label.next_to(self.ghost.dot, free_side(self.plane, self.ghost, heading, self.crowd()),
                                    buff=LABEL_BUFF).set_opacity(0)
            rivals = [w.dot if isinstance(w, WordDot) else w for w in self.dots]
            side = side_on_the_way(self.plane, self.focus_dot, self.ghost, self.corners, heading,
                                   self.crowd(), rivals)
            relabel.append(self.focus_dot.label.animate.next_to(self.focus_dot.dot, side, buff=LABEL_BUFF))
            ghost_label.append(self.ghost.label.animate(rate_func=first_third).set_opacity(0.3))
        self.play(self.chain.animate.set_opacity(0.35), FadeIn(self.steps), *relabel, run_time=style.BEAT / 2)

        def move(word: WordDot, alpha: float) -> None:
            word.shift(self.path.point_from_proportion(alpha) - word.dot.get_center())

        self.play(UpdateFromAlphaFunc(self.focus_dot, move, rate_func=smooth), *ghost_label,
                  run_time=style.SLOW)
        # The trail is drawn: stop tracing, or its time-based updater keeps every later hold from
        # being one frozen frame (manim then draws each frame of each wait).
        self.trail.clear_updaters()
        self.free_the_label()

    def crowd(self) -> list[Mobject]:
        """What the focus's labels keep off: the other words, the axes, their names and tick values."""
        return [*drawn_parts(list(self.dots)), *self.marks_on_plane, self.plane.x_name, self.plane.y_name]

    def free_the_label(self) -> None:
        """Move the focus's label, if it now covers another word or sits as near another word's
        dot as its own, to a free spot by its dot."""
        word = self.focus_dot
        if not is_named(word):
            return
        crowd = [*self.crowd(), *drawn_parts([self.ghost])]
        rivals = [self.ghost.dot, *(w.dot if isinstance(w, WordDot) else w for w in self.dots)]
        if fits(self.plane, word.label, crowd, roomy=True) and nearest_is_own(word, rivals):
            return
        before = word.label.get_center()
        place_labels([word], obstacles=crowd, room=self.plane, rivals=rivals)
        if not is_named(word):  # nowhere free: it stays, and the labels it covers go
            word.show_label()
            word.label.move_to(before)
            covered = [d for d in named(self.dots) if boxes_overlap(word.label, d.label)]
            if covered:
                self.play(*(FadeOut(d.label) for d in covered), run_time=style.BEAT / 2)
                for d in covered:
                    d.hide_label()
            return
        target = word.label.get_center()
        word.label.move_to(before)
        self.play(word.label.animate.move_to(target), run_time=style.BEAT / 2)

    def show_distances(self, k: int) -> None:
        """Dashed lines from where the focus was and where it is now to the decider, with lengths."""
        s, pull = self.sentences[k], self.pulls[k]
        d = decider(self.example, k)
        before, after = gravity_distances(self.example, k, d)
        there = self.plane.point(pull.embeddings[s.tokens.index(d)])
        taken = [*drawn_parts([self.focus_dot, self.ghost, *self.dots]), *self.marks_on_plane]
        self.distances = VGroup()
        for start, value, color in ((self.plane.point(pull.embeddings[s.focus_index]), before, style.MUTED),
                                    (self.focus_dot.dot.get_center(), after, style.FOCUS)):
            if np.linalg.norm(there - start) < 1e-6:
                continue
            line = DashedLine(start, there, color=color, stroke_width=2, buff=0.08)
            line.value = value
            shown = beside(line, value, color, taken, anyway=False)  # the legend says it anyway
            if shown is None:
                self.distances.add(VGroup(line))
                continue
            taken.append(shown)
            self.distances.add(VGroup(line, shown))
        legend = self.panel_text(f"distance to {q(d)}: {fmt(before)} before, {fmt(after)} after",
                                 style.FOCUS, style.LABEL_SIZE)
        legend.align_to(self.formula[1], UP)  # where the formula's numbers come next
        self.distances.add(legend)
        self.play(*(Create(g[0]) for g in self.distances[:-1]),
                  *(FadeIn(g[1]) for g in self.distances[:-1] if len(g) > 1), FadeIn(legend),
                  run_time=style.BEAT)

    # -- builders

    def build_table(self, k: int) -> int:
        """Lay out the table with as many rows as fit above the formula (at most MAX_TERMS);
        return how many."""
        n = len(self.sentences[k].tokens)
        for limit in range(min(MAX_TERMS, n), 0, -1):
            self.lay_out_table(k, limit)
            if self.table_bottom - 0.35 - self.formula.height >= -config.frame_height / 2 + style.MARGIN:
                break
        return limit

    def lay_out_table(self, k: int, limit: int) -> None:
        """The table of sentence ``k`` under the caption, with ``limit`` rows (:func:`lay_out_table`)."""
        table = lay_out_table(self.example, self.sentences[k], self.pulls[k], self.row_words(k, limit),
                              self.panel_left, self.caption.get_bottom()[1] - 0.3, self.panel_width)
        self.rows, self.more, self.sums, self.headers = table.rows, table.more, table.sums, table.headers
        self.table = table.group
        self.table_bottom = self.table.get_bottom()[1]

    def row_words(self, k: int, limit: int) -> list[int]:
        """The words of the table's rows, in sentence order: the ``limit`` heaviest pulls, but
        always the focus, the hardest pull and the decider, which the narration names."""
        s = self.sentences[k]
        weights = self.pulls[k].weights[s.focus_index]
        named = list(dict.fromkeys([s.focus_index, self.heaviest(k),
                                    s.tokens.index(decider(self.example, k))]))
        rest = sorted((j for j in range(len(weights)) if j not in named), key=lambda j: -weights[j])
        return sorted([*named, *rest][:max(limit, len(named))])

    def column(self, name: str) -> VGroup:
        """The column ``name`` (dot, weight or pull) of the table, with its header."""
        return VGroup(self.headers[name], *(getattr(r, name) for r in self.rows))

    def place_formula(self) -> None:
        """The formula under the table; the plane's ring before the weighted average."""
        self.formula.next_to([self.panel_left, self.table_bottom, 0], DOWN, buff=0.35, aligned_edge=LEFT)
        start = self.formula[2][0][0]  # the x the line starts with
        ring = target_marker().next_to(start, LEFT, buff=0.15).match_y(self.formula[2][0][1:3])
        self.formula[2].add(ring)

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
                self.ghost, self.steps, self.more, self.sums, self.chain, self.distances, self.marks,
                *self.headers.values(),
                *(VGroup(r.word, r.dot, r.weight, r.pull) for r in self.rows)]
        self.play(*(FadeOut(m) for m in gone), run_time=style.BEAT / 2)
