"""The words-as-vectors scene: every word where the example puts it; distances, nearest words
and what the narration says about them checked against loops over the example's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DL, UR
from scene_harness import (
    BuiltScene,
    ProbedAtBeatEnds,
    apple_with,
    build_scene,
    check_keyframes,
    narration_numbers,
    outside_frame,
    overlapping_pairs,
    subtitles,
)

from attention_content.story import claim
from scenes import style
from scenes.components import boxes_overlap
from scenes.components.lists import WordValues, baseline
from scenes.components.words import plane_scale
from scenes.words_in_context import WordsInContext, tick_numbers


class ProbedWordsInContext(ProbedAtBeatEnds, WordsInContext):
    """The scene, with what is on screen recorded at the end of every beat."""

    def probe(self) -> dict | None:
        on_screen = set(self.get_mobject_family_members())
        state = {"dots": [w for w, d in getattr(self, "dots", {}).items()
                          if d.dot in on_screen and d.dot.get_fill_opacity() > 0.9]}
        shown_list = getattr(self, "list", None)
        if shown_list is not None and shown_list.rows[0][0] in on_screen:
            state["list"] = [(name.text, float(number.text)) for name, number in shown_list.rows]
            box = getattr(self, "box", None)
            state["boxed"] = next((name.text for name, number in shown_list.rows
                                   if box is not None and box in on_screen
                                   and boxes_overlap(box, name) and boxes_overlap(box, number)), None)
        numbers = getattr(self, "numbers", None)
        if numbers is not None and numbers in on_screen:
            state["numbers"] = {row[0].text: [float(n.text) for n in row[1:]]
                                for row in self.number_rows.values()}
            focus_row = getattr(self, "focus_row", None)
            state["numbers_boxed"] = [w for w, row in self.number_rows.items()
                                      if focus_row in on_screen and boxes_overlap(focus_row, row)]
        return state



def distances_from_focus(example, number: int) -> list[tuple[str, float]]:
    """Every other word of a sentence and its distance from the focus, nearest first (a loop)."""
    sentence = example.sentences[number]
    focus = example.words[sentence.focus]
    pairs = []
    for word in sentence.tokens:
        if word != sentence.focus:
            pairs.append((word, float(np.sqrt(sum((f - w) ** 2 for f, w in zip(focus, example.words[word],
                                                                                  strict=True))))))
    return sorted(pairs, key=lambda p: p[1])


ProbedWordsInContext.__name__ = WordsInContext.__name__  # its key frames are the scene's


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(ProbedWordsInContext, example, tmp_path_factory.mktemp(example.name))


@pytest.fixture(scope="module")
def probed(built) -> ProbedWordsInContext:
    return built.scene


def test_every_word_is_drawn_at_its_embedding(built, example):
    scene = built.scene
    assert set(scene.dots) == set(example.words)
    for word, dot in scene.dots.items():
        np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(example.words[word]), atol=1e-6)
        assert dot.label.text == word


def test_the_words_are_on_screen_while_they_are_given_numbers(probed, example):
    assert probed.narration[1].startswith("Give every word numbers")
    assert sorted(probed.at_end["numbers"]["dots"]) == sorted(example.words)


def test_the_words_numbers_are_shown_while_given_and_the_focus_row_boxed_while_said(probed, example):
    shown = probed.at_end["numbers"]["numbers"]
    assert set(shown) == set(example.words)  # at most 10 words: all of them here
    for word, numbers in shown.items():
        np.testing.assert_allclose(numbers, example.words[word], atol=0.005)
    assert probed.at_end["numbers"]["numbers_boxed"] == []
    assert probed.at_end["points"]["numbers_boxed"] == [example.sentences[0].focus]


def test_a_long_example_shows_ten_words_numbers_the_focus_and_deciders_among_them(long_example, tmp_path):
    scene = build_scene(ProbedWordsInContext, long_example, tmp_path).scene
    shown = scene.at_end["numbers"]["numbers"]
    assert len(shown) == 9 and {"apple", "banana", "laptop"} <= set(shown)
    for word, numbers in shown.items():
        np.testing.assert_allclose(numbers, long_example.words[word], atol=0.005)
    assert outside_frame([scene.numbers]) == []


def test_every_number_said_is_the_examples(built, example):
    lines = dict(zip(["title", "numbers", "points", "distance", "sentence 1", "sentence 2", "context"],
                     built.scene.narration, strict=True))
    focus = example.sentences[0].focus
    x = example.words[focus]
    assert narration_numbers(lines["points"]) == pytest.approx(list(x), abs=0.005)
    deciders = list(dict.fromkeys(s.decider for s in example.sentences))
    assert narration_numbers(lines["distance"]) == pytest.approx(
        [float(np.linalg.norm(example.words[w] - x)) for w in deciders], abs=0.005)
    for number in range(2):
        (nearest, distance), *_ = distances_from_focus(example, number)
        line = lines[f"sentence {number + 1}"]
        assert nearest == example.sentences[number].decider  # the shipped examples are made so
        assert f"nearest {focus} by distance is {nearest}," in line
        assert narration_numbers(line) == pytest.approx([distance], abs=0.005)
    assert narration_numbers(lines["numbers"]) == narration_numbers(lines["context"]) == []


def test_each_sentence_lists_its_nearest_words_by_distance_and_boxes_the_first(probed, example):
    for number in range(2):
        state = probed.at_end[f"sentence {number + 1}"]
        expected = distances_from_focus(example, number)[:len(state["list"])]
        assert [w for w, _ in state["list"]] == [w for w, _ in expected]
        np.testing.assert_allclose([d for _, d in state["list"]], [d for _, d in expected], atol=0.005)
        assert state["boxed"] == expected[0][0]


def test_a_nearest_word_that_is_not_the_decider_is_named_as_it_is(tmp_path):
    # buy moved next to apple: nearer than orange by distance, though orange decides
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [0.75, 0.8]"))
    assert not claim(broken, "top_distance_is_decider", 0).holds
    scene = build_scene(ProbedWordsInContext, broken, tmp_path).scene
    line = scene.narration[4]
    (nearest, distance), *rest = distances_from_focus(broken, 0)
    orange = dict(rest)["orange"]
    assert nearest == "buy"
    assert "nearest apple by distance is buy," in line and "orange, which decides it" in line
    assert narration_numbers(line) == pytest.approx([distance, orange], abs=0.005)
    assert not any("by distance is orange" in said for said in scene.narration)
    assert scene.at_end["sentence 1"]["boxed"] == "buy"
    assert "orange" in [w for w, _ in scene.at_end["sentence 1"]["list"]]


def test_narration_is_written_as_subtitles_and_short(built):
    said = [line for line in built.scene.narration if line]
    assert [text for _, _, text in subtitles(built)] == said
    assert len(said) == 6
    assert all(len(line) <= 110 for line in said), [len(line) for line in said]


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_32_word_example_names_what_it_can_without_overlap(long_example, tmp_path):
    scene = build_scene(ProbedWordsInContext, long_example, tmp_path).scene
    named = [d for d in scene.dots.values() if d.label_shown]
    labels = [d.label for d in named]
    assert overlapping_pairs(labels) == [] and outside_frame(labels) == []
    dots = [d.dot for d in scene.dots.values()]
    assert not any(boxes_overlap(label, dot) for label in labels for dot in dots)
    # the words the scene talks about keep their names; the crowd at the origin loses some
    assert {"apple", "banana", "laptop"} <= {d.word for d in named}
    assert 12 <= len(named) < len(scene.dots)
    assert all(d.label not in d.submobjects for d in scene.dots.values() if not d.label_shown)
    assert outside_frame([scene.question, scene.captions]) == []


def test_word_values_put_numbers_in_right_aligned_columns_on_the_words_baselines():
    table = WordValues("numbers", [("apple", [1.5, 1.6]), ("gypsy", [-0.3, 12.25]), ("an", [0.0, -4.0])],
                       [style.FOCUS] * 3, column_names=["technology", "fruit"])
    assert [[n.text for n in row[1:]] for row in table.rows] == [["1.50", "1.60"], ["-0.30", "12.25"],
                                                                  ["0.00", "-4.00"]]
    for k in (1, 2):
        rights = [row[k].get_right()[0] for row in table.rows] + [table.columns[k - 1].get_right()[0]]
        assert max(rights) - min(rights) < 1e-6
    # on the line: a number's last digit sits where a letter without descender of its word sits
    on_line = {"apple": 0, "gypsy": 3, "an": 1}  # a, s, n
    for row in table.rows:
        letter = row[0].submobjects[on_line[row[0].text]].get_bottom()[1]
        assert all(abs(n.submobjects[-1].get_bottom()[1] - letter) < 0.01 for n in row[1:])
        assert abs(baseline(row[0]) - letter) < 0.01  # round letters overshoot the line a little
        assert row[0].get_right()[0] < min(n.get_left()[0] for n in row[1:])
    pitches = np.diff([baseline(row[0]) for row in table.rows])
    np.testing.assert_allclose(pitches, pitches[0])
    assert overlapping_pairs([table.heading, *table.columns, *(m for row in table.rows for m in row)]) == []


def test_the_plane_is_the_shared_one_with_tick_values_and_names_clear_of_them(built, example):
    scene = built.scene
    scale = plane_scale(example)
    assert scene.plane.scale_used == scale  # the ranges, unit and tick step of every chapter
    ticks = tick_numbers(scene.plane)
    x_values = np.arange(scale.x_range[0], scale.x_range[1] + 1e-9, scale.x_range[2])
    y_values = np.arange(scale.y_range[0], scale.y_range[1] + 1e-9, scale.y_range[2])
    assert [t.get_value() for t in ticks] == pytest.approx(
        [v for v in x_values if v != 0] + [v for v in y_values if v != 0])
    labels = [d.label for d in scene.dots.values() if d.label_shown]
    assert len(labels) == len(scene.dots)  # the shipped examples have room for every name
    names = [scene.plane.x_name, scene.plane.y_name]
    assert overlapping_pairs([*labels, *ticks, *names]) == []
    dots = [d.dot for d in scene.dots.values()]
    assert not any(boxes_overlap(label, dot) for label in labels for dot in dots)
    assert outside_frame([scene.plane, *labels]) == []


def test_the_focus_name_sits_outside_its_ring(built, example):
    scene = built.scene
    label = scene.dots[example.sentences[0].focus].label
    centre, radius = scene.ring.get_center()[:2], scene.ring.width / 2
    # the label's box lies outside the ring's circle (its nearest point is beyond the radius)
    nearest = np.clip(centre, label.get_corner(DL)[:2], label.get_corner(UR)[:2])
    assert np.linalg.norm(nearest - centre) > radius


# -- weaker paths: where distance does not single out the decider, the chapter says so as a lesson


def test_a_decider_farthest_by_distance_is_called_the_farthest_and_taught_as_a_lesson(tmp_path):
    # orange moved up and out: the farthest word of its sentence from apple, though it decides
    broken = apple_with(tmp_path, ("orange  = [0.6, 3.2]", "orange  = [0.2, 4.0]"))
    (nearest, distance), *rest = distances_from_focus(broken, 0)
    assert rest[-1][0] == "orange" and nearest == "buy"
    scene = build_scene(ProbedWordsInContext, broken, tmp_path).scene
    lines = dict(zip([name for name, *_ in scene.beats], [n for _, n, *_ in scene.beats], strict=True))
    line = lines["sentence 1"]
    assert "nearest apple by distance is buy," in line and "orange, which decides it," in line
    assert line.endswith(", the farthest.")
    assert narration_numbers(line) == pytest.approx([distance, rest[-1][1]], abs=0.005)
    assert lines["lesson 1"] == ("By distance, buy is nearest: distance alone does not find the deciding "
                                 "word; the next chapters show what does.")
    assert "lesson 2" not in lines  # the other sentence's decider is its nearest word
    assert scene.at_end["lesson 1"] == scene.at_end["sentence 1"]  # the figure holds for the lesson
    assert scene.at_end["sentence 1"]["boxed"] == "buy"


def test_distances_that_print_alike_get_a_third_decimal_before_one_is_called_nearer(tmp_path):
    # buy 1.8352 from apple, orange 1.8358: both 1.84 with two decimals, 1.835 and 1.836 with three
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [0.5, 0.06118]"))
    scene = build_scene(ProbedWordsInContext, broken, tmp_path).scene
    lines = dict(zip([name for name, *_ in scene.beats], [n for _, n, *_ in scene.beats], strict=True))
    assert "nearest apple by distance is buy, 1.835;" in lines["sentence 1"]
    assert "orange, which decides it, is 1.836." in lines["sentence 1"]
    shown = scene.at_end["sentence 1"]["list"]
    assert shown[:2] == [("buy", 1.835), ("orange", 1.836)]
    assert [n.text for _, n in scene.list.rows][:2] != ["1.84", "1.84"]
    assert "lesson 1" in lines


def test_distances_equal_to_three_decimals_are_said_to_tie_and_never_ranked(tmp_path):
    # buy mirrored from orange about apple's diagonal: exactly as far from apple
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [-0.1, 0.7]"))
    scene = build_scene(ProbedWordsInContext, broken, tmp_path).scene
    lines = dict(zip([name for name, *_ in scene.beats], [n for _, n, *_ in scene.beats], strict=True))
    assert lines["sentence 1"] == ("In \u201cbuy an orange and apple\u201d, buy and orange tie as the words "
                                   "nearest apple by distance, 1.84 away.")
    assert lines["lesson 1"].startswith("By distance, buy and orange tie as nearest:")
    assert not any("nearest apple by distance is" in n for n in lines.values() if "buy" in n)
