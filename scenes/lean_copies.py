"""Cheaper mobject copies: drop the parsed SVG path a glyph keeps after its points are made.

Every ``Text``, ``MathTex`` and ``DecimalNumber`` glyph is a ``VMobjectFromSVGPath`` that
keeps its parsed ``svgelements.Path`` (hundreds of small ``Point`` and segment objects) as
``path_obj`` after turning it into bezier points, and never reads it again. Manim copies
mobjects with ``copy.deepcopy`` at the start of nearly every animation (and FadeTransform
copies four times), so those unused objects were most of the render time: cProfile of the
softmax scene at -ql showed deepcopy at half of the run, 80% of the objects it copied being
svgelements ``Point``s. Dropping ``path_obj`` once the points exist changes no pixel.

Imported (and applied) by :mod:`scenes.base`, so every scene and every manim run of a scene
gets it. Written against manim 0.21 (pinned); :func:`apply` checks its assumption and
leaves manim alone if the class has changed.
"""

from __future__ import annotations

from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__ = ["apply", "applied"]

_ORIGINAL = VMobjectFromSVGPath.generate_points


def _generate_points_then_forget_path(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
    _ORIGINAL(self)
    self.path_obj = None  # read only by generate_points, which manim calls once, at init
    return self


def applied() -> bool:
    """True when glyphs drop their parsed path after making their points."""
    return VMobjectFromSVGPath.generate_points is _generate_points_then_forget_path


def apply() -> None:
    """Make every SVG glyph forget its parsed path once its points exist (idempotent)."""
    if applied() or not hasattr(VMobjectFromSVGPath, "handle_commands"):
        return
    VMobjectFromSVGPath.generate_points = _generate_points_then_forget_path
