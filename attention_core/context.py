"""Context as gravity: each word moves toward the words it is similar to.

    w = softmax(similarities / T)            (row i: how hard each word pulls word i)
    target_i = sum_j w_ij e_j                (the similarity-weighted average)
    new_i = e_i + strength * (target_i - e_i)

Because each row of ``w`` sums to 1, the target is also one step of pulls: every word j
pulls word i along the arrow ``e_j - e_i``, as hard as its weight,

    target_i = e_i + sum_j w_ij (e_j - e_i)      (``pulls[i, j]`` = w_ij (e_j - e_i))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from attention_core.errors import AttentionInputError, FloatArray, as_matrix
from attention_core.softmax import softmax

__all__ = ["ContextPullTrace", "context_pull"]


@dataclass(frozen=True)
class ContextPullTrace:
    """One gravity step on a sentence of n words in d dimensions.

    Attributes:
        embeddings: the words before the pull, shape (n, d).
        similarities: the scores that set the pulls, shape (n, n).
        weights: row-wise softmax of ``similarities / temperature``, shape (n, n); row i
            holds the share of word i's pull that comes from each word (sums to 1).
        targets: the weighted averages ``weights @ embeddings``, shape (n, d).
        strength: how far each word moves toward its target, in [0, 1].
        new_embeddings: ``embeddings + strength * (targets - embeddings)``, shape (n, d).
        trajectory: positions from ``embeddings`` to ``new_embeddings`` in ``steps`` equal
            steps, shape (steps + 1, n, d); ``trajectory[0]`` is the start, ``[-1]`` the end.
    """

    embeddings: FloatArray
    similarities: FloatArray
    weights: FloatArray
    targets: FloatArray
    strength: float
    new_embeddings: FloatArray
    trajectory: FloatArray

    @property
    def pulls(self) -> FloatArray:
        """Each word's pull on each word: ``pulls[i, j] = weights[i, j] * (e_j - e_i)``, the
        arrow from word i to word j scaled by its weight, shape (n, n, d)."""
        e = self.embeddings
        arrows = e[None, :, :] - e[:, None, :]  # (1, n, d) - (n, 1, d) -> (n, n, d)
        return self.weights[:, :, None] * arrows  # (n, n, 1) * (n, n, d) -> (n, n, d)

    @property
    def step(self) -> FloatArray:
        """The pulls on each word added tip to tail, ``sum_j pulls[i, j]`` = ``targets - embeddings``
        (the rows of ``weights`` sum to 1), shape (n, d)."""
        return self.pulls.sum(axis=1)  # (n, n, d) -> (n, d)


def context_pull(
    embeddings: ArrayLike,
    similarities: ArrayLike,
    *,
    strength: float = 1.0,
    steps: int = 10,
    temperature: float = 1.0,
    weights_given: bool = False,
) -> ContextPullTrace:
    """Move every word (row of ``embeddings``, shape (n, d)) toward its context.

    ``similarities`` (n, n) are turned into weights by a row-wise softmax, unless
    ``weights_given`` is true, in which case they must already be non-negative rows that
    sum to 1 and are used as they are.
    """
    e = as_matrix("the embeddings", embeddings)
    n = e.shape[0]
    s = as_matrix("the similarities", similarities, rows=n, cols=n)
    if not 0.0 <= strength <= 1.0:
        raise AttentionInputError(f"the pull strength must be between 0 and 1, got {strength}.")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
        raise AttentionInputError(f"the number of steps must be a whole number >= 1, got {steps}.")
    if weights_given:
        if np.any(s < 0) or not np.allclose(s.sum(axis=1), 1.0):
            raise AttentionInputError(
                "given weights must be non-negative and each row must sum to 1."
            )
        weights = s
    else:
        weights = softmax(s, axis=1, temperature=temperature)
    targets = weights @ e  # (n, n) @ (n, d) -> (n, d)
    new = e + strength * (targets - e)
    fractions = np.linspace(0.0, 1.0, steps + 1)[:, None, None]  # (steps + 1, 1, 1)
    trajectory = e[None] + fractions * (new - e)[None]  # -> (steps + 1, n, d)
    return ContextPullTrace(e, s, weights, targets, float(strength), new, trajectory)
