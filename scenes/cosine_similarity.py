r"""Similarity of two words: the dot product, and the cosine of the angle between them.

    a . b = a_1 b_1 + a_2 b_2            cos(theta) = (a . b) / (|a| |b|)

The first sentence's ambiguous word and the word that decides it (:func:`attention_core.story.decider`)
are drawn as arrows in the plane; the dot product is written out component by component; the
cosine is read off the angle. Then one arrow turns, one beat per case, each held with its
number: onto the other's direction (cosine 1), a right angle (0), pointing apart (negative),
while its coordinates follow it. Finally stretching the arrow doubles the dot product but not
the cosine: attention scores with the dot product, so a longer word speaks louder. Every
number comes from ``attention_core``.

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
    Rectangle,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    smooth,
)

from attention_core import CosineTrace, DotProductTrace, cosine_similarity, dot_product, story
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, WordPlane, WordVector, word_color, word_label
from scenes.components.readout import LiveNumber
from scenes.style import fmt

__all__ = ["CASES", "CoordinateLine", "CosineSimilarity", "rotate", "said"]

# The turning beats: (beat name, degrees between b and a at the end of the beat).
CASES = (("agree", 0.0), ("perpendicular", 90.0), ("apart", 150.0))


def rotate(vector: np.ndarray, degrees: float) -> np.ndarray:
    """``vector`` (2,) turned counter-clockwise by ``degrees`` (a drawing helper)."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ vector


def said(x: float) -> str:
    """``x`` as the narration says it: :func:`style.fmt`, but never ``-0.00`` (a cosine that is
    zero up to rounding error is said as the readout shows it, ``0.00``)."""
    return fmt(0.0 if round(x, style.DECIMALS) == 0 else x)


class CoordinateLine(VGroup):
    r"""``\vec b = orange = (0.60, 3.20)``: the symbol, the word (literal text) and two live
    numbers, which :meth:`set_coords` rewrites while the arrow moves.

    ``self.numbers`` are the two :class:`LiveNumber`; tests read what they show.
    """

    def __init__(self, symbol: str, word: str, coords: np.ndarray, color) -> None:
        self.symbol = MathTex(rf"\vec {symbol} =", color=color).scale(style.MATH_SCALE)
        self.word = word_label(word, color)
        self.open = MathTex("= (", color=color).scale(style.MATH_SCALE)
        self.numbers = [LiveNumber(float(c), num_decimal_places=style.DECIMALS, color=color)
                        .scale(style.MATH_SCALE) for c in coords]
        self.comma = MathTex(",", color=color).scale(style.MATH_SCALE)
        self.close = MathTex(")", color=color).scale(style.MATH_SCALE)
        super().__init__(self.symbol, self.word, self.open, self.numbers[0], self.comma, self.numbers[1],
                         self.close)
        self._lay_out()

    def _lay_out(self) -> None:
        left = self.symbol.get_left()
        self.symbol.next_to(left, RIGHT, buff=0)
        self.word.next_to(self.symbol, RIGHT, buff=0.15)
        self.open.next_to(self.word, RIGHT, buff=0.15)
        self.numbers[0].next_to(self.open, RIGHT, buff=0.06)
        self.comma.next_to(self.numbers[0], RIGHT, buff=0.04).align_to(self.numbers[0], DOWN)
        self.comma.shift(0.06 * DOWN)
        self.numbers[1].next_to(self.numbers[0], RIGHT, buff=0.22)
        self.close.next_to(self.numbers[1], RIGHT, buff=0.06)

    def set_coords(self, coords: np.ndarray) -> CoordinateLine:
        """Show ``coords`` (2,); re-lays out only when the text shown changes."""
        changed = any(n.shows_new_text(float(c)) for n, c in zip(self.numbers, coords, strict=True))
        for number, c in zip(self.numbers, coords, strict=True):
            number.set_value(float(c))
        if changed:
            self._lay_out()
        return self

    def shown(self) -> list[float]:
        """The two numbers as written on screen."""
        return [float(n.shown_text) for n in self.numbers]


class CosineSimilarity(ExplainerScene):
    """Two word vectors, their dot product, their angle and a live cosine read-out."""

    title = "Similarity: dot product and cosine"

    def construct(self) -> None:
        self.example.require_planar("the cosine similarity scene")
        self.a_word, self.b_word = self.choose_pair()
        self.a = self.example.words[self.a_word]
        self.b = self.example.words[self.b_word]
        # +1 when b lies counter-clockwise of a, -1 when clockwise
        self.side = 1.0 if self.a[0] * self.b[1] - self.a[1] * self.b[0] >= 0 else -1.0
        self.sweep = self.sweep_degrees()
        self.dot_trace: DotProductTrace = dot_product(self.a, self.b)
        self.cos_trace: CosineTrace = cosine_similarity(self.a, self.b)

        self.show_title_card()
        self.show_two_words()
        self.show_dot_product()
        self.show_angle_and_cosine()
        self.start_turning()
        for (name, _), target in zip(CASES, self.sweep, strict=True):
            self.turn_to_case(name, target)
        self.stretch_word_keeps_cosine()
        self.attention_uses_the_dot_product()

    # -- the story, beat by beat

    def choose_pair(self) -> tuple[str, str]:
        """The first sentence's ambiguous word and the word that decides it."""
        return self.example.sentences[0].focus, story.decider(self.example, 0)

    def show_two_words(self) -> None:
        self.beat("two words", f"Each word is a vector: {self.a_word} and {self.b_word} are "
                  f"arrows in a plane of {self.example.x_axis} and {self.example.y_axis}.")
        turned = [rotate(self.b, t) for t in np.linspace(0.0, self.sweep[0], 30)]
        turned += [rotate(self.b, t) for t in np.linspace(self.sweep[0], self.sweep[-1], 60)]
        shown = np.array([self.a, 2 * self.b, *turned])
        self.plane = WordPlane(shown, self.example.x_axis, self.example.y_axis)
        self.plane.to_edge(LEFT, buff=3 * style.MARGIN)
        # each label on the side of its arrow away from the other (b turns on its own side of
        # a), so the two stay apart even when b lies along a
        self.vec_a = WordVector(self.plane, self.a_word, self.a,
                                word_color(self.example, self.a_word), label_side=-4 * self.side)
        self.vec_b = WordVector(self.plane, self.b_word, self.b,
                                word_color(self.example, self.b_word), label_side=4 * self.side)
        self.line_a = CoordinateLine("a", self.a_word, self.a, word_color(self.example, self.a_word))
        self.line_b = CoordinateLine("b", self.b_word, self.b, word_color(self.example, self.b_word))
        self.legend = VGroup(self.line_a, self.line_b).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        # b's numbers change as it turns and stretches: keep room for the widest they become
        reach = 2 * float(np.linalg.norm(self.b))
        widest = CoordinateLine("b", self.b_word, np.array([-reach, -reach]), style.TEXT)
        room = max(0.0, widest.width - self.legend.width)
        self.legend.to_edge(UP, buff=style.MARGIN).to_edge(RIGHT, buff=1.2 * style.MARGIN + room)
        self.play(Create(self.plane), run_time=style.BEAT / 2)
        self.play(self.vec_a.grow(), self.vec_b.grow())
        self.keep(self.vec_a, self.vec_b)
        self.play(FadeIn(self.legend), run_time=style.BEAT / 2)

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

    def show_angle_and_cosine(self) -> None:
        t = self.cos_trace
        self.beat("angle and cosine", "The cosine divides by both lengths, so only the angle "
                  f"between the arrows counts: cosine {fmt(t.cosine)}.")
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

    def start_turning(self) -> None:
        """Swap the worked formulas for live read-outs, and let ``b``, its coordinates, the
        angle and the read-outs follow one tracker: how far ``b`` has turned, in degrees."""
        self.turn = ValueTracker(0.0)
        self.live_angle = Readout(r"\theta", self.cos_trace.angle_degrees, style.MUTED, 0,
                                  unit=r"^\circ")
        self.live_cos = Readout(r"\cos\theta", self.cos_trace.cosine, style.FOCUS)
        self.live = VGroup(self.live_angle, self.live_cos).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.live.next_to(self.legend, DOWN, buff=0.6, aligned_edge=LEFT)
        self.first_turn = True

    def current(self) -> np.ndarray:
        """Where ``b`` points now: the word's vector turned by the tracker, shape (2,)."""
        return rotate(self.b, self.turn.get_value())

    def follow_turn(self) -> None:
        # Each moving mobject carries its own updater: manim freezes mobjects without
        # updaters into the background while an animation plays.
        self.vec_b.add_updater(lambda m: m.move_tip(self.current()))
        self.line_b.add_updater(lambda m: m.set_coords(self.current()))
        self.live_angle.add_updater(
            lambda m: m.set_value(cosine_similarity(self.a, self.current()).angle_degrees))
        self.live_cos.add_updater(
            lambda m: m.set_value(cosine_similarity(self.a, self.current()).cosine))
        self.remove(self.angle)
        self.angle = always_redraw(lambda: self.angle_between(self.vec_a, self.vec_b))
        self.add(self.angle)

    def stop_following(self) -> None:
        for mobject in (self.vec_b, self.line_b, self.live_angle, self.live_cos):
            mobject.clear_updaters()
        self.remove(self.angle)
        self.angle = self.angle_between(self.vec_a, self.vec_b)
        self.add(self.angle)

    def turn_to_case(self, name: str, target: float) -> None:
        """One case of the cosine, on screen and held with its number while its line is up."""
        cosine = cosine_similarity(self.a, rotate(self.b, target)).cosine
        lines = {
            "agree": f"Turn {self.b_word} onto {self.a_word}'s direction: the arrows agree, "
                     f"cosine {said(cosine)}.",
            "perpendicular": f"Turn it to a right angle with {self.a_word}: cosine {said(cosine)}.",
            "apart": f"Turn it further, pointing away from {self.a_word}: the cosine is negative, "
                     f"{said(cosine)}.",
        }
        self.beat(name, lines[name])
        if self.first_turn:
            self.first_turn = False
            # one after the other: the read-outs take the formulas' place
            self.play(FadeOut(self.dot_lines), FadeOut(self.cos_lines), run_time=style.BEAT / 2)
            self.play(FadeIn(self.live), run_time=style.BEAT / 2)
        self.follow_turn()
        self.play(self.turn.animate.set_value(target), run_time=style.SLOW * 2 / 3, rate_func=smooth)
        self.stop_following()
        self.wait(style.BEAT)  # the case stays up, with its number, for at least a second

    def sweep_degrees(self) -> tuple[float, ...]:
        """How far ``b`` has turned (degrees, counter-clockwise) at the end of each case of
        :data:`CASES`: onto ``a``, then back out to each case's angle on the side of ``a`` where
        ``b`` started (:attr:`side`)."""
        gap = np.degrees(np.arctan2(self.b[1], self.b[0]) - np.arctan2(self.a[1], self.a[0]))
        onto_a = -float((gap + 180.0) % 360.0 - 180.0)
        return tuple(onto_a + self.side * degrees for _, degrees in CASES)

    def stretch_word_keeps_cosine(self) -> None:
        longer = 2 * self.b
        stretched_dot = dot_product(self.a, longer)
        stretched_cos = cosine_similarity(self.a, longer)
        self.beat("length", f"Back to {self.b_word}, now twice as long: the dot product doubles to "
                  f"{fmt(stretched_dot.dot)}, the cosine stays {fmt(stretched_cos.cosine)}.")
        self.live_dot = Readout(r"\vec a \cdot \vec b", self.dot_trace.dot, style.TEXT)
        self.live_dot.next_to(self.live, DOWN, buff=0.3, aligned_edge=LEFT)
        self.follow_turn()
        self.play(self.turn.animate.set_value(0.0), FadeIn(self.live_dot), run_time=style.BEAT)
        self.stop_following()
        scale = ValueTracker(1.0)

        def stretched() -> np.ndarray:
            return scale.get_value() * self.b

        self.vec_b.add_updater(lambda m: m.move_tip(stretched()))
        self.line_b.add_updater(lambda m: m.set_coords(stretched()))
        self.live_dot.add_updater(lambda m: m.set_value(dot_product(self.a, stretched()).dot))
        self.live_cos.add_updater(lambda m: m.set_value(cosine_similarity(self.a, stretched()).cosine))
        self.play(scale.animate.set_value(2.0), run_time=style.BEAT)
        for mobject in (self.vec_b, self.line_b, self.live_dot, self.live_cos):
            mobject.clear_updaters()
        # the old dot product beside the new one: twice it
        shown = fmt(self.dot_trace.dot)  # "=" only when the printed numbers multiply exactly
        relation = "=" if fmt(2 * float(shown)) == fmt(stretched_dot.dot) else r"\approx"
        self.twice = MathTex(rf"{relation} 2 \times {shown}").scale(style.MATH_SCALE)
        self.twice.next_to(self.live_dot, RIGHT, buff=0.15).align_to(self.live_dot.label[0], DOWN)
        self.play(FadeIn(self.twice), run_time=style.BEAT / 2)
        self.shown_stretched = (stretched_dot, stretched_cos)

    def attention_uses_the_dot_product(self) -> None:
        self.beat("attention", "Attention scores with the dot product: cheap, and a longer word "
                  "speaks louder. Cosine sees only angles.")
        scored = VGroup(self.live_dot, self.twice)
        self.dot_box = Rectangle(width=scored.width + 0.3, height=scored.height + 0.25,
                                 color=style.FOCUS, stroke_width=3).move_to(scored)
        self.uses = word_label("attention uses this: length counts", style.FOCUS, style.SMALL_SIZE)
        self.uses.next_to(self.dot_box, DOWN, buff=0.15).align_to(self.dot_box, LEFT)
        self.ignores = word_label("angle only", style.MUTED, style.SMALL_SIZE)
        self.ignores.next_to(self.live_cos, RIGHT, buff=0.35)
        self.play(Create(self.dot_box), FadeIn(self.uses), FadeIn(self.ignores), run_time=style.BEAT)
