"""A linear map on the plane: the grid it bends, the matrix written out, the move itself."""

from __future__ import annotations

import numpy as np
from manim import ApplyMatrix, ManimColor, MathTex, NumberPlane

from scenes import style
from scenes.components.words import WordPlane
from scenes.style import fmt

__all__ = ["apply_map", "matrix_tex", "plane_grid"]


def plane_grid(plane: WordPlane) -> NumberPlane:
    """Grid lines over ``plane``'s axes (same ranges, same origin), for a map to bend."""
    axes = plane.axes
    grid = NumberPlane(x_range=axes.x_range, y_range=axes.y_range, x_length=axes.x_length,
                       y_length=axes.y_length, axis_config={"stroke_opacity": 0},
                       background_line_style={"stroke_color": style.GRID, "stroke_width": 1.5})
    return grid.shift(axes.c2p(0, 0) - grid.c2p(0, 0))


def matrix_tex(symbol: str, matrix: np.ndarray, color: ManimColor) -> MathTex:
    """``W_K = [[a, b], [c, d]]`` written out, with the scenes' number format."""
    rows = r"\\".join("&".join(fmt(x) for x in row) for row in np.asarray(matrix))
    return MathTex(symbol + r" = \begin{bmatrix}" + rows + r"\end{bmatrix}", color=color).scale(
        style.MATH_SCALE)


def apply_map(grid: NumberPlane, matrix: np.ndarray, plane: WordPlane, **kwargs: object) -> ApplyMatrix:
    """Bend ``grid`` by ``matrix``. The core's vectors are rows (x W), so the map manim
    applies to column vectors is W^T, about the plane's origin."""
    return ApplyMatrix(np.asarray(matrix).T, grid, about_point=plane.point((0, 0)), **kwargs)
