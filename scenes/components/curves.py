"""A loss curve that draws itself piece by piece, on axes sized to the training run."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Axes, DashedLine, Text, VGroup, VMobject

from scenes import style
from scenes.components.words import nice_step

__all__ = ["LossPlot"]


class LossPlot(VGroup):
    """Axes for ``losses`` (shape (steps + 1,)) with a dashed line at ``reference`` (the loss
    of guessing every word equally); :meth:`segment` gives the curve between two steps.

    ``number_size`` is the font size of the axes' numbers and ``label_size`` that of the
    words ("step", "loss", "guessing"); a plot meant for 1080p wants numbers of at least 26
    (24 px of cap height).

    Attributes: ``axes``, ``reference_line``, ``losses``.
    """

    def __init__(self, losses: np.ndarray, reference: float, width: float, height: float,
                 number_size: float = style.SMALL_SIZE, label_size: float = style.SMALL_SIZE) -> None:
        self.losses = np.asarray(losses, dtype=float)
        steps = len(self.losses) - 1
        top = float(np.ceil(max(reference, float(self.losses.max()))))
        self.axes = Axes(
            x_range=[0, steps, nice_step(steps, ticks=4)], y_range=[0, top, 1.0],
            x_length=width, y_length=height,
            tips=False, axis_config={"color": style.MUTED, "include_numbers": True,
                                     "font_size": number_size, "stroke_width": 2,
                                     "decimal_number_config": {"num_decimal_places": 0}},
        )
        self.x_name = Text("step", font=style.FONT, font_size=label_size, color=style.MUTED)
        # below the axis's numbers (and clear of them, whatever their size)
        self.x_name.next_to(VGroup(self.axes.x_axis, *self.axes.x_axis.numbers), DOWN, buff=0.1)
        self.x_name.align_to(self.axes.x_axis, LEFT * -1)
        self.y_name = Text("loss", font=style.FONT, font_size=label_size, color=style.MUTED)
        self.y_name.next_to(self.axes.y_axis, UP, buff=0.15)  # above its axis, clear of the numbers
        self.reference_line = DashedLine(self.axes.c2p(0, reference), self.axes.c2p(steps, reference),
                                         color=style.MUTED, stroke_width=2, dash_length=0.08)
        self.reference_label = Text("guessing", font=style.FONT, font_size=label_size,
                                    color=style.MUTED)
        self.reference_label.next_to(self.reference_line, DOWN, buff=0.08).align_to(
            self.reference_line, LEFT * -1)
        super().__init__(self.axes, self.x_name, self.y_name, self.reference_line, self.reference_label)

    def segment(self, start: int, end: int) -> VMobject:
        """The curve from step ``start`` to step ``end`` (inclusive), as straight pieces."""
        steps = np.arange(start, end + 1)
        points = [self.axes.c2p(s, self.losses[s]) for s in steps]
        if len(points) == 1:
            points = points * 2
        curve = VMobject(color=style.FOCUS, stroke_width=4)
        curve.set_points_as_corners(points)
        return curve

    def point(self, step: int) -> np.ndarray:
        """Scene position of the loss at ``step``."""
        return self.axes.c2p(step, self.losses[step])
