"""A formula label with a live number beside it; numbers that re-typeset only on change; and
animations that count a readout to a new value."""

from __future__ import annotations

from typing import Any

from manim import (
    DOWN,
    RIGHT,
    Animation,
    DecimalNumber,
    ManimColor,
    MathTex,
    VGroup,
    interpolate,
    interpolate_color,
)

from attention_manim import manim_patches
from scenes import style

__all__ = ["CountTo", "LiveNumber", "Readout", "Recount"]


class LiveNumber(DecimalNumber):
    """A :class:`DecimalNumber` that re-typesets only when the text it shows changes.

    ``DecimalNumber.set_value`` rebuilds every glyph on each call (an updater calls it every frame),
    though a number that counts or follows an updater mostly shows the same text from one
    frame to the next; then only its value (``get_value()``) changes.

    A subclass of our own, not a patch, but it leans on two private methods of manim 0.21's
    ``DecimalNumber`` (``_set_submobjects_from_number``, overridden to note the text shown,
    and ``_get_num_string``), so its shortcut is one of the speedups: with
    ``ATTENTION_SPEEDUPS=0`` or another manim (:func:`attention_manim.manim_patches.active`)
    every value goes through manim's ``set_value``.
    """

    def _set_submobjects_from_number(self, number: float) -> None:
        super()._set_submobjects_from_number(number)
        self.shown_text = self._get_num_string(number)

    def shows_new_text(self, value: float) -> bool:
        """Whether ``value`` would be written differently from what is shown now."""
        return self._get_num_string(value) != self.shown_text

    def set_value(self, number: float) -> LiveNumber:
        if not manim_patches.active() or self.shows_new_text(number):
            return super().set_value(number)
        self.number = number
        return self


class Readout(VGroup):
    """A formula label followed by a live number: ``label = 0.87``.

    ``self.number`` is the :class:`DecimalNumber`; tests read the shown value from it.
    """

    def __init__(self, label_tex: str, value: float, color: ManimColor = style.TEXT,
                 decimals: int = style.DECIMALS, unit: str | None = None) -> None:
        self.label = MathTex(label_tex, "=", color=color).scale(style.MATH_SCALE)
        self.number = LiveNumber(value, num_decimal_places=decimals, color=color,
                                    unit=unit, include_sign=False).scale(style.MATH_SCALE)
        super().__init__(self.label, self.number)
        self.arrange(RIGHT, buff=0.15)
        self.number.align_to(self.label[0], DOWN)

    def set_value(self, value: float) -> Readout:
        """Show a new value, keeping the number beside the label."""
        retyped = self.number.shows_new_text(value)
        self.number.set_value(value)
        if retyped:
            self.number.next_to(self.label, RIGHT, buff=0.15).align_to(self.label[0], DOWN)
        return self


class CountTo(Animation):
    """Count a :class:`Readout` from its value to ``value`` (as manim's ChangeDecimalToValue,
    which re-typesets the number every frame even when its text stays the same)."""

    def __init__(self, readout: Readout, value: float, **kwargs: Any) -> None:
        self.readout, self.start, self.end = readout, readout.number.get_value(), value
        super().__init__(readout.number, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.readout.set_value(interpolate(self.start, self.end, self.rate_func(alpha)))


class Recount(Animation):
    """Animation: a :class:`Readout` counts from its value to ``value`` (turning ``color``):
    the number changes in place, it is not replaced by another."""

    def __init__(self, shown: Readout, value: float, color: ManimColor | None = None, **kwargs: Any) -> None:
        self.start, self.end = shown.number.get_value(), value
        self.colors = (ManimColor(shown.label.get_color()), ManimColor(color or shown.label.get_color()))
        super().__init__(shown, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        self.mobject.set_value(interpolate(self.start, self.end, t))
        if self.colors[0] != self.colors[1]:
            self.mobject.set_color(interpolate_color(*self.colors, t))
