r"""Similarity of two words: the dot product, and the cosine of the angle between them.

    a . b = a_1 b_1 + a_2 b_2            cos(theta) = (a . b) / (|a| |b|)

The ambiguous word of the first sentence and its most similar neighbour are drawn as
arrows in the plane; the dot product is written out component by component; the cosine
is read off the angle and followed live while one arrow turns; finally stretching an arrow
changes the dot product but not the cosine. Every number comes from ``attention_core``.

Render: ``manim -ql scenes/cosine_similarity.py CosineSimilarity`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arc,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    linear,
    smooth,
)

from attention_core import (
    CosineTrace,
    DotProductTrace,
    cosine_similarity,
    dot_product,
    similarity_matrix,
)
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, WordPlane, WordVector, word_color, word_label
from scenes.style import fmt

__all__ = ["CosineSimilarity"]



def rotate(vector: np.ndarray, degrees: float) -> np.ndarray:
    """``vector`` (2,) turned counter-clockwise by ``degrees`` (a drawing helper)."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ vector



class CosineSimilarity(ExplainerScene):
    """Two word vectors, their dot product, their angle and a live cosine read-out."""

    title = "Similarity: dot product and cosine"

    def construct(self) -> None:
        self.example.require_planar("the cosine similarity scene")
        self.a_word, self.b_word = self.choose_pair()
        self.a = self.example.words[self.a_word]
        self.b = self.example.words[self.b_word]
        self.sweep = self.sweep_degrees()
        self.dot_trace: DotProductTrace = dot_product(self.a, self.b)
        self.cos_trace: CosineTrace = cosine_similarity(self.a, self.b)

        self.show_title_card()
        self.show_two_words()
        self.show_dot_product()
        self.show_angle_and_cosine()
        self.turn_word_with_live_cosine()
        self.stretch_word_keeps_cosine()
        self.wait(style.BEAT)

    # -- the story, beat by beat

    def choose_pair(self) -> tuple[str, str]:
        """The first sentence's ambiguous word and the word that pulls it hardest (largest dot product)."""
        sentence = self.example.sentences[0]
        sims = similarity_matrix(self.example.embeddings(sentence),
                                 self.example.embeddings(sentence), kind="dot").matrix
        row = sims[sentence.focus_index].copy()
        row[sentence.focus_index] = -np.inf
        return sentence.focus, sentence.tokens[int(np.argmax(row))]

    def show_two_words(self) -> None:
        self.beat("two words", f"Each word is a vector: {self.a_word} and {self.b_word} are "
                  f"arrows in a plane of {self.example.x_axis} and {self.example.y_axis}.")
        turned = [rotate(self.b, t) for t in np.linspace(0.0, self.sweep[1], 60)]
        shown = np.array([self.a, 2 * self.b, *turned])
        self.plane = WordPlane(shown, self.example.x_axis, self.example.y_axis)
        self.plane.to_edge(LEFT, buff=3 * style.MARGIN)
        self.vec_a = WordVector(self.plane, self.a_word, self.a,
                                word_color(self.example, self.a_word))
        self.vec_b = WordVector(self.plane, self.b_word, self.b,
                                word_color(self.example, self.b_word), label_side=-1.0)
        self.legend = VGroup(
            self.coordinate_line("a", self.vec_a), self.coordinate_line("b", self.vec_b)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        self.legend.to_edge(UP, buff=style.MARGIN).to_edge(RIGHT, buff=1.2 * style.MARGIN)
        self.play(Create(self.plane), run_time=style.BEAT)
        self.play(self.vec_a.grow())
        self.play(self.vec_b.grow())
        self.keep(self.vec_a, self.vec_b)
        self.play(FadeIn(self.legend), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def coordinate_line(self, symbol: str, vector: WordVector) -> VGroup:
        """``a = apple = (2.00, 2.20)``: the symbol, the word (literal text), the numbers."""
        color = vector.arrow.get_color()
        name = MathTex(rf"\vec {symbol} =", color=color).scale(style.MATH_SCALE)
        word = word_label(vector.word, color)
        coords = MathTex(rf"= ({fmt(vector.coords[0])},\ {fmt(vector.coords[1])})",
                         color=color).scale(style.MATH_SCALE)
        return VGroup(name, word, coords).arrange(RIGHT, buff=0.15)

    def show_dot_product(self) -> None:
        p = self.dot_trace.products
        self.beat("dot product", f"The dot product multiplies matching components and adds "
                  f"them: {fmt(p[0])} plus {fmt(p[1])} is {fmt(self.dot_trace.dot)}.")
        a, b = self.dot_trace.a, self.dot_trace.b
        self.dot_lines = VGroup(
            MathTex(r"\vec a \cdot \vec b = a_1 b_1 + a_2 b_2"),
            MathTex(rf"= {fmt(a[0])} \cdot {fmt(b[0])} + {fmt(a[1])} \cdot {fmt(b[1])}"),
            MathTex(rf"= {fmt(p[0])} + {fmt(p[1])} = {fmt(self.dot_trace.dot)}"),
        ).scale(style.MATH_SCALE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.dot_lines.next_to(self.legend, DOWN, buff=0.5, aligned_edge=LEFT)
        for line in self.dot_lines:
            self.play(Write(line), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def show_angle_and_cosine(self) -> None:
        t = self.cos_trace
        self.beat("angle and cosine", f"The cosine divides by both lengths, so only the angle "
                  f"counts: {fmt(t.angle_degrees)} degrees, cosine {fmt(t.cosine)}.")
        self.angle = self.angle_between(self.vec_a, self.vec_b)
        self.cos_lines = VGroup(
            MathTex(r"\cos\theta = \frac{\vec a \cdot \vec b}{|\vec a|\,|\vec b|}"),
            MathTex(rf"= \frac{{{fmt(t.dot)}}}{{{fmt(t.norm_a)} \cdot {fmt(t.norm_b)}}}"
                    rf" = {fmt(t.cosine)}"),
        ).scale(style.MATH_SCALE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.cos_lines.next_to(self.dot_lines, DOWN, buff=0.45, aligned_edge=LEFT)
        self.play(Create(self.angle), run_time=style.BEAT)
        for line in self.cos_lines:
            self.play(Write(line), run_time=style.BEAT)
        self.wait(style.PAUSE)

    def angle_between(self, first: WordVector, second: WordVector) -> VGroup:
        """The arc from ``first`` to ``second`` with a theta label (drawn, not computed)."""
        origin = self.plane.point((0, 0))
        start = float(np.arctan2(first.coords[1], first.coords[0]))
        delta = float(np.arctan2(second.coords[1], second.coords[0])) - start
        delta = (delta + np.pi) % (2 * np.pi) - np.pi  # the short way round
        if abs(delta) < 1e-3:
            return VGroup()
        arc = Arc(radius=0.6, start_angle=start, angle=delta, arc_center=origin,
                  color=style.MUTED, stroke_width=3)
        middle = start + delta / 2
        label = MathTex(r"\theta", color=style.MUTED).scale(0.7)
        label.move_to(origin + 0.95 * np.array([np.cos(middle), np.sin(middle), 0.0]))
        return VGroup(arc, label)

    def turn_word_with_live_cosine(self) -> None:
        self.beat("turning", f"Turn {self.b_word}: the cosine is 1 when the arrows agree, 0 when "
                  "they are perpendicular, and negative when they point apart.")
        self.play(FadeOut(self.dot_lines), FadeOut(self.cos_lines), run_time=style.BEAT)
        turn = ValueTracker(0.0)

        def current() -> np.ndarray:
            return rotate(self.b, turn.get_value())

        self.live_angle = Readout(r"\theta", self.cos_trace.angle_degrees, style.MUTED, 0,
                                  unit=r"^\circ")
        self.live_cos = Readout(r"\cos\theta", self.cos_trace.cosine, style.FOCUS)
        live = VGroup(self.live_angle, self.live_cos).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        live.next_to(self.legend, DOWN, buff=0.6, aligned_edge=LEFT)

        self.play(FadeOut(self.angle), FadeIn(live), run_time=style.BEAT)
        self.angle = always_redraw(lambda: self.angle_between(self.vec_a, self.vec_b))
        self.add(self.angle)
        # Each moving mobject carries its own updater: manim freezes mobjects without
        # updaters into the background while an animation plays.
        self.vec_b.add_updater(lambda m: m.move_tip(current()))
        self.live_angle.add_updater(
            lambda m: m.set_value(cosine_similarity(self.a, current()).angle_degrees))
        self.live_cos.add_updater(
            lambda m: m.set_value(cosine_similarity(self.a, current()).cosine))
        for target in self.sweep:
            self.play(turn.animate.set_value(target), run_time=style.SLOW, rate_func=smooth)
        self.play(turn.animate.set_value(0.0), run_time=style.BEAT, rate_func=linear)
        for mobject in (self.vec_b, self.live_angle, self.live_cos):
            mobject.clear_updaters()
        self.remove(self.angle)
        self.angle = self.angle_between(self.vec_a, self.vec_b)
        self.add(self.angle)
        self.live = live

    def sweep_degrees(self) -> tuple[float, float]:
        """How far ``b`` turns: first onto ``a``, then 150 degrees past it (cosine < 0)."""
        gap = np.degrees(np.arctan2(self.b[1], self.b[0]) - np.arctan2(self.a[1], self.a[0]))
        onto_a = -float((gap + 180.0) % 360.0 - 180.0)
        return onto_a, onto_a + 150.0

    def stretch_word_keeps_cosine(self) -> None:
        longer = 2 * self.b
        stretched_dot = dot_product(self.a, longer)
        stretched_cos = cosine_similarity(self.a, longer)
        self.beat("length", f"Make {self.b_word} twice as long: the dot product doubles to "
                  f"{fmt(stretched_dot.dot)}, the cosine stays {fmt(stretched_cos.cosine)}.")
        self.live_dot = Readout(r"\vec a \cdot \vec b", self.dot_trace.dot, style.TEXT)
        self.live_dot.next_to(self.live, DOWN, buff=0.3, aligned_edge=LEFT)
        self.play(FadeIn(self.live_dot), run_time=style.BEAT)
        self.wait(style.PAUSE)
        scale = ValueTracker(1.0)

        self.vec_b.add_updater(lambda m: m.move_tip(scale.get_value() * self.b))
        self.live_dot.add_updater(
            lambda m: m.set_value(dot_product(self.a, scale.get_value() * self.b).dot))
        self.live_cos.add_updater(
            lambda m: m.set_value(cosine_similarity(self.a, scale.get_value() * self.b).cosine))
        self.play(scale.animate.set_value(2.0), run_time=style.BEAT)
        for mobject in (self.vec_b, self.live_dot, self.live_cos):
            mobject.clear_updaters()
        self.shown_stretched = (stretched_dot, stretched_cos)
        self.wait(style.PAUSE)



