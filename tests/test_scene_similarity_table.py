"""The similarity-table scene: its cells are the core's similarity matrices."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from attention_core import similarity_matrix
from scenes.similarity_table import SimilarityTable


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(SimilarityTable, example, tmp_path_factory.mktemp(example.name))


def test_last_table_is_the_last_sentences_dot_products(built, example):
    e = example.embeddings(len(example.sentences[:2]) - 1)
    expected = similarity_matrix(e, e).matrix
    np.testing.assert_allclose(built.scene.table.values, expected)
    np.testing.assert_allclose(built.scene.table.shown_numbers(), expected, atol=0.005)
    assert [t.text for t in built.scene.table.col_labels] == list(example.sentences[-1].tokens)


def test_box_marks_the_strongest_neighbour(built, example):
    sentence = example.sentences[-1]
    e = example.embeddings(sentence)
    row = similarity_matrix(e, e).matrix[sentence.focus_index].copy()
    row[sentence.focus_index] = -np.inf
    j = int(np.argmax(row))
    np.testing.assert_allclose(built.scene.box.get_center(),
                               built.scene.table.cell_center(sentence.focus_index, j), atol=1e-6)


def test_cosine_narration_uses_the_cores_winner(built, example):
    sentence = example.sentences[0]
    e = example.embeddings(sentence)
    row = similarity_matrix(e, e, kind="cosine").matrix[sentence.focus_index].copy()
    row[sentence.focus_index] = -np.inf
    assert f"closest direction is {sentence.tokens[int(np.argmax(row))]}" in built.scene.narration[2]


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 4


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


def test_cells_filled_one_by_one_are_the_tables_own_pixels(built, example):
    table = built.scene.table
    i = example.sentences[-1].focus_index
    piece = table.cell_image(i, 0)
    h = table.image.pixel_array.shape[0] // table.values.shape[0]
    np.testing.assert_array_equal(piece.pixel_array, table.image.pixel_array[i * h:(i + 1) * h, :h])
    np.testing.assert_allclose(piece.get_center(), table.cell_center(i, 0), atol=1e-6)
    assert piece.width == pytest.approx(table.cell)


def test_a_32_word_table_labels_stay_apart(long_example, tmp_path):
    table = build_scene(SimilarityTable, long_example, tmp_path).scene.table
    for labels in (table.row_labels, table.col_labels):
        assert overlapping_pairs(list(labels)) == [] and outside_frame(list(labels)) == []
    assert long_example.sentences[-1].focus_index in table.labelled
