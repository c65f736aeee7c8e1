r"""Context as gravity: the words of a sentence pull the ambiguous word toward them.

    w_{ij} = softmax_j(x_i \cdot x_j / T)      target_i = \sum_j w_{ij} x_j
    x_i' = x_i + strength (target_i - x_i)

Each context word pulls the ambiguous word as hard as its weight (thicker arrows pull
harder); the word then moves along the core's trajectory to the weighted average of the
sentence. In the other sentence the same word is pulled elsewhere: context decides.

Render: ``manim -ql scenes/gravity_pull.py GravityPull`` (from the repo root).
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
    DashedLine,
    DecimalNumber,
    Dot,
    FadeIn,
    FadeOut,
    MathTex,
    TracedPath,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from attention_core import ContextPullTrace, context_pull, similarity_matrix
from attention_core.examples import Sentence
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import WordDot, WordPlane, sentence_caption, word_color, word_label
from scenes.style import fmt

__all__ = ["GravityPull"]

SHOWN_WEIGHT = 0.01  # pulls weaker than this get no number: they would only clutter



def coords_tex(v: np.ndarray) -> str:
    return rf"({fmt(v[0])},\ {fmt(v[1])})"


class GravityPull(ExplainerScene):
    """Context words pull the ambiguous word; it moves to their weighted average."""

    title = "Context as gravity"

    def construct(self) -> None:
        self.example.require_planar("the gravity pull scene")
        self.pulls: list[ContextPullTrace] = [self.pull_of(s) for s in self.example.sentences[:2]]
        self.show_title_card()
        self.show_plane()
        self.ends: list[Dot] = []
        for number, (sentence, pull) in enumerate(zip(self.example.sentences, self.pulls, strict=False)):
            self.show_pulls(sentence, pull, number)
            self.move_along_trajectory(sentence, pull, number)
            self.explain_weighted_average(sentence, pull, number)
        self.compare_end_points()
        self.wait(style.BEAT)

    def pull_of(self, sentence: Sentence) -> ContextPullTrace:
        """The core's pull on every word of ``sentence``, with the example's knobs."""
        e = self.example.embeddings(sentence)
        knobs = self.example.knobs
        return context_pull(e, similarity_matrix(e, e).matrix, strength=knobs.pull_strength,
                            steps=knobs.pull_steps, temperature=knobs.temperature)

    # -- beats

    def show_plane(self) -> None:
        focus = self.example.sentences[0].focus
        self.beat("plane", f"Where {focus} sits decides what it means. Its neighbours in a "
                  "sentence pull on it, like gravity.", duration=style.BEAT + style.PAUSE)
        points = np.vstack([*(p.embeddings for p in self.pulls), *(p.new_embeddings for p in self.pulls)])
        self.plane = WordPlane(points, self.example.x_axis, self.example.y_axis)
        self.plane.to_edge(LEFT, buff=3 * style.MARGIN)
        self.panel_left = self.plane.get_right()[0] + 0.6
        self.play(Create(self.plane), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_pulls(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i = sentence.focus_index
        weights = pull.weights[i]
        strongest = max((j for j in range(len(sentence.tokens)) if j != i), key=lambda j: weights[j])
        self.beat(f"pulls {number + 1}", f"In \"{sentence.text}\", each word pulls {sentence.focus} "
                  f"as hard as its weight: {sentence.tokens[strongest]} pulls hardest, "
                  f"{fmt(weights[strongest])}.", duration=3 * style.BEAT + style.PAUSE)
        if number:
            self.clear_sentence()
        self.caption = sentence_caption(sentence.text)
        self.caption.to_corner(UP + RIGHT, buff=style.MARGIN)
        self.dots = VGroup(*(
            WordDot(self.plane, w, pull.embeddings[j], word_color(self.example, w))
            for j, w in enumerate(sentence.tokens)
        ))
        self.arrows, self.weight_numbers = self.pull_arrows(sentence, pull)
        self.play(FadeIn(self.caption), FadeIn(self.dots), run_time=style.BEAT)
        self.play(*(Create(a) for a in self.arrows), run_time=style.BEAT)
        self.play(FadeIn(self.weight_numbers), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def pull_arrows(self, sentence: Sentence, pull: ContextPullTrace) -> tuple[VGroup, VGroup]:
        """One arrow from the focus toward each other word, as thick as its weight."""
        i = sentence.focus_index
        start = self.plane.point(pull.embeddings[i])
        arrows, numbers = VGroup(), VGroup()
        for j, word in enumerate(sentence.tokens):
            w = float(pull.weights[i, j])
            if j == i:
                continue
            end = self.plane.point(pull.embeddings[j])
            color = word_color(self.example, word)
            arrow = Arrow(start, start + 0.85 * (end - start), buff=0.1, color=color,
                          stroke_width=1.5 + 10 * w, stroke_opacity=0.35 + 0.65 * w,
                          max_tip_length_to_length_ratio=0.12)
            arrow.weight = w
            arrows.add(arrow)
            if w >= SHOWN_WEIGHT:
                number = DecimalNumber(w, num_decimal_places=style.DECIMALS, color=color,
                                       font_size=style.LABEL_SIZE)
                along = (end - start) / (np.linalg.norm(end - start) or 1.0)
                number.next_to(arrow.get_center(), np.array([-along[1], along[0], 0.0]), buff=0.12)
                numbers.add(number)
        return arrows, numbers

    def move_along_trajectory(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i = sentence.focus_index
        self.beat(f"move {number + 1}", f"{sentence.focus} moves from {coords_tex_plain(pull.embeddings[i])} "
                  f"to {coords_tex_plain(pull.new_embeddings[i])}.", duration=style.SLOW + style.PAUSE)
        step = ValueTracker(0.0)
        path = pull.trajectory[:, i, :]  # (steps + 1, 2)

        def position() -> np.ndarray:
            k = step.get_value()
            low = int(np.floor(k))
            high = min(low + 1, len(path) - 1)
            return self.plane.point(path[low] + (k - low) * (path[high] - path[low]))

        mover = Dot(position(), radius=0.09, color=style.FOCUS)
        mover.add_updater(lambda m: m.move_to(position()))
        trail = TracedPath(mover.get_center, stroke_color=style.FOCUS, stroke_width=3)
        self.add(trail, mover)
        self.play(FadeOut(self.arrows), FadeOut(self.weight_numbers), run_time=style.BEAT / 2)
        self.play(step.animate.set_value(len(path) - 1), run_time=style.SLOW, rate_func=linear)
        mover.clear_updaters()
        self.mover, self.trail = mover, trail
        self.wait(style.PAUSE / 2)

    def explain_weighted_average(self, sentence: Sentence, pull: ContextPullTrace, number: int) -> None:
        i = sentence.focus_index
        strength = pull.strength
        self.beat(f"average {number + 1}", f"The target is the weighted average of the words, "
                  f"{coords_tex_plain(pull.targets[i])}; {sentence.focus} moves {fmt(strength)} "
                  "of the way there.",
                  duration=2 * style.BEAT + 2 * style.PAUSE)
        self.formula = VGroup(
            MathTex(r"\text{target} = \sum_j w_j\, \vec x_j = " + coords_tex(pull.targets[i])),
            MathTex(r"\vec x\,' = \vec x + " + fmt(strength) + r"\,(\text{target} - \vec x)"),
            MathTex(r"= " + coords_tex(pull.new_embeddings[i]), color=style.FOCUS),
        ).scale(style.MATH_SCALE).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        self.formula.next_to(self.caption, DOWN, buff=0.5).align_to(self.caption, RIGHT)
        target = self.plane.point(pull.targets[i])
        self.target_mark = VGroup(
            DashedLine(self.plane.point(pull.embeddings[i]), target, color=style.MUTED),
            Dot(target, radius=0.05, color=style.MUTED),
        )
        for line in self.formula:
            self.play(Write(line), run_time=style.BEAT)
        self.play(FadeIn(self.target_mark), run_time=style.BEAT / 2)
        self.wait(style.PAUSE)
        end = Dot(self.mover.get_center(), radius=0.07, color=style.FOCUS)
        end.label = word_label(f"{sentence.focus} ({number + 1})", style.FOCUS, style.SMALL_SIZE)
        end.label.next_to(end, DOWN + RIGHT, buff=0.05)
        end.coords = pull.new_embeddings[i]
        self.ends.append(end)

    def clear_sentence(self) -> None:
        self.play(FadeOut(self.dots), FadeOut(self.caption), FadeOut(self.formula),
                  FadeOut(self.target_mark), FadeOut(self.mover), FadeOut(self.trail),
                  run_time=style.BEAT / 2)

    def compare_end_points(self) -> None:
        focus = self.example.sentences[0].focus
        ends = [end.coords for end in self.ends]
        self.beat("compare", f"The same word, two sentences, two places: {focus} ends at "
                  f"{coords_tex_plain(ends[0])} in one and {coords_tex_plain(ends[1])} in the other.",
                  duration=2 * style.BEAT + style.PAUSE)
        self.clear_sentence()
        start = WordDot(self.plane, focus, self.pulls[0].embeddings[self.example.sentences[0].focus_index],
                        style.FOCUS)
        arrows = VGroup(*(Arrow(start.dot.get_center(), end.get_center(), buff=0.1, color=style.FOCUS,
                                stroke_width=3, tip_length=0.18) for end in self.ends))
        self.play(FadeIn(start), run_time=style.BEAT / 2)
        self.play(*(Create(a) for a in arrows), *(FadeIn(e, e.label) for e in self.ends),
                  run_time=style.BEAT)
        self.end_arrows = arrows
        self.wait(style.PAUSE)


def coords_tex_plain(v: np.ndarray) -> str:
    """Coordinates for narration: ``(0.74, 3.07)``."""
    return f"({fmt(v[0])}, {fmt(v[1])})"
