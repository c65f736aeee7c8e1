"""Glyphs forget their parsed SVG path (cheap copies) and keep exactly the same points."""

from __future__ import annotations

import copy

import numpy as np
from manim import MathTex, Text
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

import scenes.base  # noqa: F401  (applies lean_copies, as every scene does)
from scenes import lean_copies, style


def _glyphs(mobject):
    return [m for m in mobject.get_family() if isinstance(m, VMobjectFromSVGPath)]


def test_importing_the_scenes_applies_it():
    assert lean_copies.applied()
    lean_copies.apply()  # idempotent: applying twice does not wrap twice
    assert lean_copies.applied()


def test_glyphs_keep_no_parsed_path_and_copies_keep_their_points():
    text = Text("apple · phone", font=style.FONT)
    glyphs = _glyphs(text)
    assert len(glyphs) == 11 and all(g.path_obj is None for g in glyphs)
    twin = copy.deepcopy(text)
    for glyph, copied in zip(glyphs, _glyphs(twin), strict=True):
        assert glyph.points.shape[0] > 0
        np.testing.assert_array_equal(glyph.points, copied.points)


def test_the_points_are_those_manim_makes_itself(monkeypatch):
    lean = [MathTex(r"\cos\theta = 0.83"), Text("gravity", font=style.FONT)]
    monkeypatch.setattr(VMobjectFromSVGPath, "generate_points", lean_copies._ORIGINAL)
    # another TeX string than above, so the SVG cache cannot hand back the lean glyphs
    plain = [MathTex(r"\cos\theta = 0.83", tex_environment="align*"),
             Text("gravity", font=style.FONT)]
    assert all(g.path_obj is not None for g in _glyphs(plain[1]))
    for lean_mob, plain_mob in zip(lean, plain, strict=True):
        for a, b in zip(_glyphs(lean_mob), _glyphs(plain_mob), strict=True):
            np.testing.assert_allclose(a.points, b.points)
