"""The values scene: value positions, the term-by-term sum and the outputs are the core's."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from attention_core import scaled_dot_product_attention
from scenes.value_vectors import ValueVectors


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(ValueVectors, example, tmp_path_factory.mktemp(example.name))


def trace(example, k):
    head = example.heads[0]
    return scaled_dot_product_attention(example.embeddings(k), head.query, head.key, head.value)


def test_words_sit_at_their_values(built, example):
    t = trace(example, len(example.sentences[:2]) - 1)  # the last sentence shown
    for dot, value in zip(built.scene.dots, t.values, strict=True):
        np.testing.assert_allclose(dot.dot.get_center(), built.scene.plane.point(value), atol=1e-6)


def test_the_terms_add_up_to_the_output(built, example):
    t, i = trace(example, 0), example.sentences[0].focus_index
    np.testing.assert_allclose(built.scene.end, t.output[i], atol=1e-12)
    np.testing.assert_allclose(built.scene.output_arrow.coords, t.output[i])
    assert len(built.scene.terms) >= 1


def test_outputs_shown_are_the_cores(built, example):
    k = len(example.sentences[:2]) - 1
    t, i = trace(example, k), example.sentences[k].focus_index
    shown = [float(x) for x in re.findall(r"-?\d+\.\d+", built.scene.output_line.get_tex_string())]
    np.testing.assert_allclose(shown, t.output[i], atol=0.005)


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 4


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_32_word_sentence_keeps_its_labels_apart(long_example, tmp_path):
    scene = build_scene(ValueVectors, long_example, tmp_path).scene
    labels = [d.label for d in scene.dots if d.label_shown]
    assert overlapping_pairs(labels) == [] and outside_frame(labels) == [] and len(labels) >= 8
    sentence = long_example.sentences[1]
    assert scene.dots[sentence.focus_index].label_shown
    t = trace(long_example, 1)
    for dot, value in zip(scene.dots, t.values, strict=True):
        np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(value), atol=1e-6)
