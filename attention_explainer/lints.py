"""Lints beyond the story's claims: what a student would miss on screen though every number holds.

    grid_warnings(example)   the attention-matrix grids are too small to print their numbers
                             (which sentence, its word count, how many words would fit)
    head_warnings(example)   a head's name promises what its largest weight denies (a "grammar"
                             head that looks most at the decider; two heads on one word are the
                             story's own claim, heads_look_apart)

``attention-explainer check`` prints them after the story's warnings (and the storyboard page
with them). The grid lint sizes the grids with the scene's own planner
(:func:`scenes.attention_matrix.plan_grids`), so it imports manim: it lives here, not in the core.
"""

from __future__ import annotations

import re

import numpy as np

from attention_content.example_types import Example
from attention_content.story import decider, head_favourites

__all__ = ["grid_warnings", "head_warnings", "lint_warnings", "words_that_fit"]


# The residual column right of the grids, x = ..., (A V)_i = ..., x' = ... at the smallest math
# scale, in scene units: 2.60 on every shipped example (measured with residual_sum; typesetting
# it here would run LaTeX on every check), a little more for slack.
RESIDUAL_ROOM = 2.62


def _plan(example: Example, n: int):
    """The grids' plan (:class:`scenes.matrix_layout.GridPlan`) the attention-matrix scene would
    draw for the first ``n`` words of the first sentence (as :meth:`AttentionMatrix.lay_out` does)."""
    from scenes.attention_matrix import plan_grids

    head = example.heads[0]
    words = list(example.sentences[0].tokens)
    return plan_grids(n, head.query.shape[1], head.value.shape[1], words[:n], RESIDUAL_ROOM)


def _plan_cell(example: Example, n: int) -> float:
    """The n x n grid's cell of :func:`_plan`."""
    return _plan(example, n).cell


def words_that_fit(example: Example) -> int:
    """The most words (of the first sentence, from its start) whose grids print their numbers."""
    from scenes.attention_matrix import legible

    n = len(example.sentences[0].tokens)
    while n > 1 and not legible(_plan_cell(example, n)):
        n -= 1
    return n


def grid_warnings(example: Example) -> list[str]:
    """A ``warning:`` line when the attention-matrix scene's grids (it draws the first
    sentence) are too small to print their numbers."""
    from scenes.attention_matrix import LEGIBLE_CELL, legible

    sentence = example.sentences[0]
    n = len(sentence.tokens)
    plan = _plan(example, n)
    cell = plan.cell
    if legible(cell):
        return _column_warnings(example, plan)
    fit = words_that_fit(example)
    return [f'warning: attention_matrix, sentence 1: "{sentence.text}" has {n} words, so the grids\' '
            f"cells are {cell:.2f} units, below the {LEGIBLE_CELL:.2f} at which they print their numbers: "
            f"every grid (Q K^T, the weights, A V) is colour only; {fit} words would fit with numbers "
            f"(cut {n - fit} word(s), or shorten the longest)"]


def _column_warnings(example: Example, plan) -> list[str]:
    """A ``warning:`` line when the n x n grid prints its numbers but Q and K^T, or V and A V,
    are too narrow to print theirs (jam's "strawberry" did that before the plan was fixed)."""
    from scenes.attention_matrix import LEGIBLE_CELL, legible

    narrow = [(names, width) for names, width in (("Q and K^T", plan.qk_width), ("V and A V", plan.v_width))
              if not legible(plan.cell, width)]
    if not narrow:
        return []
    sentence = example.sentences[0]
    longest = max(sentence.tokens, key=len)
    said = " and ".join(f"{names} ({width:.2f} units a column)" for names, width in narrow)
    return [f'warning: attention_matrix, sentence 1: "{sentence.text}": {said} are below the '
            f"{LEGIBLE_CELL:.2f} at which they print their numbers, so they are colour only while the "
            f"n x n grids print theirs (cut a word, or shorten the longest, {longest!r})"]


# Words in a head's name that promise what it looks at: the word that decides the meaning, or
# the small words around it (short ones, less than SMALL of the decider's length).
MEANING_NAMES = frozenset({"meaning", "meanings", "semantic", "semantics", "sense", "context", "topic"})
GRAMMAR_NAMES = frozenset({"grammar", "syntax", "structure", "function", "position", "order", "small"})
SMALL = 0.5


def _promise(name: str) -> str | None:
    """"meaning", "grammar" or None: what a head's name says it looks at."""
    parts = set(re.split(r"[^a-z]+", name.lower()))
    if parts & MEANING_NAMES:
        return "meaning"
    return "grammar" if parts & GRAMMAR_NAMES else None


def head_warnings(example: Example) -> list[str]:
    """A ``warning:`` line for each head whose name promises what its largest weight from the
    focus (first sentence, the focus itself aside, as the multi-head scene shows) denies: a
    "meaning" head that looks most at another word than the decider, a "grammar" head that looks
    most at the decider or another long word."""
    d = decider(example, 0)
    length = float(np.linalg.norm(example.words[d]))
    lines = []
    for head, favourite in zip(example.heads, head_favourites(example, 0), strict=True):
        promise = _promise(head.name)
        size = float(np.linalg.norm(example.words[favourite.word]))
        if promise == "meaning" and favourite.word != d:
            why = f"the decider {d!r}"
        elif promise == "grammar" and (favourite.word == d or size >= SMALL * length):
            why = f"a small word (shorter than {SMALL:.0%} of the decider {d!r}, {SMALL * length:.2f})"
        else:
            continue
        lines.append(f"warning: multi_head, sentence 1: the head named {head.name!r} promises to look at "
                     f"{why}"
                     ", "
                     f"but looks most at {favourite.word!r} ({favourite.value:.2f}, the focus itself aside; "
                     f"its length {size:.2f}); rename the head after what it does, or change its W_Q or W_K")
    return lines


def lint_warnings(example: Example) -> list[str]:
    """Every lint's ``warning:`` lines, in story order (the grids come before the heads)."""
    return grid_warnings(example) + head_warnings(example)
