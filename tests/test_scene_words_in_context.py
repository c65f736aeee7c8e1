"""The words-as-vectors scene: every word where the example puts it, deciders from the core."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from attention_core import cosine_similarity, similarity_matrix
from scenes.components import boxes_overlap
from scenes.words_in_context import WordsInContext


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(WordsInContext, example, tmp_path_factory.mktemp(example.name))


def test_every_word_is_drawn_at_its_embedding(built, example):
    scene = built.scene
    assert set(scene.dots) == set(example.words)
    for word, dot in scene.dots.items():
        np.testing.assert_allclose(dot.dot.get_center(), scene.plane.point(example.words[word]), atol=1e-6)
        assert dot.label.text == word


def test_deciding_words_are_the_strongest_dot_products(built, example):
    sentence = example.sentences[-1]
    dots = similarity_matrix(example.embeddings(sentence), example.embeddings(sentence)).matrix
    row = dots[sentence.focus_index].copy()
    row[sentence.focus_index] = -np.inf
    assert built.scene.decider_word == sentence.tokens[int(np.argmax(row))]
    focus = example.words[sentence.focus]
    assert built.scene.cosines[-1] == pytest.approx(
        cosine_similarity(focus, example.words[built.scene.decider_word]).cosine)


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 6


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_a_32_word_example_names_what_it_can_without_overlap(long_example, tmp_path):
    scene = build_scene(WordsInContext, long_example, tmp_path).scene
    named = [d for d in scene.dots.values() if d.label_shown]
    labels = [d.label for d in named]
    assert overlapping_pairs(labels) == [] and outside_frame(labels) == []
    dots = [d.dot for d in scene.dots.values()]
    assert not any(boxes_overlap(label, dot) for label in labels for dot in dots)
    # the words the scene talks about keep their names; the crowd at the origin loses some
    assert {"apple", "banana", "laptop"} <= {d.word for d in named}
    assert 12 <= len(named) < len(scene.dots)
    assert all(d.label not in d.submobjects for d in scene.dots.values() if not d.label_shown)
