"""Every number a beat's narration says is on screen in that beat's settled frame, read back
from the mobjects (texts, formulas, printed numbers, heat maps' printed cells), for every step
of the story on the apple example.

A student who hears "orange gets 0.82" looks for 0.82; a number said and not shown is a
number to remember blind (issue 30). Whole numbers ("12 steps", "T = 1") are not counted. A
number said by design and not printed would be in attention_explainer.narration_check.ALLOWED
(one list, the one `check --narration` and the storyboard use; empty since the rounded row
sums are printed), as is the reading of the frames.
"""

from __future__ import annotations

import importlib

import pytest
from scene_harness import build_scene, shipped_example, unseen_numbers

from attention_explainer.narration_check import ALLOWED
from scenes.recap import Recap
from scenes.story import STORY


@pytest.fixture(scope="module")
def apple():
    return shipped_example("apple")  # the object the other steps' tests build with


def _built(step, apple, tmp_path_factory):
    scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
    return build_scene(scene_class, apple, tmp_path_factory.mktemp(step.module))


@pytest.mark.parametrize("step", STORY, ids=[s.module for s in STORY])
def test_every_number_said_is_on_screen_when_said(step, apple, tmp_path_factory):
    unseen = unseen_numbers(_built(step, apple, tmp_path_factory))
    assert [u.warning for u in unseen if not u.allowed] == []


def test_no_number_said_is_excused():
    """Every number a chapter says is printed where it is said: narration_check.ALLOWED, the
    numbers a beat may say unprinted, is empty. An allowance added later comes with a test here
    that apple (or apple edited to say it) still needs it."""
    assert ALLOWED == ()


class _SaysWhatItHides(Recap):
    """The recap with one beat broken on purpose: its narration says a number no mobject shows."""

    def show_heads(self) -> None:
        r = self.numbers
        self.say("heads", f"{r.heads} heads do this side by side; W_O maps them back, and "
                 f"{r.focus} becomes (9.87, 2.91).")
        self.light(7)


_SaysWhatItHides.__name__ = "Recap"


def test_a_number_said_and_not_shown_is_found(apple, tmp_path):
    built = build_scene(_SaysWhatItHides, apple, tmp_path, fresh=True)
    (unseen,) = unseen_numbers(built)  # 2.91 is on screen: not reported
    assert (unseen.step, unseen.beat, unseen.key, unseen.said, unseen.allowed) == \
        ("recap", "heads", "05-end-of-heads", 9.87, "")
    assert unseen.sentence.endswith("becomes (9.87, 2.91).")
