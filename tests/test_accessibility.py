"""The colour measures against published values, and the palette against them.

The expected values are computed here from the published numbers, not by the module: the
Machado et al. (2009) severity-1.0 matrices applied by hand to the sRGB primaries, CIELAB of
sRGB red and grey as colour references list them, WCAG 2.1's own examples of contrast.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from attention_explainer import accessibility as acc
from scenes import style

# The published matrices, typed again here (rows act on linear RGB columns).
PUBLISHED = {
    "protan": [[0.152286, 1.052583, -0.204868],
               [0.114503, 0.786281, 0.099216],
               [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968],
               [0.280085, 0.672501, 0.047413],
               [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779],
               [-0.078411, 0.930809, 0.147602],
               [0.004733, 0.691367, 0.303900]],
}


def _srgb(linear: float) -> float:
    """One channel, linear -> sRGB, clipped: the IEC 61966-2-1 formula written out."""
    v = min(max(linear, 0.0), 1.0)
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


@pytest.mark.parametrize("deficiency", ["protan", "deutan", "tritan"])
@pytest.mark.parametrize("channel", [0, 1, 2], ids=["red", "green", "blue"])
def test_a_primary_is_seen_as_its_matrix_column(deficiency: str, channel: int) -> None:
    # a primary's linear RGB is a unit vector: the matrix sends it to its column
    primary = np.zeros(3)
    primary[channel] = 1.0
    expected = [_srgb(PUBLISHED[deficiency][row][channel]) for row in range(3)]
    assert np.allclose(acc.simulate(primary, deficiency), expected, atol=1e-6)


@pytest.mark.parametrize("deficiency", acc.DEFICIENCIES)
def test_white_grey_and_black_stay_as_they_are(deficiency: str) -> None:
    # every row of a Machado matrix sums to 1 (to 1e-6): neutral colours keep their look
    for color in ("#FFFFFF", "#777777", "#000000"):
        assert np.allclose(acc.simulate(color, deficiency), acc.rgb(color), atol=2e-4)


def test_cielab_of_known_colours() -> None:
    # sRGB red (D65): L* 53.24, a* 80.09, b* 67.20; middle grey #808080: L* 53.59; white: 100, 0, 0
    assert np.allclose(acc.lab("#FF0000"), [53.24, 80.09, 67.20], atol=0.01)
    assert np.allclose(acc.lab("#808080"), [53.59, 0.0, 0.0], atol=0.01)
    assert np.allclose(acc.lab("#FFFFFF"), [100.0, 0.0, 0.0], atol=1e-6)
    assert float(acc.delta_e("#FF0000", "#FFFFFF")) == pytest.approx(np.hypot(np.hypot(46.76, 80.09), 67.20),
                                                                   abs=0.02)


def test_wcag_contrast_of_known_pairs() -> None:
    assert acc.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert acc.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.005)  # the lightest AA grey
    assert acc.contrast_ratio("#FFFFFF", "#777777") < 4.5  # one step lighter fails
    assert acc.contrast_ratio("#000000", "#000000") == pytest.approx(1.0)


def test_smallest_difference_names_the_closest_pair() -> None:
    pair = acc.smallest_difference({"red": "#FF0000", "green": "#00FF00", "also red": "#FE0000"})
    assert {pair.first, pair.second} == {"red", "also red"} and pair.delta_e < 1.0
    # red and green, apart for normal vision, close for a deuteranope
    assert float(acc.delta_e("#D62728", "#2CA02C")) > 70
    assert float(acc.delta_e("#D62728", "#2CA02C", "deutan")) < 25


# -- the palette (scenes/style.py)

ROLES = ("FOCUS", "QUERY", "KEY", "VALUE", "POSITIVE", "NEGATIVE", "TEXT", "MUTED")
APART = 17.0  # the smallest CIELAB difference two colours that must be told apart may have
TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0  # WCAG 2.1: 1.4.3 text, 1.4.11 graphics


def _words() -> dict[str, object]:
    return {"FOCUS": style.FOCUS, "TEXT": style.TEXT, "MUTED": style.MUTED,
            **{f"WORD_COLORS[{k}]": c for k, c in enumerate(style.WORD_COLORS)}}


@pytest.mark.parametrize("deficiency", acc.DEFICIENCIES)
def test_role_colours_stay_apart(deficiency: str) -> None:
    pair = acc.smallest_difference({name: getattr(style, name) for name in ROLES}, deficiency)
    assert pair.delta_e >= APART, str(pair)
    assert float(acc.delta_e(style.QUERY, style.KEY, deficiency)) >= 45
    assert float(acc.delta_e(style.POSITIVE, style.NEGATIVE, deficiency)) >= 45


@pytest.mark.parametrize("deficiency", acc.DEFICIENCIES)
def test_word_colours_stay_apart(deficiency: str) -> None:
    pair = acc.smallest_difference(_words(), deficiency)
    assert pair.delta_e >= APART, str(pair)


def test_one_meaning_per_colour() -> None:
    roles = {name: getattr(style, name) for name in ROLES[:6]}
    for word, (role, color) in itertools.product(style.WORD_COLORS, roles.items()):
        assert float(acc.delta_e(word, color)) >= 25, (word.to_hex(), role)


def test_signs_are_blue_and_orange() -> None:
    # a diverging scale: positive is blue (CIELAB b* < 0), negative orange (a* > 0, b* > a*)
    _, a_pos, b_pos = acc.lab(style.POSITIVE)
    _, a_neg, b_neg = acc.lab(style.NEGATIVE)
    assert b_pos < -20 and abs(a_pos) < abs(b_pos)
    assert a_neg > 20 and b_neg > a_neg


def test_colours_read_against_the_background() -> None:
    texts = [*(getattr(style, n) for n in ROLES), *style.WORD_COLORS]
    low = min(texts, key=lambda c: acc.contrast_ratio(c, style.BACKGROUND))
    assert acc.contrast_ratio(low, style.BACKGROUND) >= TEXT_CONTRAST, low.to_hex()


def test_the_command_writes_a_sheet_of_the_four_visions(tmp_path, capsys) -> None:
    from PIL import Image

    frame = np.zeros((2, 3, 3), dtype=np.uint8)
    frame[0, 0], frame[1, 2] = (214, 39, 40), (44, 160, 44)  # red, green
    Image.fromarray(frame).save(tmp_path / "f.png")
    assert acc.main([str(tmp_path / "f.png")]) == 0
    sheet = np.asarray(Image.open(tmp_path / "f.cvd.png"))
    assert sheet.shape == (4, 6, 3)
    for (row, col), deficiency in zip([(0, 0), (0, 3), (2, 0), (2, 3)], acc.DEFICIENCIES, strict=True):
        expected = np.rint(acc.simulate(frame[0, 0] / 255, deficiency) * 255)
        assert np.array_equal(sheet[row, col], expected)
    assert acc.main([str(tmp_path / "missing.png")]) == 1
    assert "missing.png: not an image" in capsys.readouterr().err
