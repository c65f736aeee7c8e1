"""The attention-matrix scene: every grid it draws is the core's trace, cheaply drawn."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes

from attention_core import causal_mask, scaled_dot_product_attention
from scenes.attention_matrix import AttentionMatrix
from scenes.components.matrices import MatrixGrid, cell_colors, signed_colors
from scenes.style import FOCUS


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(AttentionMatrix, example, tmp_path_factory.mktemp(example.name))


def core(example, mask=False):
    x, head = example.embeddings(0), example.heads[0]
    return scaled_dot_product_attention(x, head.query, head.key, head.value,
                                        mask=causal_mask(len(x)) if mask else None)


def test_grids_hold_the_trace(built, example):
    scene, trace = built.scene, core(example)
    np.testing.assert_allclose(scene.q.values, trace.queries)
    np.testing.assert_allclose(scene.kt.values, trace.keys.T)
    np.testing.assert_allclose(scene.v.values, trace.values)
    np.testing.assert_allclose(scene.q.shown_numbers(), trace.queries, atol=0.005)
    assert [label.text for label in scene.q.row_labels] == list(example.sentences[0].tokens)


def test_final_grids_are_the_masked_weights_and_outputs(built, example):
    scene, masked = built.scene, core(example, mask=True)
    np.testing.assert_allclose(scene.weights.values, masked.weights)
    np.testing.assert_allclose(scene.weights.shown_numbers(), masked.weights, atol=0.005)
    np.testing.assert_allclose(scene.output.shown_numbers(), masked.output, atol=0.005)
    assert np.all(np.triu(scene.weights.values, k=1) == 0)


def test_formula_scale_is_the_cores(built, example):
    assert f"{core(example).scale:.2f}" in " ".join(built.scene.narration)


def test_heat_map_pixels_follow_the_colormap():
    values = np.array([[0.0, 0.5], [1.0, 0.25]])
    colors = cell_colors(values, __import__("scenes.style", fromlist=["FOCUS"]).FOCUS, 1.0)
    grid = MatrixGrid(values, colors, cell=0.5)
    pixels = grid.image.get_pixel_array()
    np.testing.assert_allclose(pixels[1, 0, :3] / 255, colors[1, 0], atol=1 / 255)
    assert pixels[0, 0, :3].sum() < pixels[1, 0, :3].sum()  # 0 is darker than 1


@pytest.mark.parametrize("numbers", ["image", True])
def test_masked_cells_read_back_as_masked_not_as_zero(numbers):
    """A masked cell shows its mask text in the background colour; a cell of value 0 shows
    0.00 in the colour of 0: the two never look alike."""
    from scenes.components.matrices import MASKED_COLOR

    values = np.array([[0.6, 0.0], [0.3, 0.7]])
    masked = np.array([[False, True], [False, False]])
    grid = MatrixGrid(values, cell_colors(values, FOCUS, 1.0), 0.8, numbers=numbers, masked=masked)
    shown = grid.shown_numbers()
    assert np.isnan(shown[0, 1]) and np.isnan(shown).sum() == 1
    np.testing.assert_allclose(shown[~masked], values[~masked])
    np.testing.assert_allclose(grid.colors[0, 1], np.array(MASKED_COLOR.to_rgb()))
    assert not np.allclose(grid.colors[0, 1], cell_colors(values, FOCUS, 1.0)[0, 1])
    if numbers == "image":
        assert grid.printed == ["0.60", "\u2013", "0.30", "0.70"]
    else:
        assert grid.numbers[1].text == "\u2013"


def test_number_height_is_measured_from_the_printed_font():
    """A digit printed in a cell of 0.75 units is about a quarter of the cell tall, and
    grows with the cell; a grid without numbers reports 0."""
    values = np.array([[0.25, -0.5]])
    small = MatrixGrid(values, signed_colors(values, FOCUS), 0.5, numbers="image")
    big = MatrixGrid(values, signed_colors(values, FOCUS), 0.75, numbers="image")
    assert 0.2 * big.cell < big.number_height < 0.3 * big.cell
    assert small.number_height < big.number_height
    assert MatrixGrid(values, signed_colors(values, FOCUS), 0.2, numbers=False).number_height == 0.0


def test_a_32_word_grid_is_one_image_without_numbers():
    n = 32
    values = np.random.default_rng(0).random((n, n))
    grid = MatrixGrid(values, cell_colors(values, __import__("scenes.style", fromlist=["x"]).FOCUS),
                      cell=3.6 / n, row_labels=[f"word{i}" for i in range(n)])
    assert len(grid.numbers) == 0 and grid.image.get_pixel_array().shape[:2] == (n, n)
    assert all(len(label.text) <= 6 for label in grid.row_labels)


@pytest.mark.parametrize(("width", "copied"), [(1920, True), (854, True), (427, False)])
def test_printed_cells_are_whole_frame_pixels_when_they_can_be(width, copied):
    """At 1080p and 480p a cell of printed numbers is a whole number of frame pixels (within
    half a pixel of the asked size) and the image asks to be copied; at 240p the numbers need
    more pixels than the cell has, and the image is scaled as usual."""
    from manim import tempconfig

    values = np.array([[0.25, -0.5, 1.0], [0.0, 0.75, -1.0]])
    with tempconfig({"pixel_width": width, "pixel_height": width * 9 // 16}):
        per_unit = width / 14.222222222222221
        grid = MatrixGrid(values, signed_colors(values, FOCUS), 0.46, numbers="image")
        assert getattr(grid.image, "pixel_for_pixel", False) is copied
        if copied:
            assert grid.cell * per_unit == pytest.approx(round(0.46 * per_unit))
            assert abs(grid.cell - 0.46) * per_unit <= 0.5
            assert grid.image.pixel_array.shape[1] == pytest.approx(grid.image.width * per_unit)
        else:
            assert grid.cell == 0.46


def test_narration_is_written_as_subtitles(built):
    assert built.srt_path.read_text().count("-->") == len(built.scene.narration) == 8


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
