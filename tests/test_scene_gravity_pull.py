"""The gravity scene: pulls, trajectory and end points are the core's."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes

from attention_core import context_pull, similarity_matrix
from scenes.gravity_pull import SHOWN_WEIGHT, GravityPull


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(GravityPull, example, tmp_path_factory.mktemp(example.name))


def core_pull(example, k):
    e = example.embeddings(k)
    kn = example.knobs
    return context_pull(e, similarity_matrix(e, e).matrix, strength=kn.pull_strength,
                        steps=kn.pull_steps, temperature=kn.temperature)


def test_end_points_are_the_new_embeddings(built, example):
    scene = built.scene
    for k, end in enumerate(scene.ends):
        expected = core_pull(example, k).new_embeddings[example.sentences[k].focus_index]
        np.testing.assert_allclose(end.coords, expected)
        np.testing.assert_allclose(end.get_center(), scene.plane.point(expected), atol=1e-6)


def test_formula_shows_target_and_new_position(built, example):
    k = len(built.scene.ends) - 1
    pull, i = core_pull(example, k), example.sentences[k].focus_index
    numbers = [float(x) for line in built.scene.formula
               for x in re.findall(r"-?\d+\.\d+", line.get_tex_string())]
    np.testing.assert_allclose(numbers, [*pull.targets[i], pull.strength, *pull.new_embeddings[i]],
                               atol=0.005)


def test_pull_arrows_carry_the_weights(built, example):
    k = len(built.scene.ends) - 1
    pull, i = core_pull(example, k), example.sentences[k].focus_index
    others = [j for j in range(len(example.sentences[k].tokens)) if j != i]
    np.testing.assert_allclose([a.weight for a in built.scene.arrows], pull.weights[i, others])
    shown = [n.get_value() for n in built.scene.weight_numbers]
    np.testing.assert_allclose(shown, [w for w in pull.weights[i, others] if w >= SHOWN_WEIGHT])


def test_the_word_ends_in_different_places(built):
    a, b = (end.coords for end in built.scene.ends)
    assert np.linalg.norm(a - b) > 1.0


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 9


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
