"""A linear map on the plane: the grid it bends, the matrix written out, the move itself.

The grid stays inside the plane's axes box however the map bends it: each grid line is the
image of a lattice line, cut where it leaves the box, and the lattice is wide enough that the
bent grid still fills the box at the end of the map.

>>> from scenes.components.words import PlaneScale, WordPlane
>>> plane = WordPlane(None, "x", "y", scale=PlaneScale((-2, 6, 1), (-2, 6, 1), 0.5))
>>> grid = plane_grid(plane)
>>> grid.set_matrix(np.array([[0.6, 1.4], [1.1, 0.6]])).inside(plane)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import Animation, ApplyMatrix, ManimColor, MathTex, Mobject, VGroup, VMobject

from scenes import style
from scenes.components.words import WordPlane
from scenes.style import fmt

__all__ = ["MapGrid", "apply_map", "matrix_tex", "plane_grid"]

MAX_LINES = 80  # lattice lines per direction at most (a nearly singular map asks for ever more)


class MapGrid(VGroup):
    """Grid lines over ``plane``'s axes, one per tick, that a map bends (:func:`apply_map`).

    ``matrix`` is the map applied so far, in the core's convention (a point x goes to x M).
    Every line is cut to the axes box, so the grid never spills outside the plane.
    """

    def __init__(self, plane: WordPlane, color: ManimColor = style.GRID, stroke_width: float = 1.5) -> None:
        super().__init__()
        axes = plane.axes
        self.plane = plane
        (x0, x1, dx), (y0, y1, dy) = (tuple(float(v) for v in r[:3]) for r in (axes.x_range, axes.y_range))
        self.box = np.array([[x0, y0], [x1, y1]])  # embedding units: lower-left, upper-right
        self.steps = np.array([dx, dy])
        self.lattice = self.box.copy()  # the source region whose lattice lines are drawn
        self.matrix = np.eye(2)
        self.line_color, self.line_width = color, stroke_width
        self.set_matrix(self.matrix)

    def cover(self, matrix: np.ndarray) -> MapGrid:
        """Widen the lattice so that after ``matrix`` (the whole map so far) its image still
        fills the box; a (nearly) singular map gets a lattice at most a few boxes wide."""
        corners = np.array([[x, y] for x in self.box[:, 0] for y in self.box[:, 1]])
        span = float(np.max(self.box[1] - self.box[0]))
        try:
            pre = corners @ np.linalg.inv(matrix)  # (4, 2): the box's preimage
        except np.linalg.LinAlgError:
            pre = corners
        pre = np.clip(pre, -4 * span, 4 * span)
        low = np.minimum(self.lattice[0], np.floor(pre.min(axis=0) / self.steps) * self.steps)
        high = np.maximum(self.lattice[1], np.ceil(pre.max(axis=0) / self.steps) * self.steps)
        self.lattice = np.array([low, high])
        return self

    def set_matrix(self, matrix: np.ndarray) -> MapGrid:
        """Draw the lattice bent by ``matrix`` (shape (2, 2), x -> x M), cut to the box."""
        self.matrix = np.asarray(matrix, dtype=float)
        cut = (self._clip(a @ self.matrix, b @ self.matrix) for a, b in self._lattice_lines())
        segments = [seg for seg in cut if seg is not None]
        while len(self.submobjects) < len(segments):
            line = VMobject(stroke_color=self.line_color, stroke_width=self.line_width)
            if self.submobjects:  # a later line looks like the others (their opacity too)
                line.match_style(self.submobjects[0])
            self.add(line)
        for line, seg in zip(self.submobjects, segments, strict=False):
            line.set_points_as_corners([self.plane.point(seg[0]), self.plane.point(seg[1])])
        for line in self.submobjects[len(segments):]:
            line.clear_points()  # not drawn
        return self

    def inside(self, plane: WordPlane, tolerance: float = 1e-6) -> bool:
        """True when every drawn line lies within ``plane``'s axes box."""
        lo = plane.point(self.box[0])[:2] - tolerance
        hi = plane.point(self.box[1])[:2] + tolerance
        return all(bool(np.all(line.points[:, :2] >= lo) and np.all(line.points[:, :2] <= hi))
                   for line in self.submobjects if line.has_points())

    def _lattice_lines(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Segments (start, end) in embedding units: one per tick across the lattice, both ways."""
        (u0, v0), (u1, v1) = self.lattice
        lines = []
        for axis, (low, high) in enumerate(((u0, u1), (v0, v1))):
            step = self.steps[axis]
            ticks = np.arange(np.ceil(low / step - 1e-9), np.floor(high / step + 1e-9) + 1) * step
            if len(ticks) > MAX_LINES:  # the ones nearest the origin
                ticks = ticks[np.argsort(np.abs(ticks), kind="stable")[:MAX_LINES]]
            for c in ticks:
                if axis == 0:
                    lines.append((np.array([c, v0]), np.array([c, v1])))
                else:
                    lines.append((np.array([u0, c]), np.array([u1, c])))
        return lines

    def _clip(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The part of segment ``a``-``b`` inside the box (Liang-Barsky), or None."""
        d = b - a
        t0, t1 = 0.0, 1.0
        for axis in (0, 1):
            lo, hi = self.box[0, axis], self.box[1, axis]
            if abs(d[axis]) < 1e-12:
                if not lo - 1e-9 <= a[axis] <= hi + 1e-9:
                    return None
                continue
            ta, tb = (lo - a[axis]) / d[axis], (hi - a[axis]) / d[axis]
            t0, t1 = max(t0, min(ta, tb)), min(t1, max(ta, tb))
        if t1 - t0 < 1e-9 or np.linalg.norm(d) * (t1 - t0) < 1e-6:
            return None
        return a + t0 * d, a + t1 * d


class _Bend(Animation):
    """Bend a :class:`MapGrid` from the map it shows to that map followed by ``matrix``,
    along the same path as ``ApplyMatrix`` (the matrix moves in a straight line)."""

    def __init__(self, grid: MapGrid, matrix: np.ndarray, **kwargs: Any) -> None:
        self.start = grid.matrix.copy()
        self.end = self.start @ np.asarray(matrix, dtype=float)
        grid.cover(self.end)
        super().__init__(grid, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # the start is self.start; no copy of the lines needed

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        self.mobject.set_matrix((1 - t) * self.start + t * self.end)


def plane_grid(plane: WordPlane) -> MapGrid:
    """Grid lines over ``plane``'s axes (same ranges, same origin), for a map to bend; they
    stay inside the axes box after the map."""
    return MapGrid(plane)


def matrix_tex(symbol: str, matrix: np.ndarray, color: ManimColor) -> MathTex:
    """``W_K = [[a, b], [c, d]]`` written out, with the scenes' number format."""
    rows = r"\\".join("&".join(fmt(x) for x in row) for row in np.asarray(matrix))
    return MathTex(symbol + r" = \begin{bmatrix}" + rows + r"\end{bmatrix}", color=color).scale(
        style.MATH_SCALE)


def apply_map(grid: MapGrid | VMobject, matrix: np.ndarray, plane: WordPlane, **kwargs: Any) -> Animation:
    """Bend ``grid`` by ``matrix``. The core's vectors are rows (x W): a :class:`MapGrid`
    follows that convention and stays inside the axes box; any other mobject (a
    ``NumberPlane``, say) gets manim's ``ApplyMatrix`` with W^T, about the plane's origin."""
    if isinstance(grid, MapGrid):
        return _Bend(grid, matrix, **kwargs)
    return ApplyMatrix(np.asarray(matrix).T, grid, about_point=plane.point((0, 0)), **kwargs)
