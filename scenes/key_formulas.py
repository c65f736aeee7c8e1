r"""Keys and queries in formulas and words: the scaling's explanation, where a query points,
a word's query or key written out, and a score as a formula.

Shared by the keys-and-queries chapter (which says the scaling once, before the first weight
that uses it), the values chapter and the attention-matrix chapter (which refer back to it).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, ManimColor, MathTex, VGroup

from attention_content.example_types import Example
from scenes import style
from scenes.components import word_color, word_label
from scenes.style import fmt

__all__ = ["AXIS_NAMES", "SCALE_IS_A_TEMPERATURE", "WHY_SCALE", "query_direction", "quoted", "scaling_lines",
           "score_formula", "subscripted", "temperature_text", "vec_text", "vector_formula",
           "versus"]

SUBSCRIPT_SIZE = 20  # the word under a q or a k (27 px)
# The axes' names once the plane shows keys, queries or values: their numbers mean neither
# "technology" nor "fruit" (W_K mixes the two), so the axes say only which number they carry.
AXIS_NAMES = ("1st number", "2nd number")
CLEAR_LEAD = 1.2  # a query points "mostly along" one number when that one is this many times the other


# Why a head divides q . k by sqrt(d_k), said once in the story (here; the attention-matrix
# chapter says it only for an example this chapter cannot draw).
WHY_SCALE = ("Why: if q's and k's entries are independent, with mean 0 and variance 1, q · k (d_k products) "
             "has variance d_k.")
SCALE_IS_A_TEMPERATURE = ("Divided by √d_k, the variance is 1 again: a softmax temperature that keeps big "
                          "models from all-or-nothing weights.")


def scaling_lines(d_k: int) -> list[MathTex]:
    """The scaling's explanation, a line each, unscaled: d_k and its root; q . k as a sum of
    d_k products; the assumptions; the variance; the variance after dividing; the temperature."""
    return [
        MathTex(rf"d_k = {d_k}, \quad \sqrt{{d_k}} \approx {fmt(np.sqrt(d_k))}"),
        MathTex(r"q \cdot k = q_1 k_1 + q_2 k_2 + \dots + q_{d_k} k_{d_k}"),
        MathTex(r"q_m,\, k_m:\ \text{independent, mean } 0,\ \text{variance } 1"),
        MathTex(r"\Rightarrow\ \mathrm{Var}(q \cdot k) = d_k"),
        MathTex(r"\mathrm{Var}\!\left(\frac{q \cdot k}{\sqrt{d_k}}\right) = 1"),
        MathTex(r"\mathrm{softmax}\!\left(\frac{q \cdot k}{T}\right),\quad T = \sqrt{d_k}",
                color=style.FOCUS)]


def query_direction(q: np.ndarray) -> str:
    """Where a query (shape (2,)) points, in words, from its numbers.

    >>> query_direction(np.array([2.08, 1.29])), query_direction(np.array([-1.0, 0.9]))
    ('mostly along the 1st number', 'against the 1st number and along the 2nd number')
    """
    a, names = np.abs(q), AXIS_NAMES
    lead = int(np.argmax(a))
    if a[lead] >= CLEAR_LEAD * a[1 - lead]:
        return f"mostly {'along' if q[lead] > 0 else 'against'} the {names[lead]}"
    if (q > 0).all():
        return "along both numbers, about equally"
    sides = ["along" if c > 0 else "against" for c in q]
    return f"{sides[0]} the {names[0]} and {sides[1]} the {names[1]}"


def temperature_text(t: float) -> str:
    """A softmax temperature as a formula writes it: ``1`` for 1.0, else two decimals.

    >>> temperature_text(1.0), temperature_text(0.5)
    ('1', '0.50')
    """
    return str(int(t)) if float(t).is_integer() else fmt(t)


def versus(after: float, before: float) -> str:
    """``down from 0.77`` or ``against 0.77``: a head's weight beside the raw one, as printed."""
    return f"{'down from' if float(fmt(after)) < float(fmt(before)) else 'against'} {fmt(before)}"


def vec_text(v: np.ndarray) -> str:
    """A 2-D vector for the narration: ``(2.08, 1.29)``."""
    return f"({fmt(v[0])}, {fmt(v[1])})"


def quoted(text: str) -> str:
    """``text`` in quotation marks."""
    return f"\u201c{text}\u201d"


def subscripted(symbol: str, word: str, symbol_color: ManimColor, color: ManimColor,
                word_size: float = SUBSCRIPT_SIZE, symbol_scale: float = 1.0) -> VGroup:
    r"""``\vec q`` with ``word`` as its subscript, the word in Pango text (never LaTeX), at
    ``word_size``, the symbol ``symbol_scale`` times its formula size."""
    sym = MathTex(symbol, color=symbol_color).scale(style.MATH_SCALE * symbol_scale)
    sub = word_label(word, color, word_size)
    sub.next_to(sym, RIGHT, buff=0.03).align_to(sym, DOWN).shift(0.1 * symbol_scale * DOWN)
    return VGroup(sym, sub)


def score_formula(example: Example, looker: str, looked: str, value: float) -> VGroup:
    r"""``q_looker . k_looked = value``: how much ``looker`` looks at ``looked``."""
    q = subscripted(r"\vec q", looker, style.QUERY, word_color(example, looker))
    dot = MathTex(r"\cdot").scale(style.MATH_SCALE)
    k = subscripted(r"\vec k", looked, style.KEY, word_color(example, looked))
    equals = MathTex("= " + fmt(value)).scale(style.MATH_SCALE)
    parts = [q, dot, k, equals]
    for before, part in zip(parts, parts[1:], strict=False):
        part.next_to(before, RIGHT, buff=0.12)
    for part in (dot, k, equals):  # one baseline: the symbols' centres on q's
        symbol = part[0] if isinstance(part, VGroup) else part
        part.shift((q[0].get_center()[1] - symbol.get_center()[1]) * UP)
    formula = VGroup(*parts)
    formula.value = value
    return formula


def vector_formula(example: Example, symbol: str, symbol_color: ManimColor, word: str,
                   coords: np.ndarray) -> VGroup:
    r"""``q_word = (a, b)``: a word's query or key, written out."""
    sym = subscripted(symbol, word, symbol_color, word_color(example, word))
    equals = MathTex(rf"= ({fmt(coords[0])},\ {fmt(coords[1])})").scale(style.MATH_SCALE)
    equals.next_to(sym, RIGHT, buff=0.12)
    equals.shift((sym[0].get_center()[1] - equals.get_center()[1]) * UP)
    line = VGroup(sym, equals)
    line.coords = np.asarray(coords)
    return line

