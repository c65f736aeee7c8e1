"""The keys-and-queries scene: key positions, the query and before/after weights are the core's."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from attention_core import keep_heaviest, scaled_dot_product_attention, similarity_matrix, softmax
from scenes.keys_and_queries import MAX_BARS, KeysAndQueries


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(KeysAndQueries, example, tmp_path_factory.mktemp(example.name))


def trace(example, k=0):
    head = example.heads[0]
    return scaled_dot_product_attention(example.embeddings(k), head.query, head.key, head.value)


def test_words_sit_at_their_keys_and_the_query_points_right(built, example):
    k = len(example.sentences[:2]) - 1  # the last sentence shown
    scene, t = built.scene, trace(example, k)
    for dot, key in zip(scene.key_dots, t.keys, strict=True):
        np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(key), atol=1e-6)
    i = example.sentences[k].focus_index
    np.testing.assert_allclose(scene.query_arrow.coords, t.queries[i])
    np.testing.assert_allclose(scene.query_arrow.get_end(), scene.plane.point(t.queries[i]), atol=0.05)


def test_before_and_after_bars_are_the_cores_weights(built, example):
    k = len(example.sentences[:2]) - 1
    sentence = example.sentences[k]
    e = example.embeddings(k)
    before = softmax(similarity_matrix(e, e).matrix[sentence.focus_index] / np.sqrt(e.shape[1]))
    after = trace(example, k).weights[sentence.focus_index]
    np.testing.assert_allclose(built.scene.before_bars.shown_values(), before)
    np.testing.assert_allclose(built.scene.after_bars.shown_values(), after)


def test_keys_and_queries_sharpen_the_deciding_word(built):
    scene = built.scene
    assert scene.after[scene.decider] > scene.before[scene.decider]


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 6


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_32_word_sentence_shows_its_heaviest_words_and_the_rest_as_one_bar(long_example, tmp_path):
    scene = build_scene(KeysAndQueries, long_example, tmp_path).scene
    sentence = long_example.sentences[1]  # the last one shown
    e = long_example.embeddings(1)
    before = softmax(similarity_matrix(e, e).matrix[sentence.focus_index] / np.sqrt(e.shape[1]))
    after = trace(long_example, 1).weights[sentence.focus_index]
    kept = keep_heaviest(np.vstack([before, after]), MAX_BARS - 1)
    for bars, row in ((scene.before_bars, 0), (scene.after_bars, 1)):
        words = [sentence.tokens[j] for j in kept.indices] + ["+23others"]  # Text drops spaces
        assert [label.text for label in bars.labels] == words
        np.testing.assert_allclose(bars.shown_values(), [*kept.kept[row], kept.rest[row]])
    assert "apple" in [label.text for label in scene.after_bars.labels]
    # rows, titles and caption apart and inside the frame; key labels readable
    blocks = [scene.caption, scene.before_title, scene.after_title, scene.before_bars, scene.after_bars]
    assert overlapping_pairs(blocks) == [] and outside_frame(blocks) == []
    labels = [d.label for d in scene.key_dots if d.label_shown]
    assert overlapping_pairs([*labels, scene.query_label]) == [] and len(labels) >= 8
    assert scene.key_dots[sentence.focus_index].label_shown
