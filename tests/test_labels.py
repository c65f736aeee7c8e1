"""The one label placer (scenes/components/labels.py) on planted crowds, no render: each kind of
rung with the spot it must choose, and no scene showing or hiding a word's label by hand."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from manim import DL, UL, UP, UR, Rectangle, Square

from scenes import style
from scenes.components import WordDot, WordPlane
from scenes.components.labels import (
    APART,
    CROWDED,
    FAR_BUFFS,
    LABEL_PATCH,
    LEADER_DISTANCES,
    NEAR,
    name_with_leader,
    place,
)
from scenes.components.words import LABEL_BUFF, boxes_overlap, is_named

SCENES = Path(__file__).resolve().parent.parent / "scenes"
LABEL_CODE = {Path("components/words.py"), Path("components/labels.py")}
POKE = re.compile(r"label_shown|\.add\([^)]*\b\w+\.label\b")


def pokes(root: Path) -> list[str]:
    """Each line of a module under ``root`` (but the components' label code) that reads or
    writes ``label_shown`` or adds a word's label to a group by hand, as ``path:line``."""
    return [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
            if path.relative_to(root) not in LABEL_CODE
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if POKE.search(line)]


def test_no_scene_shows_or_hides_a_label_by_hand():
    assert pokes(SCENES) == []


def test_a_poke_is_found(tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "words.py").write_text("self.label_shown = True\n")
    (tmp_path / "scene.py").write_text("x = 1\nif not word.label_shown:\n    word.add(leader, word.label)\n")
    assert pokes(tmp_path) == ["scene.py:2", "scene.py:3"]


@pytest.fixture
def plane() -> WordPlane:
    """A 4 x 4 plane, one embedding unit 1.12 scene units, its centre (2, 2) at the origin."""
    return WordPlane(np.array([[0.0, 0.0], [4.0, 4.0]]), "x", "y")


def word(plane: WordPlane, name: str, coords: tuple[float, float]) -> WordDot:
    return WordDot(plane, name, coords, style.TEXT)


def offset(w: WordDot, corner: np.ndarray) -> np.ndarray:
    """How far ``w``'s label's ``-corner`` is from its dot's ``corner`` (x, y): the buff of a
    label put at ``corner``."""
    return (w.label.get_corner(-corner) - w.dot.get_corner(corner))[:2] * np.sign(corner[:2])


def inside(point: np.ndarray, m) -> bool:
    return bool(np.all(m.get_corner(DL)[:2] < point[:2]) and np.all(point[:2] < m.get_corner(UR)[:2]))


def around(w: WordDot, half: float) -> Square:
    """An invisible square ``2 * half`` wide centred on ``w``'s dot."""
    return Square(side_length=2 * half, stroke_width=0).move_to(w.dot.get_center())


def test_a_lone_word_takes_the_first_spot_and_a_neighbour_moves_it_on(plane):
    a = word(plane, "apple", (2.0, 2.0))
    assert place([a], NEAR, {"dots": [a.dot]}, plane) == [a]
    assert np.allclose(offset(a, UR), LABEL_BUFF)
    b = word(plane, "b", (2.0, 2.0))
    b.dot.move_to(a.label.get_center())  # a dot where apple's name went: the next free spot, UL
    assert place([a], NEAR, {"dots": [a.dot, b.dot]}, plane) == [a]
    assert np.allclose(offset(a, UL), LABEL_BUFF) and not boxes_overlap(a.label, b.dot)


def test_a_label_with_no_room_beside_its_dot_sits_farther_out(plane):
    a = word(plane, "apple", (2.0, 2.0))
    ring = around(a, 0.22)  # reaches past the near spots (0.07 + 0.05) and 0.12 out, not 0.2
    assert place([a], CROWDED, {"strips": [ring]}, plane, [a.dot]) == [a]
    assert FAR_BUFFS == (0.12, 0.2) and np.allclose(offset(a, UR), FAR_BUFFS[1])
    assert not hasattr(a.label, "background_rectangle")  # off the axes: no patch


def test_a_label_kept_off_every_strip_goes_across_one_on_a_patch(plane):
    a = word(plane, "apple", (2.0, 2.0))
    everywhere = Rectangle(width=20, height=20)  # an axis strip under every spot off the axes
    assert place([a], CROWDED, {"strips": [everywhere]}, plane, [a.dot]) == [a]
    patch = a.label.background_rectangle  # the label's first member, LABEL_PATCH past its letters
    assert patch.get_fill_opacity() == 1.0 and patch.get_fill_color() == style.BACKGROUND
    assert np.isclose(patch.width, word(plane, "apple", (0, 0)).label.width + 2 * LABEL_PATCH)
    assert np.isclose(a.label.get_center()[0], a.dot.get_x())  # straight above (UP), near
    assert np.isclose(patch.get_bottom()[1] - a.dot.get_top()[1], LABEL_BUFF - LABEL_PATCH)


def test_a_word_crowded_at_its_dot_is_named_away_with_a_leader_line(plane):
    a = word(plane, "apple", (2.0, 2.0))
    a.hide_label()
    crowd = around(a, 0.25)  # nothing of it under the label; the line may cross it
    assert name_with_leader(plane, a, obstacles=[], rivals=[a.dot], crossable=[crowd])
    assert np.allclose(offset(a, UR), LEADER_DISTANCES[0])
    assert a.submobjects == [a.dot, a.leader, a.label] and is_named(a)
    start, end = a.leader.get_start(), a.leader.get_end()
    assert np.isclose(np.linalg.norm(start - a.dot.get_center()), a.dot.width / 2 + 0.03)
    heading = (end - start) / np.linalg.norm(end - start)  # dot to label, ending just short of it
    assert np.allclose(heading, (a.label.get_center() - a.dot.get_center()) / np.linalg.norm(
        a.label.get_center() - a.dot.get_center()))
    assert not inside(end, a.label) and inside(end + 0.05 * heading, a.label)


def test_a_word_named_before_moves_to_make_room(plane):
    a, b = word(plane, "a", (2.0, 2.0)), word(plane, "b", (2.4, 2.0))
    q = b.dot.get_center()
    # all of b's spots walled off but its upper left, where a's name went first
    walls = [Rectangle(width=10, height=20).move_to(q, aligned_edge=np.array([-1, 0, 0])),
             Rectangle(width=20, height=10).move_to(q, aligned_edge=UP)]
    marks = {"dots": [a.dot, b.dot], "avoid": walls}
    first = place([a], APART, marks, plane, [a.dot, b.dot], pad=0.12)
    assert first == [a] and np.allclose(offset(a, UR), LABEL_BUFF)
    shown = place([a, b], APART, marks, plane, [a.dot, b.dot], pad=0.12)
    assert shown == [a, b] and is_named(a) and is_named(b)
    assert np.allclose(offset(b, UL), LABEL_BUFF)  # b where only it could go
    assert np.allclose(offset(a, UL), LABEL_BUFF)  # a moved on to its next spot
    assert not boxes_overlap(a.label, b.label)


def test_a_word_that_fits_nowhere_goes_bare(plane):
    a = word(plane, "apple", (2.0, 2.0))
    everywhere = Rectangle(width=20, height=20)
    assert place([a], NEAR, {"marks": [everywhere]}, plane) == []
    assert not is_named(a) and a.label not in a.submobjects
    b = word(plane, "banana", (2.0, 2.0))  # a room too small for the name
    assert place([b], NEAR, {}, around(b, 0.3)) == [] and not is_named(b)
