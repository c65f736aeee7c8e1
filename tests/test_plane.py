"""One plane scale per example: it holds every point any chapter draws, with round ticks
whose values are written large enough to read at 1080p."""

from __future__ import annotations

import numpy as np
from scene_harness import measure_layout, overlapping_pairs

from attention_content.story import plane_points
from scenes import style
from scenes.components.words import PlaneScale, WordPlane, plane_scale


def test_the_scale_holds_every_point_a_chapter_draws(example):
    scale = plane_scale(example)
    points = plane_points(example)
    assert len(points) >= len(example.words) + 2 * len(example.sentences)
    for (low, high, step), column in ((scale.x_range, points[:, 0]), (scale.y_range, points[:, 1])):
        assert low <= min(column.min(), 0) and max(column.max(), 0) <= high
        assert float(low / step).is_integer() and float(high / step).is_integer()
    plane = WordPlane(points[:1], example.x_axis, example.y_axis, scale=scale)
    assert plane.axes.y_length == np.float64(style.SHARED_PLANE_HEIGHT)
    # the focus's own arrow is long enough to read its angle (more than 200 px at 1080p)
    focus = example.words[example.sentences[0].focus]
    tip, origin = plane.point(focus), plane.point([0, 0])
    assert np.linalg.norm(tip - origin) * 1080 / 8 > 200


def test_a_plane_with_numbers_writes_every_tick_legibly(example):
    scale = plane_scale(example)
    plane = WordPlane(np.zeros((1, 2)), example.x_axis, example.y_axis, scale=scale, numbers=True)
    written = [float(n.get_value()) for n in plane.axes.x_axis.numbers]
    low, high, step = scale.x_range
    assert written == [v for v in np.arange(low, high + step / 2, step) if v != 0]
    assert measure_layout([plane]).smallest_text_px >= 24
    labels = [*plane.axes.x_axis.numbers, *plane.axes.y_axis.numbers, plane.x_name, plane.y_name]
    assert overlapping_pairs(labels) == []


def test_without_a_scale_a_plane_holds_its_own_points():
    scale = PlaneScale.holding(np.array([[3.0, 1.0], [-1.0, 2.0]]), height=4.0)
    assert scale.x_range[0] <= -1.0 and scale.x_range[1] >= 3.0 and scale.y_range[1] >= 2.0
    assert scale.unit == 4.0 / (scale.y_range[1] - scale.y_range[0])
