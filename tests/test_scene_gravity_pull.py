"""The gravity scene: its pulls, trajectory, weighted average and end points are the core's.

Expected numbers come straight from ``attention_core`` here; the shown ones are read back
from the scene's mobjects (DecimalNumber values, MathTex strings, positions on the plane).
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, overlapping_pairs

from attention_core import context_pull, similarity_matrix
from attention_core.examples import load_example
from scenes.gravity_pull import ARROW_NUMBER_WEIGHT, GravityPull

sys.path.insert(0, str(Path(__file__).parent))
from long_example import write_long_example  # noqa: E402


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(GravityPull, example, tmp_path_factory.mktemp(example.name))


def core_pull(example, k):
    e = example.embeddings(k)
    kn = example.knobs
    return context_pull(e, similarity_matrix(e, e).matrix, strength=kn.pull_strength,
                        steps=kn.pull_steps, temperature=kn.temperature)


def numbers_in(tex: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d+", tex)]


def sentences_shown(example) -> range:
    return range(min(2, len(example.sentences)))


def test_the_moving_word_ends_at_the_new_embedding(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        expected = core_pull(example, k).new_embeddings[example.sentences[k].focus_index]
        mover = scene.shown[k].mover
        np.testing.assert_allclose(mover.dot.get_center(), scene.plane.point(expected), atol=1e-6)
        np.testing.assert_allclose(scene.ends[k].dot.get_center(), scene.plane.point(expected), atol=1e-6)


def test_the_motion_follows_the_cores_trajectory(built, example):
    scene = built.scene
    for k in sentences_shown(example):
        pull, i = core_pull(example, k), example.sentences[k].focus_index
        path = scene.shown[k].path
        corners = path.get_start_anchors()
        expected = [scene.plane.point(p) for p in pull.trajectory[:, i, :]]
        assert len(corners) == example.knobs.pull_steps  # one segment per step of the knob
        np.testing.assert_allclose([*corners, path.get_end()], expected, atol=1e-6)


def test_pull_arrows_carry_the_weights(built, example):
    for k in sentences_shown(example):
        pull, i = core_pull(example, k), example.sentences[k].focus_index
        shown = built.scene.shown[k]
        others = [j for j in range(len(example.sentences[k].tokens)) if j != i]
        np.testing.assert_allclose([a.weight for a in shown.arrows], pull.weights[i, others])
        # thicker and more opaque for a stronger pull
        order = np.argsort(pull.weights[i, others])
        widths = [shown.arrows[o].get_stroke_width() for o in order]
        opacities = [shown.arrows[o].get_stroke_opacity() for o in order]
        assert widths == sorted(widths) and opacities == sorted(opacities)
        for number in shown.arrow_numbers:
            assert number.get_value() == pytest.approx(pull.weights[i, number.index])
            assert number.get_value() >= ARROW_NUMBER_WEIGHT
        strongest = max(others, key=lambda j: pull.weights[i, j])
        assert strongest in [n.index for n in shown.arrow_numbers]


def test_the_weighted_average_is_written_with_the_cores_numbers(built, example):
    for k in sentences_shown(example):
        sentence = example.sentences[k]
        pull, i = core_pull(example, k), sentence.focus_index
        shown = built.scene.shown[k]
        assert shown.terms, "no terms written"
        for term in shown.terms:
            assert term.word.text == re.sub(r"\s", "", sentence.tokens[term.index])
            assert term.weight.get_value() == pytest.approx(pull.weights[i, term.index])
            np.testing.assert_allclose(numbers_in(term.vector.get_tex_string()), pull.embeddings[term.index],
                                       atol=0.005)
        lines = [numbers_in(line.get_tex_string()) for line in shown.formula]
        e, t, s, new = pull.embeddings[i], pull.targets[i], pull.strength, pull.new_embeddings[i]
        np.testing.assert_allclose(lines[0], t, atol=0.005)
        np.testing.assert_allclose(lines[1], [s], atol=0.005)
        np.testing.assert_allclose(lines[2], [*e, s, *t, *e], atol=0.005)
        np.testing.assert_allclose(lines[3], new, atol=0.005)


def test_the_word_ends_in_different_places(built, example):
    if len(example.sentences) < 2:
        pytest.skip("one sentence")
    a, b = (end.dot.get_center() for end in built.scene.ends)
    assert np.linalg.norm(a - b) > 1.0
    legend = [line.text for line in built.scene.legend]
    for k, line in enumerate(legend):
        new = core_pull(example, k).new_embeddings[example.sentences[k].focus_index]
        assert numbers_in(line)[-2:] == pytest.approx(new, abs=0.005)


def test_narration_is_written_as_subtitles_one_per_beat_back_to_back(built, example):
    text = built.srt_path.read_text()
    beats = 2 + 3 * len(sentences_shown(example)) + 1
    assert text.count("-->") == len(built.scene.narration) == beats
    times = [tuple(_seconds(t) for t in line.split(" --> ")) for line in text.splitlines() if "-->" in line]
    for (_, end), (start, _) in zip(times, times[1:], strict=False):
        assert start == pytest.approx(end, abs=0.05)
    new = core_pull(example, 0).new_embeddings[example.sentences[0].focus_index]
    assert f"({new[0]:.2f}, {new[1]:.2f})" in text


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


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
        assert 1 <= len(shown.terms) < 32 and shown.more.submobjects  # "+ k more words"
        assert str(32 - len(shown.terms)) in shown.more[0].text
        pull, i = core_pull(long, k), long.sentences[k].focus_index
        heaviest = int(np.argmax(pull.weights[i]))
        assert heaviest in [t.index for t in shown.terms]
        assert shown.formula.get_bottom()[1] >= -4.0 and shown.formula.get_right()[0] <= 7.12
        assert overlapping_pairs(list(shown.arrow_numbers)) == []


def _seconds(stamp: str) -> float:
    h, m, s = stamp.strip().replace(",", ".").split(":")
    return 3600 * int(h) + 60 * int(m) + float(s)
