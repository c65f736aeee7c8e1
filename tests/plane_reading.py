"""Reading a word plane back as a student would, shared by the keys-and-queries and values
tests: each shown label's nearest dot, labels across an axis, the axis names and legend shown,
the dots left bare."""

from __future__ import annotations

import numpy as np
from manim import DL, UR

__all__ = ["seen_on_plane"]


def seen_on_plane(scene, beat: str) -> dict:
    """What a reader takes from the plane at the end of a beat: the axes' names and legend lines
    shown, each shown word label's nearest dot, and the labels that lie across an axis."""
    on = {id(m) for top in scene.mobjects for m in top.get_family()}
    dots = scene.word_dots_on_screen()
    labelled = [d for d in dots if d.label_shown and id(d.label) in on]
    nearest = {}
    for d in labelled:
        if hasattr(d, "leader"):  # set away, its line names its dot: the line must touch both
            nearest[d.word] = d.word if _joins(d.leader, d.dot, d.label) else "(a loose line)"
            continue
        centre = d.label.get_center()[:2]
        nearest[d.word] = min(dots, key=lambda o: np.linalg.norm(o.dot.get_center()[:2] - centre)).word
    x_axis, y_axis = scene.plane.axes.x_axis, scene.plane.axes.y_axis
    origin = scene.plane.point((0, 0))
    across = []
    for d in labelled:
        lo, hi = d.label.get_corner(DL), d.label.get_corner(UR)
        on_x = lo[1] < origin[1] < hi[1] and lo[0] < x_axis.get_end()[0] and hi[0] > x_axis.get_start()[0]
        on_y = lo[0] < origin[0] < hi[0] and lo[1] < y_axis.get_end()[1] and hi[1] > y_axis.get_start()[1]
        if on_x or on_y:
            across.append(d.word)
    names = tuple(n.text for n in (scene.plane.x_name, scene.plane.y_name) if id(n) in on)
    legend = tuple(line.text for line in getattr(scene, "legend", []) if id(line) in on)
    bare = [d.word for d in dots if not (d.label_shown and id(d.label) in on)]
    return dict(beat=beat, nearest=nearest, across=across, names=names, legend=legend, bare=bare)



def _joins(line, dot, label, gap: float = 0.06) -> bool:
    """Whether ``line`` starts at ``dot``'s edge and ends at ``label``'s box (within ``gap``)."""
    start, end = line.get_start()[:2], line.get_end()[:2]
    at_dot = np.linalg.norm(start - dot.get_center()[:2]) <= dot.width / 2 + gap
    lo, hi = label.get_corner(DL)[:2] - gap, label.get_corner(UR)[:2] + gap
    return bool(at_dot and np.all(end >= lo) and np.all(end <= hi))
