"""Scaled dot-product attention and multi-head attention, keeping every intermediate.

    Q = X W_Q     K = X W_K     V = X W_V
    A = softmax(Q K^T / sqrt(d_k))          (row-wise, over the keys)
    out = A V
    MultiHead(X) = concat(head_1, ..., head_h) W_O

Vectors are rows: ``X`` has one word per row, and a map ``W`` sends a word ``x`` (1, d) to
``x W``. (For a picture of ``W`` acting on the plane as a matrix on column vectors, use
``W.T``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from attention_core.errors import AttentionInputError, FloatArray, as_matrix
from attention_core.softmax import softmax

__all__ = [
    "AttentionTrace",
    "HeadWeights",
    "MultiHeadTrace",
    "causal_mask",
    "scaled_dot_product_attention",
    "multi_head_attention",
]


@dataclass(frozen=True)
class AttentionTrace:
    """Every step of ``softmax(Q K^T / sqrt(d_k)) V`` for n words.

    Attributes:
        inputs: ``X``, shape (n, d_model).
        queries: ``Q = X W_Q``, shape (n, d_k).
        keys: ``K = X W_K``, shape (n, d_k).
        values: ``V = X W_V``, shape (n, d_v).
        scores: ``Q K^T``, shape (n, n); row i holds how well query i matches each key.
        scale: ``1 / sqrt(d_k)``.
        scaled_scores: ``scores * scale``, shape (n, n), with ``-inf`` where masked.
        mask: shape (n, n) booleans, True where word i may attend to word j (all True
            without a mask).
        weights: row-wise softmax of ``scaled_scores``, shape (n, n); rows sum to 1.
        output: ``weights @ values``, shape (n, d_v).
    """

    inputs: FloatArray
    queries: FloatArray
    keys: FloatArray
    values: FloatArray
    scores: FloatArray
    scale: float
    scaled_scores: FloatArray
    mask: np.ndarray
    weights: FloatArray
    output: FloatArray


@dataclass(frozen=True)
class HeadWeights:
    """The three maps of one head: ``w_q``, ``w_k`` of shape (d_model, d_k) and ``w_v`` of
    shape (d_model, d_v)."""

    w_q: ArrayLike
    w_k: ArrayLike
    w_v: ArrayLike


@dataclass(frozen=True)
class MultiHeadTrace:
    """Several heads side by side, concatenated, and mapped back by ``W_O``.

    Attributes:
        heads: one :class:`AttentionTrace` per head (h of them).
        concatenated: the heads' outputs side by side, shape (n, h * d_v).
        w_o: shape (h * d_v, d_out).
        output: ``concatenated @ w_o``, shape (n, d_out).
    """

    heads: tuple[AttentionTrace, ...]
    concatenated: FloatArray
    w_o: FloatArray
    output: FloatArray


def causal_mask(n: int) -> np.ndarray:
    """Shape (n, n) booleans, True on and below the diagonal: word i sees words 0..i.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    if n < 1:
        raise AttentionInputError(f"a mask needs at least one word, got {n}.")
    return np.tril(np.ones((n, n), dtype=bool))


def _check_mask(mask: ArrayLike | None, n: int) -> np.ndarray:
    if mask is None:
        return np.ones((n, n), dtype=bool)
    m = np.asarray(mask)
    if m.dtype != bool:
        raise AttentionInputError("the mask must hold True/False values (True = may attend).")
    if m.shape != (n, n):
        raise AttentionInputError(f"the mask must have shape ({n}, {n}), got {m.shape}.")
    if not np.all(m.any(axis=1)):
        row = int(np.flatnonzero(~m.any(axis=1))[0])
        raise AttentionInputError(f"mask row {row} hides every word: that word attends to nothing.")
    return m


def scaled_dot_product_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    mask: ArrayLike | None = None,
) -> AttentionTrace:
    """Attention of the words ``x`` (n, d_model) through one head; see :class:`AttentionTrace`."""
    inputs = as_matrix("the word embeddings X", x)
    d_model = inputs.shape[1]
    wq = as_matrix("the query matrix W_Q", w_q, rows=d_model)
    wk = as_matrix("the key matrix W_K", w_k, rows=d_model, cols=wq.shape[1])
    wv = as_matrix("the value matrix W_V", w_v, rows=d_model)
    allowed = _check_mask(mask, inputs.shape[0])

    queries = inputs @ wq  # (n, d_model) @ (d_model, d_k) -> (n, d_k)
    keys = inputs @ wk  # (n, d_k)
    values = inputs @ wv  # (n, d_v)
    scores = queries @ keys.T  # (n, d_k) @ (d_k, n) -> (n, n)
    scale = 1.0 / np.sqrt(wq.shape[1])
    scaled = scores * scale
    if mask is not None:
        scaled[~allowed] = -np.inf
    weights = softmax(scaled, axis=1)  # (n, n), rows sum to 1
    output = weights @ values  # (n, n) @ (n, d_v) -> (n, d_v)
    return AttentionTrace(
        inputs, queries, keys, values, scores, float(scale), scaled, allowed, weights, output
    )


def multi_head_attention(
    x: ArrayLike,
    heads: Sequence[HeadWeights | tuple[ArrayLike, ArrayLike, ArrayLike]],
    w_o: ArrayLike,
    mask: ArrayLike | None = None,
) -> MultiHeadTrace:
    """Run each head on ``x`` (n, d_model), concatenate, and apply ``w_o`` (h * d_v, d_out)."""
    if len(heads) == 0:
        raise AttentionInputError("multi-head attention needs at least one head.")
    traces = []
    for head in heads:
        if not isinstance(head, HeadWeights) and len(head) != 3:
            raise AttentionInputError(
                f"each head needs three matrices (W_Q, W_K, W_V), got {len(head)}.")
        w = head if isinstance(head, HeadWeights) else HeadWeights(*head)
        traces.append(scaled_dot_product_attention(x, w.w_q, w.w_k, w.w_v, mask))
    concatenated = np.concatenate([t.output for t in traces], axis=1)  # (n, h * d_v)
    wo = as_matrix("the output matrix W_O", w_o, rows=concatenated.shape[1])
    output = concatenated @ wo  # (n, h * d_v) @ (h * d_v, d_out) -> (n, d_out)
    return MultiHeadTrace(tuple(traces), concatenated, wo, output)
