"""Palette, fonts, sizes and timings shared by every scene: change the look here, once."""

from __future__ import annotations

import math

from manim import ManimColor

__all__ = [
    "BACKGROUND", "TEXT", "MUTED", "GRID", "FOCUS", "QUERY", "KEY", "VALUE", "POSITIVE",
    "NEGATIVE", "WORD_COLORS", "FONT", "TITLE_SIZE", "HEADING_SIZE", "BODY_SIZE", "LABEL_SIZE",
    "SMALL_SIZE", "TICK_SIZE", "MATH_SCALE", "DECIMALS", "READING_RATE", "DENSE_NUMBERS",
    "DENSE_READING_RATE", "RESULT_HOLD", "SLOW_READING_RATE", "SLOW_DENSE_READING_RATE", "TITLE_FADE",
    "TITLE_HOLD",
    "BEAT", "PAUSE", "WRITE", "SLOW", "MARGIN",
    "PLANE_HEIGHT", "SHARED_PLANE_HEIGHT", "fmt", "PRINTABLE", "num_tex", "num_text",
]

# -- palette (the background also lives in manim.cfg so the CLI and tests agree)
# Chosen to stay apart for viewers with a colour-vision deficiency: under simulated
# deuteranopia, protanopia and tritanopia (attention_explainer.accessibility) every two colours
# that must be told apart differ by a CIELAB dE76 of 17 or more (the roles below with TEXT and
# MUTED; the focus with the word colours, TEXT and MUTED; queries and keys: 45 or more), and
# every colour but GRID reads at 4.5:1 or more on BACKGROUND (tests/test_accessibility.py).
# One meaning per colour: blue is "positive" and orange "negative" (a diverging scale; the sign
# is also printed, or named in a legend); queries, keys and values have colours of their own,
# and their drawings differ by line style too (keys dashed: components.words.key_arrow).
BACKGROUND = ManimColor("#101418")
TEXT = ManimColor("#ECEFF4")
MUTED = ManimColor("#8A94A6")
GRID = ManimColor("#2E3440")  # the plane's grid and a heat map's 0: background, not meaning
FOCUS = ManimColor("#F9DE1E")  # the ambiguous word, in every scene
QUERY = ManimColor("#FF108A")
KEY = ManimColor("#4AFD74")
VALUE = ManimColor("#BF7FF0")
POSITIVE = ManimColor("#96C2EF")
NEGATIVE = ManimColor("#E27D1A")
# Context words take these in the order the example file lists them, so a word keeps its
# colour in every scene of one example (none is within 25 of a role colour above, normal vision).
WORD_COLORS = tuple(
    ManimColor(c)
    for c in ("#5DD6B5", "#BF52FF", "#6B97E8", "#F74600", "#81D74D", "#FFB7FF", "#DB6141", "#C4FF9D",
              "#AD8C7C", "#B9C27F")
)

# -- fonts (scripts/setup.sh installs fonts-inter; tests/test_style_and_harness.py checks that Pango
# and fontconfig have it)
FONT = "Inter"
TITLE_SIZE = 56
HEADING_SIZE = 36
BODY_SIZE = 28
LABEL_SIZE = 24
SMALL_SIZE = 18
TICK_SIZE = 28  # a plane's tick values (MathTex digits: 28 is about 27 px of cap height at 1080p)
MATH_SCALE = 0.8
DECIMALS = 2

# -- layout (manim units; the frame is 14.2 x 8)
MARGIN = 0.4
PLANE_HEIGHT = 5.6
SHARED_PLANE_HEIGHT = 6.6  # the plane every chapter of an example shares (components.words.plane_scale)

# -- timing (seconds)
READING_RATE = 17.0  # characters a second a viewer reads comfortably; a beat is never faster
# A sentence that carries this many numbers or more is read at DENSE_READING_RATE at most.
DENSE_NUMBERS = 3
DENSE_READING_RATE = 13.0
# A beat whose narration says a decimal number (a result) holds its settled picture this long
# after its sentence ends (read, or spoken) and after its last animation.
RESULT_HOLD = 2.0
# The slow pace (render --pace slow), for younger or second-language students: these rates instead.
SLOW_READING_RATE = 13.0
SLOW_DENSE_READING_RATE = 10.0
TITLE_FADE = 0.5  # a title card fades in, is read (at least TITLE_HOLD), then fades out
TITLE_HOLD = 2.0
BEAT = 1.0
PAUSE = 1.5
WRITE = 1.2
SLOW = 3.0


def fmt(x: float, places: int = DECIMALS) -> str:
    """A number as every scene prints and says it: ``places`` decimals (``0.81``, ``-0.21``),
    never ``-0.00`` (a value that rounds to zero is ``0.00``, as the readouts show it).

    >>> fmt(0.806), fmt(-0.214), fmt(-0.004), fmt(-0.0004, 3), fmt(-0.0006, 3)
    ('0.81', '-0.21', '0.00', '0.000', '-0.001')
    """
    shown = f"{x:.{places}f}"
    return shown[1:] if shown.startswith("-") and float(shown) == 0 else shown


PRINTABLE = 1e6  # numbers this large are written as powers of ten (softmax's exponentials; no bars)


def num_tex(x: float) -> str:
    """A number for a formula: ``945.03``, ``1.29 \\times 10^{26}``, or ``> 10^{308}`` when it
    overflows a double."""
    if abs(x) < PRINTABLE:
        return fmt(x)
    if not math.isfinite(x):
        return r"> 10^{308}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def num_text(x: float) -> str:
    """The same number for the narration: ``945.03``, ``1.29 × 10^26``, ``more than 10^308``.

    >>> num_text(945.031), num_text(1.29e26), num_text(float("inf"))
    ('945.03', '1.29 × 10^26', 'more than 10^308')
    """
    if abs(x) < PRINTABLE:
        return fmt(x)
    if not math.isfinite(x):
        return "more than 10^308"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa} \u00d7 10^{int(exponent)}"
