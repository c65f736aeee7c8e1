"""One walk over what a frame draws, for the two readers of a settled frame: its text
alternative (:mod:`attention_explainer.describe`) and its colour and contrast check
(:mod:`attention_explainer.access_check`).

Both go through a scene's members depth first, in drawing order, and stop at a mobject they
read whole (a text, a heat map, a plane); :func:`walk` is that loop, :func:`text_of` the words
a text shows and :func:`visible` whether a mobject draws anything at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["tick_numbers", "text_of", "visible", "walk"]

SEEN_ABOVE = 0.05  # an opacity at or under this draws nothing a viewer sees


def walk(mobjects: Iterable[Any], visit: Callable[[Any], bool]) -> None:
    """Call ``visit(m)`` on each of ``mobjects`` and, depth first, on their submobjects, in
    drawing order; where ``visit`` returns True it has read ``m`` whole and its parts are
    not visited.

    >>> from manim import VGroup, Square, Circle
    >>> seen = []
    >>> walk([VGroup(Square(), VGroup(Circle()))], lambda m: seen.append(type(m).__name__) or False)
    >>> seen
    ['VGroup', 'Square', 'VGroup', 'Circle']
    """
    for m in mobjects:
        if not visit(m):
            walk(m.submobjects, visit)


def text_of(m: Any) -> str:
    """The words a text shows, spaces kept (manim's ``Text.text`` drops them); a formula's
    LaTeX; a number as it is printed; ``""`` for anything else."""
    for attribute in ("original_text", "text", "tex_string"):
        value = getattr(m, attribute, None)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    if hasattr(m, "get_value") and hasattr(m, "num_decimal_places"):
        return f"{m.get_value():.{m.num_decimal_places}f}"
    return ""


def visible(m: Any, above: float = SEEN_ABOVE) -> bool:
    """Whether ``m`` draws anything (an image, or a stroke or fill) more opaque than ``above``."""
    from manim import VMobject

    for f in m.get_family():
        pixels = getattr(f, "pixel_array", None)
        if pixels is not None and pixels.size and pixels[..., 3].max() > 255 * above:
            return True
        if isinstance(f, VMobject) and f.has_points() and (
                np.max(f.get_fill_opacities(), initial=0) > above
                or np.max(f.get_stroke_opacities(), initial=0) > above):
            return True
    return False


def tick_numbers(mobjects: Iterable[Any]) -> set[int]:
    """The ids of every axis's tick numbers among ``mobjects`` (and the parts of those
    numbers): manim keeps an axis's numbers as ``NumberLine.numbers``, also when a scene
    takes them out of the axis to place them itself."""
    from manim import NumberLine

    ids: set[int] = set()

    def note(m: Any) -> bool:
        if isinstance(m, NumberLine):
            ids.update(id(part) for n in getattr(m, "numbers", []) for part in n.get_family())
        return False

    walk(mobjects, note)
    return ids
