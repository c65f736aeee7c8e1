"""Reading the attention-matrix scenes back, shared by the attention-matrix and multi-head
tests: the grids on screen at the end of every beat, and an example in more dimensions."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from manim import MathTex, Text
from scene_harness import FULL_HD_HEIGHT

from attention_explainer.frame_walk import walk
from scenes.components.matrices import MatrixGrid

__all__ = ["on_screen", "on_screen_at_beat_ends", "shown_numbers", "write_wide_example"]

NUMBER = re.compile(r"-?\d+\.\d+")


def shown_numbers(mobjects) -> set[float]:
    """Every decimal number a frame of ``mobjects`` shows legibly: in formulas and texts, and
    in grids whose printed digits are at least 24 px tall at 1080p."""
    found: set[float] = set()

    def read(m) -> bool:  # True: read whole, its parts are not visited
        if isinstance(m, MatrixGrid):
            if m.number_height * FULL_HD_HEIGHT / 8 >= 24:
                found.update(round(float(t), 2) for t in m.printed if NUMBER.fullmatch(t))
        elif isinstance(m, MathTex):
            found.update(round(float(x), 2) for x in NUMBER.findall(m.get_tex_string()))
        elif isinstance(m, Text):
            found.update(round(float(x), 2) for x in NUMBER.findall(m.text.replace("\u2212", "-")))
        return isinstance(m, MatrixGrid | MathTex | Text)

    walk(mobjects, read)
    return found


def on_screen(scene, grid) -> MatrixGrid | None:
    """``grid`` if it is in the scene's frame (a member, or inside one), else None."""
    def inside(m) -> bool:
        return m is grid or any(inside(sub) for sub in m.submobjects)

    return grid if grid is not None and any(inside(m) for m in scene.mobjects) else None


def on_screen_at_beat_ends(scene_class):
    """``scene_class`` noting, at the end of every beat, which numbers its frame shows (in
    ``self.shown``: beat name -> set of numbers), and the attention grid and A V it shows, as
    read back from their cells (in ``self.products``: beat name -> (A's values with NaN where
    masked, A V's shown numbers), None where a grid is not on screen)."""

    class Noting(scene_class):
        def note(self, beat: str) -> None:
            self.shown[beat] = shown_numbers(self.mobjects)
            weights = on_screen(self, getattr(self, "weights", None))
            output = on_screen(self, getattr(self, "output", None))
            self.products[beat] = (
                None if weights is None else np.where(weights.masked, np.nan, weights.values),
                None if output is None else  # a heat map's cells say their values by colour
                output.shown_numbers() if output.printed or len(output.numbers) else output.values)

        def next_section(self, *args, **kwargs):
            if self.beats:
                self.note(self.beats[-1][0])
            super().next_section(*args, **kwargs)

        def tear_down(self):
            self.note(self._open_beat[0])
            super().tear_down()

        def setup(self):
            self.shown: dict[str, set[float]] = {}
            self.products: dict[str, tuple[np.ndarray | None, np.ndarray | None]] = {}
            super().setup()

    Noting.__name__ = Noting.__qualname__ = scene_class.__name__
    return Noting


def write_wide_example(path: Path, d: int) -> Path:
    """apple's first sentence with ``d``-dimensional embeddings (apple's two numbers, then
    fixed others) and two heads of d_k = d_v = d, written to ``path``; no randomness."""
    words = ["buy", "an", "orange", "and", "apple"]
    plane = {"buy": (0.5, -0.3), "an": (-0.3, 0.4), "orange": (0.6, 3.2), "and": (0.4, -0.5),
             "apple": (1.5, 1.6)}

    def rows(m: np.ndarray) -> str:
        return "[" + ", ".join("[" + ", ".join(f"{x:.2f}" for x in r) + "]" for r in m) + "]"

    def head(name: str, shift: float) -> list[str]:
        k = np.arange(d)
        tilt = 0.3 * np.sin(np.add.outer(1.3 * k, 0.7 * k) + shift)  # (d, d)
        return ["", "[[heads]]", f'name = "{name}"', f"query = {rows(np.eye(d) + tilt)}",
                f"key = {rows(np.eye(d) - tilt.T)}", f"value = {rows(np.eye(d) + 0.5 * tilt)}"]

    lines = ['title = "Apple in more dimensions"', "", "[plane]", 'x_axis = "technology"',
             'y_axis = "fruit"', "", "[words]"]
    for n, word in enumerate(words):
        extra = [round(0.5 * np.sin(1.9 * n + 0.8 * m), 2) for m in range(d - 2)]
        lines.append(f"{word} = [{', '.join(str(x) for x in (*plane[word], *extra))}]")
    lines += ["", "[[sentences]]", 'text = "buy an orange and apple"', 'focus = "apple"',
              'decider = "orange"']
    lines += head("meaning", 0.0) + head("grammar", 1.5)
    lines += ["", "[multi_head]", f"output = {rows(np.vstack([0.6 * np.eye(d), 0.4 * np.eye(d)]))}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
