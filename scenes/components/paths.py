"""Points along a path, all at once: what manim's ``point_from_proportion`` gives, without its
per-call cost."""

from __future__ import annotations

import numpy as np

__all__ = ["points_along"]


def points_along(corners: np.ndarray, proportions: np.ndarray) -> np.ndarray:
    """The points at ``proportions`` (n,) of the way, by length, along the broken line through
    ``corners`` (k, 3): (n, 3). What manim's ``point_from_proportion`` gives for the path
    ``set_points_as_corners(corners)`` makes (its straight pieces are traced at constant speed),
    for all of them at once (manim's walks the path again on each call, in Python).

    >>> points_along(np.array([[0.0, 0, 0], [3, 0, 0], [3, 1, 0]]), np.array([0, 0.5, 1]))
    array([[0., 0., 0.],
           [2., 0., 0.],
           [3., 1., 0.]])
    """
    run = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(corners, axis=0), axis=1))])
    at = np.asarray(proportions, dtype=float) * run[-1]
    return np.stack([np.interp(at, run, corners[:, d]) for d in range(corners.shape[1])], axis=1)
