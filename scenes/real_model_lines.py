"""What the real-model chapter says of the focus's places, in words: per axis, how each
sentence moves the focus from where it is alone, as shown (2 decimals), and whether the toy
moved it the same way. Numbers in, sentences out: no manim."""

from __future__ import annotations

import numpy as np

from scenes import style
from scenes.style import fmt

__all__ = ["axis_lines", "order_agrees", "separating_axis", "toy_agrees"]


def _shown_signs(alone: np.ndarray, in_context: np.ndarray) -> np.ndarray:
    """How each of two sentences moves the focus from where it is alone, axis by axis, as
    shown (2 decimals): shape (2 sentences, 2 axes) of -1, 0 or 1."""
    p0 = np.round(np.asarray(alone, dtype=float), style.DECIMALS)
    p = np.round(np.asarray(in_context, dtype=float), style.DECIMALS)
    return np.sign(p - p0).astype(int)


def separating_axis(in_context: np.ndarray) -> int:
    """The axis (0 or 1) on which the two sentences' places differ most, as shown."""
    p = np.round(np.asarray(in_context, dtype=float), style.DECIMALS)
    return 1 if abs(p[0][1] - p[1][1]) > abs(p[0][0] - p[1][0]) else 0


def toy_agrees(alone: np.ndarray, in_context: np.ndarray, toy: np.ndarray) -> tuple[bool, bool]:
    """Per axis, whether the toy (``toy``: alone, then each sentence, shape (3, 2)) moves the
    focus the same way as the real model in both sentences.

    >>> toy_agrees(np.array([-0.12, 0.06]), np.array([[-0.33, 0.2], [-0.2, -0.23]]),
    ...            np.array([[1.5, 1.6], [0.8, 2.81], [2.71, 0.87]]))
    (False, True)
    """
    t = np.asarray(toy, dtype=float)
    real = _shown_signs(alone, in_context)
    mine = _shown_signs(t[0], t[1:3])
    return tuple(bool(np.all(real[:, a] == mine[:, a])) for a in (0, 1))  # type: ignore[return-value]


def axis_lines(focus: str, names: tuple[str, str], deciders: tuple[str, ...] | list[str],
               alone: np.ndarray, in_context: np.ndarray,
               toy: np.ndarray | None = None) -> list[tuple[int, str]]:
    """What the focus's places say, an axis a line, the axis that separates the two sentences
    most first: ``[(axis, line), (axis, line)]``, axis 0 or 1.

    ``alone`` is the focus alone, shape (2,); ``in_context`` its place in each of the two
    sentences, shape (2, 2); ``toy`` (optional) the toy's focus alone then in each sentence,
    shape (3, 2). Everything is compared as shown, to 2 decimals: on each axis, each sentence
    makes the focus more, less or as much of it as alone; the line says where it is alone, then
    in a sentence of its own which (the sentences pull it apart, both move it the same way, or
    one leaves it), with the two sentences' numbers, then
    whether the toy moved it the same way in both sentences ("as in the toy") or, where not,
    what the toy did.

    >>> lines = axis_lines("apple", ("technology", "fruit"), ["orange", "phone"],
    ...                    np.array([-0.12, 0.06]), np.array([[-0.33, 0.2], [-0.2, -0.23]]),
    ...                    np.array([[1.5, 1.6], [0.8, 2.81], [2.71, 0.87]]))
    >>> import textwrap
    >>> [axis for axis, _ in lines]
    [1, 0]
    >>> print(textwrap.fill(lines[0][1], 90))
    Fruit separates the sentences most: apple alone is at 0.06. Beside orange it is more fruit
    (0.20), beside phone less (-0.23), as in the toy.
    >>> print(textwrap.fill(lines[1][1], 90))
    On technology, apple alone is at -0.12. Both sentences make it less technology: -0.33
    beside orange, -0.20 beside phone; in the toy, phone raises it.
    """
    p0 = np.round(np.asarray(alone, dtype=float), style.DECIMALS)
    p = np.round(np.asarray(in_context, dtype=float), style.DECIMALS)
    t = None if toy is None else np.round(np.asarray(toy, dtype=float), style.DECIMALS)
    gaps = [abs(p[0][a] - p[1][a]) for a in (0, 1)]
    order = [1, 0] if gaps[1] > gaps[0] else [0, 1]
    lines = []
    for rank, a in enumerate(order):
        name, v0, v = names[a], p0[a], p[:, a]
        signs = [int(np.sign(v[k] - v0)) for k in (0, 1)]
        # (the value alone in a sentence of its own, the two sentences' in the next: a sentence
        # never says more than two numbers)
        alone = f"{focus} alone is at {fmt(v0)}. "
        if signs[0] == -signs[1] != 0:
            hi, lo = (0, 1) if signs[0] > 0 else (1, 0)
            what = (f"{alone}Beside {deciders[hi]} it is more {name} ({fmt(v[hi])}), beside {deciders[lo]} "
                    f"less ({fmt(v[lo])})")
        elif signs[0] == signs[1] != 0:
            what = (f"{alone}Both sentences make it {'more' if signs[0] > 0 else 'less'} {name}: "
                    f"{fmt(v[0])} beside {deciders[0]}, {fmt(v[1])} beside {deciders[1]}")
        elif signs == [0, 0]:
            what = f"neither sentence moves {focus} from {fmt(v0)}"
        else:
            said = [f"{('unchanged', 'more ' + name, 'less ' + name)[sg]} beside {deciders[k]} ({fmt(v[k])})"
                    for k, sg in enumerate(signs)]
            what = f"{alone}It is {said[0]} and {said[1]}"
        if t is not None:
            toy_signs = [int(np.sign(t[k + 1][a] - t[0][a])) for k in (0, 1)]
            if toy_signs == signs:
                what += ", as in the toy"
            else:
                did = [f"{deciders[k]} {('leaves it', 'raises it', 'lowers it')[toy_signs[k]]}"
                       for k in (0, 1) if toy_signs[k] != signs[k]]
                what += "; in the toy, " + " and ".join(did)
        if rank == 0:
            head = (f"{name[0].upper()}{name[1:]} separates the sentences most: " if max(gaps) > 0
                    else "Neither axis separates the sentences: ")
            lines.append((a, f"{head}{what}."))
        else:
            lines.append((a, f"On {name}, {what}."))
    return lines


def order_agrees(in_context: np.ndarray, toy: np.ndarray) -> tuple[bool, bool]:
    """Per axis, whether the two sentences put the focus in the same order in the real model
    (``in_context``, shape (2, 2)) as in the toy (``toy``: alone, then each sentence, shape
    (3, 2)), as shown (2 decimals): sentence against sentence, not against the focus alone.

    >>> order_agrees(np.array([[-0.16, -0.33], [-0.36, -0.15]]),
    ...              np.array([[1.5, 1.6], [0.8, 2.81], [2.71, 0.87]]))
    (False, False)
    >>> order_agrees(np.array([[-0.16, -0.33], [-0.36, -0.15]]),
    ...              np.array([[1.5, 1.6], [2.71, 0.87], [0.8, 2.81]]))
    (True, True)
    """
    p = np.round(np.asarray(in_context, dtype=float), style.DECIMALS)
    t = np.round(np.asarray(toy, dtype=float), style.DECIMALS)
    real, mine = np.sign(p[0] - p[1]), np.sign(t[1] - t[2])
    return tuple(bool(real[a] == mine[a] != 0) for a in (0, 1))  # type: ignore[return-value]
