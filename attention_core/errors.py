"""The one error type the core raises, and the small validators every function shares."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["AttentionInputError", "as_vector", "as_matrix", "lengths_and_directions"]

FloatArray = NDArray[np.float64]


class AttentionInputError(ValueError):
    """Raised when an input to the core cannot be used; the message says what is wrong."""


def _as_float_array(name: str, values: ArrayLike) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise AttentionInputError(f"{name} must contain only numbers ({error}).") from None
    if array.size and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = f" at position {tuple(int(i) for i in bad)}" if array.ndim else ""
        raise AttentionInputError(
            f"{name} must contain only finite numbers, but has {array[tuple(bad)]}{where}."
        )
    return array


def as_vector(name: str, values: ArrayLike) -> FloatArray:
    """Return ``values`` as a finite float vector of shape (d,), d >= 1."""
    array = _as_float_array(name, values)
    if array.ndim != 1 or array.shape[0] == 0:
        raise AttentionInputError(
            f"{name} must be a non-empty list of numbers (a vector), got shape {array.shape}."
        )
    return array


def as_matrix(name: str, values: ArrayLike, *, rows: int | None = None,
              cols: int | None = None) -> FloatArray:
    """Return ``values`` as a finite float matrix of shape (rows, cols), both >= 1."""
    array = _as_float_array(name, values)
    if array.ndim != 2 or 0 in array.shape:
        raise AttentionInputError(
            f"{name} must be a non-empty table of numbers (a matrix), got shape {array.shape}."
        )
    if rows is not None and array.shape[0] != rows:
        raise AttentionInputError(f"{name} must have {rows} rows, but has {array.shape[0]}.")
    if cols is not None and array.shape[1] != cols:
        raise AttentionInputError(f"{name} must have {cols} columns, but has {array.shape[1]}.")
    return array


def lengths_and_directions(name: str, vectors: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Lengths (...) and unit vectors (..., d) of the rows of ``vectors``; raise if one is 0.

    Each row is first divided by its largest entry, so lengths of 1e200 or 1e-200 neither
    overflow nor underflow on the way (a plain sqrt(sum x^2) would).
    """
    scale = np.max(np.abs(vectors), axis=-1, keepdims=True)
    if np.any(scale == 0.0):
        which = f" (row {int(np.argwhere(scale[..., 0] == 0.0)[0][0])})" if vectors.ndim > 1 else ""
        raise AttentionInputError(
            f"{name}{which} is the zero vector: it has no direction, so no angle or cosine."
        )
    scaled = vectors / scale
    scaled_norms = np.linalg.norm(scaled, axis=-1, keepdims=True)
    return (scale * scaled_norms)[..., 0], scaled / scaled_norms
