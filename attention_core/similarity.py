"""Similarity of word vectors: the dot product and the cosine of the angle between them.

    a . b = sum_i a_i b_i            cos(theta) = (a . b) / (|a| |b|)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from attention_core.errors import (
    AttentionInputError,
    FloatArray,
    as_matrix,
    as_vector,
    lengths_and_directions,
)

__all__ = [
    "DotProductTrace",
    "CosineTrace",
    "SimilarityMatrixTrace",
    "dot_product",
    "cosine_similarity",
    "similarity_matrix",
]


@dataclass(frozen=True)
class DotProductTrace:
    """The dot product of two vectors, with its working.

    Attributes:
        a, b: the two vectors, shape (d,).
        products: the component products ``a_i * b_i``, shape (d,).
        dot: their sum, a float.
    """

    a: FloatArray
    b: FloatArray
    products: FloatArray
    dot: float


@dataclass(frozen=True)
class CosineTrace:
    """The cosine similarity of two vectors, with its working.

    Attributes:
        a, b: the two vectors, shape (d,).
        dot: ``a . b``.
        norm_a, norm_b: the lengths ``|a|`` and ``|b|``.
        cosine: ``dot / (norm_a * norm_b)``, in [-1, 1].
        angle_degrees: the angle between ``a`` and ``b``, in [0, 180].
    """

    a: FloatArray
    b: FloatArray
    dot: float
    norm_a: float
    norm_b: float
    cosine: float
    angle_degrees: float


@dataclass(frozen=True)
class SimilarityMatrixTrace:
    """Every pairwise similarity between the rows of two matrices.

    Attributes:
        a: shape (n, d).  b: shape (m, d).
        kind: ``"dot"`` or ``"cosine"``.
        matrix: shape (n, m); ``matrix[i, j]`` is the similarity of ``a[i]`` and ``b[j]``.
    """

    a: FloatArray
    b: FloatArray
    kind: str
    matrix: FloatArray


def _same_length(a: FloatArray, b: FloatArray) -> None:
    if a.shape[-1] != b.shape[-1]:
        raise AttentionInputError(
            f"the vectors must have the same number of components, got {a.shape[-1]} "
            f"and {b.shape[-1]}."
        )


def dot_product(a: ArrayLike, b: ArrayLike) -> DotProductTrace:
    """Multiply two vectors component by component and add the products.

    >>> dot_product([1, 2], [3, 4]).dot
    11.0
    """
    va, vb = as_vector("the first vector", a), as_vector("the second vector", b)
    _same_length(va, vb)
    products = va * vb  # (d,)
    return DotProductTrace(a=va, b=vb, products=products, dot=float(products.sum()))


def cosine_similarity(a: ArrayLike, b: ArrayLike) -> CosineTrace:
    """Cosine of the angle between two non-zero vectors; it ignores their lengths.

    >>> round(cosine_similarity([1, 0], [1, 1]).angle_degrees, 6)
    45.0
    """
    va, vb = as_vector("the first vector", a), as_vector("the second vector", b)
    _same_length(va, vb)
    norm_a, unit_a = lengths_and_directions("the first vector", va)
    norm_b, unit_b = lengths_and_directions("the second vector", vb)
    with np.errstate(over="ignore"):
        dot = float(va @ vb)
    # Rounding can push |cos| a hair past 1, where arccos would give NaN.
    cosine = float(np.clip(unit_a @ unit_b, -1.0, 1.0))
    angle = float(np.degrees(np.arccos(cosine)))
    return CosineTrace(va, vb, dot, float(norm_a), float(norm_b), cosine, angle)


def similarity_matrix(
    a: ArrayLike, b: ArrayLike, kind: Literal["dot", "cosine"] = "dot"
) -> SimilarityMatrixTrace:
    """All similarities between rows of ``a`` (n, d) and rows of ``b`` (m, d) -> (n, m)."""
    ma, mb = as_matrix("the first set of vectors", a), as_matrix("the second set of vectors", b)
    _same_length(ma, mb)
    if kind == "dot":
        matrix = ma @ mb.T  # (n, d) @ (d, m) -> (n, m)
    elif kind == "cosine":
        _, units_a = lengths_and_directions("a vector of the first set", ma)
        _, units_b = lengths_and_directions("a vector of the second set", mb)
        matrix = np.clip(units_a @ units_b.T, -1.0, 1.0)
    else:
        raise AttentionInputError(f'kind must be "dot" or "cosine", got {kind!r}.')
    return SimilarityMatrixTrace(a=ma, b=mb, kind=kind, matrix=matrix)
