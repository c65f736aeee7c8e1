"""A row of bars, one per word: similarity scores or attention weights.

Bars grow up from a shared baseline for positive values and down (in the NEGATIVE colour)
for negative ones; each word's label sits under the row and each value above its bar.
Numbers are hidden when the row is too crowded to read them (more than ``MAX_NUMBERED``
bars), except for the largest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, UP, DecimalNumber, Line, ManimColor, Rectangle, VGroup

from scenes import style
from scenes.components.words import word_label

__all__ = ["MAX_NUMBERED", "WeightBars"]

MAX_NUMBERED = 12


class WeightBars(VGroup):
    """Bars of ``values`` (shape (n,)) for ``words``, ``unit`` scene units tall per 1.0.

    Attributes: ``values`` (the array drawn), ``bars``, ``numbers`` (DecimalNumbers, one
    per bar; hidden ones have opacity 0), ``labels`` (Text), ``baseline``.
    """

    def __init__(self, words: Sequence[str], values: Sequence[float], colors: Sequence[ManimColor],
                 unit: float, width: float = 9.0, decimals: int = style.DECIMALS) -> None:
        self.values = np.asarray(values, dtype=float)
        self.words, self.colors, self.unit, self.row_width = list(words), list(colors), unit, width
        self.decimals = decimals
        n = len(self.words)
        slot = width / n
        crowded = n > MAX_NUMBERED
        self.baseline = Line([-width / 2, 0, 0], [width / 2, 0, 0], color=style.MUTED, stroke_width=2)
        self.bars = VGroup()
        self.numbers = VGroup()
        self.labels = VGroup()
        largest = int(np.argmax(np.abs(self.values)))
        for i, (word, value, color) in enumerate(zip(self.words, self.values, self.colors, strict=True)):
            x = -width / 2 + slot * (i + 0.5)
            height = max(abs(value) * unit, 1e-3)
            bar = Rectangle(width=0.7 * slot, height=height, stroke_width=0,
                            fill_color=color if value >= 0 else style.NEGATIVE, fill_opacity=0.85)
            bar.move_to([x, np.sign(value) * height / 2, 0])
            self.bars.add(bar)
            number = DecimalNumber(value, num_decimal_places=decimals, color=style.TEXT,
                                   font_size=style.SMALL_SIZE if not crowded else 14)
            number.next_to(bar, UP if value >= 0 else DOWN, buff=0.08)
            if crowded and i != largest:
                number.set_opacity(0)
            self.numbers.add(number)
            label = word_label(word, color, style.SMALL_SIZE if not crowded else 14)
            if crowded:
                label.rotate(np.pi / 3)
            label.move_to([x, 0, 0]).shift(DOWN * (0.3 + label.height / 2))
            if value < 0:
                label.shift(DOWN * height)
            self.labels.add(label)
        super().__init__(self.baseline, self.bars, self.numbers, self.labels)

    def with_values(self, values: Sequence[float], unit: float | None = None) -> WeightBars:
        """The same row showing ``values`` (at ``unit`` per 1.0 if given), placed where this
        one is: a Transform target."""
        other = WeightBars(self.words, values, self.colors, unit or self.unit, self.row_width,
                           self.decimals)
        other.shift(self.baseline.get_center() - other.baseline.get_center())
        return other

    def shown_values(self) -> np.ndarray:
        """The values the numbers display (tests read these back)."""
        return np.array([n.get_value() for n in self.numbers])
