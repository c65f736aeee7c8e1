r"""Similarity of two words: the dot product, and the cosine of the angle between them.

    a . b = a_1 b_1 + a_2 b_2            cos(theta) = (a . b) / (|a| |b|)

The first sentence's ambiguous word and the word that decides it (:func:`attention_content.story.decider`)
are drawn as arrows in the plane; the dot product is written out component by component (why
it and not the first chapter's distance: larger the more alike, and cheap), and its numbers
are said once the figure is still; the cosine is read off the angle. Then a copy of the
second word, called ``b`` (the word itself stays where it is, faint and named), turns, one
beat per case, each held with its number: onto the other's direction (cosine 1), a right
angle (0), pointing apart (negative), while its coordinates follow it. Finally stretching
``b`` along the word (by the largest round factor that keeps it inside the example's shared
plane, :func:`stretch_factor`) multiplies the dot product by that factor but leaves the
cosine, said once the stretch is over: attention scores with the dot product, so a longer
word speaks louder, whether or not it matters more. Every number comes from ``attention_core``.

The plane has the unit, tick step and tick values of every chapter's plane
(:func:`scenes.components.words.plane_scale`); its window is the part of that lattice this
scene's arrows need (:func:`window`): turning ``b`` to point away from ``a`` takes it past the
shared ranges, which hold only the points other chapters draw. It stays left of the column of
legend, formulas and read-outs: nearer the frame's edge, or at a smaller unit, when it is too
wide to fit beside it (:meth:`CosineSimilarity.place_plane`).

Render: ``manim -ql scenes/cosine_similarity.py CosineSimilarity`` (from the repo root).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arc,
    Create,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Rectangle,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    config,
    smooth,
)

from attention_content import story
from attention_core import CosineTrace, DotProductTrace, cosine_similarity, dot_product
from scenes import style
from scenes.base import ExplainerScene
from scenes.components import Readout, WordPlane, word_color, word_label
from scenes.components.clearance import Marks, PlacedVector, clear_of
from scenes.components.readout import LiveNumber
from scenes.components.words import PlaneScale, plane_scale
from scenes.style import fmt

__all__ = ["CASES", "ROUND_FACTORS", "CoordinateLine", "CosineSimilarity", "inside", "rotate",
           "stretch_factor", "times", "window"]

# The turning beats: (beat name, degrees between b and a at the end of the beat).
CASES = (("agree", 0.0), ("perpendicular", 90.0), ("apart", 150.0))
# How much b may be stretched, largest first; the last shrinks it, for a b with no room to grow.
ROUND_FACTORS = (3.0, 2.5, 2.0, 1.5, 1.25, 0.5)
THETA_RADII = (0.95, 1.25)  # how far from the origin the theta label may sit (the arc's radius is 0.6)
THETA_GAP = 0.12  # the theta label keeps this far from the axes (their ticks reach 0.05), arrows and texts
COLUMN_GAP = 0.45  # the plane (tick values, names, labels) ends this far left of the column of formulas
WINDOW_MARGIN = 0.5  # ticks of room the window keeps past the farthest point, each way


def rotate(vector: np.ndarray, degrees: float) -> np.ndarray:
    """``vector`` (2,) turned counter-clockwise by ``degrees`` (a drawing helper)."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ vector


def inside(scale: PlaneScale, point: np.ndarray) -> bool:
    """True when ``point`` (2,) lies within ``scale``'s ranges (its plane's axes box)."""
    return all(low - 1e-9 <= float(c) <= high + 1e-9
               for c, (low, high, _) in zip(point, (scale.x_range, scale.y_range), strict=True))


def stretch_factor(vector: np.ndarray, scale: PlaneScale) -> float:
    """The largest of :data:`ROUND_FACTORS` that keeps ``vector`` (2,), stretched by it, inside
    ``scale``'s plane.

    >>> s = PlaneScale((-2.0, 6.0, 1.0), (-2.0, 6.0, 1.0), 0.825)
    >>> stretch_factor(np.array([0.6, 3.2]), s), stretch_factor(np.array([1.0, 1.0]), s)
    (1.5, 3.0)
    """
    fitting = [f for f in ROUND_FACTORS if inside(scale, f * np.asarray(vector, dtype=float))]
    if not fitting:
        raise ValueError(f"no factor of {ROUND_FACTORS} keeps {vector} inside {scale}")
    return fitting[0]


def times(factor: float) -> str:
    """How the narration says ``factor``: ``twice``, ``half``, ``1.5 times``."""
    return {2.0: "twice", 0.5: "half"}.get(factor, f"{factor:g} times")


def window(scale: PlaneScale, points: np.ndarray, margin: float = WINDOW_MARGIN) -> PlaneScale:
    """The part of ``scale``'s lattice (same unit, tick step and tick values) that holds
    ``points`` (shape (k, 2)) and the origin, with ``margin`` ticks of room past them.

    >>> s = PlaneScale((-2.0, 6.0, 1.0), (-2.0, 6.0, 1.0), 0.825)
    >>> window(s, np.array([[-3.2, 1.0], [1.5, 4.8]]))
    PlaneScale(x_range=(-4.0, 2.0, 1.0), y_range=(-1.0, 6.0, 1.0), unit=0.825)
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    ranges = []
    for k, (_, _, step) in enumerate((scale.x_range, scale.y_range)):
        low = min(0.0, float(pts[:, k].min())) - margin * step
        high = max(0.0, float(pts[:, k].max())) + margin * step
        ranges.append((float(np.floor(low / step) * step), float(np.ceil(high / step) * step), step))
    return PlaneScale(ranges[0], ranges[1], scale.unit)


class CoordinateLine(VGroup):
    r"""``\vec b = orange = (0.60, 3.20)``: the symbol, the word (literal text) and two live
    numbers, which :meth:`set_coords` rewrites while the arrow moves; without a word,
    ``\vec b = (0.60, 3.20)``.

    ``self.numbers`` are the two :class:`LiveNumber`; tests read what they show.
    """

    def __init__(self, symbol: str, word: str | None, coords: np.ndarray, color) -> None:
        self.symbol = MathTex(rf"\vec {symbol} =", color=color).scale(style.MATH_SCALE)
        # without a word (a vector that is no longer the word's): ``\vec b = (x, y)``
        self.word = word_label(word, color) if word else VGroup()
        self.open = MathTex("= (" if word else "(", color=color).scale(style.MATH_SCALE)
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
        if self.word.submobjects:
            self.word.next_to(self.symbol, RIGHT, buff=0.15)
        self.open.next_to(self.word if self.word.submobjects else self.symbol, RIGHT, buff=0.15)
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
        # the plane every chapter draws, and how far b may stretch and stay inside it
        self.shared = plane_scale(self.example)
        self.stretch = stretch_factor(self.b, self.shared)

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
        self.legend = self.coordinate_legend()
        self.plane = self.place_plane(self.legend.get_left()[0] - COLUMN_GAP)
        # each label on the side of its arrow away from the other (b turns on its own side of
        # a), so the two stay apart even when b lies along a
        self.vec_a = PlacedVector(self.plane, self.a_word, self.a,
                                  word_color(self.example, self.a_word), label_side=-4 * self.side)
        self.vec_b = PlacedVector(self.plane, self.b_word, self.b,
                                  word_color(self.example, self.b_word), label_side=4 * self.side)
        self.vec_b.avoid = lambda: Marks.of([self.vec_a.label], [self.vec_a.arrow]) + self.column_marks()
        self.vec_b.move_tip(self.b)
        self.vec_a.avoid = lambda: Marks.of([self.vec_b.label], [self.vec_b.arrow]) + self.column_marks()
        self.vec_a.move_tip(self.a)  # a's label stays where it is now: only b moves
        self.play(Create(self.plane), run_time=style.BEAT / 2)
        self.play(self.vec_a.grow(), self.vec_b.grow())
        self.keep(self.vec_a, self.vec_b)
        self.play(FadeIn(self.legend), run_time=style.BEAT / 2)

    def coordinate_legend(self) -> VGroup:
        """The two coordinate lines, top right: the column of formulas and read-outs below them
        starts at their left edge."""
        self.line_a = CoordinateLine("a", self.a_word, self.a, word_color(self.example, self.a_word))
        self.line_b = CoordinateLine("b", self.b_word, self.b, word_color(self.example, self.b_word))
        legend = VGroup(self.line_a, self.line_b).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        # b's numbers change as it turns and stretches: keep room for the widest they become
        reach = max(self.stretch, 1.0) * float(np.linalg.norm(self.b))
        widest = CoordinateLine("b", self.b_word, np.array([-reach, -reach]), style.TEXT)
        room = max(0.0, widest.width - legend.width)
        legend.to_edge(UP, buff=style.MARGIN).to_edge(RIGHT, buff=1.2 * style.MARGIN + room)
        return legend

    def column_marks(self) -> Marks:
        """The column of legend, formulas and read-outs, from its left edge (and its box's,
        :data:`COLUMN_GAP` to spare) to the frame's right: labels on the plane keep out of it."""
        half = np.array([config.frame_width, config.frame_height]) / 2
        left = self.legend.get_left()[0] - COLUMN_GAP
        return Marks([(np.array([left, -half[1]]), half.copy())])

    def place_plane(self, right: float) -> WordPlane:
        """The plane (:meth:`plane_window`), left of ``right``, where the column begins: at its
        usual place when it fits there, else nearer the frame's left edge, else drawn at the
        smaller unit that fits (a wide window: b turned past the origin and b stretched far)."""
        scale = self.plane_window()

        def drawn(scale: PlaneScale, buff: float) -> WordPlane:
            plane = WordPlane(self.drawn_points(), self.example.x_axis, self.example.y_axis,
                              scale=scale, numbers=True)
            return plane.to_edge(LEFT, buff=buff).set_y(0)

        plane = drawn(scale, 3 * style.MARGIN)
        if plane.get_right()[0] > right:
            plane.to_edge(LEFT, buff=style.MARGIN)
        if plane.get_right()[0] > right:
            # tick values and axis names keep their size: only the axes' length scales
            axis = plane.axes.x_axis.get_length()
            fixed = plane.width - axis
            unit = float(scale.unit * (right - plane.get_left()[0] - fixed) / axis)
            plane = drawn(PlaneScale(scale.x_range, scale.y_range, unit), style.MARGIN)
        return plane

    def drawn_points(self) -> np.ndarray:
        """Every point an arrow of this scene reaches, shape (k, 2): a, b along its whole turn,
        and b stretched."""
        turned = [rotate(self.b, t) for t in np.linspace(0.0, self.sweep[0], 30)]
        turned += [rotate(self.b, t) for t in np.linspace(self.sweep[0], self.sweep[-1], 60)]
        return np.array([self.a, self.stretch * self.b, *turned])

    def plane_window(self) -> PlaneScale:
        """The shared plane's lattice around this scene's arrows (:func:`window`); should that
        be taller than the shared plane, a plane of its own scale that is not (too wide a plane
        is :meth:`place_plane`'s to shrink)."""
        seen = window(self.shared, self.drawn_points())
        height = seen.unit * (seen.y_range[1] - seen.y_range[0])
        if height > style.SHARED_PLANE_HEIGHT + 1e-9:
            return PlaneScale.holding(self.drawn_points(), style.SHARED_PLANE_HEIGHT)
        return seen

    def show_dot_product(self) -> None:
        """Why the dot product and not the distance, with the formula written out; then its
        numbers, read off a figure that no longer changes."""
        p = self.dot_trace.products
        self.distance = next(n.value for n in story.neighbours(self.example, 0, "distance")
                             if n.word == self.b_word)
        self.beat("dot product", f"Not distance, {fmt(self.distance)}: it shrinks as words grow alike, and "
                  "attention wants a score that grows: the dot product.")
        a, b = self.dot_trace.a, self.dot_trace.b
        self.distance_line = word_label(f"distance {fmt(self.distance)}: smaller the more alike",
                                        style.MUTED, style.SMALL_SIZE)
        self.distance_line.next_to(self.legend, DOWN, buff=0.35, aligned_edge=LEFT)
        self.dot_lines = VGroup(
            MathTex(r"\vec a \cdot \vec b = a_1 b_1 + a_2 b_2"),
            MathTex(rf"= {fmt(a[0])} \cdot {fmt(b[0])} + {fmt(a[1])} \cdot {fmt(b[1])}"),
            MathTex(rf"= {fmt(p[0])} + {fmt(p[1])} = {fmt(self.dot_trace.dot)}"),
        ).scale(style.MATH_SCALE).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.dot_lines.next_to(self.distance_line, DOWN, buff=0.3, aligned_edge=LEFT)
        self.play(FadeIn(self.distance_line), run_time=style.BEAT / 2)
        for line in self.dot_lines:
            self.play(Write(line), run_time=style.BEAT)
        self.beat("dot sum", f"Multiply matching components and add: {fmt(p[0])} plus {fmt(p[1])} is "
                  f"{fmt(self.dot_trace.dot)}.")

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

    def angle_between(self, first: PlacedVector, second: PlacedVector) -> VGroup:
        """The arc from ``first`` to ``second`` with a theta label (drawn, not computed)."""
        origin = self.plane.point((0, 0))
        start = float(np.arctan2(first.coords[1], first.coords[0]))
        delta = float(np.arctan2(second.coords[1], second.coords[0])) - start
        delta = (delta + np.pi) % (2 * np.pi) - np.pi  # the short way round
        if abs(delta) < 1e-3:
            return VGroup()
        arc = Arc(radius=0.6, start_angle=start, angle=delta, arc_center=origin,
                  color=style.MUTED, stroke_width=3)
        label = MathTex(r"\theta", color=style.MUTED).scale(0.7)
        # on the bisector, or as near it within the arc as keeps a gap from the axes, their ticks
        # and tick values, the arrows and their labels; a little farther out if nothing is clear
        obstacles = first.marks + Marks.of([first.label, second.label], [first.arrow, second.arrow])
        if hasattr(self, "word_left"):  # the faint word b turned away from
            obstacles += Marks.of([self.word_left[1]], [self.word_left[0]])
        spots = [(r, t) for r in THETA_RADII for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)]
        for radius, t in [*spots, (THETA_RADII[0], 0.5)]:  # the bisector again when nothing is clear
            middle = start + t * delta
            label.move_to(origin + radius * np.array([np.cos(middle), np.sin(middle), 0.0]))
            if clear_of(label, obstacles, pad=THETA_GAP):
                break
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
            "agree": f"Turn a copy of {self.b_word}, called b, onto {self.a_word}'s direction: the arrows "
                     f"agree, cosine {fmt(cosine)}.",
            "perpendicular": f"Turn b to a right angle with {self.a_word}: cosine {fmt(cosine)}.",
            "apart": f"Turn it further, pointing away from {self.a_word}: the cosine is negative, "
                     f"{fmt(cosine)}.",
        }
        self.beat(name, lines[name])
        if self.first_turn:
            self.first_turn = False
            # one after the other: the read-outs take the formulas' place
            self.play(FadeOut(self.distance_line), FadeOut(self.dot_lines), FadeOut(self.cos_lines),
                      run_time=style.BEAT / 2)
            self.play(FadeIn(self.live), self.leave_the_word(), run_time=style.BEAT / 2)
        self.follow_turn()
        self.play(self.turn.animate.set_value(target), run_time=style.SLOW * 2 / 3, rate_func=smooth)
        self.stop_following()
        self.wait(style.BEAT)  # the case stays up, with its number, for at least a second

    def leave_the_word(self) -> AnimationGroup:
        """Animation: the word ``b`` was stays where it is, faint and still named; the arrow
        that turns is called ``b`` and its coordinates are no longer the word's."""
        color = word_color(self.example, self.b_word)
        # its name keeps off the line b is stretched along later, off where b stops turning, and off a
        origin = self.plane.point((0, 0))
        reach = Line(origin, self.plane.point(max(self.stretch, 1.0) * self.b))
        stops = [Line(origin, self.plane.point(rotate(self.b, degrees))) for degrees in self.sweep]
        left = PlacedVector(self.plane, self.b_word, self.b, color, label_side=self.vec_b.label_side)
        left.avoid = lambda: (Marks.of([self.vec_a.label], [self.vec_a.arrow, reach, *stops])
                              + self.column_marks())
        left.move_tip(self.b)
        def roomy() -> bool:  # clear of the marks by a stroke's width and more
            pad = SurroundingRectangle(left.label, buff=0.08)
            return clear_of(pad, left.marks + left.avoid())

        if not roomy():  # straight out sideways, farther
            along = reach.get_unit_vector()
            for side in (np.array([along[1], -along[0], 0.0]), np.array([-along[1], along[0], 0.0])):
                left.label.next_to(left.arrow.get_end(), side, buff=0.3)
                if roomy():
                    break
        self.word_left = VGroup(left.arrow, left.label).set_opacity(0.35)
        self.word_left.set_z_index(-1)  # under the arrow that turns away from it
        old_label, old_line = self.vec_b.label, self.line_b
        self.vec_b.relabel(MathTex(r"\vec b", color=color).scale(style.MATH_SCALE))
        self.vec_b.avoid = lambda: Marks.of([self.vec_a.label, self.word_left[1]],
                                            [self.vec_a.arrow, self.word_left[0]]) + self.column_marks()
        self.vec_b.spot = None
        self.vec_b.move_tip(self.b)
        self.line_b = CoordinateLine("b", None, self.b, color)
        self.line_b.align_to(old_line, LEFT).align_to(old_line, DOWN)
        self.add(self.word_left)
        self.remove(old_label)
        return AnimationGroup(FadeOut(old_label), FadeIn(self.vec_b.label), FadeOut(old_line),
                              FadeIn(self.line_b))

    def sweep_degrees(self) -> tuple[float, ...]:
        """How far ``b`` has turned (degrees, counter-clockwise) at the end of each case of
        :data:`CASES`: onto ``a``, then back out to each case's angle on the side of ``a`` where
        ``b`` started (:attr:`side`)."""
        gap = np.degrees(np.arctan2(self.b[1], self.b[0]) - np.arctan2(self.a[1], self.a[0]))
        onto_a = -float((gap + 180.0) % 360.0 - 180.0)
        return tuple(onto_a + self.side * degrees for _, degrees in CASES)

    def stretch_word_keeps_cosine(self) -> None:
        factor = self.stretch
        longer = factor * self.b
        stretched_dot = dot_product(self.a, longer)
        stretched_cos = cosine_similarity(self.a, longer)
        self.beat("length", f"Turn b back onto {self.b_word} and stretch it: the dot product grows with "
                  "its length, the cosine does not.")
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
        self.play(scale.animate.set_value(factor), run_time=style.BEAT)
        for mobject in (self.vec_b, self.line_b, self.live_dot, self.live_cos):
            mobject.clear_updaters()
        # the old dot product beside the new one, times the factor
        shown = fmt(self.dot_trace.dot)  # "=" only when the printed numbers multiply exactly
        relation = "=" if fmt(factor * float(shown)) == fmt(stretched_dot.dot) else r"\approx"
        self.as_factor = MathTex(rf"{relation} {factor:g} \times {shown}").scale(style.MATH_SCALE)
        self.as_factor.next_to(self.live_dot, RIGHT, buff=0.15).align_to(self.live_dot.label[0], DOWN)
        self.play(FadeIn(self.as_factor), run_time=style.BEAT / 2)
        self.shown_stretched = (stretched_dot, stretched_cos)
        # the numbers, read off a figure that holds still
        self.beat("stretched", f"b is now {times(factor)} as long as {self.b_word}: the dot product is "
                  f"{times(factor)} as large, {fmt(stretched_dot.dot)}; the cosine stays "
                  f"{fmt(stretched_cos.cosine)}.")

    def attention_uses_the_dot_product(self) -> None:
        self.beat("attention", "Attention scores with the dot product: a longer word speaks louder, "
                  "whether or not it matters more.")
        scored = VGroup(self.live_dot, self.as_factor)
        self.dot_box = Rectangle(width=scored.width + 0.3, height=scored.height + 0.25,
                                 color=style.FOCUS, stroke_width=3).move_to(scored)
        self.uses = word_label("attention uses this: length counts", style.FOCUS, style.SMALL_SIZE)
        self.uses.next_to(self.dot_box, DOWN, buff=0.15).align_to(self.dot_box, LEFT)
        self.ignores = word_label("angle only", style.MUTED, style.SMALL_SIZE)
        self.ignores.next_to(self.live_cos, RIGHT, buff=0.35)
        self.play(Create(self.dot_box), FadeIn(self.uses), FadeIn(self.ignores), run_time=style.BEAT)
