"""Swapping one formula (or text, or number) for another, part by part: what the two share
glides, the rest fades out and then in, so one text is never shown over another.

A formula written in parts (``MathTex("w_j", "=", r"\frac{", "s_j", ...)``) keeps the parts
the next formula shows too: ``s_j`` glides from ``s_j = ...`` into the numerator of
``w_j = s_j / ...``, and a new temperature changes only ``T``'s value and the sum.
"""

from __future__ import annotations

from typing import Any

from manim import (
    Animation,
    AnimationGroup,
    DecimalNumber,
    FadeIn,
    FadeOut,
    MathTex,
    Mobject,
    Text,
    Transform,
    VGroup,
    smooth,
)

__all__ = ["SwapParts"]


def _first_half(t: float) -> float:
    return smooth(min(1.0, 2 * t))


def _second_half(t: float) -> float:
    return smooth(max(0.0, 2 * t - 1))


def _keyed_parts(m: Mobject) -> dict[tuple[str, int], Mobject]:
    """The parts of ``m`` (a MathTex's parts, a Text, a number, or groups of them) by their
    text and which occurrence of that text they are: ``("=", 2)`` is the second ``=``."""
    parts: dict[tuple[str, int], Mobject] = {}

    def walk(x: Mobject) -> None:
        if isinstance(x, MathTex):
            pieces = [(p.tex_string.strip(), p) for p in x.submobjects]
        elif isinstance(x, Text):
            pieces = [(x.text, x)]
        elif isinstance(x, DecimalNumber):
            pieces = [(f"{x.get_value():.{x.num_decimal_places}f}", x)]
        else:
            for sub in x.submobjects:
                walk(sub)
            return
        for key, piece in pieces:
            if key and piece.family_members_with_points():  # "}" alone draws nothing
                parts[key, 1 + sum(k == key for k, _ in parts)] = piece

    walk(m)
    return parts


def _in_order(keys: list[Any], order: list[Any], weights: list[int]) -> list[Any]:
    """The heaviest run of ``keys`` (given in their old order) that ``order`` (the new order)
    keeps in the same order: parts that would pass over each other on their way (the ``=`` of
    ``s_j = ...`` going left of ``s_j`` in ``w_j = s_j / ...``) are not moved, the lighter of
    them fades instead.

    >>> _in_order(["s", "="], ["w", "=", "s"], [2, 1])
    ['s']
    """
    rank = [order.index(key) for key in keys]
    best: list[tuple[int, list[Any]]] = []  # for each key: the heaviest run ending with it
    for k, key in enumerate(keys):
        before = max((best[j] for j in range(k) if rank[j] < rank[k]), key=lambda b: b[0], default=(0, []))
        best.append((before[0] + weights[k], [*before[1], key]))
    return max(best, key=lambda b: b[0], default=(0, []))[1]


class SwapParts(AnimationGroup):
    r"""Animation: ``old`` becomes ``new`` without ever showing one text over another.

    Both are formulas written in parts (``MathTex("w_j", "=", r"\frac{", "s_j", ...)``),
    texts, numbers or groups of them. Each part of ``new`` that ``old`` also shows (the
    k-th ``=`` with the k-th ``=``) glides there from its old place, unless it would pass
    over another gliding part or only ``=`` would glide; the other parts of ``old`` fade out
    in the first half, and only then do the other parts of ``new`` fade in. At the end
    ``new`` is in the scene in place of ``old``.
    """

    def __init__(self, old: Mobject, new: Mobject, **kwargs: Any) -> None:
        before, after = _keyed_parts(old), _keyed_parts(new)
        kept = _in_order([key for key in before if key in after], list(after),
                         [len(before[key].family_members_with_points()) for key in before if key in after])
        if all(text == "=" for text, _ in kept):  # a lone "=" gliding between texts that change
            kept = []
        # what glides, what goes and what comes, as (text, occurrence): tests read these
        self.kept = kept
        self.gone = [key for key in before if key not in kept]
        self.added = [key for key in after if key not in kept]
        leaving = VGroup(*(before[key] for key in self.gone))
        self.coming = VGroup(*(after[key].copy() for key in self.added))
        animations: list[Animation] = []
        if kept:
            moving, landing = VGroup(*(before[k] for k in kept)), VGroup(*(after[k] for k in kept))
            animations.append(Transform(moving, landing))
        if leaving.submobjects:
            animations.append(FadeOut(leaving, rate_func=_first_half))
        if self.coming.submobjects:
            animations.append(FadeIn(self.coming, rate_func=_second_half))
        self.old, self.new = old, new
        super().__init__(*animations, **kwargs)

    def clean_up_from_scene(self, scene: Any) -> None:
        for animation in self.animations:  # ``old`` as it was, should it be shown again
            animation.interpolate(0)
        scene.remove(self.mobject, self.old, self.coming)
        scene.add(self.new)
