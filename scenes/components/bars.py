"""A row of bars, one per word: similarity scores, exponentials or attention weights.

Bars grow up from a shared baseline for positive values and down, in the NEGATIVE colour,
for negative ones; each value is written beyond the end of its bar (above a positive bar,
below a negative one, in the NEGATIVE colour) and each word's label sits in a row under the
baseline (and under the room kept for negative bars), so the labels stay put while the
values change.

Crowded rows stay legible: numbers that would run into their neighbours stand upright (a
quarter turn), labels that would lean at 60 degrees, and both shrink only when even that
does not fit.

>>> bars = WeightBars(["a", "b"], [0.25, -0.5], [style.TEXT, style.TEXT], unit=2.0)
>>> bars.shown_values().tolist()
[0.25, -0.5]
>>> bool(bars.bars[1].get_top()[1] <= bars.baseline.get_center()[1] + 1e-9)
True

``bars.change_values(new)`` is an animation that moves every bar to the new values (the
numbers fade to their new values half way) while the row keeps its place and its labels;
``bars.with_values(new)`` is a new row in the same place, for a ``ReplacementTransform``.

:class:`ChanceBars` is a model's chance for every word of a vocabulary as bars, most likely
first, over a caption: no labels and no numbers (the scene prints the few it says).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    UR,
    Animation,
    Line,
    ManimColor,
    Mobject,
    Rectangle,
    UpdateFromAlphaFunc,
    VGroup,
    smooth,
)

from scenes import style
from scenes.components.captions import below_cap_line
from scenes.components.readout import LiveNumber
from scenes.components.words import word_label

__all__ = ["MIN_HEIGHT", "ChanceBars", "WeightBars"]

MIN_HEIGHT = 1e-3  # a zero value still draws a hairline bar (scene units)
LABEL_GAP = 0.3  # between the baseline (or the numbers under negative bars) and the labels' row
NUMBER_GAP = 0.08  # between a bar's end and its number
FILL = 0.9  # share of a slot that a number or a label may take
LEAN = PI / 3  # labels too wide for their slot lean this much
BAR_FILL = 0.7  # ChanceBars: the most likely word's bar fills this much of the chart's height


class WeightBars(VGroup):
    """Bars of ``values`` (shape (n,)) for ``words``, ``unit`` scene units tall per 1.0.

    Parameters
    ----------
    words, values, colors
        One per bar; ``colors`` fill the positive bars and the labels.
    unit
        Scene units per 1.0 of value.
    width
        Length of the baseline; each bar gets ``width / n`` of it.
    decimals
        Decimal places of the numbers.
    room_below
        Depth kept under the baseline for negative bars (their numbers get room of their
        own below that); the labels' row sits under it. ``None``: the deepest bar of
        ``values``. A scene whose values change sign passes the depth its most negative
        values reach, so that the labels never move.
    number_size, label_size
        Font sizes before any shrinking to fit (default ``style.SMALL_SIZE``).
    label_baseline
        Set the labels on one text baseline (``an`` as low as ``apple``); by default each
        label's top touches the row's top, as rows drawn before this option did.

    Attributes: ``values`` (the array drawn), ``unit``, ``room_below``, ``bars``
    (Rectangles), ``numbers`` (one DecimalNumber per bar), ``labels`` (Text, the words),
    ``baseline`` (Line), ``numbers_upright`` and ``labels_lean`` (how a crowded row was
    laid out).
    """

    def __init__(self, words: Sequence[str], values: Sequence[float], colors: Sequence[ManimColor],
                 unit: float, width: float = 9.0, decimals: int = style.DECIMALS, *,
                 room_below: float | None = None, number_size: float = style.SMALL_SIZE,
                 label_size: float = style.SMALL_SIZE, label_baseline: bool = False) -> None:
        self.values = np.asarray(values, dtype=float)
        self.words, self.colors, self.unit, self.row_width = list(words), list(colors), unit, width
        self.decimals, self.number_size, self.label_size = decimals, number_size, label_size
        self.label_baseline = label_baseline
        n = len(self.words)
        if not n == len(self.values) == len(self.colors):
            raise ValueError(f"{n} words, {len(self.values)} values and {len(self.colors)} colours")
        self.slot = width / n
        self.baseline = Line([-width / 2, 0, 0], [width / 2, 0, 0], color=style.MUTED, stroke_width=2)
        self.bars = VGroup(*(Rectangle(width=0.7 * self.slot, height=1.0, stroke_width=0,
                                       fill_opacity=0.85) for _ in range(n)))
        self.numbers = VGroup(*(LiveNumber(v, num_decimal_places=decimals, font_size=number_size,
                                              group_with_commas=False)  # 1203.55, as formulas write it
                                for v in self.values))
        # Numbers stand upright, and labels lean, when neighbours would run into each other.
        self.numbers_upright = _crowded([m.width for m in self.numbers], self.slot)
        self.number_extent = max((m.width if self.numbers_upright else m.height) for m in self.numbers)
        self.labels = VGroup(*(word_label(w, c, label_size) for w, c in zip(self.words, self.colors,
                                                                             strict=True)))
        self.labels_lean = _crowded([label.width for label in self.labels], self.slot)
        for number in self.numbers:
            number.upright = False
        self._set_values(self.values, unit)
        if room_below is None:
            room_below = max((bar.height for bar, v in zip(self.bars, self.values, strict=True) if v < 0),
                             default=0.0)
        self.room_below = room_below
        self._place_labels()
        super().__init__(self.baseline, self.bars, self.numbers, self.labels)

    # -- public

    def with_values(self, values: Sequence[float], unit: float | None = None) -> WeightBars:
        """The same row showing ``values`` (at ``unit`` per 1.0 if given), placed where this
        one is: a Transform target."""
        other = WeightBars(self.words, values, self.colors, unit or self.unit, self.row_width,
                           self.decimals, room_below=self.room_below, number_size=self.number_size,
                           label_size=self.label_size, label_baseline=self.label_baseline)
        other.scale(self._scale())
        other.shift(self.baseline.get_center() - other.baseline.get_center())
        return other

    def change_values(self, values: Sequence[float], unit: float | None = None,
                      run_time: float = style.BEAT, room_below: float | None = None) -> Animation:
        """Animation: the bars grow or shrink to ``values`` (shape (n,)), at ``unit`` per 1.0
        if given, while the numbers fade out and back in with the new values; with
        ``room_below`` the labels' row moves to keep that depth under the baseline. At its end
        the row shows exactly ``values``.

        The numbers change once, half way, rather than counting every frame: 32 numbers
        re-typeset 60 times a second would cost more than the rest of the scene.
        """
        start, end = self.values.copy(), np.asarray(values, dtype=float)
        if end.shape != start.shape:
            raise ValueError(f"expected {start.shape[0]} values, got shape {end.shape}")
        u0, u1 = self.unit, unit or self.unit
        r0 = self.room_below
        r1 = r0 if room_below is None else room_below
        drop0, drop1 = self._label_drop(r0), self._label_drop(r1)

        def update(row: WeightBars, alpha: float) -> None:
            if alpha >= 1.0:
                row._set_values(end, u1)
            else:  # the heights move straight from old to new (scene units, so unit 1)
                shown, fade = (start, 1 - 2 * alpha) if alpha < 0.5 else (end, 2 * alpha - 1)
                row._set_values((1 - alpha) * start * u0 + alpha * end * u1, 1.0, shown, fade)
            if r1 != r0:
                drop = drop0 + alpha * (drop1 - drop0)
                row.labels.shift((drop - row._drop) * row._scale() * DOWN)
                row._drop = drop
                row.room_below = r0 + alpha * (r1 - r0) if alpha < 1.0 else r1

        return _InPlace(self, update, run_time=run_time, rate_func=smooth)

    def shown_values(self) -> np.ndarray:
        """The values the numbers display (tests read these back)."""
        return np.array([n.get_value() for n in self.numbers])

    def top(self) -> float:
        """Highest point of the bars and numbers, in scene units (for placing things above)."""
        return float(max(self.bars.get_top()[1], self.numbers.get_top()[1]))

    def label_depth(self) -> float:
        """How far the labels reach below the baseline, in scene units."""
        return float(self.baseline.get_center()[1] - self.labels.get_bottom()[1])

    # -- layout

    def _scale(self) -> float:
        """How much the row was scaled since it was built (1.0 unless someone scaled it)."""
        return self.baseline.get_length() / self.row_width

    def _label_drop(self, room_below: float) -> float:
        """Distance from the baseline down to the labels' row, before any scaling."""
        under = room_below + NUMBER_GAP + self.number_extent if room_below > 0 else 0.0
        return under + LABEL_GAP

    def _set_values(self, values: np.ndarray, unit: float, shown: np.ndarray | None = None,
                    opacity: float = 1.0) -> None:
        """Draw bars of ``values`` at ``unit`` per 1.0, with numbers showing ``shown``
        (default: ``values``) at ``opacity``."""
        self.values, self.unit = np.asarray(values, dtype=float), unit
        shown = self.values if shown is None else np.asarray(shown, dtype=float)
        left, base_y = self.baseline.get_left()[0], self.baseline.get_center()[1]
        scale = self._scale()
        slot = self.slot * scale
        for i, (bar, number, color) in enumerate(zip(self.bars, self.numbers, self.colors, strict=True)):
            value = float(self.values[i])
            x, height = left + slot * (i + 0.5), max(abs(value) * unit, MIN_HEIGHT) * scale
            bar.stretch_to_fit_height(height)
            bar.move_to([x, base_y + (height / 2 if value >= 0 else -height / 2), 0])
            bar.set_fill(color if value >= 0 else style.NEGATIVE)
            self._write_number(number, float(shown[i]), slot)
            number.set_fill(opacity=opacity)
            # The number sits beyond the end of the bar it is written for.
            side = UP if shown[i] >= 0 else DOWN
            tip = bar.get_top() if value >= 0 else bar.get_bottom()
            if (shown[i] >= 0) != (value >= 0):
                tip = np.array([x, base_y, 0.0])
            number.next_to(tip, side, buff=NUMBER_GAP * scale)

    def _write_number(self, number: LiveNumber, value: float, slot: float) -> None:
        """Make ``number`` show ``value`` (re-typeset only when it changes), fitted to ``slot``."""
        if number.shows_new_text(value) or number.upright != self.numbers_upright:
            if number.upright:
                number.rotate(-PI / 2)
            number.set_value(value)
            across = number.height if self.numbers_upright else number.width
            if self.numbers_upright and across > FILL * slot:  # even upright it does not fit: shrink
                number.scale(FILL * slot / across)
            if self.numbers_upright:
                number.rotate(PI / 2)
            number.upright = self.numbers_upright
        else:
            number.set_value(value)  # the same text: only the value changes
        number.set_color(style.TEXT if value >= 0 else style.NEGATIVE)

    def _place_labels(self) -> None:
        scale = self._scale()
        left = self.baseline.get_left()[0]
        self._drop = self._label_drop(self.room_below)  # baseline to the labels' row, unscaled
        row_top = self.baseline.get_center()[1] - self._drop * scale
        for i, label in enumerate(self.labels):
            x = left + self.slot * scale * (i + 0.5)
            if self.labels_lean:
                # Parallel leaning labels one slot apart are slot * sin(LEAN) apart across.
                room = FILL * self.slot * scale * np.sin(LEAN)
                if label.height > room:
                    label.scale(room / label.height)
                label.rotate(LEAN)
                # the word's end sits under its bar, the rest leans down and to the left
                label.move_to([x + 0.15 * self.slot * scale, row_top, 0], aligned_edge=UR)
            elif self.label_baseline:  # on one baseline: "an" sits as low as "apple" does
                label.move_to([x, row_top - below_cap_line(label.text, label.font_size), 0],
                              aligned_edge=UP)
            else:
                label.move_to([x, row_top - label.height / 2, 0])


class _InPlace(UpdateFromAlphaFunc):
    """An UpdateFromAlphaFunc that keeps no copy of the mobject's start: its update reads the
    start values it closed over, and copying a row of 32 labelled bars costs more than
    animating it."""

    def create_starting_mobject(self) -> Mobject:
        return Mobject()


def _crowded(widths: Sequence[float], slot: float) -> bool:
    """True when two neighbours of these ``widths``, centred ``slot`` apart, would touch
    (or a lone one is wider than its slot)."""
    if len(widths) == 1:
        return widths[0] > slot
    return any((a + b) / 2 > FILL * slot for a, b in zip(widths, widths[1:], strict=False))


class ChanceBars(VGroup):
    """The model's chance for every word of the vocabulary as bars, most likely first, on a
    baseline with a caption under it; no numbers (the scene prints the few it says).

    Attributes: ``chances`` (shape (V,), in vocabulary order), ``order`` (vocabulary indices,
    most likely first), ``bars`` (one per word, in ``order``), ``baseline``, ``caption``.
    """

    def __init__(self, chances: np.ndarray, width: float, height: float, caption: Mobject) -> None:
        self.chances = np.asarray(chances, dtype=float)
        self.order = np.argsort(-self.chances, kind="stable")
        pitch = width / len(self.chances)
        top = float(self.chances.max()) / BAR_FILL  # the tallest bar fills BAR_FILL of the height
        self.bars = VGroup(*(
            Rectangle(width=0.7 * pitch, height=max(height * float(self.chances[i]) / top, 1e-3),
                      color=style.MUTED, fill_color=style.MUTED, fill_opacity=1, stroke_width=0)
            for i in self.order))
        self.bars.arrange(RIGHT, buff=0.3 * pitch, aligned_edge=DOWN)
        self.baseline = Line(self.bars.get_corner(DOWN + LEFT), self.bars.get_corner(DOWN + RIGHT),
                             color=style.MUTED, stroke_width=2)
        self.caption = caption.next_to(self.baseline, DOWN, buff=0.2)
        frame = Line(self.baseline.get_start(), self.baseline.get_start() + height * UP, stroke_opacity=0)
        super().__init__(frame, self.bars, self.baseline, self.caption)

    def rank(self, word_index: int) -> int:
        """Where the vocabulary's ``word_index``-th word stands (0: the most likely)."""
        return int(np.nonzero(self.order == word_index)[0][0])

    def highlight(self, ranks, color: ManimColor) -> VGroup:
        """Copies of the bars at ``ranks`` in ``color``, to lay over them."""
        return VGroup(*(self.bars[r].copy().set_fill(color, opacity=1) for r in ranks))
