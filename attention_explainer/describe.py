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

from attention_explainer.frame_walk import text_of, tick_numbers, visible, walk

__all__ = ["FrameDescription", "Table", "describe_frame", "plain_formula"]

FAINT_BELOW = 0.5  # a text drawn less opaque than this is read apart, as drawn faint
# a point labelled with the symbol and a word as its subscript: whose it is
ROLES = {"q": "query", "k": "key", "v": "value", "x": "embedding"}
# A legend that says what the plane's dots are ("dots: keys, k = x W_K"): each dot is that word's.
LEGEND = re.compile(r"^dots: (keys|values|queries)\b")
LEGEND_ROLES = {"keys": "key", "values": "value", "queries": "query"}
JOIN_AFTER = ("=", "(", ",", "·", "×", "+")  # a piece ending so goes on with a value after it
JOIN_BEFORE = ("=", ")", ",")  # a piece starting so goes on from the one before
OPERATORS = ("·", "×", "+")  # a piece that is only one of these joins both its neighbours
GREEK = {"theta": "θ", "Sigma": "Σ", "sigma": "σ", "alpha": "α", "beta": "β", "eta": "η", "epsilon": "ε",
         "lambda": "λ", "mu": "μ", "pi": "π", "Delta": "Δ", "delta": "δ", "phi": "φ", "omega": "ω"}


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
    """The text alternative of a frame showing ``mobjects`` (a scene's members, in order).

    It names each plane by its axes (and their ranges, once: tick values are not data) with
    the points drawn on it, a word's query, key or value as such (``apple's query``); each
    plot by its axes; each matrix and row of bars (their cells in :class:`Table`); then the
    texts and formulas in drawing order, a readout as one line (``step = 60``), and apart
    from them the texts drawn faint (what is still to come, or an earlier state kept).
    """
    from manim import Axes, DecimalNumber, MarkupText, SingleStringMathTex, Text

    from scenes.components.bars import WeightBars
    from scenes.components.matrices import MatrixGrid
    from scenes.components.readout import Readout
    from scenes.components.words import WordDot, WordPlane, WordVector

    ticks = tick_numbers(mobjects)
    planes: list[tuple[Any, list[Any]]] = []  # each plane, with the points drawn on it
    loose: list[Any] = []  # points drawn with no plane before them
    plots: list[str] = []
    tables: list[Table] = []
    texts: list[str] = []
    faint: list[str] = []

    def said(text: str, m: Any) -> None:
        (faint if _faint(m) else texts).append(text)

    def visit(m: Any) -> bool:
        if id(m) in ticks or not visible(m):
            return True
        if isinstance(m, WordPlane):
            planes.append((m, []))
            return True
        if isinstance(m, WordDot | WordVector):
            point = (m, _point(m, [p for p, _ in planes]), _faint(m))
            (planes[-1][1] if planes else loose).append(point)
            return True
        named = _subscripted(m)
        if named:  # q with "apple" as its subscript: apple's query
            said(named, m)
            return True
        if isinstance(m, MatrixGrid):
            tables.append(_matrix_table(m))
            return True
        if isinstance(m, WeightBars):
            tables.append(_bars_table(m))
            return True
        if isinstance(getattr(m, "axes", None), Axes) and hasattr(m, "x_name"):
            plots.append(_plot(m))  # a plot with named axes (a loss curve), its names with it
            return True
        if isinstance(m, Readout):
            said(f"{plain_formula(m.label.tex_string)} {text_of(m.number)}", m)
            return True
        if isinstance(m, Text | MarkupText):
            said(text_of(m), m)
            return True
        if isinstance(m, DecimalNumber):
            said(f"{m.get_value():.{m.num_decimal_places}f}", m)
            return True
        if isinstance(m, SingleStringMathTex):
            said(plain_formula(m.tex_string), m)
            return True
        return False

    walk(mobjects, visit)
    legend = next((LEGEND_ROLES[found.group(1)] for t in texts if (found := LEGEND.match(t))), None)

    def listed(points: list[Any]) -> str:
        return "; ".join(f"{_point_name(m, legend)} {where}{', drawn faint' if faint else ''}"
                         for m, where, faint in points)

    parts = []
    for k, (plane, points) in enumerate(planes):
        name = "A plane" if len(planes) == 1 else f"Plane {k + 1}"
        x_name, y_name = text_of(plane.x_name), text_of(plane.y_name)
        (x_low, x_high, _), (y_low, y_high, _) = plane.scale_used.x_range, plane.scale_used.y_range
        line = (f"{name}, horizontal axis {x_name!r} from {_end(x_low)} to {_end(x_high)}, "
                f"vertical axis {y_name!r} from {_end(y_low)} to {_end(y_high)}")
        parts.append(line + (": " + listed(points) + "." if points else "."))
    if loose:
        parts.append("Points: " + listed(loose) + ".")
    parts += plots
    for table in tables:
        rows, cols = len(table.cells), len(table.cells[0]) if table.cells else 0
        parts.append(f"{table.caption or 'A table'} ({rows} by {cols}, in the table below).")
    words = [t for t in _merged(_joined(texts)) if t.strip()]
    if words:
        parts.append("Text: " + " | ".join(words) + ".")
    dim = [t for t in _merged(_joined(faint)) if t.strip()]
    if dim:
        parts.append("Drawn faint: " + " | ".join(dim) + ".")
    return FrameDescription(" ".join(parts) or "An empty frame.", tuple(tables))


def plain_formula(tex: str) -> str:
    r"""A LaTeX formula as plain text a screen reader can say.

    >>> plain_formula(r"\vec q_{i} \cdot \vec k_{j} / \sqrt{d_k}")
    'q_i · k_j / sqrt(d_k)'
    >>> plain_formula(r"C_{ij} = \frac{\vec x_i \cdot \vec x_j}{|\vec x_i|\,|\vec x_j|}")
    'C_ij = (x_i · x_j) / (|x_i| |x_j|)'
    >>> plain_formula(r"g = \frac{\partial\, \text{loss}}{\partial W}")
    'g = (∂ loss) / (∂ W)'
    >>> plain_formula(r"W \leftarrow W - \text{a small step along } g")
    'W ← W - a small step along g'
    >>> plain_formula(r"\textstyle x + \sum_j w_j v_j = (1.02, 3.92)")
    'x + Σ_j w_j v_j = (1.02, 3.92)'
    >>> plain_formula(r"[\,h_1, h_2\,]\,W_O \quad x + [\,\dots\,]\,W_O")
    '[ h_1, h_2 ] W_O; x + [ … ] W_O'
    >>> plain_formula(r"W_{Q},\ W_{K},\ W_{V}")
    'W_Q, W_K, W_V'
    >>> plain_formula(r"\cos\theta = 0.84")
    'cos θ = 0.84'
    >>> plain_formula(r"w_j = \frac{e^{s_j / T}}{\sum_k e^{s_k / T}}")
    'w_j = (e^(s_j / T)) / (Σ_k e^(s_k / T))'
    >>> plain_formula(r"W_Q = \begin{bmatrix}1.60 & -0.10 \\ -0.20 & 0.90\end{bmatrix}")
    'W_Q = the matrix with rows (1.60, -0.10) and (-0.20, 0.90)'
    >>> plain_formula(r"\vec x\,' = \vec x + \sum\nolimits_j w_j\, \vec v_j")
    "x' = x + Σ_j w_j v_j"
    """
    text = re.sub(r"\\begin\{[bpv]?matrix\}(.*?)\\end\{[bpv]?matrix\}", _matrix_in_words, tex, flags=re.S)
    text = re.sub(r"\\(?:textstyle|displaystyle|scriptstyle|nolimits|limits)(?![a-zA-Z])", "", text)
    text = re.sub(r"\\(?:text|textbf|textit|mathrm|mathbf|operatorname)\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\(?:vec|hat|mathbf|mathrm|text|textbf|operatorname)(?![a-zA-Z])\s*", "", text)
    text = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", text)
    for old, new in (("^{\\top}", "ᵀ"), ("^\\top", "ᵀ"), ("^{T}", "ᵀ")):
        text = text.replace(old, new)
    text = re.sub(r"_\{([^{}]*)\}", r"_\1", text)
    text = re.sub(r"\^\{([^{}]*)\}", r"^(\1)", text)
    for _ in range(3):  # nested fractions, innermost first
        text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1) / (\2)", text)
    text = re.sub(r"(?<=[^\s,;])\s*\\quad(?![a-zA-Z])", ";", text)  # two formulas side by side
    for old, new in ((r"\cdot", "·"), (r"\times", "×"), (r"\leftarrow", "←"), (r"\Rightarrow", "⇒"),
                     (r"\rightarrow", "→"), (r"\to", "→"), (r"\approx", "≈"), (r"\partial", "∂"),
                     (r"\sum", "Σ"), (r"\infty", "∞"), (r"\ldots", "…"), (r"\dots", "…"),
                     (r"\quad", " "), (r"\,", " "), (r"\;", " "), (r"\!", ""), (r"\ ", " "),
                     (r"\left", ""), (r"\right", "")):
        text = text.replace(old, new)
    text = re.sub(r"\\([a-zA-Z]+)", lambda m: f" {GREEK.get(m.group(1), m.group(1))} ", text)
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\s+'", "'", text)
    return " ".join(text.split())


def _matrix_in_words(match: re.Match[str]) -> str:
    """A LaTeX matrix's body (``a & b \\\\ c & d``) as ``the matrix with rows (a, b) and (c, d)``."""
    rows = [", ".join(cell.strip() for cell in row.split("&")) for row in match.group(1).split("\\\\")
            if row.strip()]
    listed = (" and " if len(rows) < 3 else ", ").join(f"({row})" for row in rows)
    return f" the matrix with rows {listed} "


def _joined(texts: list[str]) -> list[str]:
    """``texts`` with the pieces of one line put back together: a piece ending on ``=``, ``(``,
    ``,`` or an operator goes on with the next when that is a value (holds no ``=``); a piece
    starting with ``=``, ``)`` or ``,`` goes on from the one before; a lone operator joins both
    (``a =`` ``apple`` ``= (`` ``1.50`` ``,`` ``1.60`` ``)`` reads ``a = apple = (1.50, 1.60)``)."""
    out: list[str] = []
    for text in texts:
        goes_on = out and out[-1].endswith(JOIN_AFTER) and "=" not in text  # "a =" then "apple"
        if out and (goes_on or text.startswith(JOIN_BEFORE) or text in OPERATORS):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    tidy = [re.sub(r"\(\s+", "(", re.sub(r"\s+([,)])", r"\1", t)) for t in out]
    return [" ".join(t.split()) for t in tidy]


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


def _end(x: float) -> str:
    """An axis's end as it is said: ``3``, ``-0.5``, ``0.1`` (no trailing zeros, never -0)."""
    text = f"{round(float(x), 2):g}"
    return "0" if text == "-0" else text


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
    title = getattr(grid, "title", None)
    caption = plain_formula(title.tex_string) if isinstance(getattr(title, "tex_string", None), str) else (
        text_of(title) if title is not None else "")
    return Table(caption, cols, rows, cells)


def _label_texts(labels: Any, count: int, labelled: list[int]) -> tuple[str, ...]:
    """The words of a grid's labels, one per row or column ('' where a crowded grid left one
    out); empty when the grid has none."""
    texts = [text_of(label) for label in labels]
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


def _faint(m: Any) -> bool:
    """Whether ``m`` is drawn faint: its most opaque part under :data:`FAINT_BELOW`."""
    from manim import VMobject

    parts = [f for f in m.get_family() if isinstance(f, VMobject) and f.has_points()]
    return bool(parts) and max(max(np.max(f.get_fill_opacities(), initial=0),
                                   np.max(f.get_stroke_opacities(), initial=0)) for f in parts) < FAINT_BELOW


def _point_name(m: Any, legend: str | None = None) -> str:
    """A point's name as a listener needs it: its label's words, or whose query, key or value
    it is when its label is the symbol with the word as subscript (``\vec q`` and "apple":
    apple's query) or when a legend says what the dots are (``legend``: "key")."""
    label = getattr(m, "label", None)
    if label is not None:
        named = _subscripted(label)
        if named:
            return named
    shown = text_of(label) if label is not None else ""
    if isinstance(getattr(label, "tex_string", None), str):  # a symbol (the cosine chapter's b)
        shown = plain_formula(shown)
    word = shown or str(m.word)
    return f"{word}'s {legend}" if legend and isinstance(m, _word_dot()) else word


def _word_dot() -> type:
    from scenes.components.words import WordDot

    return WordDot


def _subscripted(m: Any) -> str:
    """``apple's query`` when ``m`` is a role's symbol with a word as its subscript (q, k or v
    and a text, as the keys and values chapters write them); else ``""``."""
    parts = getattr(m, "submobjects", [])
    if len(parts) != 2 or not isinstance(getattr(parts[0], "tex_string", None), str):
        return ""
    role = ROLES.get(plain_formula(parts[0].tex_string))
    word = getattr(parts[1], "original_text", None)
    return f"{' '.join(word.split())}'s {role}" if role and isinstance(word, str) else ""


def _plot(owner: Any) -> str:
    """A plot with named axes (``owner.axes``, ``owner.x_name``, ``owner.y_name``): its axes
    with their ranges, and its reference line when it has a named one."""
    axes = owner.axes
    x_low, x_high = axes.x_range[:2]
    y_low, y_high = axes.y_range[:2]
    line = (f"A plot, horizontal axis {text_of(owner.x_name)!r} from {_end(x_low)} to "
            f"{_end(x_high)}, vertical axis {text_of(owner.y_name)!r} from {_end(y_low)} to "
            f"{_end(y_high)}")
    reference, name = getattr(owner, "reference_line", None), getattr(owner, "reference_label", None)
    if reference is not None and name is not None:
        line += f"; a dashed line {text_of(name)!r} at {_number(axes.p2c(reference.get_start())[1])}"
    return line + "."
