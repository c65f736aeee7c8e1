"""A formula label with a live number beside it."""

from __future__ import annotations

from manim import DOWN, RIGHT, DecimalNumber, ManimColor, MathTex, VGroup

from scenes import style

__all__ = ["Readout"]


class Readout(VGroup):
    """A formula label followed by a live number: ``label = 0.87``.

    ``self.number`` is the :class:`DecimalNumber`; tests read the shown value from it.
    """

    def __init__(self, label_tex: str, value: float, color: ManimColor = style.TEXT,
                 decimals: int = style.DECIMALS, unit: str | None = None) -> None:
        self.label = MathTex(label_tex, "=", color=color).scale(style.MATH_SCALE)
        self.number = DecimalNumber(value, num_decimal_places=decimals, color=color,
                                    unit=unit, include_sign=False).scale(style.MATH_SCALE)
        super().__init__(self.label, self.number)
        self.arrange(RIGHT, buff=0.15)
        self.number.align_to(self.label[0], DOWN)

    def set_value(self, value: float) -> Readout:
        """Show a new value, keeping the number beside the label."""
        self.number.set_value(value)
        self.number.next_to(self.label, RIGHT, buff=0.15).align_to(self.label[0], DOWN)
        return self
