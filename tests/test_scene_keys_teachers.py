"""The keys-and-queries chapter on three teachers' examples (tests/data/teachers/: seal, bark,
jam), whose planes are wider or whose rows are narrower than the shipped examples': what the
narration says the decider's key offers is true of the drawn reach, and no two texts of a beat's
settled frame overlap (issue 32's storyboard review).

The reach is computed here with numpy from the example's matrices: each key dropped square onto
the focus's query, k . q / |q|.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scene_harness import BuiltScene, build_scene, overlapping_pairs

from attention_content import story
from attention_content.examples import load_example
from scenes.components.words import along, boxes_overlap, tick_numbers
from scenes.keys_and_queries import KeysAndQueries

TEACHERS = Path(__file__).parent / "data" / "teachers"
WORDS = ("seal", "bark", "jam")


class Laid(KeysAndQueries):
    """The scene, noting at the end of every beat the texts on screen that overlap (the
    plane's tick values and axis names among them), and the lines that cross the legend."""

    def _end_beat(self) -> None:
        if self._open_beat is not None and hasattr(self, "plane"):
            on = {id(m) for top in self.mobjects for m in top.get_family()}
            texts = [*self.labels_on_screen(), *(t for t in tick_numbers(self.plane) if id(t) in on)]
            crossed = []
            if hasattr(self, "current") and id(self.current.query_line) in on:
                legend = [line for line in self.legend if id(line) in on]
                crossed = [line.text for line in legend
                           if any(boxes_overlap(p, line) for p in along(self.current.query_line))]
            self.clashes = getattr(self, "clashes", [])
            self.clashes.append((self._open_beat[0], overlapping_pairs(texts), crossed))
        super()._end_beat()


Laid.__name__ = KeysAndQueries.__name__  # same key frames folder (none is compared here)


@pytest.fixture(scope="module", params=WORDS)
def teacher(request: pytest.FixtureRequest):
    return load_example(TEACHERS / f"{request.param}.toml")


@pytest.fixture(scope="module")
def laid(teacher, tmp_path_factory) -> BuiltScene:
    return build_scene(Laid, teacher, tmp_path_factory.mktemp(teacher.name))


def reaches(example, k: int = 0) -> tuple[np.ndarray, int, int]:
    """Every key's reach along the focus's query in sentence ``k`` (shape (n,)), the focus's
    index and the decider's."""
    s, head = example.sentences[k], example.heads[0]
    x = example.embeddings(k)
    f, d = s.focus_index, s.tokens.index(story.decider(example, k))
    q, keys = x[f] @ head.query, x @ head.key  # (2,), (n, 2)
    return keys @ q / np.linalg.norm(q), f, d


def test_the_decider_is_said_to_reach_farthest_along_the_query_and_does(laid, teacher):
    """Issue 32 (seal, bark 7:05-06): the offer is said along the focus's QUERY (the dashed line),
    never along an axis, where seal's own key reaches farther than walrus's and bark's and
    puppy's print the same 2.50; and the claim behind it is that reach, won by a visible margin."""
    said = {name: line for name, line, _, _ in laid.scene.beats}
    s = teacher.sentences[0]
    reach, f, d = reaches(teacher)
    decider = s.tokens[d]
    assert said["asks"].startswith(f"{s.focus}'s query, the dashed line, points ")
    assert said["offers"].startswith(f"{decider}'s key reaches farthest along {s.focus}'s query, the "
                                     "farthest reach on the dashed line")
    assert "that way" not in said["offers"] and "number" not in said["offers"]
    others = np.delete(reach, d)
    claim = story.claim(teacher, "decider_key_fits", 0)
    assert claim.holds and claim.margin == pytest.approx(reach[d] - others.max() - story.REACH_GAP)
    assert f"{reach[d]:.2f}" != f"{others.max():.2f}"
    # the drawn foot is the decider's reach, out along the query's line
    view, plane = laid.scene.views[0], laid.scene.plane
    foot = view.reach[1].dot.get_center() - plane.point((0, 0))
    unit = np.linalg.norm(plane.point((1, 0)) - plane.point((0, 0)))
    assert np.linalg.norm(foot) / unit == pytest.approx(reach[d], abs=1e-3)


def test_no_two_texts_overlap_and_no_line_crosses_the_legend(laid):
    """Issue 32 (seal 7:04-14, jam 7:01 and 7:04-14): the legend runs into no text of the right
    column, q_<w> = ... sits on no tick value or axis name, the raw row's title and its rounding
    note stay apart, and the query's dashed line keeps off the legend."""
    clashes = [(beat, pairs, crossed) for beat, pairs, crossed in laid.scene.clashes if pairs or crossed]
    assert clashes == [], "\n".join(map(str, clashes))
