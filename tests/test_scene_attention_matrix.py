"""The attention-matrix scene: every grid it draws is the core's trace, cheaply drawn, and
every number it says is the core's; it asserts a story claim only when the claim holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, narration_numbers, outside_frame

from attention_core import causal_mask, scaled_dot_product_attention
from attention_core.examples import load_example
from scenes.attention_matrix import MASKED_SCORE, MASKED_WEIGHT, AttentionMatrix
from scenes.components.matrices import MatrixGrid, cell_colors, signed_colors
from scenes.style import FOCUS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(AttentionMatrix, example, tmp_path_factory.mktemp(example.name))


def core(example, mask=False):
    x, head = example.embeddings(0), example.heads[0]
    return scaled_dot_product_attention(x, head.query, head.key, head.value,
                                        mask=causal_mask(len(x)) if mask else None)


def said(built) -> dict[str, str]:
    """Each beat's narration by beat name."""
    return {name: line for name, line, _, _ in built.scene.beats}


def vec(v) -> str:
    return "(" + ", ".join(f"{a:.2f}" for a in v) + ")"


def off_row_sum(weights: np.ndarray) -> float | None:
    """The rounded sum of the first row whose two-decimal numbers do not add to 1.00."""
    for row in np.nan_to_num(weights):
        shown = round(sum(round(float(w), 2) for w in row), 2)
        if abs(shown - 1.0) > 0.005:
            return shown
    return None


def expected_numbers(example) -> dict[str, list[float]]:
    """What each beat must say, computed from the core (not from the scene)."""
    t, m = core(example), core(example, mask=True)
    s = example.sentences[0]
    i, d = s.focus_index, s.tokens.index(s.decider)
    others = [j for j in range(len(s.tokens)) if j != i]
    odd, masked_odd = off_row_sum(t.weights), off_row_sum(np.where(m.mask, m.weights, 0.0))
    if d < i:
        sees = [m.weights[i, d]]
    else:
        sees = [m.weights[i].max()]
    same = vec(m.output[i]) == vec(t.output[i])
    return {
        "queries and keys": [],
        "scores": [max(t.scores[i, j] for j in others)],
        "scale": [1 / t.scale],
        "why scale": [], "temperature": [],
        "softmax": [t.weights[i].max()] + ([odd] if odd is not None else []),
        "times V": list(t.output[i]),
        "residual": [*t.inputs[i], *t.output[i], *(t.inputs[i] + t.output[i])],
        "formula": [], "causal mask": [],
        "masked softmax": [masked_odd] if masked_odd is not None else [],
        "what it still sees": sees,
        "masked update": list(m.output[i]) + ([] if same else list(m.inputs[i] + m.output[i])),
    }


def assert_says_the_numbers(built, example):
    lines = said(built)
    for name, numbers in expected_numbers(example).items():
        assert narration_numbers(lines[name]) == pytest.approx([round(float(v), 2) for v in numbers],
                                                               abs=1e-9), name


def test_every_number_said_is_the_cores(built, example):
    assert_says_the_numbers(built, example)


def test_grids_hold_the_trace(built, example):
    scene, trace = built.scene, core(example)
    np.testing.assert_allclose(scene.q.values, trace.queries)
    np.testing.assert_allclose(scene.kt.values, trace.keys.T)
    np.testing.assert_allclose(scene.v.values, trace.values)
    np.testing.assert_allclose(scene.q.shown_numbers(), trace.queries, atol=0.005)
    assert [label.text for label in scene.q.row_labels] == list(example.sentences[0].tokens)


def test_masked_cells_read_back_as_masked_and_rows_sum_to_one(built, example):
    scene, masked = built.scene, core(example, mask=True)
    hidden = ~masked.mask
    assert hidden.any() and np.array_equal(scene.weights.masked, hidden)
    np.testing.assert_allclose(scene.weights.values, masked.weights)
    shown = scene.weights.shown_numbers()
    assert np.all(np.isnan(shown[hidden])) and not np.any(np.isnan(shown[~hidden]))
    np.testing.assert_allclose(shown[~hidden], masked.weights[~hidden], atol=0.005)
    printed = np.array(scene.weights.printed).reshape(hidden.shape)
    assert set(printed[hidden]) == {MASKED_WEIGHT} and "0.00" not in set(printed[hidden])
    # the unmasked cells of every row hold all of its weight
    np.testing.assert_allclose(np.where(hidden, 0.0, scene.weights.values).sum(axis=1), 1.0)
    # before softmax the masked scores are minus infinity, and say so
    assert np.array_equal(scene.scores.masked, hidden)
    assert np.all(np.isneginf(scene.scores.values[hidden]))
    assert set(np.array(scene.scores.printed).reshape(hidden.shape)[hidden]) == {MASKED_SCORE}
    np.testing.assert_allclose(scene.output.shown_numbers(), masked.output, atol=0.005)


def test_the_residual_adds_the_update_to_the_word(built, example):
    t, i = core(example, mask=True), example.sentences[0].focus_index
    name, (rows, _rule) = built.scene.residual
    assert name.text == example.sentences[0].focus
    assert [row[1].get_tex_string() for row in rows] == [
        vec(t.inputs[i]), vec(t.output[i]), vec(t.inputs[i] + t.output[i])]
    assert outside_frame([built.scene.residual, built.scene.formula]) == []


def test_the_scaling_is_explained_by_dimension(built, example):
    t = core(example)
    d_k = t.keys.shape[1]
    lines = said(built)
    assert f"d_k = {d_k}" in lines["scale"] and f"√{d_k} ≈ {1 / t.scale:.2f}" in lines["scale"]
    assert "longer vectors" not in " ".join(built.scene.narration)
    assert "spread grows like √d_k" in lines["why scale"]
    assert "temperature T = √d_k" in lines["temperature"]
    shown = [m.get_tex_string() for m in built.scene.reasons]
    assert len(shown) == 5 and rf"\sqrt{{{d_k}}} \approx {1 / t.scale:.2f}" in shown[0]
    assert r"\mathrm{Var}(q \cdot k) = d_k" in shown[2] and "T = \\sqrt{d_k}" in shown[4]


def test_the_shipped_examples_keep_their_decider_under_the_mask(built, example):
    s = example.sentences[0]
    line = said(built)["what it still sees"]
    assert line.startswith(f"{s.focus} still sees {s.decider}, which came before it")
    assert f"{s.decider} can no longer see {s.focus}" in line


@pytest.fixture(scope="module")
def decider_last(tmp_path_factory):
    """apple with its decider after the focus: the causal mask hides it."""
    text = (ROOT / "assets/examples/apple.toml").read_text()
    old = 'text = "buy an orange and apple"'
    assert old in text
    path = tmp_path_factory.mktemp("decider_last") / "apple_decider_last.toml"
    path.write_text(text.replace(old, 'text = "buy an apple and orange"', 1))
    return load_example(path)


def test_a_decider_after_the_focus_is_not_said_to_be_seen(decider_last, tmp_path):
    from attention_core.story import claim

    assert not claim(decider_last, "decider_before_focus", 0).holds
    built = build_scene(AttentionMatrix, decider_last, tmp_path)
    line = said(built)["what it still sees"]
    assert "still sees" not in line
    assert line.startswith("apple can no longer see orange, which comes after it")
    assert_says_the_numbers(built, decider_last)
    m = core(decider_last, mask=True)
    assert "apple's update is now" in said(built)["masked update"]
    assert not np.allclose(m.output[2], core(decider_last).output[2])


def test_a_32_word_sentence_says_no_rounding_it_does_not_show(long_example, tmp_path):
    built = build_scene(AttentionMatrix, long_example, tmp_path)
    assert len(built.scene.weights.printed) == 0
    assert "rounded" not in " ".join(built.scene.narration)
    assert outside_frame([built.scene.residual, built.scene.q, built.scene.kt]) == []


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
    said = [line for line in built.scene.narration if line]
    assert len(built.scene.narration) == 14 and len(said) == 13
    assert built.srt_path.read_text().count("-->") == len(said)


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


@pytest.mark.parametrize("numbers", ["image", False])
def test_cells_can_be_narrower_than_they_are_tall(numbers):
    """``cell_width=`` keeps a grid's rows ``cell`` tall in less width: the image, the cell
    centres, a row's box and a cell's own image follow it; printed numbers still read back."""
    values = np.array([[0.25, -0.5, 1.0], [0.0, 0.75, -1.0]])
    grid = MatrixGrid(values, signed_colors(values, FOCUS), 0.8, numbers=numbers, cell_width=0.5,
                      row_labels=["a", "b"])
    assert grid.image.width == pytest.approx(3 * grid.cell_width, abs=1e-6)
    assert grid.image.height == pytest.approx(2 * grid.cell, abs=1e-6)
    assert grid.cell_width < grid.cell
    left, top = grid.image.get_left()[0], grid.image.get_top()[1]
    np.testing.assert_allclose(grid.cell_center(1, 2)[:2],
                               [left + 2.5 * grid.cell_width, top - 1.5 * grid.cell], atol=1e-6)
    corner, far = grid.row_box(1)
    assert far[0] - corner[0] == pytest.approx(3 * grid.cell_width)
    assert corner[1] - far[1] == pytest.approx(grid.cell)
    piece = grid.cell_image(0, 1)
    assert (piece.width, piece.height) == pytest.approx((grid.cell_width, grid.cell))
    for label, row in zip(grid.row_labels, range(2), strict=True):
        assert label.get_right()[0] < left and label.get_y() == pytest.approx(grid.cell_center(row, 0)[1])
    if numbers:
        np.testing.assert_allclose(grid.shown_numbers(), values)
        assert 0 < grid.number_height < grid.cell_width
    else:
        assert grid.number_height == 0.0 and not grid.printed


def test_a_label_size_keeps_labels_large_and_leaves_out_what_would_overlap():
    """At a fixed label size, thin cells keep their labels that large: only every few-th word
    gets one (and the ones asked for), and no two overlap."""
    from manim import Text
    from scene_harness import overlapping_pairs

    from scenes.style import FONT

    n = 20
    values = np.random.default_rng(0).random((1, n))
    words = [f"w{k}" for k in range(n)]
    grid = MatrixGrid(values, cell_colors(values, FOCUS), 0.2, col_labels=words, label_size=18,
                      always_label=[7])
    for label in grid.col_labels:  # (stood up: its thickness is the upright text's height)
        upright = Text(label.text, font=FONT, font_size=18)
        assert min(label.width, label.height) == pytest.approx(min(upright.width, upright.height))
    assert 7 in grid.labelled and 2 <= len(grid.labelled) < n
    assert overlapping_pairs(list(grid.col_labels)) == []
    default = MatrixGrid(values, cell_colors(values, FOCUS), 0.2, col_labels=words)
    assert max(min(label.width, label.height) for label in default.col_labels) < min(upright.width,
                                                                                       upright.height)
