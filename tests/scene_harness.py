"""Build scenes in tests without writing video, and check their key frames.

``build_scene`` runs a scene's ``construct`` with animations skipped (each ``play`` jumps to
its end state), records the frame at the end of every beat at a low resolution, and
returns the scene so a test can read back what its mobjects show.

Key frames live in ``tests/keyframes/<example>/<Scene>/<NN>-<beat>.png``. When a scene's
look changes on purpose, refresh them with ``make keyframes`` (or
``UPDATE_KEYFRAMES=1 pytest``) and look at the new PNGs before committing them.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from manim import Mobject, config
from PIL import Image

from attention_content.example_types import Example
from attention_content.examples import load_example
from attention_explainer.access_check import BeatAccess, measure_frame
from attention_explainer.narration_check import (  # noqa: F401  (narration_numbers: for the scene tests)
    Unseen,
    narration_numbers,
    screen_texts,
    unseen_in_step,
    visible,
)
from attention_manim.beat_frames import build_beats
from attention_manim.settings import from_environment
from scenes.base import ExplainerScene
from scenes.story import find_step

KEYFRAME_DIR = Path(__file__).parent / "keyframes"
FAILURE_DIR = KEYFRAME_DIR / "_failures"
KEYFRAME_SIZE = (427, 240)  # pixel width, height: small, but text is still legible
# A pixel "differs" when a channel moves by more than this (antialiasing noise stays below).
PIXEL_TOLERANCE = 40
# A frame matches when at most this fraction of its pixels differ.
FRAME_TOLERANCE = 0.002


@dataclass
class BuiltScene:
    """A constructed scene and its key frames (beat name -> RGB array (h, w, 3))."""

    scene: ExplainerScene
    keyframes: dict[str, np.ndarray]
    srt_path: Path
    # beat name (as in the key frames) -> what the settled frame at its end measures
    layouts: dict[str, Layout] = field(default_factory=dict)
    # every animation that morphs text into different text in the same place, as "beat: old -> new"
    text_morphs: list[str] = field(default_factory=list)
    # each settled frame's accessibility measures (attention_explainer.access_check), in order
    access: list[BeatAccess] = field(default_factory=list)
    # beat name (as in the key frames) -> every text, formula and number its settled frame shows
    texts: dict[str, list[str]] = field(default_factory=dict)


_BUILT: dict[tuple[str, str, int], BuiltScene] = {}


@functools.cache
def _steps() -> tuple[str, ...]:
    from scenes.story import STORY

    return tuple(step.module for step in STORY)


def group_of(nodeid: str) -> str:
    """The group of the test ``nodeid`` (``make test`` runs each group on one worker, see
    ``conftest.pytest_xdist_make_scheduler``): the story step whose scene it builds (every test
    of ``test_scene_<name>.py``, ``cosine`` for ``cosine_similarity``; a test with a step among
    its parameters' ids, ``[apple-opening]``), else its module's path."""
    path, _, test = nodeid.partition("::")
    name = Path(path).stem
    if name.startswith("test_scene_"):
        name = name.removeprefix("test_scene_")
        return next((s for s in _steps() if s == name or s.startswith(f"{name}_")), path)
    ids = test[test.find("[") + 1:test.rfind("]")].split("-") if "[" in test else []
    return next((s for s in _steps() if s in ids), path)


@functools.cache
def shipped_example(name: str) -> Example:
    """The shipped example ``name``, loaded once per process: every test that builds a scene of
    it passes this one object, so :func:`build_scene` builds each scene of it once."""
    return load_example(name)


def build_scene(scene_class: type[ExplainerScene], example: Example, workdir: Path,
                fresh: bool = False) -> BuiltScene:
    """Construct ``scene_class`` for ``example`` with animations skipped; no video is written.

    A scene built once for an example object is reused by later calls in the same test
    session (the pacing tests and the scene's own tests share one build of each shipped
    example); ``fresh=True`` builds anew.
    """
    key = (scene_class.__module__, scene_class.__qualname__, id(example))
    if not fresh and key in _BUILT and _BUILT[key].scene.example is example:
        return _BUILT[key]
    _BUILT[key] = built = _build(scene_class, example, workdir)
    return built


def _build(scene_class: type[ExplainerScene], example: Example, workdir: Path) -> BuiltScene:
    """The storyboard's build (:func:`attention_explainer.storyboard.build_beats`: one
    implementation, with its fast paths: about 30% less time than manim's own skipping for
    the same frames, which tests/test_storyboard.py holds; the title beat shows its card),
    measuring each key frame's layout and noting text morphs as it goes."""
    layouts: dict[str, Layout] = {}
    morphs: list[str] = []
    access: list[BeatAccess] = []
    texts: dict[str, list[str]] = {}

    def at_beat_end(scene: ExplainerScene, key: str) -> None:
        layouts[key] = measure_layout(scene.mobjects)
        access.append(measure_frame(scene.mobjects, key))
        texts[key] = screen_texts(scene.mobjects)

    def at_play(scene: ExplainerScene, beat: str, animations: tuple[object, ...]) -> None:
        morphs.extend(f"{beat}: {m}" for a in animations for m in text_morphs(a))

    built = build_beats(scene_class, example, workdir, KEYFRAME_SIZE, at_beat_end=at_beat_end,
                        at_play=at_play, storyboard=True)
    return BuiltScene(built.scene, built.frames, workdir / f"{scene_class.__name__}.srt", layouts, morphs,
                      access=access, texts=texts)


def check_keyframes(built: BuiltScene) -> list[str]:
    """Compare ``built``'s key frames with the committed PNGs; return the mismatches.

    With ``UPDATE_KEYFRAMES`` on (``1``; a switch as the settings read it) the PNGs are
    (re)written instead and nothing fails.
    A mismatch writes ``<name>.actual.png`` and ``<name>.diff.png`` under
    ``tests/keyframes/_failures/`` to look at.
    """
    scene = built.scene
    folder = KEYFRAME_DIR / scene.example.name / type(scene).__name__
    update = from_environment(os.environ).update_keyframes  # the settings' on/off rule
    problems = []
    if update:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
    expected_names = {p.stem for p in folder.glob("*.png")} if not update else set()
    for name, frame in built.keyframes.items():
        path = folder / f"{name}.png"
        if update:
            Image.fromarray(frame).save(path)
            continue
        expected_names.discard(name)
        if not path.exists():
            problems.append(f"{path.relative_to(KEYFRAME_DIR)}: no control frame (run make keyframes)")
            continue
        reference = np.asarray(Image.open(path).convert("RGB"))
        if reference.shape != frame.shape:
            problems.append(f"{path.name}: size {frame.shape} differs from control {reference.shape}")
            continue
        changed = np.abs(reference.astype(int) - frame.astype(int)).max(axis=2) > PIXEL_TOLERANCE
        if changed.mean() > FRAME_TOLERANCE:
            _write_failure(folder, name, frame, changed)
            problems.append(f"{path.relative_to(KEYFRAME_DIR)}: {changed.mean():.2%} of pixels "
                            f"changed (see tests/keyframes/_failures/)")
    problems += [f"{n}: control frame has no beat any more" for n in sorted(expected_names)]
    return problems


def _write_failure(folder: Path, name: str, frame: np.ndarray, changed: np.ndarray) -> None:
    out = FAILURE_DIR / folder.relative_to(KEYFRAME_DIR)
    out.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(out / f"{name}.actual.png")
    diff = frame.copy()
    diff[changed] = (255, 0, 255)
    Image.fromarray(diff).save(out / f"{name}.diff.png")


# -- layout checks for crowded scenes

def overlapping_pairs(mobjects: list[Mobject]) -> list[tuple[str, str]]:
    """Pairs of ``mobjects`` whose bounding boxes overlap (named by their text if they have
    one), for asserting that labels stay readable."""
    def name(m: Mobject) -> str:
        return getattr(m, "text", None) or type(m).__name__

    boxes = [(m, m.get_corner([-1, -1, 0])[:2], m.get_corner([1, 1, 0])[:2]) for m in mobjects]
    return [(name(a), name(b)) for k, (a, a_lo, a_hi) in enumerate(boxes) for b, b_lo, b_hi in boxes[k + 1:]
            if np.all(a_lo < b_hi) and np.all(b_lo < a_hi)]


def outside_frame(mobjects: list[Mobject]) -> list[str]:
    """The ``mobjects`` that reach past the edge of the frame."""
    half = np.array([config.frame_width / 2, config.frame_height / 2]) + 1e-6
    return [getattr(m, "text", None) or type(m).__name__ for m in mobjects
            if np.any(m.get_corner([-1, -1, 0])[:2] < -half) or np.any(m.get_corner([1, 1, 0])[:2] > half)]


# -- narration: attention_explainer.narration_check reads what a frame shows (one implementation)

def unseen_numbers(built: BuiltScene) -> list[Unseen]:
    """Each number a beat's narration says that its settled frame does not show (to the
    printed two decimals), in order, allowed ones (:data:`narration_check.ALLOWED`) marked."""
    step = find_step(type(built.scene).__name__).module
    return unseen_in_step(step, built.texts, built.scene.beats)


def pacing_problems(built: BuiltScene, frame: float = 1 / 15) -> list[str]:
    """What makes a scene hard to follow, as readable lines (empty when it is fine):
    a subtitle read faster than ``style.READING_RATE`` characters a second (than
    ``style.DENSE_READING_RATE`` for a sentence of three numbers or more: ``reading_seconds``),
    a subtitle that does not start and end with its beat (within ``frame`` seconds), a beat with
    narration and no subtitle, a title card up for less than ``style.TITLE_HOLD`` or longer
    than its fades and its reading time, and a beat that says a result without holding its
    settled picture ``style.RESULT_HOLD`` after its sentence and its last animation."""
    from scenes import style
    from scenes.base import reading_seconds, title_card_hold

    problems = []
    scene = built.scene
    shown = {text: (start, end) for start, end, text in subtitles(built)}
    settled = getattr(scene, "settled", [(b[2], False) for b in scene.beats])
    for (name, narration, start, end), (still_from, holds) in zip(scene.beats, settled, strict=True):
        if name == "title":
            example = getattr(scene, "example", None)
            hold = title_card_hold(getattr(scene, "title", ""),
                                   getattr(scene, "subtitle", "") or getattr(example, "title", ""))
            fades = 2 * style.TITLE_FADE
            if not style.TITLE_HOLD + fades - frame <= end - start <= hold + fades + frame:
                problems.append(f"title card lasts {end - start:.2f} s")
            continue
        held = end - max(still_from, start + reading_seconds(narration))
        if holds and held < style.RESULT_HOLD - 1e-6:
            problems.append(f"beat {name!r} holds its result {held:.2f} s")
        if narration not in shown:
            problems.append(f"beat {name!r} has no subtitle")
            continue
        s_start, s_end = shown[narration]
        if abs(s_start - start) > frame or abs(s_end - end) > frame:
            problems.append(f"beat {name!r} runs {start:.2f}-{end:.2f} s but its subtitle "
                            f"{s_start:.2f}-{s_end:.2f} s")
        rate = len(narration) / max(s_end - s_start, 1e-9)
        if rate > style.READING_RATE + 0.01 or s_end - s_start < reading_seconds(narration) - 1e-3:
            problems.append(f"beat {name!r} is read at {rate:.1f} characters a second: {narration!r}")
    return problems


def subtitles(built: BuiltScene) -> list[tuple[float, float, str]]:
    """The scene's subtitles as (start, end, text) in seconds, in order."""
    return [(s.start.total_seconds(), s.end.total_seconds(), s.content)
            for s in built.scene.renderer.file_writer.subcaptions]


# -- layout at 1080p

FULL_HD_HEIGHT = 1080  # text sizes are judged at 1080p, whatever the test renders at


@dataclass(frozen=True)
class Layout:
    """What a settled frame measures.

    Attributes:
        smallest_text_px: the smallest cap height (height of a capital or a digit) of any
            visible text, formula or printed number, in pixels at 1080p (inf without text).
        smallest_text: which text that is.
        coverage: the area of the box around everything visible, over the frame's area.
    """

    smallest_text_px: float
    smallest_text: str
    coverage: float


_TEXT_TYPES: tuple[type, ...] = ()
_CAP_PER_FONT_SIZE: dict[type, float] = {}


def _cap_per_font_size() -> dict[type, float]:
    """Scene units of cap height per point of ``font_size``, measured once per kind of text."""
    global _TEXT_TYPES
    if not _CAP_PER_FONT_SIZE:
        from manim import DecimalNumber, MarkupText, MathTex, SingleStringMathTex, Text

        from scenes import style

        text = Text("H", font=style.FONT, font_size=100).height / 100
        tex = MathTex("0", font_size=100).height / 100
        _CAP_PER_FONT_SIZE.update({Text: text, MarkupText: text, DecimalNumber: tex,
                                   SingleStringMathTex: tex})
        _TEXT_TYPES = tuple(_CAP_PER_FONT_SIZE)
    return _CAP_PER_FONT_SIZE


def measure_layout(mobjects: list[Mobject]) -> Layout:
    """The :class:`Layout` of a frame showing ``mobjects`` (a scene's members)."""
    caps = _cap_per_font_size()
    half = np.array([config.frame_width / 2, config.frame_height / 2])
    px_per_unit = FULL_HD_HEIGHT / config.frame_height
    smallest, smallest_name = np.inf, ""
    lo, hi = np.array([np.inf, np.inf]), np.array([-np.inf, -np.inf])

    def walk(m: Mobject) -> None:
        nonlocal smallest, smallest_name, lo, hi
        if not visible(m):
            return
        m_lo, m_hi = m.get_corner([-1, -1, 0])[:2], m.get_corner([1, 1, 0])[:2]
        if np.any(m_hi < -half) or np.any(m_lo > half):
            return  # wholly off the frame
        kind = next((k for k in caps if isinstance(m, k)), None)
        number_height = getattr(m, "number_height", 0.0)
        if kind is not None or number_height:
            height = number_height if kind is None else caps[kind] * m.font_size
            if height * px_per_unit < smallest:
                smallest = height * px_per_unit
                smallest_name = getattr(m, "text", None) or getattr(m, "tex_string", None) or type(m).__name__
            if kind is not None:
                lo, hi = np.minimum(lo, m_lo), np.maximum(hi, m_hi)
                return
        if not m.submobjects:
            if m.has_points() or getattr(m, "pixel_array", None) is not None:
                lo, hi = np.minimum(lo, m_lo), np.maximum(hi, m_hi)
            return
        for sub in m.submobjects:
            walk(sub)

    for m in mobjects:
        walk(m)
    if np.any(np.isinf(lo)):
        return Layout(smallest, smallest_name, 0.0)
    lo, hi = np.maximum(lo, -half), np.minimum(hi, half)
    coverage = float(np.prod(np.clip(hi - lo, 0, None)) / np.prod(2 * half))
    return Layout(float(smallest), smallest_name, coverage)


MIN_TEXT_PX = 24.0  # the smallest cap height a text may have at 1080p (tests/test_layout.py)
MIN_COVERAGE = 0.5  # the least share of the frame the content's box may cover
CARDS = ("-title", "-credit", "-credits")  # beats whose frame is a card: only the text size counts


def layout_problems(layouts: dict[str, Layout]) -> list[str]:
    """Each beat whose settled frame has text too small to read or leaves the frame empty."""
    problems = []
    for beat, layout in layouts.items():
        if beat.endswith("-title"):
            continue
        if layout.smallest_text_px < MIN_TEXT_PX:
            problems.append(f"{beat}: {layout.smallest_text!r} is {layout.smallest_text_px:.1f} px tall "
                            f"at 1080p (at least {MIN_TEXT_PX:g})")
        if layout.coverage < MIN_COVERAGE and not beat.endswith(CARDS):
            problems.append(f"{beat}: the content covers {layout.coverage:.0%} of the frame "
                            f"(at least {MIN_COVERAGE:.0%})")
    return problems


# -- transitions

def shown_texts(m: Mobject) -> tuple[str, ...]:
    """The texts ``m`` shows (Text, formulas, numbers), outermost first, in order."""
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text

    if isinstance(m, Text | MarkupText):
        return (m.text,)
    if isinstance(m, DecimalNumber):
        return (f"{m.get_value():.{m.num_decimal_places}f}",)
    if isinstance(m, SingleStringMathTex):
        return (m.tex_string,)
    return tuple(t for sub in m.submobjects for t in shown_texts(sub))


def text_morphs(animation: object) -> list[str]:
    """The ways ``animation`` turns shown text into different text where the two overlap
    (a cross-fade of one text over another in the same place reads as a smear), as
    "old -> new"; groups are looked into, so matched parts of TransformMatchingTex pass."""
    from manim import Animation, AnimationGroup, FadeTransform, Transform

    if isinstance(animation, AnimationGroup):
        return [m for a in animation.animations for m in text_morphs(a)]
    if not isinstance(animation, Transform) or not isinstance(animation, Animation):
        return []
    if isinstance(animation, FadeTransform):
        old, new = animation.mobject.submobjects[0], animation.to_add_on_completion
    else:
        old, new = animation.mobject, animation.target_mobject
    if new is None:
        return []
    before, after = shown_texts(old), shown_texts(new)
    if not before or not after or before == after:
        return []
    if not boxes_overlap_2d(old, new):
        return []
    return [f"{' '.join(before)[:40]!r} -> {' '.join(after)[:40]!r}"]


def boxes_overlap_2d(a: Mobject, b: Mobject) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` overlap on the frame."""
    a_lo, a_hi = a.get_corner([-1, -1, 0])[:2], a.get_corner([1, 1, 0])[:2]
    b_lo, b_hi = b.get_corner([-1, -1, 0])[:2], b.get_corner([1, 1, 0])[:2]
    return bool(np.all(a_lo < b_hi) and np.all(b_lo < a_hi))


# -- examples made to break a claim

SHIPPED_APPLE = Path(__file__).resolve().parents[1] / "assets" / "examples" / "apple.toml"


def apple_with(tmp_path: Path, *edits: tuple[str, str]) -> Example:
    """apple.toml with each (old, new) replacement made once (``old`` must be there), loaded."""
    from attention_content.examples import load_example

    text = SHIPPED_APPLE.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "changed.toml"
    path.write_text(text)
    return load_example(path)


class ProbedAtBeatEnds:
    """A mixin for a test's subclass of a scene, put before the scene class: :meth:`probe` runs
    at the end of every beat (when the next beat starts, and at ``tear_down``) and what it returns
    (None: nothing) is kept in ``at_end[<beat name>]``.

        class ProbedTable(ProbedAtBeatEnds, SimilarityTable):
            def probe(self) -> dict | None:
                return {"shown": self.table.shown_numbers()} if hasattr(self, "table") else None
    """

    at_end: dict[str, dict]

    def setup(self) -> None:
        super().setup()  # type: ignore[misc]
        self.at_end = {}
        self._probe_name: str | None = None

    def beat(self, name: str, narration: str, *args: object, **kwargs: object) -> None:
        self._record()
        self._probe_name = name
        super().beat(name, narration, *args, **kwargs)  # type: ignore[misc]

    def tear_down(self) -> None:
        self._record()
        super().tear_down()  # type: ignore[misc]

    def probe(self) -> dict | None:
        """What the beat ending now left on screen; None to keep nothing."""
        return None

    def _record(self) -> None:
        if self._probe_name is not None:
            state = self.probe()
            if state is not None:
                self.at_end[self._probe_name] = state
