"""The accessibility check beside the story check (attention_explainer/access_check.py): each
frame's colours that must be told apart and its contrast, and the captions' timing.

Frames are made here of a few mobjects whose colours and contrasts are computed independently
(with the published-values-tested measures of attention_explainer.accessibility); a shipped
example's scene is built and must report no problem; the same scene built with a bad palette
(main's before issue 31) must."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import Dot, Line, ManimColor, Text
from scene_harness import build_scene

from attention_explainer import access_check
from attention_explainer.access_check import caption_problems, measure_frame
from attention_explainer.accessibility import contrast_ratio, delta_e
from scenes import style
from scenes.components.matrices import MatrixGrid, _ink
from scenes.keys_and_queries import KeysAndQueries

# main's palette before issue 31: words 1 and 5 differ by dE 4.0 for a deuteranope
OLD_WORDS = tuple(ManimColor(c) for c in ("#F78C6B", "#83C5BE", "#C77DFF", "#8AC926", "#4CC9F0", "#FF99C8",
                                          "#B8C0FF", "#A8DADC", "#90BE6D", "#F4A261"))
OLD_ROLES = {"FOCUS": "#FFD166", "QUERY": "#EF476F", "KEY": "#06D6A0", "VALUE": "#118AB2",
             "POSITIVE": "#06D6A0", "NEGATIVE": "#EF476F"}


def test_caption_timing() -> None:
    fps = 30.0
    fine = [(0.0, 7.0, "seven seconds"), (7.0 + 2 / fps, 9.0, "two frames later")]
    assert caption_problems(fine, fps) == []
    long_cue = caption_problems([(0.0, 7.2, "too long")], fps)
    assert len(long_cue) == 1 and "7.2 s > 7 s" in long_cue[0]
    close = caption_problems([(0.0, 1.0, "a"), (1.0 + 1 / fps, 2.0, "b"), (2.0, 3.0, "c")], fps)
    assert close == ["2 of 2 cue gaps under 2 frames: cues 1-2 (1), 2-3 (0)"]


def test_word_colours_apart_and_contrast_measured() -> None:
    a, b = style.WORD_COLORS[0], style.WORD_COLORS[1]
    frame = [Dot(color=a), Dot(color=b), Text("word", color=a), Line(color=style.MUTED)]
    access = measure_frame(frame, "beat")
    assert access.problems() == []
    deutan = next(p for p in access.closest if p.deficiency == "deutan")
    assert deutan.delta_e == pytest.approx(float(delta_e(a, b, "deutan")))
    assert access.text.ratio == pytest.approx(contrast_ratio(a, style.BACKGROUND))
    assert access.graphic.ratio == pytest.approx(min(contrast_ratio(c, style.BACKGROUND)
                                                     for c in (a, b, style.MUTED)))


def test_close_colours_and_low_contrast_are_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style, "WORD_COLORS", OLD_WORDS)
    dim = ManimColor("#3A4048")  # 1.77:1 on the background
    frame = [Dot(color=OLD_WORDS[1]), Dot(color=OLD_WORDS[5]), Text("dim", color=dim), Line(color=dim)]
    problems = measure_frame(frame, "beat").problems()
    assert any("deutan" in p and "WORD_COLORS[1]" in p and "WORD_COLORS[5]" in p for p in problems), problems
    assert any("text 'dim' has contrast 1.77:1" in p for p in problems), problems
    assert any(p.startswith("beat: Line") and "< 3:1" in p for p in problems), problems
    # faded things (an earlier state kept for context) and the plane's grid are not measured
    assert measure_frame([Text("dim", color=dim).set_opacity(0.3), Line(color=style.GRID)]).problems() == []


def test_heat_map_numbers_are_measured_on_their_cells() -> None:
    values = np.array([[0.0, 0.3], [0.6, 1.0]])
    colors = np.array([[[0.2, 0.2, 0.2], [0.45, 0.45, 0.45]], [[0.55, 0.5, 0.5], [0.9, 0.9, 0.9]]])
    grid = MatrixGrid(values, colors, 1.0, numbers="image")
    worst = min(contrast_ratio(_ink(c), c) for c in colors.reshape(-1, 3))
    assert measure_frame([grid]).text.ratio == pytest.approx(worst)


def test_a_shipped_example_reports_no_colour_or_contrast_problem(tmp_path: Path) -> None:
    from attention_content.examples import load_example

    built = build_scene(KeysAndQueries, load_example("apple"), tmp_path)
    assert [p for beat in built.access for p in beat.problems()] == []
    # queries and keys are both on screen, and stay apart for every vision
    looked = built.access[-2]
    assert {p.deficiency for p in looked.closest} == {"normal", "deutan", "protan", "tritan"}
    assert min(p.delta_e for p in looked.closest) >= access_check.APART


def test_a_bad_palette_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from attention_content.examples import load_example

    monkeypatch.setattr(style, "WORD_COLORS", OLD_WORDS)
    for name, color in OLD_ROLES.items():
        monkeypatch.setattr(style, name, ManimColor(color))
    built = build_scene(KeysAndQueries, load_example("apple"), tmp_path, fresh=True)
    problems = [p for beat in built.access for p in beat.problems()]
    assert any("deutan" in p for p in problems), problems
    assert any("protan" in p for p in problems), problems


def test_heat_map_numbers_read_on_any_cell() -> None:
    # every grey, and every colour a heat map blends between GRID and a palette colour
    greys = [np.full(3, v) for v in np.linspace(0, 1, 256)]
    blends = [np.array(style.GRID.to_rgb()) + t * (np.array(c.to_rgb()) - np.array(style.GRID.to_rgb()))
              for c in (style.FOCUS, style.POSITIVE, style.NEGATIVE, style.QUERY, style.KEY, style.VALUE)
              for t in np.linspace(0, 1, 101)]
    assert min(contrast_ratio(_ink(c), c) for c in greys + blends) >= 4.5
