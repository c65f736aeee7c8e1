"""The cosine similarity scene: it builds, and what it shows and says is what the core computed.

Each case of the turning arrow (agree, perpendicular, apart) is read back from the scene's
mobjects at the end of its beat: the live cosine, the arrow and its coordinate label.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from manim import DL, UR, DecimalNumber, MarkupText, SingleStringMathTex, Text, Wait, config
from scene_harness import (
    FULL_HD_HEIGHT,
    BuiltScene,
    ProbedAtBeatEnds,
    apple_with,
    boxes_overlap_2d,
    build_scene,
    check_keyframes,
    narration_numbers,
    overlapping_pairs,
    shown_texts,
    subtitles,
)

from attention_content.examples import load_example
from attention_core import cosine_similarity, dot_product
from attention_explainer.frame_walk import walk
from attention_explainer.narration_check import visible
from scenes import style
from scenes.components import boxes_overlap
from scenes.components.words import PlaneScale, plane_scale, tick_numbers
from scenes.cosine_similarity import CASES, CoordinateLine, CosineSimilarity, rotate


class ProbedCosineSimilarity(ProbedAtBeatEnds, CosineSimilarity):
    """The scene, with what it shows recorded at the end of every beat, and the time its last
    animation (not a wait) of each beat ended."""

    def setup(self) -> None:
        super().setup()
        self._moved_until = 0.0

    def play(self, *animations, **kwargs) -> None:
        super().play(*animations, **kwargs)
        if not all(isinstance(a, Wait) for a in animations):
            self._moved_until = self.renderer.time

    def probe(self) -> dict | None:
        if not hasattr(self, "vec_b"):
            return None
        on_screen = set(self.get_mobject_family_members())
        state = {"moved_until": self._moved_until, "b": self.vec_b.coords.copy(),
                 "b_end": self.vec_b.arrow.get_end(), "b_label": self.line_b.shown(),
                 "b_label_values": [n.get_value() for n in self.line_b.numbers]}
        theta = [self.angle[1]] if hasattr(self, "angle") and len(self.angle) == 2 else []
        marks = [*tick_numbers(self.plane), self.plane.x_name, self.plane.y_name]
        left = [self.word_left[1]] if hasattr(self, "word_left") else []  # the word b turned away from
        state["overlaps"] = overlapping_pairs([self.vec_a.label, self.vec_b.label, *left, *theta, *marks])
        state["theta_shown"] = bool(theta)
        arrows = {"arrow a": self.vec_a.arrow, "arrow b": self.vec_b.arrow}
        if hasattr(self, "word_left"):
            arrows[f"arrow {self.b_word}"] = self.word_left[0]
        state["clashes"] = text_clashes(self.mobjects, {"x-axis": self.plane.axes.x_axis,
                                                        "y-axis": self.plane.axes.y_axis},
                                        arrows, skip=tick_numbers(self.plane))
        if theta:
            ticks = [*self.plane.axes.x_axis.ticks, *self.plane.axes.y_axis.ticks]
            state["theta_tick_gap"] = min(box_gap(theta[0], tick) for tick in ticks)
            arrows = {"a": self.vec_a.arrow, "b": self.vec_b.arrow}
            if hasattr(self, "word_left"):
                arrows[self.b_word] = self.word_left[0]
            state["theta_on"] = [name for name, arrow in arrows.items() if crosses(arrow, theta[0])]
        if hasattr(self, "live_cos") and self.live_cos.number in on_screen:
            state["cos"] = self.live_cos.number.get_value()
            state["cos_text"] = self.live_cos.number.shown_text
            state["angle"] = self.live_angle.number.get_value()
        return state


ProbedCosineSimilarity.__name__ = CosineSimilarity.__name__  # its key frames are the scene's


def box_gap(a, b) -> float:
    """How far apart the bounding boxes of ``a`` and ``b`` are (0 when they touch or overlap)."""
    gaps = np.maximum(0.0, np.maximum(b.get_corner(DL)[:2] - a.get_corner(UR)[:2],
                                      a.get_corner(DL)[:2] - b.get_corner(UR)[:2]))
    return float(np.linalg.norm(gaps))


def crosses(line, m) -> bool:
    """Whether the straight ``line`` (an arrow: start to end) passes through ``m``'s box."""
    low, high = m.get_corner(DL)[:2], m.get_corner(UR)[:2]
    points = np.linspace(line.get_start()[:2], line.get_end()[:2], 400)
    return bool(np.any(np.all((points >= low) & (points <= high), axis=1)))


def texts_on_screen(mobjects) -> list:
    """Every text, formula and number drawn by ``mobjects``: the outermost Text, MathTex or
    DecimalNumber of each branch (a formula's glyphs are one text)."""
    kinds = (Text, MarkupText, SingleStringMathTex, DecimalNumber)
    found = []

    def read(m) -> bool:  # True: its parts are not visited
        if not visible(m):
            return True  # it draws nothing, nor do its parts
        if isinstance(m, kinds):
            found.append(m)
            return True
        return False

    walk(mobjects, read)
    return found


def text_clashes(mobjects, axes: dict, arrows: dict, skip=()) -> list[str]:
    """Each pair of texts whose boxes overlap, each text one of ``axes`` (name -> line) runs
    through, each text one of ``arrows`` runs through but those in ``skip`` (an arrow from the
    origin may well cross a tick value), and each text past the frame's edge, by what they show."""
    named = [(getattr(t, "original_text", None) or " ".join(shown_texts(t))[:30], t)
             for t in texts_on_screen(mobjects)]
    clashes = [f"{a!r} on {b!r}" for k, (a, m) in enumerate(named) for b, n in named[k + 1:]
               if boxes_overlap_2d(m, n)]
    for line_name, line in axes.items():
        clashes += [f"{line_name} through {a!r}" for a, m in named if crosses(line, m)]
    skipped = {id(m) for m in skip}
    for line_name, line in arrows.items():
        clashes += [f"{line_name} through {a!r}" for a, m in named
                    if id(m) not in skipped and crosses(line, m)]
    half = np.array([config.frame_width, config.frame_height]) / 2
    clashes += [f"{a!r} off the frame" for a, m in named
                if np.any(np.abs(m.get_corner(DL)[:2]) > half) or np.any(np.abs(m.get_corner(UR)[:2]) > half)]
    return clashes


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(ProbedCosineSimilarity, example, tmp_path_factory.mktemp(example.name))


def numbers_in(mobject) -> list[float]:
    """The decimal numbers written in a MathTex, in order, read from its TeX source."""
    return [float(x) for x in re.findall(r"-?\d+\.\d+", mobject.get_tex_string())]


def beat_times(built) -> dict[str, tuple[float, float]]:
    """Beat name -> (start, end) in seconds, from the subtitles (the title has none)."""
    names = [n for n, line in zip(names_of(built), built.scene.narration, strict=True) if line]
    return {n: (start, end) for n, (start, end, _) in zip(names, subtitles(built), strict=True)}


def names_of(built) -> list[str]:
    return ["title", "two words", "dot product", "dot sum", "angle and cosine", *(n for n, _ in CASES),
            "length", "stretched", "attention"]


def test_pair_is_focus_and_the_word_that_decides_it(built, example):
    scene, sentence = built.scene, example.sentences[0]
    assert scene.a_word == sentence.focus
    assert scene.b_word == sentence.decider


def test_dot_product_lines_show_the_trace(built, example):
    scene = built.scene
    trace = dot_product(example.words[scene.a_word], example.words[scene.b_word])
    _, operands, sums = scene.dot_lines
    np.testing.assert_allclose(numbers_in(operands),
                               [trace.a[0], trace.b[0], trace.a[1], trace.b[1]], atol=0.005)
    np.testing.assert_allclose(numbers_in(sums), [*trace.products, trace.dot], atol=0.005)


def test_cosine_line_shows_the_trace(built, example):
    scene = built.scene
    trace = cosine_similarity(example.words[scene.a_word], example.words[scene.b_word])
    np.testing.assert_allclose(numbers_in(scene.cos_lines[1]),
                               [trace.dot, trace.norm_a, trace.norm_b, trace.cosine], atol=0.005)


@pytest.mark.parametrize(("case", "angle"), CASES)
def test_each_case_is_on_screen_and_held_while_its_line_is_up(built, example, case, angle):
    scene = built.scene
    state = scene.at_end[case]
    a, b = example.words[scene.a_word], example.words[scene.b_word]
    # the arrow is where the case says, and the live cosine shows the case's value
    assert cosine_similarity(a, state["b"]).angle_degrees == pytest.approx(angle, abs=1e-4)
    np.testing.assert_allclose(np.linalg.norm(state["b"]), np.linalg.norm(b))
    expected = float(np.cos(np.radians(angle)))
    assert state["cos"] == pytest.approx(expected, abs=1e-9)
    assert float(state["cos_text"]) == pytest.approx(expected, abs=0.005)
    assert state["angle"] == pytest.approx(angle, abs=1e-4)
    # its coordinate label shows the arrow's coordinates, and the arrow points there
    np.testing.assert_allclose(state["b_label"], state["b"], atol=0.005)
    np.testing.assert_allclose(state["b_end"], scene.plane.point(state["b"]), atol=1e-6)
    # the line says the number shown, and the picture holds for at least a second
    line = scene.narration[names_of(built).index(case)]
    assert narration_numbers(line) == pytest.approx([float(state["cos_text"])])
    start, end = beat_times(built)[case]
    assert start < state["moved_until"] <= end - 1.0 + 1e-6


def test_a_coordinate_line_shows_what_it_is_set_to_in_order_without_overlap(example):
    b = example.words[example.sentences[0].decider]
    line = CoordinateLine("b", example.sentences[0].decider, b, style.TEXT)
    for degrees in np.linspace(0.0, 360.0, 13):
        line.set_coords(rotate(b, degrees))
        np.testing.assert_allclose(line.shown(), rotate(b, degrees), atol=0.005)
        parts = [line.symbol, line.word, line.open, line.numbers[0], line.comma, line.numbers[1], line.close]
        assert all(left.get_right()[0] <= right.get_left()[0] + 1e-6
                   for left, right in zip(parts, parts[1:], strict=False))


def test_live_readouts_end_on_the_stretched_vector(built, example):
    scene = built.scene
    a, b = example.words[scene.a_word], example.words[scene.b_word]
    factor = scene.stretch
    assert scene.live_dot.number.get_value() == pytest.approx(dot_product(a, factor * b).dot)
    assert scene.live_cos.number.get_value() == pytest.approx(cosine_similarity(a, b).cosine)
    assert scene.live_angle.number.get_value() == pytest.approx(cosine_similarity(a, b).angle_degrees)
    np.testing.assert_allclose(scene.vec_b.coords, factor * b)
    np.testing.assert_allclose(scene.at_end["length"]["b_label"], factor * b, atol=0.005)
    # "= 1.5 x (the dot product shown before)"
    assert rf"{factor:g} \times" in scene.as_factor.get_tex_string()
    assert numbers_in(scene.as_factor) == pytest.approx([factor, dot_product(a, b).dot], abs=0.005)


def test_every_number_said_is_the_cores(built, example):
    scene = built.scene
    a, b = example.words[scene.a_word], example.words[scene.b_word]
    lines = dict(zip(names_of(built), scene.narration, strict=True))
    dot, cos = dot_product(a, b), cosine_similarity(a, b)
    assert narration_numbers(lines["dot sum"]) == pytest.approx([*dot.products, dot.dot], abs=0.005)
    assert narration_numbers(lines["angle and cosine"]) == pytest.approx([cos.cosine], abs=0.005)
    for case, angle in CASES:
        assert narration_numbers(lines[case]) == pytest.approx([np.cos(np.radians(angle))], abs=0.005)
    factor = said_factor(lines["stretched"])
    assert factor == scene.stretch
    # "1.5 times as long ... 1.5 times as large" says it twice; "twice", "half", "3 times" have no decimals
    spoken = [factor] * 2 if factor not in (0.5, 2.0) and not factor.is_integer() else []
    assert narration_numbers(lines["stretched"]) == pytest.approx(
        [*spoken, dot_product(a, factor * b).dot, cosine_similarity(a, factor * b).cosine], abs=0.005)
    for quiet in ("two words", "length", "attention"):  # words while the figure moves
        assert narration_numbers(lines[quiet]) == [], quiet


def test_why_not_distance_is_said_with_the_distance_on_screen(built, example):
    """The dot product beat says why not distance in one line, with the pair's distance (numpy
    here), which the frame prints beside the formula: it shrinks as words grow alike."""
    scene = built.scene
    a, b = example.words[scene.a_word], example.words[scene.b_word]
    line = dict(zip(names_of(built), scene.narration, strict=True))["dot product"]
    distance = float(np.linalg.norm(a - b))
    assert line.startswith("Not distance") and "shrinks as words grow alike" in line and "dot product" in line
    assert narration_numbers(line) == pytest.approx([distance], abs=0.005)
    assert any(t.startswith(f"distance {distance:.2f}") for t in built.texts["02-end-of-dot-product"])
    assert len(line) <= 110


def said_factor(line: str) -> float:
    """How many times as long the length line says b becomes ("twice", "half", "1.5 times")."""
    found = re.search(r"now (twice|half|[\d.]+ times) as long", line)
    assert found, line
    word = found.group(1)
    return {"twice": 2.0, "half": 0.5}.get(word) or float(word.split()[0])


def inside(scale: PlaneScale, point) -> bool:
    (x_low, x_high, _), (y_low, y_high, _) = scale.x_range, scale.y_range
    return x_low <= point[0] <= x_high and y_low <= point[1] <= y_high


def test_b_is_stretched_by_the_largest_round_factor_that_stays_inside_the_shared_plane(built, example):
    scene = built.scene
    shared = plane_scale(example)
    b = example.words[scene.b_word]
    stretched = scene.at_end["length"]["b"]
    np.testing.assert_allclose(stretched, scene.stretch * b)
    assert inside(shared, stretched)  # inside the plane every chapter draws...
    assert inside(scene.plane.scale_used, stretched)  # ...and the one drawn here
    # the tip on screen is inside the drawn axes' box
    tip = scene.vec_b.arrow.get_end()
    low, high = scene.plane.axes.get_corner(DL), scene.plane.axes.get_corner(UR)
    assert np.all(tip[:2] >= low[:2] - 1e-6) and np.all(tip[:2] <= high[:2] + 1e-6)
    # a rounder, larger stretch leaves the shared plane (checked against a list of its own)
    larger = [f for f in (1.25, 1.5, 2.0, 2.5, 3.0) if f > scene.stretch]
    assert all(not inside(shared, f * b) for f in larger)
    assert scene.stretch > 1  # the shipped examples have room to grow


def test_the_plane_has_the_shared_unit_tick_step_and_values_and_holds_every_arrow(built, example):
    scene = built.scene
    shared, used = plane_scale(example), scene.plane.scale_used
    assert used.unit == pytest.approx(shared.unit)
    assert used.x_range[2] == shared.x_range[2] and used.y_range[2] == shared.y_range[2]
    for low, high, step in (used.x_range, used.y_range):  # ticks on the shared lattice
        assert (low / step).is_integer() and (high / step).is_integer()
    ticks = tick_numbers(scene.plane)
    assert len(ticks) == sum(round((hi - lo) / st) for lo, hi, st in (used.x_range, used.y_range))
    for state in scene.at_end.values():  # b at the end of every beat, within the axes
        assert inside(used, state["b"])
    # the arrows are long enough to read their angle: the focus's over 200 px at 1080p
    px = FULL_HD_HEIGHT / config.frame_height
    assert scene.vec_a.arrow.get_length() * px > 200


def test_no_label_meets_another_or_a_tick_value_at_the_end_of_any_beat(built):
    states = built.scene.at_end
    assert {name: s["overlaps"] for name, s in states.items() if s["overlaps"]} == {}
    assert states["perpendicular"]["theta_shown"] and states["apart"]["theta_shown"]


TEACHERS = Path(__file__).parent / "data" / "teachers"


def test_no_text_meets_another_or_an_axis_at_the_end_of_any_beat(built):
    """Legend, formulas, read-outs, labels, tick values and axis names: no two overlap, no axis
    line runs through one, no arrow through one but a tick value, and all are inside the frame."""
    states = built.scene.at_end
    assert {name: s["clashes"] for name, s in states.items() if s["clashes"]} == {}


@pytest.mark.parametrize("word", ["seal", "bark", "jam"])
def test_a_teachers_example_keeps_every_text_clear(word, tmp_path):
    """The same for the teachers' examples of issue 32, whose stretched b reaches far right:
    their plane and the formulas beside it used to share the frame's middle."""
    built = build_scene(ProbedCosineSimilarity, load_example(TEACHERS / f"{word}.toml"), tmp_path)
    states = built.scene.at_end
    assert {name: s["clashes"] for name, s in states.items() if s["clashes"]} == {}


def test_the_words_name_keeps_off_where_b_stops_turning(tmp_path):
    """apple with orange below the technology axis, (2.60, -1.90): b's right angle with apple
    lands next to orange, whose faint name must not sit under b or its label."""
    example = apple_with(tmp_path, ("orange  = [0.6, 3.2]", "orange  = [2.6, -1.9]"))
    built = build_scene(ProbedCosineSimilarity, example, tmp_path)
    states = built.scene.at_end
    assert {name: s["clashes"] for name, s in states.items() if s["clashes"]} == {}


def test_the_theta_label_keeps_clear_of_the_ticks_and_the_arrows(built):
    """Wherever theta is shown at a beat's end it sits 0.1 from every tick mark (not on one) and
    on no arrow: neither a, b, nor the faint word b turned away from."""
    states = {name: s for name, s in built.scene.at_end.items() if s["theta_shown"]}
    near = {name: round(s["theta_tick_gap"], 3) for name, s in states.items() if s["theta_tick_gap"] < 0.1}
    assert near == {}
    assert {name: s["theta_on"] for name, s in states.items() if s["theta_on"]} == {}


def test_attention_is_said_to_use_the_dot_product_with_it_on_screen(built):
    scene = built.scene
    line = scene.narration[-1]
    assert "Attention scores with the dot product" in line and "longer word speaks louder" in line
    assert boxes_overlap(scene.dot_box, scene.live_dot) and scene.dot_box in scene.mobjects
    assert scene.uses.original_text.startswith("attention uses this")


def test_narration_is_written_as_subtitles_and_short(built):
    said = [line for line in built.scene.narration if line]
    assert [text for _, _, text in subtitles(built)] == said
    assert len(said) == len(names_of(built)) - 1 == 10
    assert all(len(line) <= 110 for line in said), [len(line) for line in said]


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_vector_with_no_room_to_grow_is_halved():
    from scenes.cosine_similarity import stretch_factor, times

    scale = PlaneScale((-2.0, 6.0, 1.0), (-2.0, 6.0, 1.0), 0.825)
    assert stretch_factor(np.array([5.5, 1.0]), scale) == 0.5
    assert [times(f) for f in (2.0, 0.5, 1.5, 3.0)] == ["twice", "half", "1.5 times", "3 times"]


def test_numbers_are_read_off_a_figure_that_holds_still(built):
    # the dot product's sum and the stretched numbers are said after their figure settled
    states, times = built.scene.at_end, beat_times(built)
    for said in ("dot sum", "stretched"):
        assert states[said]["moved_until"] <= times[said][0] + 1e-6, said


def test_the_arrow_that_turns_is_b_and_the_word_stays_where_it_is(built, example):
    scene = built.scene
    word = scene.b_word
    b = example.words[word]
    # the turning arrow is called b, not the word, and its coordinate line names no word
    assert not hasattr(scene.vec_b.label, "text") and scene.vec_b.label.get_tex_string() == r"\vec b"
    assert len(scene.line_b.word) == 0
    # the word keeps its place, its name and its arrow
    arrow, label = scene.word_left
    assert label.text == word
    np.testing.assert_allclose(arrow.get_end(), scene.plane.point(b), atol=0.02)
    assert arrow in scene.mobjects or scene.word_left in scene.mobjects
    lines = dict(zip(names_of(built), scene.narration, strict=True))
    assert f"copy of {word}, called b" in lines["agree"]
