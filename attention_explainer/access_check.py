"""The accessibility check beside the story check: what a built scene shows, beat by beat,
measured as a colour-blind viewer, a low-vision viewer and a caption reader meet it.

For the settled frame of each beat (:func:`measure_frame`, given the scene's mobjects):

- **colours that must be told apart**: the categorical colours of ``scenes/style.py`` on
  screen, in two groups: the words (``FOCUS`` and ``WORD_COLORS``: dots, arrows, labels, bars)
  and the roles (``FOCUS``, ``QUERY``, ``KEY``, ``VALUE``, ``POSITIVE``, ``NEGATIVE``). Within a
  group, the closest two as seen with normal vision and with simulated deuteranopia,
  protanopia and tritanopia (:mod:`attention_explainer.accessibility`); below :data:`APART`
  is a problem. Two things of one colour are one category by design and are not compared.
- **contrast**: the lowest WCAG 2.1 contrast of text (at least :data:`TEXT_CONTRAST`) and of
  graphics (at least :data:`GRAPHIC_CONTRAST`) against what they are drawn on: the background,
  or for a heat map's numbers, their cell. Colours are blended with the background by their
  opacity; things drawn fainter than :data:`FADED_BELOW` (an earlier state kept faintly for
  context) and ``GRID``/``BACKGROUND`` lines (the plane's grid: decoration) are not counted.

For the whole scene, :func:`caption_problems` reads its subtitles laid out as the video's
``.srt`` is (cues of at most 2 lines of 42 characters): a cue longer than :data:`LONGEST_CUE`
seconds, or less than :data:`MIN_GAP_FRAMES` frames before the next.

:func:`check_example` builds the steps of an example (animations skipped, as the storyboard
does) and returns an :class:`AccessReport`; ``attention-explainer check`` prints its lines.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from attention_explainer.accessibility import DEFICIENCIES, PairDifference, contrast_ratio, delta_e, rgb
from attention_explainer.frame_walk import text_of, walk

__all__ = ["APART", "AccessReport", "BeatAccess", "caption_problems", "check_example", "measure_frame",
           "measurer", "scene_cues"]

APART = 15.0  # CIELAB dE76: below about 10 two small marks pass for one; thin lines need more
TEXT_CONTRAST = 4.5  # WCAG 2.1, 1.4.3 (AA)
GRAPHIC_CONTRAST = 3.0  # WCAG 2.1, 1.4.11
FADED_BELOW = 0.5  # opacity under which a thing is deliberately faint, kept for context
LONGEST_CUE = 7.0  # seconds a caption cue may last (DCMP, BBC)
MIN_GAP_FRAMES = 2  # frames between consecutive cues
CAPTION_FPS = 30.0  # the frame rate the caption rules count frames at (29.97 rounded)


@dataclass(frozen=True)
class Contrast:
    """The lowest contrast of one kind of thing in a frame."""

    ratio: float
    what: str


@dataclass(frozen=True)
class BeatAccess:
    """One beat's settled frame, measured.

    Attributes:
        beat: the frame's key (``"NN-end-of-<beat>"``).
        closest: per deficiency (:data:`DEFICIENCIES` order), the two colours on screen that
            must be told apart and differ least; empty when fewer than two are shown.
        text, graphic: the lowest contrast of text, of graphics (None when there is none).
    """

    beat: str
    closest: tuple[PairDifference, ...] = ()
    text: Contrast | None = None
    graphic: Contrast | None = None

    def problems(self) -> list[str]:
        """What fails, as readable lines (empty when the frame is fine)."""
        out = [f"{self.beat}: {p.first} and {p.second} differ by dE {p.delta_e:.1f} < {APART:g} "
               f"({p.deficiency} vision)" for p in self.closest if p.delta_e < APART]
        if self.text is not None and self.text.ratio < TEXT_CONTRAST:
            out.append(f"{self.beat}: text {self.text.what} has contrast {self.text.ratio:.2f}:1 "
                       f"< {TEXT_CONTRAST}:1")
        if self.graphic is not None and self.graphic.ratio < GRAPHIC_CONTRAST:
            out.append(f"{self.beat}: {self.graphic.what} has contrast {self.graphic.ratio:.2f}:1 "
                       f"< {GRAPHIC_CONTRAST:g}:1")
        return out

    def summary(self) -> str:
        """One line: the smallest difference under each vision, the lowest contrasts."""
        parts = []
        if self.closest:
            apart = ", ".join(f"{p.delta_e:.0f} {p.deficiency}" for p in self.closest)
            parts.append(f"colours apart by dE {apart}")
        if self.text is not None:
            parts.append(f"text contrast \u2265 {self.text.ratio:.1f}:1")
        if self.graphic is not None:
            parts.append(f"graphics \u2265 {self.graphic.ratio:.1f}:1")
        return "; ".join(parts) or "nothing to measure"


# -- one frame

def _palette() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(word colours, role colours, decoration colours) of scenes/style.py as they are now:
    hex -> name."""
    from scenes import style

    words = {style.FOCUS.to_hex().upper(): "FOCUS"}
    for k, c in enumerate(style.WORD_COLORS):
        words.setdefault(c.to_hex().upper(), f"WORD_COLORS[{k}]")
    roles: dict[str, str] = {}
    for name in ("FOCUS", "QUERY", "KEY", "VALUE", "POSITIVE", "NEGATIVE"):
        roles.setdefault(getattr(style, name).to_hex().upper(), name)
    decoration = {getattr(style, n).to_hex().upper(): n for n in ("GRID", "BACKGROUND")}
    return words, roles, decoration


def _blend(color: np.ndarray, opacity: float, under: np.ndarray) -> np.ndarray:
    return opacity * color + (1 - opacity) * under


def measure_frame(mobjects: Iterable[Any], beat: str = "") -> BeatAccess:
    """Measure a frame showing ``mobjects`` (a scene's members at a beat's end)."""
    from manim import (
        BackgroundRectangle,
        DecimalNumber,
        ImageMobject,
        MarkupText,
        SingleStringMathTex,
        Text,
        VMobject,
    )

    from scenes import style
    from scenes.components.matrices import MatrixGrid, _ink

    word_hex, role_hex, decoration = _palette()
    background = rgb(style.BACKGROUND)
    texts: list[Contrast] = []
    graphics: list[Contrast] = []
    seen: dict[str, dict[str, str]] = {"words": {}, "roles": {}}  # group -> hex -> a name for it
    text_kinds = (Text, MarkupText, SingleStringMathTex, DecimalNumber)

    def note(color_hex: str, label: str | None) -> None:
        for group, palette in (("words", word_hex), ("roles", role_hex)):
            if color_hex in palette and color_hex not in seen[group]:
                seen[group][color_hex] = palette[color_hex] + (f" ({label[:24]})" if label else "")

    def glyph_colors(m: Any) -> list[tuple[str, np.ndarray, float]]:
        out = []
        for leaf in m.family_members_with_points():
            if isinstance(leaf, BackgroundRectangle):  # a box behind the text, in the background colour
                continue
            if isinstance(leaf, VMobject) and leaf.get_fill_opacity() > 0:
                out.append((leaf.get_fill_color().to_hex().upper(), rgb(leaf.get_fill_color()),
                            float(leaf.get_fill_opacity())))
            elif isinstance(leaf, VMobject) and leaf.get_stroke_opacity() > 0 and leaf.get_stroke_width() > 0:
                out.append((leaf.get_stroke_color().to_hex().upper(), rgb(leaf.get_stroke_color()),
                            float(leaf.get_stroke_opacity())))
        return out

    def measure_text(m: Any, under: np.ndarray, name: str) -> None:
        for color_hex, color, opacity in glyph_colors(m):
            if opacity < FADED_BELOW:
                continue
            note(color_hex, name)
            texts.append(Contrast(contrast_ratio(_blend(color, opacity, under), under), repr(name[:30])))
            return  # a text has one colour: its first glyph's

    def measure_grid(grid: Any) -> None:
        rows, cols = grid.values.shape
        if grid.printed:  # numbers printed into the image: their ink on their cell
            for (r, c), text in zip(itertools.product(range(rows), range(cols)), grid.printed, strict=True):
                cell = np.clip(grid.colors[r, c], 0, 1)
                ink = rgb(style.MUTED) if grid.masked[r, c] else rgb(_ink(cell))
                texts.append(Contrast(contrast_ratio(ink, cell), f"{text!r} on its heat-map cell"))
        elif len(grid.numbers):
            for (r, c), number in zip(itertools.product(range(rows), range(cols)), grid.numbers, strict=True):
                measure_text(number, np.clip(grid.colors[r, c], 0, 1), f"{text_of(number)} on its cell")
        walk([p for p in grid.submobjects if p is not grid.image and p is not grid.numbers], visit)

    def visit(m: Any) -> bool:
        if isinstance(m, MatrixGrid):
            measure_grid(m)
            return True
        if isinstance(m, ImageMobject):
            return True
        if isinstance(m, text_kinds):
            measure_text(m, background, text_of(m) or type(m).__name__)
            return True
        if isinstance(m, VMobject) and m.has_points():
            label = getattr(m, "word", None) or type(m).__name__
            stroke = (m.get_stroke_color(), m.get_stroke_opacity(), m.get_stroke_width())
            for color, opacity, width in (stroke, (m.get_fill_color(), m.get_fill_opacity(), 1.0)):
                color_hex = color.to_hex().upper()
                if opacity < FADED_BELOW or width <= 0 or color_hex in decoration:
                    continue
                note(color_hex, label)
                graphics.append(Contrast(contrast_ratio(_blend(rgb(color), opacity, background), background),
                                         f"{type(m).__name__} in {color_hex}"))
        return False

    walk(mobjects, visit)
    closest = []
    for deficiency in DEFICIENCIES:
        pairs = [PairDifference(deficiency, float(delta_e(a, b, deficiency)), group[a], group[b])
                 for group in seen.values() for a, b in itertools.combinations(sorted(group), 2)]
        if pairs:
            closest.append(min(pairs, key=lambda p: p.delta_e))
    return BeatAccess(beat, tuple(closest), min(texts, key=lambda c: c.ratio, default=None),
                      min(graphics, key=lambda c: c.ratio, default=None))


def measurer(into: list[BeatAccess]) -> Callable[[Any, str], None]:
    """An ``at_beat_end`` for :func:`attention_explainer.storyboard.build_beats` that adds each
    beat's :class:`BeatAccess` to ``into``."""
    return lambda scene, key: into.append(measure_frame(scene.mobjects, key))


# -- captions

def scene_cues(scene: Any) -> list[tuple[float, float, str]]:
    """A built scene's subtitles laid out as the video's ``.srt`` is (cues of at most two lines
    of 42 characters, :func:`attention_explainer.render.join.lay_out_cue`), as (start, end,
    text) in seconds, in order."""
    from attention_manim.cues import RULE_FPS, cue_gap, lay_out_cue, separate

    cues = separate([part for cue in scene.renderer.file_writer.subcaptions for part in lay_out_cue(cue)],
                    cue_gap(RULE_FPS))  # as the render spaces them
    return sorted((c.start.total_seconds(), c.end.total_seconds(), c.content) for c in cues)


def caption_problems(cues: Sequence[tuple[float, float, str]], fps: float = CAPTION_FPS,
                     name: str = "") -> list[str]:
    """The caption timing problems of ``cues`` ((start, end, text) in seconds, in order): a cue
    longer than :data:`LONGEST_CUE` s, fewer than :data:`MIN_GAP_FRAMES` frames (at ``fps``)
    between two cues.

    >>> caption_problems([(0.0, 7.5, "a long one"), (7.5, 9.0, "next")])
    ["cue 1 lasts 7.5 s > 7 s: 'a long one'", '1 of 1 cue gaps under 2 frames: cues 1-2 (0)']
    """
    where = f"{name}: " if name else ""
    problems = []
    for k, (start, end, text) in enumerate(cues, start=1):
        if end - start > LONGEST_CUE + 1e-6:
            problems.append(f"{where}cue {k} lasts {end - start:.1f} s > {LONGEST_CUE:g} s: "
                            f"{text.replace(chr(10), ' ')[:40]!r}")
    close = [(k, max((start - end) * fps, 0.0))
             for k, ((_, end, _), (start, _, _)) in enumerate(zip(cues, cues[1:], strict=False), start=1)
             if (start - end) * fps < MIN_GAP_FRAMES - 1e-6]
    if close:  # one line for all of them: a scene's cues often all touch
        listed = ", ".join(f"{k}-{k + 1} ({frames:.0f})" for k, frames in close[:4])
        more = f" and {len(close) - 4} more" if len(close) > 4 else ""
        problems.append(f"{where}{len(close)} of {len(cues) - 1} cue gaps under {MIN_GAP_FRAMES} frames: "
                        f"cues {listed}{more}")
    return problems


# -- a whole example

@dataclass
class AccessReport:
    """The check of some steps of an example: each step's beats, and its caption problems."""

    beats: dict[str, list[BeatAccess]] = field(default_factory=dict)  # step module -> its beats
    captions: dict[str, list[str]] = field(default_factory=dict)  # step module -> problems

    def problems(self, captions: bool = True) -> list[str]:
        """Every problem, one line each, prefixed by its step (captions' too unless False)."""
        out = [f"{step}: {p}" for step, beats in self.beats.items() for b in beats for p in b.problems()]
        if captions:
            out += [f"{step}: {p}" for step, problems in self.captions.items() for p in problems]
        return out

    def smallest(self) -> dict[str, PairDifference]:
        """Per deficiency, the smallest difference over every beat."""
        best: dict[str, PairDifference] = {}
        for beat in (b for beats in self.beats.values() for b in beats):
            for p in beat.closest:
                if p.deficiency not in best or p.delta_e < best[p.deficiency].delta_e:
                    best[p.deficiency] = p
        return best

    def lowest(self) -> tuple[Contrast | None, Contrast | None]:
        """The lowest text and graphic contrast over every beat."""
        beats = [b for beats in self.beats.values() for b in beats]
        text = min((b.text for b in beats if b.text), key=lambda c: c.ratio, default=None)
        graphic = min((b.graphic for b in beats if b.graphic), key=lambda c: c.ratio, default=None)
        return text, graphic

    def lines(self) -> list[str]:
        """What ``check`` prints: the measures, then every problem (or that there is none)."""
        smallest = self.smallest()
        text, graphic = self.lowest()
        apart = ", ".join(f"{d} {smallest[d].delta_e:.1f}" for d in DEFICIENCIES if d in smallest)
        out = [f"accessibility: smallest colour difference {apart or '(nothing to compare)'}"]
        if text is not None:
            out.append(f"accessibility: lowest text contrast {text.ratio:.2f}:1 ({text.what})")
        if graphic is not None:
            out.append(f"accessibility: lowest graphic contrast {graphic.ratio:.2f}:1 ({graphic.what})")
        problems = self.problems()
        out += [f"warning: accessibility: {p}" for p in problems] or ["accessibility: no problems"]
        return out


def check_example(example: str | Path, only: Sequence[str] = (), *, log: Callable[[str], None] | None = None,
                  size: tuple[int, int] = (427, 240)) -> AccessReport:
    """Build ``only`` (step names; every step when empty) of ``example`` (a shipped example's
    name or a .toml path) with animations skipped, as the storyboard does, and check each
    beat's settled frame and each step's captions. One process; about the storyboard's time
    for one worker. Raises :class:`attention_content.example_types.ExampleError` for a bad example
    and KeyError for an unknown step."""
    import importlib

    from attention_content.examples import load_example
    from attention_manim.beat_frames import build_beats
    from scenes.story import STORY, find_step

    loaded = load_example(example) if not hasattr(example, "sentences") else example
    steps = [find_step(n) for n in only] if only else list(STORY)
    report = AccessReport()
    for step in steps:
        scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
        beats = report.beats[step.module] = []
        with tempfile.TemporaryDirectory(prefix="access-check-") as work:
            built = build_beats(scene_class, loaded, Path(work), size, storyboard=True,
                                at_beat_end=measurer(beats))
        report.captions[step.module] = caption_problems(scene_cues(built.scene))
        if log is not None:
            log(f"accessibility: {step.module}: {len(beats)} beats, "
                f"{len([p for b in beats for p in b.problems()])} colour or contrast problem(s), "
                f"{len(report.captions[step.module])} caption problem(s)")
    return report
