"""The softmax scene shows the core's naive weights, zero-sum case and softmax weights."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes

from attention_core import naive_normalize, similarity_matrix, softmax_trace
from scenes.softmax_normalize import TEMPERATURES, SoftmaxNormalize


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(SoftmaxNormalize, example, tmp_path_factory.mktemp(example.name))


def focus_scores(example) -> np.ndarray:
    e = example.embeddings(0)
    return similarity_matrix(e, e).matrix[example.sentences[0].focus_index]


def test_final_bars_are_the_softmax_at_the_examples_temperature(built, example):
    trace = softmax_trace(focus_scores(example), example.knobs.temperature)
    np.testing.assert_allclose(built.scene.bars.shown_values(), trace.weights)
    assert [label.text for label in built.scene.bars.labels] == list(example.sentences[0].tokens)
    assert built.scene.total.number.get_value() == pytest.approx(1.0)


def test_naive_failure_comes_from_the_core(built, example):
    naive = naive_normalize(focus_scores(example))
    assert built.scene.naive.problems == naive.problems and not naive.ok
    zero = built.scene.zero_scores
    assert naive_normalize(zero).weights is None
    assert np.count_nonzero(zero != focus_scores(example)) == 1  # one score changed
    shown = float(re.findall(r"-?\d+\.\d+", built.scene.problem_text.text)[0])
    assert shown == pytest.approx(zero[np.argmin(focus_scores(example))], abs=0.005)


def test_formula_shows_the_softmax_sum(built, example):
    trace = softmax_trace(focus_scores(example), example.knobs.temperature)
    assert f"{trace.total:.2f}" in built.scene.formula.get_tex_string()


def test_temperatures_shown_are_the_cores(built, example):
    temps = [t.temperature for t in built.scene.temperature_traces]
    assert temps == [*TEMPERATURES, example.knobs.temperature]
    cold, hot = built.scene.temperature_traces[:2]
    assert cold.weights.max() > hot.weights.max()
    assert built.scene.temperature.number.get_value() == pytest.approx(example.knobs.temperature)


def test_narration_is_written_as_subtitles(built):
    text = built.srt_path.read_text()
    assert text.count("-->") == len(built.scene.narration) == 6
    assert f"{built.scene.naive.total:.2f}" in text


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
