"""A frame in words: the text alternative of a beat's settled frame, read from its mobjects.

What a scene draws is built from the core's traces, so reading the drawn mobjects back gives
the numbers the frame shows: each word's point on the plane (read through the plane's axes,
where the dot is drawn now), each bar's word and value, each matrix's printed cells (as a
table), and the text and formulas on screen. :func:`describe_frame` returns them as one alt
text and a list of :class:`Table` for the transcript (``attention_explainer.transcript``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FrameDescription", "Table", "describe_frame", "plain_formula"]


@dataclass(frozen=True)
class Table:
    """A matrix or a row of bars as a table: ``cells`` has one row per ``row_labels`` entry
    (or one unlabelled row) and one column per ``col_labels`` entry; masked cells are ``"-"``."""

    caption: str
    col_labels: tuple[str, ...]
    row_labels: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FrameDescription:
    """A frame in words: ``alt`` (one paragraph) and the tables it shows."""

    alt: str
    tables: tuple[Table, ...] = ()


def describe_frame(mobjects: list[Any]) -> FrameDescription:
    """The text alternative of a frame showing ``mobjects`` (a scene's members, in order)."""
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text

    from scenes.components.bars import WeightBars
    from scenes.components.matrices import MatrixGrid
    from scenes.components.words import WordDot, WordPlane, WordVector

    planes: list[Any] = []
    points: list[str] = []
    tables: list[Table] = []
    texts: list[str] = []

    def walk(m: Any) -> None:
        if not _visible(m):
            return
        if isinstance(m, WordPlane):
            planes.append(m)
            return
        if isinstance(m, WordDot | WordVector):
            points.append(f"{m.word} {_point(m, planes)}")
            return
        if isinstance(m, MatrixGrid):
            tables.append(_matrix_table(m))
            return
        if isinstance(m, WeightBars):
            tables.append(_bars_table(m))
            return
        if isinstance(m, Text | MarkupText):
            texts.append(_text_of(m))
            return
        if isinstance(m, DecimalNumber):
            texts.append(f"{m.get_value():.{m.num_decimal_places}f}")
            return
        if isinstance(m, SingleStringMathTex):
            texts.append(plain_formula(m.tex_string))
            return
        for sub in m.submobjects:
            walk(sub)

    for mobject in mobjects:
        walk(mobject)
    parts = []
    for plane in planes:
        x_name, y_name = _text_of(plane.x_name), _text_of(plane.y_name)
        parts.append(f"A plane, horizontal axis {x_name!r}, vertical axis {y_name!r}.")
    if points:
        parts.append("Points: " + "; ".join(points) + ".")
    for table in tables:
        rows, cols = len(table.cells), len(table.cells[0]) if table.cells else 0
        parts.append(f"{table.caption or 'A table'} ({rows} by {cols}, in the table below).")
    words = [t for t in _merged(texts) if t.strip()]
    if words:
        parts.append("Text: " + " | ".join(words) + ".")
    return FrameDescription(" ".join(parts) or "An empty frame.", tuple(tables))


def plain_formula(tex: str) -> str:
    r"""A LaTeX formula as plain text a screen reader can say.

    >>> plain_formula(r"\vec q_{i} \cdot \vec k_{j} / \sqrt{d_k}")
    'q_i · k_j / sqrt(d_k)'
    >>> plain_formula(r"C_{ij} = \frac{\vec x_i \cdot \vec x_j}{|\vec x_i|\,|\vec x_j|}")
    'C_ij = (x_i · x_j) / (|x_i| |x_j|)'
    """
    text = re.sub(r"\\(?:vec|mathbf|mathrm|text|textbf|operatorname)\s*", "", tex)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", text)
    for _ in range(3):  # nested fractions, innermost first
        text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1) / (\2)", text)
    for old, new in (("^{\\top}", "ᵀ"), ("^\\top", "ᵀ"), ("^{T}", "ᵀ"), (r"\cdot", "·"), (r"\times", "×"),
                     (r"\rightarrow", "→"), (r"\to", "→"),
                     (r"\approx", "≈"), (r"\sum", "Σ"), (r"\infty", "∞"), (r"\,", " "), (r"\;", " "),
                     (r"\quad", " "), (r"\left", ""), (r"\right", "")):
        text = text.replace(old, new)
    text = re.sub(r"_\{([^{}]*)\}", r"_\1", text)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text).replace("{", "").replace("}", "")
    return " ".join(text.split())


def _text_of(m: Any) -> str:
    """The words a Text shows, spaces kept (manim's ``text`` drops them)."""
    return " ".join(str(getattr(m, "original_text", getattr(m, "text", ""))).split())


def _merged(texts: list[str]) -> Iterator[str]:
    """``texts`` without repeats in a row (a formula split into parts shows each once)."""
    last = None
    for text in texts:
        if text != last:
            yield text
        last = text


def _point(m: Any, planes: list[Any]) -> str:
    """A word's point, read where it is drawn (through the last plane shown), else its coords."""
    anchor = m.dot.get_center() if hasattr(m, "dot") else m.arrow.get_end()
    if planes:
        x, y = planes[-1].axes.p2c(anchor)[:2]
    else:
        x, y = np.asarray(m.coords, dtype=float)[:2]
    return f"({_number(x)}, {_number(y)})"


def _number(x: float) -> str:
    """Two places, never -0.00."""
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text


def _matrix_table(grid: Any) -> Table:
    shown = grid.shown_numbers() if (grid.printed or len(grid.numbers)) else grid.values
    cells = tuple(tuple("-" if grid.masked[r, c] else _number(float(shown[r, c]))
                        for c in range(shown.shape[1])) for r in range(shown.shape[0]))
    rows = _label_texts(grid.row_labels, shown.shape[0], grid.labelled)
    cols = _label_texts(grid.col_labels, shown.shape[1], grid.labelled)
    return Table(_text_of(grid.title), cols, rows, cells)


def _label_texts(labels: Any, count: int, labelled: list[int]) -> tuple[str, ...]:
    """The words of a grid's labels, one per row or column ('' where a crowded grid left one
    out); empty when the grid has none."""
    texts = [_text_of(label) for label in labels]
    if not texts:
        return ()
    if len(texts) == count:
        return tuple(texts)
    found = [""] * count
    for index, text in zip(labelled, texts, strict=False):
        if index < count:
            found[index] = text
    return tuple(found)


def _bars_table(bars: Any) -> Table:
    values = tuple(_number(float(n.get_value())) for n in bars.numbers)
    return Table("Bars", tuple(bars.words), (), (values,))


def _visible(m: Any) -> bool:
    """Whether ``m`` draws anything (an image, or a stroke or fill not transparent)."""
    from manim import VMobject

    family = m.get_family()
    for f in family:
        pixels = getattr(f, "pixel_array", None)
        if pixels is not None and pixels.size and pixels[..., 3].max() > 12:
            return True
        if isinstance(f, VMobject) and f.has_points() and (
                np.max(f.get_fill_opacities(), initial=0) > 0.05
                or np.max(f.get_stroke_opacities(), initial=0) > 0.05):
            return True
    return False
