"""The cosine similarity scene: it builds, and what it shows is what the core computed."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes

from attention_core import cosine_similarity, dot_product, similarity_matrix
from scenes.cosine_similarity import CosineSimilarity


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(CosineSimilarity, example, tmp_path_factory.mktemp(example.name))


def numbers_in(mobject) -> list[float]:
    """The decimal numbers written in a MathTex, in order, read from its TeX source."""
    return [float(x) for x in re.findall(r"-?\d+\.\d+", mobject.get_tex_string())]


def test_pair_is_focus_and_its_strongest_neighbour(built, example):
    scene, sentence = built.scene, example.sentences[0]
    assert scene.a_word == sentence.focus
    dots = similarity_matrix(example.embeddings(0), example.embeddings(0)).matrix[sentence.focus_index]
    others = [i for i in range(len(sentence.tokens)) if i != sentence.focus_index]
    assert scene.b_word == sentence.tokens[max(others, key=lambda i: dots[i])]


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


def test_live_readouts_end_on_the_stretched_vector(built, example):
    scene = built.scene
    a, b = example.words[scene.a_word], example.words[scene.b_word]
    assert scene.live_dot.number.get_value() == pytest.approx(dot_product(a, 2 * b).dot)
    assert scene.live_cos.number.get_value() == pytest.approx(cosine_similarity(a, b).cosine)
    assert scene.live_angle.number.get_value() == pytest.approx(cosine_similarity(a, b).angle_degrees)
    np.testing.assert_allclose(scene.vec_b.coords, 2 * b)


def test_turn_reaches_agreement_and_opposition(built, example):
    first, second = built.scene.sweep
    a, b = example.words[built.scene.a_word], example.words[built.scene.b_word]
    from scenes.cosine_similarity import rotate

    assert cosine_similarity(a, rotate(b, first)).cosine == pytest.approx(1.0)
    assert cosine_similarity(a, rotate(b, second)).cosine < -0.5


def test_narration_is_written_as_subtitles(built):
    text = built.srt_path.read_text()
    assert text.count("-->") == len(built.scene.narration) == 6
    assert f"{built.scene.cos_trace.cosine:.2f}" in text


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
