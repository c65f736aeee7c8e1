"""Every settled frame is laid out for 1080p: no text smaller than 24 px of cap height, and
the content's box covers at least half the frame (cards aside: the title cards and the credits,
a few lines in the middle of the frame)."""

from __future__ import annotations

import importlib

import pytest
from manim import RIGHT
from scene_harness import Layout, build_scene, layout_problems

from scenes.story import STORY


@pytest.mark.parametrize("step", STORY, ids=[s.module for s in STORY])
def test_every_settled_frame_is_legible_and_uses_the_frame(step, example, tmp_path_factory):
    scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
    built = build_scene(scene_class, example, tmp_path_factory.mktemp(step.module))
    assert layout_problems(built.layouts) == []


def test_layout_problems_are_found():
    fine = Layout(30.0, "apple", 0.6)
    assert layout_problems({"00-end-of-title": Layout(float("inf"), "", 0.0), "01-end-of-a": fine}) == []
    small = layout_problems({"01-end-of-a": Layout(18.0, "0.84", 0.6)})
    assert small == ["01-end-of-a: '0.84' is 18.0 px tall at 1080p (at least 24)"]
    assert layout_problems({"04-end-of-credit": Layout(30.0, "Retold", 0.16)}) == []
    assert layout_problems({"04-end-of-credit": Layout(18.0, "Retold", 0.16)}) != []
    empty = layout_problems({"01-end-of-a": Layout(float("inf"), "", 0.2)})
    assert empty == ["01-end-of-a: the content covers 20% of the frame (at least 50%)"]


@pytest.mark.parametrize("step", STORY, ids=[s.module for s in STORY])
def test_no_text_morphs_into_other_text_in_place(step, example, tmp_path_factory):
    scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
    built = build_scene(scene_class, example, tmp_path_factory.mktemp(step.module))
    assert built.text_morphs == []


def test_text_morphs_are_found():
    from manim import FadeTransform, MathTex, ReplacementTransform, Text, TransformMatchingTex
    from scene_harness import text_morphs

    old, new = MathTex("s_j"), MathTex("e^{s_j / T}")
    assert text_morphs(FadeTransform(old, new)) == ["'s_j' -> 'e^{s_j / T}'"]
    assert text_morphs(ReplacementTransform(Text("T = 2"), Text("T = 1"))) == ["'T=2' -> 'T=1'"]
    assert text_morphs(ReplacementTransform(Text("T = 2"), Text("T = 1").shift(3 * RIGHT))) == []
    assert text_morphs(ReplacementTransform(Text("same"), Text("same"))) == []
    assert text_morphs(TransformMatchingTex(MathTex("a", "+", "b"), MathTex("a", "+", "c"))) == []
