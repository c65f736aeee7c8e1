"""scenes/components/words.py: boxes_overlap reads a mobject's box from slices of its points
(label placement asks thousands of times); it must be the box manim's get_corner gives, to the
float, for every kind of mobject the scenes place labels among."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DL, UR, Arrow, Circle, Dot, Group, ImageMobject, Line, Square, Text, VGroup, VMobject

from scenes.components.words import boxes_overlap, xy_box


def _manims_box(m) -> tuple[np.ndarray, np.ndarray]:
    return m.get_corner(DL)[:2], m.get_corner(UR)[:2]


def _mobjects() -> dict[str, object]:
    circle = Circle(radius=1.3).shift([0.4, -0.2, 0])  # its curves' handles stand outside it
    arc_only = VMobject().set_points_as_corners([[0, 0, 0], [1, 2, 0], [3, -1, 0]]).make_smooth()
    image = ImageMobject(np.zeros((4, 6, 3), dtype=np.uint8)).scale(2).shift([1, 1, 0])
    return {
        "text": Text("apple", font_size=28).shift([1.1, 0.3, 0]),
        "dot": Dot([0.5, -1, 0]),
        "circle": circle,
        "smooth curve": arc_only,
        "arrow": Arrow([-1, -1, 0], [2, 1.5, 0]),
        "group of text, circle and line": VGroup(Text("bank"), circle.copy().shift([0, 2, 0]), Line()),
        "empty group": VGroup(),
        "one point": VMobject().set_points(np.array([[0.25, -0.5, 0.0]])),
        "group with an image": Group(image, Square().rotate(0.3)),
        "image": image.copy(),
    }


# Named here, made in each test: nothing is drawn or typeset while pytest collects.
_NAMES = ("text", "dot", "circle", "smooth curve", "arrow", "group of text, circle and line", "empty group",
          "one point", "group with an image", "image")


def test_every_kind_is_named() -> None:
    assert tuple(_mobjects()) == _NAMES


@pytest.mark.parametrize("name", _NAMES)
def test_the_box_is_manims_box_to_the_float(name: str) -> None:
    mobject = _mobjects()[name]
    low, high = xy_box(mobject)
    expected_low, expected_high = _manims_box(mobject)
    assert low.tolist() == expected_low.tolist() and high.tolist() == expected_high.tolist()


def test_boxes_overlap_as_manims_corners_say() -> None:
    """Every pair of the mobjects, moved about: the same answer as manim's corners give."""
    rng = np.random.default_rng(7)
    mobjects = [m for m in _mobjects().values() if len(m.get_all_points())]
    answers = set()
    for _ in range(20):
        for m in mobjects:
            m.move_to([*rng.uniform(-1.5, 1.5, 2), 0])
        for a in mobjects:
            for b in mobjects:
                (a_low, a_high), (b_low, b_high) = _manims_box(a), _manims_box(b)
                expected = bool(np.all(a_low < b_high) and np.all(b_low < a_high))
                assert boxes_overlap(a, b) == expected
                answers.add(expected)
    assert answers == {True, False}
