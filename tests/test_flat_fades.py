"""Flat fades show the group's own pixels: all of it at the start of a fade out (and the end
of a fade in), a blend with the background between, the group itself in the scene after."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, UP, Circle, Scene, Square, VGroup, config, tempconfig

from attention_manim import manim_patches
from attention_manim.manim_patches import LeanCamera
from scenes import style
from scenes.components import title_card
from scenes.components.flat import FlatFadeIn, FlatFadeOut, flattened

SIZE = {"pixel_width": 320, "pixel_height": 180, "background_color": style.BACKGROUND}


@pytest.fixture(autouse=True, scope="module")
def _patched():
    """The patches in place, as every scene has them (ExplainerScene applies them)."""
    manim_patches.apply()


def _frame(*mobjects) -> np.ndarray:
    camera = LeanCamera()
    camera.capture_mobjects(list(mobjects))
    return camera.pixel_array[..., :3].astype(int)


def _stage():
    """A title card and, beside it, a square that stays."""
    card = title_card("Training the weights", "apple").scale(0.6).shift(2 * UP)
    square = Square(1.0, color=style.KEY, fill_opacity=0.8).shift(2 * DOWN)
    return card, square


def test_a_flattened_group_draws_as_the_group_itself_to_one_level():
    with tempconfig(SIZE):
        card, square = _stage()
        picture = flattened(card, square)
        assert picture is not None and picture.pixel_array[..., 3].max() == 255
        assert picture.pixel_array.shape[1] < config.pixel_width  # cut to where it drew
        assert np.abs(_frame(picture) - _frame(card, square)).max() <= 1
        assert flattened(Square().shift(40 * UP)) is None  # off frame: nothing to draw


@pytest.mark.parametrize("weight", [0.0, 0.5, 1.0])
def test_a_flat_fade_out_blends_the_group_into_the_background(weight):
    with tempconfig(SIZE):
        card, square = _stage()
        scene = Scene(camera_class=LeanCamera)
        scene.add(card, square)
        full = _frame(card, square)
        background = _frame()
        fade = FlatFadeOut(card)
        fade._setup_scene(scene)
        assert card not in scene.mobjects and scene.mobjects[0] is fade.mobject  # in the card's place
        fade.begin()
        fade.interpolate(weight)
        shown = _frame(*scene.mobjects)
        expected = _frame(square) + (1 - weight) * (full - _frame(square))
        assert np.abs(shown - expected).max() <= 2
        assert np.abs(shown - background).max() > 0  # the square stays
        fade.finish()
        fade.clean_up_from_scene(scene)
        assert scene.mobjects == [square]


def test_a_flat_fade_in_moves_by_whole_pixels_and_leaves_the_group_itself():
    with tempconfig(SIZE):
        card, square = _stage()
        scene = Scene(camera_class=LeanCamera)
        scene.add(square)
        fade = FlatFadeIn(card, shift=0.2 * UP)
        fade._setup_scene(scene)
        fade.begin()
        picture, home = fade.mobject, fade.home  # home: where the card is
        assert picture.pixel_array[..., 3].max() == 0  # invisible at the start
        fade.interpolate(0.5)
        unit = config.frame_width / config.pixel_width
        travel = (picture.get_center() - home) / unit
        np.testing.assert_allclose(travel, np.rint(travel), atol=1e-6)  # whole pixels
        assert travel[1] < 0 and travel[0] == 0  # still below, coming up
        fade.interpolate(1.0)
        assert np.abs(_frame(*scene.mobjects) - _frame(square, card)).max() <= 1
        fade.finish()
        fade.clean_up_from_scene(scene)
        assert scene.mobjects == [square, card]


def test_a_group_that_overlaps_itself_fades_as_one_piece():
    """Mid-fade a flat fade shows the top disc's colour where the discs overlap, not the one
    under it showing through (as a fade of each disc would)."""
    with tempconfig(SIZE):
        under = Circle(1.0, color=style.KEY, fill_opacity=1)
        over = Circle(1.0, color=style.QUERY, fill_opacity=1).shift(0.5 * UP)
        group = VGroup(under, over)
        scene = Scene(camera_class=LeanCamera)
        scene.add(group)
        fade = FlatFadeOut(group)
        fade._setup_scene(scene)
        fade.begin()
        fade.interpolate(0.5)
        row, col = config.pixel_height // 2 - 5, config.pixel_width // 2  # inside both discs
        shown = _frame(*scene.mobjects)[row, col]
        expected = (_frame(over)[row, col] + _frame()[row, col]) / 2
        assert np.abs(shown - expected).max() <= 2
