"""Turning scores into weights: the naive way that fails, and softmax.

    naive:   w_i = s_i / sum_j s_j
    softmax: w_i = exp(s_i / T) / sum_j exp(s_j / T)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from attention_core.errors import AttentionInputError, FloatArray, as_vector

__all__ = [
    "HeaviestTrace",
    "SoftmaxTrace",
    "NaiveNormalizeTrace",
    "softmax",
    "softmax_trace",
    "keep_heaviest",
    "naive_normalize",
    "with_zero_sum",
]


def _check_temperature(temperature: float) -> float:
    if (isinstance(temperature, bool) or not isinstance(temperature, int | float | np.number)
            or not np.isfinite(temperature) or temperature <= 0):
        raise AttentionInputError(
            f"the softmax temperature must be a positive number, got {temperature}."
        )
    return float(temperature)


def softmax(x: ArrayLike, axis: int = -1, temperature: float = 1.0) -> FloatArray:
    """Softmax of ``x`` along ``axis``; same shape as ``x``, positive, sums to 1 along ``axis``.

    Numerically stable: the maximum is subtracted before ``exp`` (so scores of 1e4 do not
    overflow), and ``-inf`` entries (masked positions) get weight 0. A slice that is
    entirely ``-inf`` has nothing to attend to and is an error.

    >>> softmax([0.0, np.log(3.0)]).round(6).tolist()
    [0.25, 0.75]
    """
    temperature = _check_temperature(temperature)
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise AttentionInputError(f"softmax scores must be numbers ({error}).") from None
    if array.ndim == 0 or array.size == 0:
        raise AttentionInputError("softmax needs at least one score.")
    # One cheap pass for the common all-finite case; the detailed check only when needed.
    if not np.isfinite(array).all() and (np.isnan(array).any() or (array == np.inf).any()):
        raise AttentionInputError("softmax scores must be finite numbers or -inf (masked).")
    if not -array.ndim <= axis < array.ndim:
        raise AttentionInputError(
            f"softmax axis {axis} does not exist: the scores have {array.ndim} dimension(s).")
    peak = np.max(array, axis=axis, keepdims=True)
    if np.any(peak == -np.inf):
        raise AttentionInputError(
            "every score in a row is masked (-inf): that word has nothing to attend to."
        )
    exps = np.exp((array - peak) / temperature)
    return exps / exps.sum(axis=axis, keepdims=True)


@dataclass(frozen=True)
class SoftmaxTrace:
    """Softmax of one row of scores, with its working.

    Attributes:
        scores: the inputs ``s``, shape (n,).
        temperature: ``T``.
        exponentials: ``exp(s_i / T)``, shape (n,) (not shifted; may be ``inf`` for huge
            scores, which is why :func:`softmax` shifts by the maximum first).
        total: ``sum_i exp(s_i / T)``.
        weights: ``softmax(s / T)``, shape (n,), positive, summing to 1.
    """

    scores: FloatArray
    temperature: float
    exponentials: FloatArray
    total: float
    weights: FloatArray


def softmax_trace(scores: ArrayLike, temperature: float = 1.0) -> SoftmaxTrace:
    """Softmax of a score vector (n,) with the exponentials and their sum, for display."""
    s = as_vector("the scores", scores)
    temperature = _check_temperature(temperature)
    with np.errstate(over="ignore"):
        exponentials = np.exp(s / temperature)
    return SoftmaxTrace(
        scores=s,
        temperature=temperature,
        exponentials=exponentials,
        total=float(exponentials.sum()),
        weights=softmax(s, temperature=temperature),
    )


@dataclass(frozen=True)
class NaiveNormalizeTrace:
    """Dividing scores by their plain sum, and why that is not a set of weights.

    Attributes:
        scores: shape (n,).
        total: ``sum_i s_i``.
        weights: ``s_i / total``, shape (n,); ``None`` when ``total`` is 0.
        problems: plain-language reasons the result is unusable (empty when it works).
        negative_indices: indices ``i`` where the weight is negative.
    """

    scores: FloatArray
    total: float
    weights: FloatArray | None
    problems: tuple[str, ...]
    negative_indices: tuple[int, ...]

    @property
    def ok(self) -> bool:
        """True when the naive weights are usable: all >= 0 and summing to 1."""
        return not self.problems


def naive_normalize(scores: ArrayLike, *, atol: float = 1e-12) -> NaiveNormalizeTrace:
    """Divide each score (n,) by the sum of all of them, and report what goes wrong."""
    s = as_vector("the scores", scores)
    total = float(s.sum())
    problems: list[str] = []
    if abs(total) <= atol * float(np.abs(s).sum()):
        total = 0.0  # rounding leaves e.g. -8.9e-16 where the sum is zero
        problems.append(f"the scores add up to {total:g}: dividing by zero gives no weights at all")
        return NaiveNormalizeTrace(s, total, None, tuple(problems), ())
    weights = s / total
    negative = tuple(int(i) for i in np.flatnonzero(weights < 0))
    if negative:
        count = "1 weight is" if len(negative) == 1 else f"{len(negative)} weights are"
        problems.append(
            f"{count} negative ({weights[negative[0]]:.2f}): "
            "a word cannot be pulled by a negative amount of attention"
        )
    if total < 0:
        problems.append(f"the scores add up to a negative number ({total:g})")
    return NaiveNormalizeTrace(s, total, weights, tuple(problems), negative)


def with_zero_sum(scores: ArrayLike, index: int) -> FloatArray:
    """``scores`` (n,) with entry ``index`` changed so that they add up to exactly 0.

    The softmax scene uses it to show the second way naive normalisation fails.

    >>> with_zero_sum([3.0, -1.0, 2.0], 1).tolist()
    [3.0, -5.0, 2.0]
    """
    s = as_vector("the scores", scores).copy()
    if not 0 <= index < len(s):
        raise AttentionInputError(f"index {index} is outside the {len(s)} scores.")
    s[index] = -(s.sum() - s[index])
    return s


@dataclass(frozen=True)
class HeaviestTrace:
    """Rows of weights cut down to their heaviest words, the rest added into one number.

    Attributes
    ----------
    indices : (k,) int
        The kept words, in sentence order: the ``k`` largest by their largest weight in any row.
    kept : (r, k)
        Each row's weights of the kept words.
    rest : (r,)
        Each row's total weight of every other word (0 when nothing was left out).
    rest_count : int
        How many words were left out (n - k).
    """

    indices: np.ndarray
    kept: FloatArray
    rest: FloatArray
    rest_count: int


def keep_heaviest(weights: ArrayLike, keep: int) -> HeaviestTrace:
    """The ``keep`` words of ``weights`` (shape (r, n), or (n,) for one row) that weigh most in
    any row, and what the others weigh together; ``kept`` plus ``rest`` sums each row as
    ``weights`` does. Ties go to the earlier word.

    >>> t = keep_heaviest([[0.5, 0.1, 0.3, 0.1]], keep=2)
    >>> t.indices.tolist(), t.kept.tolist(), t.rest.round(6).tolist(), t.rest_count
    ([0, 2], [[0.5, 0.3]], [0.2], 2)
    """
    rows = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise AttentionInputError(f"weights must be a row or rows of numbers, got shape {rows.shape}.")
    if isinstance(keep, bool) or not isinstance(keep, int | np.integer) or keep < 1:
        raise AttentionInputError(f"keep must be a whole number of at least 1, got {keep!r}.")
    n = rows.shape[1]
    strongest = rows.max(axis=0)
    indices = np.sort(np.argsort(-strongest, kind="stable")[:keep])
    left_out = np.setdiff1d(np.arange(n), indices)
    kept, rest = rows[:, indices], rows[:, left_out].sum(axis=1)
    for array in (indices, kept, rest):
        array.setflags(write=False)
    return HeaviestTrace(indices, kept, rest, int(len(left_out)))
