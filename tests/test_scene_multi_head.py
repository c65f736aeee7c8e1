"""The multi-head scene: each head's weights, the concatenation and W_O are the core's."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from attention_core import multi_head_attention
from scenes.multi_head import MultiHeadAttention


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(MultiHeadAttention, example, tmp_path_factory.mktemp(example.name))


def core(example):
    return multi_head_attention(example.embeddings(0), [h.weights for h in example.heads], example.w_o)


def test_each_head_shows_its_own_weights(built, example):
    trace = core(example)
    assert len(built.scene.grids) == len(example.heads)
    for grid, head in zip(built.scene.grids, trace.heads, strict=True):
        np.testing.assert_allclose(grid.values, head.weights)
        np.testing.assert_allclose(grid.shown_numbers(), head.weights, atol=0.005)
    # manim's Text.text drops spaces
    assert [g.title.text for g in built.scene.grids] == [f"head\u201c{h.name}\u201d" for h in example.heads]


def test_concatenation_and_output_of_the_focus(built, example):
    trace, i = core(example), example.sentences[0].focus_index
    np.testing.assert_allclose(built.scene.concat.shown_numbers()[0], trace.concatenated[i], atol=0.005)
    np.testing.assert_allclose(built.scene.w_o.values, example.w_o)
    np.testing.assert_allclose(built.scene.output.shown_numbers()[0], trace.output[i], atol=0.005)


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 4


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_32_word_sentence_labels_every_other_word_and_the_focus(long_example, tmp_path):
    scene = build_scene(MultiHeadAttention, long_example, tmp_path).scene
    focus = long_example.sentences[0].focus_index
    for grid in scene.grids:
        for labels in (grid.row_labels, grid.col_labels):
            assert overlapping_pairs(list(labels)) == [] and outside_frame(list(labels)) == []
            assert 8 <= len(labels) < 32
        assert focus in grid.labelled
