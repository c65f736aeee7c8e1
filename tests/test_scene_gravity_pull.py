"""The gravity scene: its table, pulls, one-step formula, trajectory and end points are the
core's, every number it says is the core's, and it asserts a story claim only when it holds.

Expected numbers are computed here from the example's vectors with numpy (independently of
the scene and of ``attention_core.context``); the shown ones are read back from the scene's
mobjects (DecimalNumber values, MathTex strings, positions on the plane) and its narration.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis.extra.numpy import arrays
from manim import UpdateFromAlphaFunc, Wait, config
from scene_harness import (
    BuiltScene,
    apple_with,
    build_scene,
    check_keyframes,
    narration_numbers,
    overlapping_pairs,
    subtitles,
)

from attention_content.examples import load_example
from attention_content.story import claim, decider, raw_weights
from scenes import style
from scenes.components import WordDot, boxes_overlap
from scenes.components.words import plane_scale
from scenes.gravity_pull import ARROW_NUMBER_WEIGHT, GravityPull, plane_marks, rounded_to_add_up

sys.path.insert(0, str(Path(__file__).parent))
from long_example import write_long_example  # noqa: E402


def plane_labels(scene: GravityPull) -> list:
    """The words' labels and the numbers on the plane that are on screen now."""
    on = {id(m) for top in scene.mobjects for m in top.get_family()}
    labels = [m.label for top in scene.mobjects for m in top.get_family()
              if isinstance(m, WordDot) and m.label_shown and id(m.label) in on
              and max(f.get_fill_opacity() for f in m.label.get_family()) > 0.05]
    numbers = [*getattr(scene, "arrow_numbers", []), *(g[1] for g in getattr(scene, "distances", [])[:-1]
                                                       if len(g) > 1)]
    return list({id(m): m for m in [*labels, *(n for n in numbers if id(n) in on)]}.values())


def plane_clashes(scene: GravityPull) -> list[tuple[str, str]]:
    """Labels or numbers on the plane that overlap each other, a tick value, an axis or its name
    (a label on an opaque patch of the background may cross an axis line: the line runs under it)."""
    labels = plane_labels(scene)
    plane = scene.plane
    axes = plane_marks(plane)[-2:]  # the strips along the two axes
    marks = [*plane_marks(plane)[:-2], plane.x_name, plane.y_name]
    return overlapping_pairs(labels) + [pair for label in labels
                                        for mark in [*marks, *([] if patched(label) else axes)]
                                        for pair in overlapping_pairs([label, mark])]


def patched(label) -> bool:
    """Whether ``label`` lies on an opaque patch of the background colour, covering its box."""
    patch = getattr(label, "background_rectangle", None)
    return (patch is not None and patch.get_fill_opacity() > 0.99 and patch.width >= label.width - 1e-6
            and patch.height >= label.height - 1e-6)


def misnamed(scene: GravityPull) -> list[tuple[str, str]]:
    """The words on the plane now that are drawn without their name, or whose name is as near
    another dot on screen as its own (read as that word's): (word, "unnamed" or "nearer <dot>")."""
    on = {id(m) for top in scene.mobjects for m in top.get_family()}
    words = list({id(m): m for top in scene.mobjects for m in top.get_family()
                  if isinstance(m, WordDot) and id(m.dot) in on}.values())
    bare = [m for m in getattr(scene, "dots", []) if not isinstance(m, WordDot) and id(m) in on]
    dots = [*(w.dot for w in words), *bare]
    problems = []
    for word in words:
        if not word.label_shown or id(word.label) not in on:
            problems.append((word.label.text, "unnamed"))
            continue
        centre = word.label.get_center()[:2]
        own = np.linalg.norm(word.dot.get_center()[:2] - centre)
        rivals = [d for d in dots if d is not word.dot and np.linalg.norm(d.get_center()[:2] - centre) <= own
                  and np.linalg.norm(d.get_center() - word.dot.get_center()) > 1e-6]
        if rivals:
            problems.append((word.label.text, f"nearer a dot at {np.round(rivals[0].get_center()[:2], 2)}"))
    return problems


class Checked(GravityPull):
    """The scene, checking its plane at the end of every beat (:func:`plane_clashes`) and, while
    the word slides, that its label never crosses the label left at its start."""

    def _end_beat(self) -> None:
        if self._open_beat is not None and hasattr(self, "plane"):
            self.clashes = getattr(self, "clashes", [])
            self.clashes += [(self._open_beat[0], *pair) for pair in plane_clashes(self)]
            self.boxed = getattr(self, "boxed", {})  # beat -> the centres of the boxes up at its end
            on = {id(m) for top in self.mobjects for m in top.get_family()}
            self.boxed[self._open_beat[0]] = [m.get_center() for m in getattr(self, "marks", [])
                                              if id(m) in on]
            self.misnamed = getattr(self, "misnamed", [])
            self.misnamed += [(self._open_beat[0], *problem) for problem in misnamed(self)]
        super()._end_beat()

    def play(self, *animations, **kwargs) -> None:
        for a in animations:
            moves_the_word = isinstance(a, UpdateFromAlphaFunc) and a.mobject is self.focus_dot
            if moves_the_word and self.focus_dot.label_shown:
                self.slides = getattr(self, "slides", 0) + 1
                self.crossings = getattr(self, "crossings", [])
                for alpha in np.linspace(0, 1, 41):
                    moving = self.focus_dot.copy()
                    a.update_function(moving, alpha)
                    if self.ghost.label_shown and boxes_overlap(moving.label, self.ghost.label):
                        self.crossings.append((self._open_beat[0], round(alpha, 3)))
        super().play(*animations, **kwargs)
        if not all(isinstance(a, Wait) for a in animations):  # when each animation ended
            self.moved_at = [*getattr(self, "moved_at", []), self.renderer.time]

    def moved_during(self, start: float, end: float) -> list[float]:
        """When animations (not waits) ended between ``start`` and ``end`` (seconds)."""
        return [t for t in getattr(self, "moved_at", []) if start + 1e-6 < t <= end + 1e-6]


Checked.__name__ = GravityPull.__name__  # same key frames folder


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(Checked, example, tmp_path_factory.mktemp(example.name))



@dataclasses.dataclass
class Expected:
    """One sentence's numbers, computed here with numpy from the example's vectors."""

    x: np.ndarray  # the focus, (d,)
    vectors: np.ndarray  # (n, d)
    dots: np.ndarray  # (n,)
    distances: np.ndarray  # (n,)
    weights: np.ndarray  # softmax(dots / T), (n,)
    pulls: np.ndarray  # w_j (x_j - x), (n, d)
    average: np.ndarray  # sum_j w_j x_j, (d,)
    end: np.ndarray  # x + strength (average - x), (d,)


def expected(example, k: int) -> Expected:
    s = example.sentences[k]
    vectors = np.array([example.words[t] for t in s.tokens], dtype=float)
    x = vectors[s.focus_index]
    dots = vectors @ x
    e = np.exp((dots - dots.max()) / example.knobs.temperature)
    w = e / e.sum()
    average = (w[:, None] * vectors).sum(axis=0)
    return Expected(x, vectors, dots, np.linalg.norm(vectors - x, axis=1), w, w[:, None] * (vectors - x),
                    average, x + example.knobs.pull_strength * (average - x))


def numbers_in(tex: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d+", tex)]


def sentences_shown(example) -> range:
    return range(min(2, len(example.sentences)))


def rounded(v) -> list[float]:
    """Numbers as the scene prints them (2 places, no minus on a zero)."""
    return [round(float(x), 2) + 0.0 for x in np.atleast_1d(v)]


def largest_dot(example, k: int) -> int:
    """The other word with the largest dot product with the focus (ties: the earlier)."""
    s, e = example.sentences[k], expected(example, k)
    return max((j for j in range(len(s.tokens)) if j != s.focus_index), key=lambda j: (e.dots[j], -j))


def said_numbers(example, scene, k: int) -> dict[str, list[float]]:
    """Beat name -> the numbers its line must say, in order, for sentence ``k``."""
    s, e = example.sentences[k], expected(example, k)
    i = s.focus_index
    top = largest_dot(example, k)
    hardest_numbers = [e.dots[top], e.weights[top]]  # the cause, then the weight it makes
    d = s.tokens.index(decider(example, k))
    toward = [e.distances[d], np.linalg.norm(e.end - e.vectors[d])]
    numbers = {f"average {k + 1}": [*e.average]}  # the table's weights are rounded to add up to 1
    if k == 0:
        numbers |= {"pulls 1": [], "hardest 1": hardest_numbers, "source": [], "step 1": [],
                    "self 1": [e.weights[i]], "move 1": [], "toward 1": toward}
        if example.knobs.pull_strength != 1:
            numbers["setting 1"] = [example.knobs.pull_strength]
    else:
        # the step's line says no number while the focus moves; the distances come once it stops
        numbers |= {f"pulls {k + 1}": hardest_numbers, f"step {k + 1}": [], f"toward {k + 1}": toward}
    return numbers


# -- the scene, for every shipped example

def test_every_number_said_is_the_cores(built, example):
    scene = built.scene
    wanted: dict[str, list[float]] = {"plane": []}
    for k in sentences_shown(example):
        wanted |= said_numbers(example, scene, k)
    ends = [expected(example, k).end for k in sentences_shown(example)]
    wanted["compare"] = []  # words while the picture comes; its numbers once it is still
    if len(ends) == 2:
        wanted["ends"] = [x for end in ends for x in end]
    assert set(scene.lines) == set(wanted)
    for name, line in scene.lines.items():
        assert narration_numbers(line) == pytest.approx(rounded(wanted[name]), abs=1e-9), (name, line)
    # the subtitles are exactly these lines, in order, one per beat with narration
    assert [t for _, _, t in subtitles(built)] == [line for line in scene.narration if line]
    assert list(scene.lines.values()) == [line for line in scene.narration if line]


def test_the_story_is_asserted_where_it_holds(built, example):
    """On the shipped examples every gravity claim holds, and the narration says so; the
    hardest pull is put down to its dot product, never to distance."""
    lines = built.scene.lines
    for k in sentences_shown(example):
        s = example.sentences[k]
        assert claim(example, "pull_toward_decider", k).holds
        hardest_line = lines["hardest 1"] if k == 0 else lines[f"pulls {k + 1}"]
        top = s.tokens[largest_dot(example, k)]
        assert f"\u201c{top}\u201d, with the largest dot product (" in hardest_line
        assert "pulls hardest" in hardest_line
        toward_line = lines[f"toward {k + 1}"]
        assert f"\u201c{s.focus}\u201d moves toward \u201c{decider(example, k)}\u201d" in toward_line
    assert not any("distance" in line or "nearest" in line for line in lines.values())


def test_the_weights_come_from_dot_products_and_softmax_is_next(built):
    line = built.scene.lines["source"]
    assert "dot product" in line and "next chapter" in line and "Softmax" in line
    # review minor 24: T is shown in the formula before it is explained; the note says it comes later
    formula, note = built.scene.source_shown
    assert r"\vec x \cdot \vec x_j \,/\, T" in formula.get_tex_string()
    assert note.original_text == "softmax and T: the next chapter"
    assert built.scene.lines["pulls 1"].index("as hard as its weight") > 0
    # review minor: the weights are on screen from this beat on; it says where they come from
    assert "the next chapter" in built.scene.lines["pulls 1"]


def test_slow_motion_is_said_once_and_animation_knobs_are_not_attention(built, example):
    lines = list(built.scene.lines.values())
    slow = [line for line in lines if "slowed down" in line]
    # review minor 23: not "this one step in slow motion, in 12 steps" (the knob's frames)
    assert slow == ["Here is that one step, slowed down."]
    assert not any("slow motion" in line for line in lines)
    assert not any("of the way" in line for line in lines)  # "moves 1.00 of the way" is gone
    assert "pull_strength" not in " ".join(lines)  # shipped examples use the whole step


def printed_weight(number) -> float:
    """What a DecimalNumber prints, as a number (it prints ``num_decimal_places`` decimals)."""
    return float(f"{number.get_value():.{number.num_decimal_places}f}") + 0.0


def test_the_table_shows_the_cores_numbers_and_each_column_adds_up(built, example):
    """The dot products are the core's; the weights and pulls are the core's within one unit
    of their last (third) place; the sum row is exactly what the printed column adds up to,
    and is the exact sum rounded; no weight printed 0 stands beside a pull that is not 0."""
    for k in sentences_shown(example):
        s, e = example.sentences[k], expected(example, k)
        np.testing.assert_allclose(raw_weights(example, k), e.weights)  # the pulls are softmax(dot / T)
        shown = built.scene.shown[k]
        assert len(shown.rows) == len(s.tokens)  # short sentences show every word
        weights, pulls = [], []
        for row in shown.rows:
            j = row.index
            assert row.word.text == re.sub(r"\s", "", s.tokens[j])
            near_zero = -0.005 < e.dots[j] < 0  # printed 0.00, not -0.00
            assert row.dot.get_value() == pytest.approx(0.0 if near_zero else e.dots[j])
            assert printed_weight(row.dot) == round(float(e.dots[j]), 2) + 0.0
            weights.append(printed_weight(row.weight))
            pulls.append(numbers_in(row.pull.get_tex_string()))
            assert weights[-1] == pytest.approx(e.weights[j], abs=0.0015)  # 3 places, one unit moved at most
            assert pulls[-1] == pytest.approx(list(e.pulls[j]), abs=0.0015)
            if weights[-1] == 0:
                assert pulls[-1] == [0.0, 0.0], (s.tokens[j], pulls[-1])
            if j == s.focus_index:
                assert pulls[-1] == [0.0, 0.0]  # its arrow to itself has no length
        assert printed_weight(shown.sums[0]) == pytest.approx(sum(weights), abs=1e-9) == 1.0
        total = numbers_in(shown.sums[1].get_tex_string())
        assert total == pytest.approx(np.sum(pulls, axis=0), abs=1e-9)  # the column, added up
        assert total == pytest.approx([round(float(c), 3) for c in e.average - e.x], abs=1e-9)
        # and the formula's step is the sum row to two places (rounded as a student does, half up)
        step = numbers_in(built.scene.shown[k].formula[1].get_tex_string())[2:4]
        half_up = [float(Decimal(str(c)).quantize(Decimal("0.01"), ROUND_HALF_UP)) for c in total]
        assert step == pytest.approx(half_up, abs=1e-9)


def test_the_hardest_pull_is_boxed_by_its_dot_product_and_weight(built, example):
    """The boxes up when the narration names the hardest pull surround that word's dot product
    (the largest, the core's) and its weight, not a distance."""
    scene = built.scene
    for k in sentences_shown(example):
        beat = "hardest 1" if k == 0 else f"pulls {k + 1}"
        top = largest_dot(example, k)
        (row,) = [r for r in scene.shown[k].rows if r.index == top]
        boxed = scene.boxed[beat]
        assert len(boxed) == 2
        np.testing.assert_allclose(boxed[0], row.dot.get_center(), atol=1e-6)
        np.testing.assert_allclose(boxed[1], row.weight.get_center(), atol=1e-6)
        e = expected(example, k)
        others = [j for j in range(len(e.dots)) if j != example.sentences[k].focus_index]
        assert row.dot.get_value() == pytest.approx(max(e.dots[j] for j in others))


def test_the_formula_is_one_step_to_the_weighted_average(built, example):
    for k in sentences_shown(example):
        e = expected(example, k)
        formula = [line.get_tex_string() for line in built.scene.shown[k].formula]
        assert len(formula) == 3  # no "this video" line when pull_strength is 1
        assert formula[0].replace(" ", "") == r"\vecx\,'=\vecx+\sum\nolimits_jw_j\,(\vecx_j-\vecx)"
        assert numbers_in(formula[1]) == pytest.approx(rounded([*e.x, *(e.average - e.x), *e.average]))
        assert r"\sum\nolimits_j w_j\, \vec x_j" in formula[2] and "weighted average" in formula[2]
        # x' named again, not a bare "=" after the ring (review: a stray "=")
        assert formula[2].replace(" ", "").startswith(r"\vecx\,'=")


def test_the_pulls_added_tip_to_tail_reach_the_weighted_average(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        s, e = example.sentences[k], expected(example, k)
        shown = scene.shown[k]
        order = sorted((j for j in range(len(s.tokens)) if j != s.focus_index), key=lambda j: -e.weights[j])
        points = shown.chain_points
        assert len(points) == len(order) + 1
        np.testing.assert_allclose(points[0], scene.plane.point(e.x), atol=1e-9)
        for a, b, j in zip(points[:-1], points[1:], order, strict=True):
            step = scene.plane.point(e.x + e.pulls[j]) - scene.plane.point(e.x)
            np.testing.assert_allclose(b - a, step, atol=1e-9)
        np.testing.assert_allclose(points[-1], scene.plane.point(e.average), atol=1e-9)
        # the drawn arrows are those pulls, the strongest first from the focus
        heaviest = order[0]
        assert shown.chain[0].index == heaviest
        np.testing.assert_allclose(shown.chain[0].get_start(), points[0], atol=1e-6)
        np.testing.assert_allclose(shown.chain[0].get_end(), points[1], atol=1e-6)


def test_the_moving_word_ends_at_the_new_embedding(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        end = expected(example, k).end
        np.testing.assert_allclose(scene.shown[k].mover.dot.get_center(), scene.plane.point(end), atol=1e-6)
        np.testing.assert_allclose(scene.ends[k].dot.get_center(), scene.plane.point(end), atol=1e-6)


def test_the_motion_follows_the_cores_trajectory(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        e = expected(example, k)
        path = scene.shown[k].path
        corners = [*path.get_start_anchors(), path.get_end()]
        assert len(corners) == example.knobs.pull_steps + 1  # the video's slow motion: one segment a frame
        for t, corner in zip(np.linspace(0, 1, len(corners)), corners, strict=True):
            np.testing.assert_allclose(corner, scene.plane.point(e.x + t * (e.end - e.x)), atol=1e-6)


def test_pull_arrows_carry_the_weights(built, example):
    for k in sentences_shown(example):
        s, e = example.sentences[k], expected(example, k)
        shown = built.scene.shown[k]
        others = [j for j in range(len(s.tokens)) if j != s.focus_index]
        np.testing.assert_allclose([a.weight for a in shown.arrows], e.weights[others])
        order = np.argsort(e.weights[others])  # thicker and more opaque for a stronger pull
        widths = [shown.arrows[o].get_stroke_width() for o in order]
        opacities = [shown.arrows[o].get_stroke_opacity() for o in order]
        assert widths == sorted(widths) and opacities == sorted(opacities)
        for number in shown.arrow_numbers:
            assert number.get_value() == pytest.approx(e.weights[number.index])
            assert number.get_value() >= ARROW_NUMBER_WEIGHT
        strongest = max(others, key=lambda j: e.weights[j])
        assert strongest in [n.index for n in shown.arrow_numbers]


def test_distances_to_the_decider_are_drawn(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        s, e = example.sentences[k], expected(example, k)
        d = s.tokens.index(decider(example, k))
        lines = [g[0] for g in scene.shown[k].distances[:-1]]
        assert [line.value for line in lines] == pytest.approx([e.distances[d],
                                                               np.linalg.norm(e.end - e.vectors[d])])
        legend = scene.shown[k].distances[-1].text
        assert numbers_in(legend) == pytest.approx(rounded([line.value for line in lines]))


def test_the_word_ends_in_different_places(built, example):
    if len(example.sentences) < 2:
        pytest.skip("one sentence")
    a, b = (end.dot.get_center() for end in built.scene.ends)
    assert np.linalg.norm(a - b) > 1.0
    for k, line in enumerate(built.scene.legend):
        assert numbers_in(line.text)[-2:] == pytest.approx(rounded(expected(example, k).end))


def test_the_plane_is_the_examples_shared_plane_with_tick_values(built, example):
    """One scale in every chapter (ranges, unit, ticks), 6.6 units tall, tick values on both
    axes; it holds everything this scene draws; the panel sits beside it, inside the frame."""
    scene = built.scene
    plane = scene.plane
    assert plane.scale_used == plane_scale(example)
    assert plane.axes.y_length == pytest.approx(style.SHARED_PLANE_HEIGHT)
    assert plane.scale_used.unit * 1080 / 8 == pytest.approx(111, abs=1)  # px per unit at 1080p
    for axis, (low, high, step) in ((plane.axes.x_axis, plane.scale_used.x_range),
                                    (plane.axes.y_axis, plane.scale_used.y_range)):
        assert [n.get_value() for n in axis.numbers] == pytest.approx(
            [v for v in np.arange(low, high + step / 2, step) if v != 0])
        for k in sentences_shown(example):
            pull = scene.pulls[k]
            c = 0 if axis is plane.axes.x_axis else 1
            drawn = np.concatenate([pull.embeddings[:, c], pull.targets[:, c],
                                    pull.trajectory[..., c].ravel()])
            assert low <= drawn.min() and drawn.max() <= high
    half_width, half_height = config.frame_width / 2, config.frame_height / 2
    assert plane.get_left()[0] >= -half_width + style.MARGIN - 1e-6
    assert plane.get_bottom()[1] >= -half_height + style.MARGIN - 1e-6
    assert plane.get_top()[1] <= half_height - style.MARGIN + 1e-6
    for k in sentences_shown(example):
        panel = [*(r.word for r in scene.shown[k].rows), scene.shown[k].formula, scene.shown[k].sums]
        assert min(m.get_left()[0] for m in panel) > plane.get_right()[0]
        assert max(m.get_right()[0] for m in panel) <= half_width - style.MARGIN + 1e-6


def test_labels_on_the_plane_keep_clear_at_every_beat(built):
    """No word's label or number on the plane overlaps another, a tick value, an axis or its
    name at the end of any beat; the words the table lists are named on the plane."""
    scene = built.scene
    assert scene.clashes == []
    for k, shown in enumerate(scene.shown):
        named = [d for d in [shown.mover, *shown.dots] if isinstance(d, WordDot)]
        assert all(d.label_shown for d in named), (k, [d.word for d in named if not d.label_shown])


def test_the_sliding_word_never_crosses_its_start_label(built):
    scene = built.scene
    assert scene.slides == len(scene.shown)  # one slide a sentence, its label checked all the way
    assert scene.crossings == []


def test_every_word_on_the_plane_is_named_nearest_its_own_dot(built):
    """At the end of every beat each word dot on the plane has its name, and no other dot is as
    near that name as its own (two crowded dots, "buy" and "and", never read as one)."""
    assert built.scene.misnamed == []


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


# -- examples made to break a claim: the scene then says what is true instead

def test_a_nearer_word_with_a_smaller_dot_product_is_not_said_to_pull_hardest(tmp_path):
    """"buy" moved next to "apple" (nearest by distance, smaller dot product): "orange", with
    the largest dot product, still pulls hardest, and the scene says and boxes that."""
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [1.4, 1.4]"))
    e = expected(broken, 0)
    others = [1, 2, 3]  # an, orange, and: "buy" (0) is nearer than all of them
    assert all(e.distances[0] < e.distances[j] for j in others) and e.dots[2] > e.dots[0]
    built = build_scene(Checked, broken, tmp_path, fresh=True)
    line = built.scene.lines["hardest 1"]
    assert line.startswith("\u201corange\u201d, with the largest dot product (6.02), pulls hardest")
    assert "buy" not in line
    assert narration_numbers(line) == pytest.approx(rounded([e.dots[2], e.weights[2]]))
    (row,) = [r for r in built.scene.shown[0].rows if r.index == 2]
    np.testing.assert_allclose(built.scene.boxed["hardest 1"][0], row.dot.get_center(), atol=1e-6)


def test_a_hardest_pull_below_the_focuss_own_dot_product_is_said_to_be_of_the_other_words(tmp_path):
    """"orange" made short: its dot product with "apple" (3.01) is below apple's own (4.81), yet
    it still pulls hardest of the other words; the line says "of the other words"."""
    short = apple_with(tmp_path, ("orange  = [0.6, 3.2]", "orange  = [0.3, 1.6]"))
    e = expected(short, 0)
    assert e.dots[2] < e.dots[4] and largest_dot(short, 0) == 2
    line = build_scene(GravityPull, short, tmp_path, fresh=True).scene.lines["hardest 1"]
    assert line.startswith("\u201corange\u201d, with the largest dot product of the other words (3.01)")
    assert narration_numbers(line) == pytest.approx(rounded([e.dots[2], e.weights[2]]))


def test_a_pull_away_from_the_decider_is_not_said_to_move_toward_it(tmp_path):
    broken = apple_with(tmp_path, ('decider = "orange"', 'decider = "buy"'))
    assert not claim(broken, "pull_toward_decider", 0).holds
    scene = build_scene(GravityPull, broken, tmp_path, fresh=True).scene
    line = scene.lines["toward 1"]
    e = expected(broken, 0)
    assert "moves toward" not in line and line.startswith("\u201capple\u201d gets no nearer \u201cbuy\u201d")
    after = np.linalg.norm(e.end - e.vectors[0])
    assert narration_numbers(line) == pytest.approx(rounded([e.distances[0], after]))
    assert "moves toward \u201cphone\u201d" in scene.lines["toward 2"]  # sentence 2 still holds
    # issue 32: the failed claim is a lesson, not a bare fact that undercuts the chapter
    helps = claim(broken, "head_sharpens", 0).holds
    assert scene.lines["lesson 1"] == (
        "The pull follows raw dot products, which do not lead \u201capple\u201d to \u201cbuy\u201d; "
        + ("keys and queries, later, help." if helps else "later chapters look for what does."))
    assert "lesson 2" not in scene.lines
    beats = {name: (start, end) for name, _, start, end in scene.beats}
    assert beats["lesson 1"][0] == pytest.approx(beats["toward 1"][1])  # right after the numbers


def test_a_pull_strength_below_one_is_called_the_videos_setting(tmp_path):
    half = apple_with(tmp_path, ("pull_strength = 1.0", "pull_strength = 0.5"))
    built = build_scene(GravityPull, half, tmp_path, fresh=True)
    scene = built.scene
    setting = scene.lines["setting 1"]
    assert "pull_strength = 0.50" in setting and "not part of attention" in setting
    assert "full step" in scene.lines["average 1"] and "(part-way)" in scene.lines["step 2"]
    for k in range(2):
        e = expected(half, k)
        formula = [line.get_tex_string() for line in scene.shown[k].formula]
        assert len(formula) == 4 and "this video" in formula[3]
        assert numbers_in(formula[3]) == pytest.approx(rounded([0.5, *e.end]))
        assert numbers_in(formula[1])[-2:] == pytest.approx(rounded(e.average))  # attention's step is whole
        np.testing.assert_allclose(scene.shown[k].mover.dot.get_center(), scene.plane.point(e.end), atol=1e-6)
        np.testing.assert_allclose(scene.shown[k].chain_points[-1], scene.plane.point(e.average), atol=1e-9)
    for name, line in scene.lines.items():
        numbers = said_numbers(half, scene, 0) | said_numbers(half, scene, 1)
        if name in numbers:
            assert narration_numbers(line) == pytest.approx(rounded(numbers[name]), abs=1e-9), name


def test_weights_that_round_to_099_are_printed_to_add_up_to_1(tmp_path):
    """Bat's first sentence: its weights rounded one by one print 0.99 (two places) or 1.001
    (three); rounded to add up, they print 1.000, and nothing needs explaining."""
    bat = load_example("bat")
    w = expected(bat, 0).weights
    assert f"{sum(round(float(x), 2) for x in w):.2f}" == "0.99"
    scene = build_scene(GravityPull, bat, tmp_path).scene
    printed = [printed_weight(r.weight) for r in scene.shown[0].rows]
    assert sum(printed) == pytest.approx(1.0, abs=1e-9)
    assert printed_weight(scene.shown[0].sums[0]) == 1.0
    assert "rounding" not in scene.lines["average 1"]


@settings(max_examples=200, deadline=None)
@given(values=arrays(np.float64, st.integers(1, 12), elements=st.floats(-3, 3, allow_nan=False)),
       places=st.integers(1, 4))
def test_a_column_rounded_to_add_up_adds_up_to_its_sum_rounded(values: np.ndarray, places: int) -> None:
    unit = 10.0**places
    shown = rounded_to_add_up(values, places)
    assert np.allclose(shown * unit, np.round(shown * unit))  # ``places`` decimals
    assert np.all(np.abs(shown - values) < 1.5 / unit + 1e-12)  # one unit moved at most
    assert round(shown.sum() * unit) == round(round(values.sum() * unit))  # the sum, rounded
    assert np.all(shown[values == 0] == 0)


# -- examples that are not shipped

def test_one_sentence_still_closes_the_scene(tmp_path):
    apple = load_example("apple")
    single = dataclasses.replace(apple, name="single", sentences=apple.sentences[:1])
    built = build_scene(GravityPull, single, tmp_path)
    assert len(built.scene.ends) == 1
    assert "one sentence" in built.scene.narration[-1]


def test_a_32_word_sentence_stays_legible(tmp_path):
    long = load_example(write_long_example(tmp_path / "long.toml"))
    built = build_scene(GravityPull, long, tmp_path)
    scene = built.scene
    for k in range(2):
        shown = scene.shown[k]
        assert 1 <= len(shown.rows) < 32 and shown.more.submobjects  # "+ k more words"
        assert str(32 - len(shown.rows)) in shown.more[0].text
        s, e = long.sentences[k], expected(long, k)
        named = {r.index for r in shown.rows}
        others = [j for j in range(32) if j != s.focus_index]
        assert max(others, key=lambda j: e.weights[j]) in named  # the hardest pull
        assert {s.focus_index, s.tokens.index(decider(long, k))} <= named  # the words the lines name
        assert "(in \u03a3)" in shown.more[0].original_text
        assert shown.formula.get_bottom()[1] >= -4.0 and shown.formula.get_right()[0] <= 7.12
        assert overlapping_pairs(list(shown.arrow_numbers)) == []
        for row in shown.rows:
            assert row.weight.get_value() == pytest.approx(e.weights[row.index], abs=0.0015)
    assert all(len(line) <= 120 for line in scene.lines.values())


@settings(max_examples=60, deadline=None)
@given(corners=arrays(np.float64, st.tuples(st.integers(2, 7), st.just(3)),
                      elements=st.floats(-6, 6, allow_nan=False)),
       proportions=st.lists(st.floats(0, 1), min_size=1, max_size=9))
def test_points_along_a_broken_line_are_manims(corners: np.ndarray, proportions: list[float]) -> None:
    """points_along gives manim's point_from_proportion of the path set_points_as_corners
    makes, for any broken line (pieces of length 0 included), at every proportion."""
    from manim import VMobject

    from scenes.components.paths import points_along

    corners[:, 2] = 0.0
    pieces = np.linalg.norm(np.diff(corners, axis=0), axis=1)
    assume(pieces.sum() > 1e-3 and (pieces.min() > 1e-3 or pieces.min() == 0))
    path = VMobject().set_points_as_corners(corners)
    ours = points_along(corners, np.array(proportions))
    manims = np.array([path.point_from_proportion(a) for a in proportions])
    np.testing.assert_allclose(ours, manims, atol=1e-9)


def test_the_end_points_are_read_off_a_picture_that_holds_still(built, example):
    scene = built.scene
    beats = {name: (start, end) for name, _, start, end in scene.beats}
    if len(sentences_shown(example)) == 2:
        assert len(narration_numbers(scene.lines["ends"])) == 4
        assert narration_numbers(scene.lines["compare"]) == []
        start, end = beats["ends"]
        assert scene.moved_during(start, end) == []
