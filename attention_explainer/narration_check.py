"""The narration lint: every decimal number a beat says is printed in that beat's settled frame.

A student who hears "orange gets 0.82" looks for 0.82; a number said and not shown is a number
to remember blind, or one the picture contradicts (issues 30 and 32). Read back from the
mobjects, not the pixels:

    narration_numbers(line)            the decimal numbers a line says (whole numbers are not counted)
    screen_texts(mobjects)             every text, formula and printed number a frame shows
    unseen_in_step(step, texts, beats) each number said and not shown, as :class:`Unseen`
    check_example(example, only)       builds the steps (animations skipped, as the storyboard does)
                                       and returns what :func:`unseen_in_step` finds in each

A sentence that said a number not on screen by design would be listed in :data:`ALLOWED`
(found, and marked allowed, never warned about); none is today. ``attention-explainer
check FILE --narration`` prints the warnings; the storyboard page shows each one beside its beat;
``tests/test_narration_on_screen.py`` holds the shipped apple example to none.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from attention_content.example_types import Example

__all__ = ["ALLOWED", "Allowance", "Unseen", "check_example", "narration_numbers", "screen_texts",
           "unseen_in_beat", "unseen_in_step", "visible"]

NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+")
SHOWN_NEAREST = 3  # how many of the frame's numbers a warning names, the nearest first
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d)]*\s+")


@dataclass(frozen=True)
class Allowance:
    """A number a beat says and, by design, does not print: in ``step``'s beat ``beat`` (its
    name as the frames spell it, :func:`attention_manim.beat_frames.slug`), a number whose
    sentence reads ``before`` (a regular expression) just before it."""

    step: str
    beat: str
    before: str
    reason: str

    def excuses(self, step: str, beat: str, said_before: str) -> bool:
        here = (step, beat) == (self.step, self.beat)
        return here and re.search(self.before + r"\s*$", said_before) is not None


# The only numbers a beat may say without printing them, each with its reason. Each one must
# still excuse a number of the apple example, or of apple with one number changed to make it say
# one (tests/test_narration_on_screen.py), so the list only shrinks; a new chapter or beat gets
# none. (On main 6c2ef41: 11 numbers in 5 chapters; none since the rounded row sums are
# printed and the training chapter's bound is said in words.)
ALLOWED: tuple[Allowance, ...] = ()


@dataclass(frozen=True)
class Unseen:
    """A number ``said`` in ``step``'s beat ``beat`` (its frame ``key``, ``"NN-end-of-<beat>"``)
    that its settled frame does not print; ``sentence`` is the narration's sentence that says it,
    ``nearest`` the frame's numbers nearest to it as printed (at most :data:`SHOWN_NEAREST`),
    ``allowed`` the :class:`Allowance` reason when it is one of :data:`ALLOWED` (else "")."""

    step: str
    beat: str
    key: str
    sentence: str
    said: float
    nearest: tuple[str, ...]
    allowed: str = ""
    said_text: str = ""  # as the narration writes it (``0.770``, ``-0.21``)

    @property
    def warning(self) -> str:
        """``warning: keys_and_queries:raw: "..." says 0.77; the frame shows 0.68, 0.32``."""
        shown = ", ".join(self.nearest) if self.nearest else "no decimal number"
        said = self.said_text or f"{self.said:g}"
        return (f"warning: {self.step}:{self.beat}: \"{self.sentence}\" says {said}; the frame "
                f"shows {shown} (print the number in the beat, or say one the frame shows)")


def narration_numbers(line: str) -> list[float]:
    """The decimal numbers a narration line says (``0.84``, ``-0.21``; a minus may be ``−``), in
    order; whole numbers such as "12 steps" or "T = 1" are not counted.

    >>> narration_numbers('orange gets 0.84, "and" \u22120.02, in 12 steps')
    [0.84, -0.02]
    """
    return [float(x) for x in NUMBER.findall(line.replace("\u2212", "-"))]


def visible(m: Any, memo: dict[int, tuple[bool, bool, bool]] | None = None) -> bool:
    """Whether mobject ``m`` draws anything: when its family holds an image, whether one of its
    images is drawn (opacity over 0.05); else whether one of its paths has a stroke or fill of
    opacity over 0.05. ``memo`` (by ``id``) keeps what each sub-mobject's family draws, for a walk
    down one tree that asks again at every level."""
    has_image, image_drawn, path_drawn = _draws(m, {} if memo is None else memo)
    return image_drawn if has_image else path_drawn


def _draws(m: Any, memo: dict[int, tuple[bool, bool, bool]]) -> tuple[bool, bool, bool]:
    """(an image in ``m``'s family, one of them drawn, one of its paths drawn)."""
    from manim import VMobject

    if id(m) in memo:
        return memo[id(m)]
    pixels = getattr(m, "pixel_array", None)
    has_image = pixels is not None
    image_drawn = has_image and (getattr(m, "opacity", 1.0) > 0.05 or pixels[..., 3].max() > 12)
    path_drawn = isinstance(m, VMobject) and m.has_points() and (
        np.max(m.get_fill_opacities(), initial=0) > 0.05
        or np.max(m.get_stroke_opacities(), initial=0) > 0.05)
    for sub in m.submobjects:
        a, b, c = _draws(sub, memo)
        has_image, image_drawn, path_drawn = has_image or a, image_drawn or b, path_drawn or c
    memo[id(m)] = (has_image, bool(image_drawn), bool(path_drawn))
    return memo[id(m)]


def screen_texts(mobjects: Iterable[Any]) -> list[str]:
    """Every text a frame showing ``mobjects`` shows, read back from the mobjects: Pango texts,
    formulas (their TeX), printed numbers (``DecimalNumber``) and the numbers a heat map prints
    into its image; invisible ones (opacity under 0.05, or inside an invisible group) and those
    wholly off the frame left out."""
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text, config

    half = np.array([config.frame_width / 2, config.frame_height / 2])
    found: list[str] = []
    memo: dict[int, tuple[bool, bool, bool]] = {}

    def on_frame(m: Any) -> bool:  # a group's box holds its members': asked only where text is read
        points = m.get_points_defining_boundary()  # (k, 3): get_corner's points, read once for both
        if len(points) == 0:
            return True
        lo, hi = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        return not (np.any(hi < -half) or np.any(lo > half))

    def walk(m: Any) -> None:
        if not visible(m, memo):
            return
        if isinstance(m, Text | MarkupText):
            if on_frame(m):
                found.append(getattr(m, "original_text", m.text))  # .text has lost its spaces
        elif isinstance(m, DecimalNumber):
            if on_frame(m):
                found.append(f"{m.get_value():.{m.num_decimal_places}f}")
        elif isinstance(m, SingleStringMathTex):
            if on_frame(m):
                found.append(m.tex_string)
        else:
            if getattr(m, "printed", None) and on_frame(m):
                found.extend(m.printed)  # a MatrixGrid's numbers="image"
            for sub in m.submobjects:
                walk(sub)

    for m in mobjects:
        walk(m)
    return found


def _sentence_of(narration: str, at: int) -> tuple[str, str]:
    """The sentence of ``narration`` holding character ``at``, and its text up to ``at``."""
    start = 0
    for end in _SENTENCE_END.finditer(narration):
        if end.start() > at:
            return narration[start:end.start()].strip(), narration[start:at]
        start = end.end()
    return narration[start:].strip(), narration[start:at]


def unseen_in_beat(step: str, beat: str, key: str, narration: str, texts: Sequence[str]) -> list[Unseen]:
    """Each decimal number ``narration`` says that none of ``texts`` (what the beat's settled
    frame shows) prints to two decimals, in order."""
    shown: dict[str, float] = {}
    for text in texts:
        for number in NUMBER.findall(text.replace("\u2212", "-")):
            shown.setdefault(number, float(number))
    line = narration.replace("\u2212", "-")
    found = []
    for match in NUMBER.finditer(line):
        said = float(match.group())
        if any(abs(said - x) < 0.005 for x in shown.values()):
            continue
        sentence, before = _sentence_of(narration, match.start())
        nearest = tuple(sorted(shown, key=lambda t: (abs(shown[t] - said), t))[:SHOWN_NEAREST])
        reason = next((a.reason for a in ALLOWED if a.excuses(step, beat, before)), "")
        found.append(Unseen(step, beat, key, sentence, said, nearest, reason, match.group()))
    return found


def unseen_in_step(step: str, texts: dict[str, list[str]],
                   beats: Sequence[tuple[str, str, float, float]]) -> list[Unseen]:
    """What :func:`unseen_in_beat` finds in each beat of ``step``: ``texts`` maps each frame's key
    (``"NN-end-of-<beat>"``, in order) to what it shows, ``beats`` is the scene's
    ``(name, narration, start, end)`` in order. A frame is taken at each beat's end (the first
    only once something is drawn): they are paired from the last backwards."""
    from attention_manim.beat_frames import slug

    found = []
    for (name, narration, _, _), key in zip(reversed(beats), reversed(list(texts)), strict=False):
        found[:0] = unseen_in_beat(step, slug(name), key, narration, texts[key])
    return found


def check_example(example: str | Path | Example, only: Sequence[str] = (), *,
                  log: Callable[[str], None] | None = None,
                  size: tuple[int, int] = (427, 240)) -> list[Unseen]:
    """Build ``only`` (step names; every step when empty) of ``example`` (a shipped example's name,
    a .toml path or a loaded example) with animations skipped, as the storyboard does, and return
    every number a beat says and its frame does not print (allowed ones included, marked). One
    process. Raises :class:`attention_content.examples.ExampleError` for a bad example and KeyError
    for an unknown step."""
    import importlib

    from attention_content.examples import load_example
    from attention_manim.beat_frames import build_beats
    from scenes.story import STORY, find_step

    loaded = example if hasattr(example, "sentences") else load_example(example)  # type: ignore[arg-type]
    found: list[Unseen] = []
    for step in ([find_step(n) for n in only] if only else list(STORY)):
        scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
        texts: dict[str, list[str]] = {}

        def at_beat_end(scene: Any, key: str, texts: dict[str, list[str]] = texts) -> None:
            texts[key] = screen_texts(scene.mobjects)

        with tempfile.TemporaryDirectory(prefix="narration-check-") as work:
            built = build_beats(scene_class, loaded, Path(work), size, storyboard=True,
                                at_beat_end=at_beat_end)
        step_found = unseen_in_step(step.module, texts, built.scene.beats)
        found += step_found
        if log is not None:
            log(f"narration: {step.module}: {len(texts)} beats, "
                f"{len([u for u in step_found if not u.allowed])} number(s) said and not shown")
    return found
