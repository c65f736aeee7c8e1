"""The storyboard (attention_explainer/storyboard.py) and the shared LaTeX/text cache
(attention_manim/manim_patches/): the storyboard's frames are the key frames the scene
tests check; several processes filling one cache make the same SVGs as one process; a broken
cache entry is made again, not drawn."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scene_harness import FRAME_TOLERANCE, KEYFRAME_DIR, KEYFRAME_SIZE, PIXEL_TOLERANCE

from attention_explainer.storyboard import make_storyboard

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------ storyboard


STEPS = [("04-similarity_table", "SimilarityTable"), ("05-gravity_pull", "GravityPull"),
         ("10-multi_head", "MultiHeadAttention"), ("11-training", "Training")]


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """apple's storyboard of four steps at the key frames' size, built in two processes: steps
    with still waits, fades, Create, Write, ``.animate`` and a picture made by
    ``flattened`` (training), so that the storyboard's fast paths meet each."""
    media = tmp_path_factory.mktemp("media")
    return make_storyboard("apple", [m.split("-", 1)[1] for m, _ in STEPS], media, jobs=2, size=KEYFRAME_SIZE,
                           log=lambda line: None)


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > PIXEL_TOLERANCE).mean())


def _rgb(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


@pytest.fixture(scope="module")
def manims_own(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, np.ndarray]]:
    """The same four steps built with manim's own skipping (no storyboard fast path): scene
    name -> its beat frames. The key frames are the storyboard's (tests/scene_harness.py
    builds with ``storyboard=True``); this is the independent build they are held to."""
    import importlib

    from attention_content.examples import load_example
    from attention_manim.beat_frames import build_beats

    example, built = load_example("apple"), {}
    for folder, scene in STEPS:
        module = importlib.import_module(f"scenes.{folder.split('-', 1)[1]}")
        workdir = tmp_path_factory.mktemp(scene)
        built[scene] = build_beats(getattr(module, scene), example, workdir, KEYFRAME_SIZE).frames
    return built


@pytest.mark.parametrize(("folder", "scene"), STEPS)
def test_the_storyboard_frames_are_the_key_frames(board: Path, folder: str, scene: str) -> None:
    """The storyboard written by make_storyboard (two worker processes, PNGs) shows exactly
    the key frames the scene tests check."""
    control = sorted((KEYFRAME_DIR / "apple" / scene).glob("*.png"))
    frames = sorted((board / folder).glob("*.png"))
    assert [p.name for p in frames] == [p.name for p in control]
    for frame, expected in zip(frames, control, strict=True):
        changed = _changed(_rgb(frame), _rgb(expected))
        assert changed <= FRAME_TOLERANCE, f"{frame.name}: {changed:.2%} of pixels differ"


@pytest.mark.parametrize(("folder", "scene"), STEPS)
def test_manims_own_skipping_makes_the_same_frames(manims_own: dict[str, dict[str, np.ndarray]],
                                                   folder: str, scene: str) -> None:
    """The storyboard skips drawing and copying (fades, Create, Write, GrowArrow jump to their
    end): built with manim's own skipping, every beat's frame is the same, but for the
    title's (below)."""
    control = sorted((KEYFRAME_DIR / "apple" / scene).glob("*.png"))
    frames = manims_own[scene]
    assert sorted(frames) == [p.stem for p in control]
    for name, expected in zip(sorted(frames)[1:], control[1:], strict=True):
        changed = _changed(frames[name], _rgb(expected))
        assert changed <= FRAME_TOLERANCE, f"{name}: {changed:.2%} of pixels differ"


@pytest.mark.parametrize(("folder", "scene"), STEPS)
def test_the_title_beat_shows_its_card_not_a_blank_frame(board: Path,
                                                         manims_own: dict[str, dict[str, np.ndarray]],
                                                         folder: str, scene: str) -> None:
    """The title beat ends as its card fades out (manim's own skipping leaves a blank frame):
    the storyboard shows the card as it stood, drawn here alone from the scene's title and
    the example's."""
    import importlib

    from manim import tempconfig

    from attention_content.examples import load_example
    from attention_manim import manim_patches
    from scenes.components.cards import title_card

    module = importlib.import_module(f"scenes.{folder.split('-', 1)[1]}")
    scene_class = getattr(module, scene)
    frame = _rgb(board / folder / "00-end-of-title.png")
    blank = manims_own[scene]["00-end-of-title"]
    with tempconfig({"pixel_width": KEYFRAME_SIZE[0], "pixel_height": KEYFRAME_SIZE[1]}):
        manim_patches.apply()
        camera = manim_patches.camera_class()()
        camera.capture_mobjects([title_card(scene_class.title, scene_class.subtitle
                                            or load_example("apple").title)])
        card = np.asarray(camera.get_image().convert("RGB"))
    assert _changed(card, blank) > 0.01  # the card is something to see
    assert _changed(frame, card) <= FRAME_TOLERANCE


def test_the_storyboard_camera_draws_a_kept_path_as_it_drew_it_first(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The storyboard's camera traces an outline it drew in an earlier frame from the cairo
    path it kept: multi-head's frames are the lean camera's (manim's drawing) pixel for
    pixel, and most outlines were traced from kept paths."""
    import importlib

    from attention_content.examples import load_example
    from attention_manim import manim_patches
    from attention_manim.beat_frames import build_beats

    scene_class = importlib.import_module("scenes.multi_head").MultiHeadAttention
    example = load_example("apple")
    (tmp_path / "kept").mkdir()
    (tmp_path / "drawn").mkdir()
    kept = build_beats(scene_class, example, tmp_path / "kept", KEYFRAME_SIZE, storyboard=True)
    camera = kept.scene.renderer.camera
    assert isinstance(camera, manim_patches.StoryboardCamera)
    assert camera.path_hits > 2 * camera.path_misses > 0
    monkeypatch.setattr(manim_patches, "StoryboardCamera", manim_patches.LeanCamera)
    drawn = build_beats(scene_class, example, tmp_path / "drawn", KEYFRAME_SIZE, storyboard=True)
    assert type(drawn.scene.renderer.camera) is manim_patches.LeanCamera
    assert list(kept.frames) == list(drawn.frames)
    for key, frame in kept.frames.items():
        assert np.array_equal(frame, drawn.frames[key]), key


def test_one_step_built_here_its_frames_written_by_a_helper_process(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """One step is built in this process while a helper process (a second core) writes its
    frames and the PDF: the same key frames, every one, and the page and PDF complete."""
    from attention_explainer import storyboard

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    helpers = []
    writer = storyboard._Writer
    monkeypatch.setattr(storyboard, "_Writer", lambda helper: helpers.append(helper) or writer(helper))
    board = make_storyboard("apple", ["multi_head"], tmp_path, size=KEYFRAME_SIZE, log=lambda line: None)
    assert helpers == [True]
    control = sorted((KEYFRAME_DIR / "apple" / "MultiHeadAttention").glob("*.png"))
    frames = sorted((board / "10-multi_head").glob("*.png"))
    assert [p.name for p in frames] == [p.name for p in control] and len(frames) == 8
    for frame, expected in zip(frames, control, strict=True):
        changed = _changed(_rgb(frame), _rgb(expected))
        assert changed <= FRAME_TOLERANCE, f"{frame.name}: {changed:.2%} of pixels differ"
    page = (board / "storyboard.html").read_text()
    assert page.count('<img src="10-multi_head/') == 8
    pdf = (board / "storyboard.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages, images = re.findall(rb"/Type\s*/Page(?![s\w])", pdf), re.findall(rb"/Subtype\s*/Image", pdf)
    assert len(pages) == len(images) == 8
    assert not list(board.glob(".*"))  # the PDF's JPEGs are gone


BROKEN = """
from manim import Create, Square
from scenes.base import ExplainerScene

class TinyBroken(ExplainerScene):
    def construct(self):
        self.beat("square", "A square.")
        self.play(Create(Square()), run_time=0.4)
        self.beat("broken", "It breaks.")
        raise RuntimeError("the tiny scene breaks here")
"""


def test_a_step_that_fails_with_its_frames_in_the_helper_is_one_message_and_leaves_the_old_board(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scene breaks after its first frame went to the helper process: one message naming
    the step, the helper gone, no partial folder, the previous storyboard as it was."""
    import multiprocessing

    from attention_explainer.storyboard import StoryboardError
    from scenes.story import Step

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    (tmp_path / "tiny_broken.py").write_text(BROKEN)
    old = tmp_path / "media" / "storyboard" / "apple"
    old.mkdir(parents=True)
    (old / "storyboard.html").write_text("the last good one")
    story = (Step("tiny_broken", "TinyBroken", "Broken", source=tmp_path / "tiny_broken.py"),)
    with pytest.raises(StoryboardError) as raised:
        make_storyboard("apple", [], tmp_path / "media", size=KEYFRAME_SIZE, story=story,
                        log=lambda line: None)
    assert str(raised.value) == ("tiny_broken: the scene did not build "
                                 "(RuntimeError: the tiny scene breaks here)")
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in old.parent.iterdir()) == ["apple"]
    assert [p.name for p in old.iterdir()] == ["storyboard.html"]
    assert (old / "storyboard.html").read_text() == "the last good one"


def test_the_page_shows_each_frame_beside_its_narration_and_rate(board: Path) -> None:
    from scenes import style

    page = (board / "storyboard.html").read_text()
    assert (board / "storyboard.pdf").read_bytes()[:5] == b"%PDF-"
    # every frame once, in the story's order
    shown = [line.split('src="')[1].split('"')[0] for line in page.splitlines() if 'src="' in line]
    assert shown == [f"{p.parent.name}/{p.name}" for d, _ in STEPS for p in sorted((board / d).glob("*.png"))]
    assert not list(board.glob(".*"))  # the PDF's JPEGs are gone
    # a beat's row: its frame, its name, its narration and the rate it is read at
    row = next(line for line in page.splitlines() if "10-multi_head/01-end-of-heads.png" in line)
    narration = row.split("<p>")[1].split("</p>")[0]
    seconds = float(row.split('rate">')[1].split(" s,")[0])
    rate = float(row.split("read at ")[1].split(" ")[0])
    assert narration and "<b>heads</b>" in row
    assert abs(rate - len(narration.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&"))
               / seconds) < 0.2
    assert rate <= style.READING_RATE + 0.1


def test_a_story_warning_shows_under_its_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               fake_storyboard_steps) -> None:
    """A claim of the multi-head step the numbers deny: the checker's warning line is on the
    page (HTML and PDF) under that step and no other (the steps' building is faked here)."""
    import attention_content.story as story

    denied = story.Claim("multi_head", "heads_look_apart", 0, "the heads look at <different> words", False,
                         "each head's most-attended other word: a x, b x")
    monkeypatch.setattr(story, "story_claims", lambda example: (denied,))
    fake_storyboard_steps()
    board = make_storyboard("apple", ["cosine_similarity", "multi_head"], tmp_path, log=lambda line: None)
    page = (board / "storyboard.html").read_text()
    warning = html.escape(denied.warning)
    assert page.count("class=warn") == 1
    assert page.index("Multi-head attention") < page.index(warning)
    assert page.index("Similarity: dot product and cosine") < page.index("Multi-head attention")
    assert "5.5 characters/s" in page  # 11 characters over 2 s
    pdf = (board / "storyboard.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")


def test_the_page_shows_each_frames_accessibility_and_each_steps_problems(
        board: Path, tmp_path: Path, fake_storyboard_steps) -> None:
    """Under each frame the accessibility check's measures (attention_explainer/access_check.py);
    under a step its problems (here made up: the steps' building is faked)."""

    page = (board / "storyboard.html").read_text()
    row = next(line for line in page.splitlines() if "10-multi_head/01-end-of-heads.png" in line)
    assert "colours apart by dE" in row and "deutan" in row and "text contrast ≥" in row
    cue_too_long = ("cue 3 lasts 9.0 s > 7 s: 'x'",)
    fake_storyboard_steps(access="text contrast ≥ 1.2:1",
                          problems=lambda module: cue_too_long if module == "multi_head" else ())
    page = (make_storyboard("apple", ["cosine_similarity", "multi_head"], tmp_path, log=lambda line: None)
            / "storyboard.html").read_text()
    assert page.count("accessibility: cue 3 lasts 9.0 s") == 1
    assert page.index("Multi-head attention") < page.index("accessibility: cue 3")
    assert page.count("text contrast ≥ 1.2:1") == 2


def test_the_command_ends_without_teardown_its_line_and_files_all_out(tmp_path: Path) -> None:
    """``python -m attention_explainer storyboard`` (as the console script) leaves without
    Python's teardown: its line reaches a pipe (stdout buffered: no PYTHONUNBUFFERED), the
    code is 0, the page and the PDF are whole."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    command = ["storyboard", "--only", "multi_head", "--size", "427,240", "--media-dir", str(tmp_path)]
    result = subprocess.run([sys.executable, "-m", "attention_explainer", *command], cwd=ROOT,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    board = tmp_path / "storyboard" / "apple"
    assert result.stdout.startswith("storyboard: 1 step(s), 8 beats in ")
    assert result.stdout.endswith(f"{board / 'storyboard.html'}\n")
    assert (board / "storyboard.html").read_text().endswith("</html>\n")
    pdf = (board / "storyboard.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(list((board / "10-multi_head").glob("*.png"))) == 8


def test_a_bad_step_name_is_one_message_and_writes_nothing(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "attention_explainer", "storyboard", "--only", "nope",
                             "--media-dir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("attention-explainer: no step called 'nope'")
    assert "Traceback" not in result.stderr
    assert not any((tmp_path / "storyboard").glob("*/*")) if (tmp_path / "storyboard").exists() else True


# ------------------------------------------------------------------------------ the shared cache

# Each process makes the same texts and formulas in its own order (its seed), each three times
# (manim rewrites a text's SVG every time a Text is made from it), and prints nothing.
FILL = r'''
import random, sys
from attention_manim import manim_patches
assert manim_patches.apply()
from manim import MathTex, Text, config
config.media_dir = sys.argv[2]
manim_patches.apply()
texts = [f"word {n} é" for n in range(30)] + ["apple", "orange", "the bank"]
formulas = [rf"\frac{{{n}}}{{{n + 1}}}" for n in range(6)] + [r"\sum_j w_{ij} v_j", "0.84"]
jobs = [("t", t) for t in texts] * 3 + [("m", f) for f in formulas] * 2
random.Random(int(sys.argv[1])).shuffle(jobs)
for kind, value in jobs:
    (Text(value, font_size=30) if kind == "t" else MathTex(value)).get_center()
'''


def _fill(cache: Path, seeds: list[int], tmp_path: Path) -> None:
    env = {**os.environ, "ATTENTION_MANIM_CACHE": str(cache), "ATTENTION_SPEEDUPS": "1"}
    processes = [subprocess.Popen([sys.executable, "-c", FILL, str(seed), str(tmp_path / f"media{seed}")],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for seed in seeds]
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]


def _same_drawing(svg: bytes) -> bytes:
    """An SVG without cairo's surface number (``<g id="surface6">``: how many surfaces its
    process had made before; the drawing is the same)."""
    return re.sub(rb'id="surface\d+"', b'id="surface"', svg)


def _entries(cache: Path) -> dict[str, bytes]:
    return {str(p.relative_to(cache)): _same_drawing(p.read_bytes()) for p in sorted(cache.rglob("*"))
            if p.is_file()}


def test_processes_filling_one_cache_make_the_svgs_one_process_makes(tmp_path: Path) -> None:
    _fill(tmp_path / "alone", [0], tmp_path)
    _fill(tmp_path / "together", [1, 2, 3, 4], tmp_path)
    alone, together = _entries(tmp_path / "alone"), _entries(tmp_path / "together")
    assert len([n for n in alone if n.startswith("Tex/") and n.endswith(".svg")]) == 8
    assert len([n for n in alone if n.startswith("texts/") and n.endswith(".svg")]) == 33
    assert len([n for n in alone if n.endswith(".svg.check")]) == 8 + 33  # each entry's check
    assert sorted(together) == sorted(alone)  # nothing else left behind: no .dvi, no half files
    # the same drawings (their checks hash cairo's surface numbers: not compared)
    assert [n for n in alone if n.endswith(".svg") and together[n] != alone[n]] == []
    # and no process wrote into its own media dir's folders
    assert not list(tmp_path.glob("media*/Tex/*")) and not list(tmp_path.glob("media*/texts/*"))


def test_a_broken_cache_entry_is_made_again_not_drawn(tmp_path: Path) -> None:
    from manim import MathTex, Text, tempconfig

    from attention_manim import manim_patches

    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts")}):
        assert manim_patches.apply()
        made = [Text("broken entry", font_size=30), MathTex(r"\frac{a}{b} + 7")]
        entries = sorted(tmp_path.rglob("*.svg"))
        assert len(entries) == 2
        whole = {p: p.read_bytes() for p in entries}
        for path, data in whole.items():  # a render killed while writing, a full disk
            path.write_bytes(data[: len(data) // 2])
            assert not manim_patches.whole_svg(path)
        again = [Text("broken entry", font_size=30), MathTex(r"\frac{a}{b} + 7")]
    assert ({p: _same_drawing(p.read_bytes()) for p in entries}
            == {p: _same_drawing(b) for p, b in whole.items()})
    for first, second in zip(made, again, strict=True):
        assert np.allclose(first.get_all_points(), second.get_all_points())
        assert len(second.get_all_points()) > 20


def test_with_the_speedups_off_manim_keeps_its_own_folders(tmp_path: Path) -> None:
    code = ("from attention_manim import manim_patches; from manim import config, Text; "
            "print(manim_patches.apply(), config.tex_dir, config.text_dir); Text('off')")
    env = {**os.environ, "ATTENTION_SPEEDUPS": "0", "ATTENTION_MANIM_CACHE": str(tmp_path / "shared")}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True)
    assert result.stdout.split() == ["False", "{media_dir}/Tex", "{media_dir}/texts"], result.stderr[-2000:]
    assert not (tmp_path / "shared").exists()
    assert len(list((tmp_path / "media" / "texts").glob("*.svg"))) == 1


def test_the_workers_environment_adds_one_blas_thread_and_keeps_the_users_choice(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The storyboard's workers start with one BLAS thread (settings.children_see), unless the
    user chose a number; the variable is gone again afterwards."""
    from attention_explainer.storyboard import ONE_BLAS_THREAD
    from attention_manim.settings import children_see

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    show = "import os; print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'))"
    with children_see(**dict.fromkeys(ONE_BLAS_THREAD, "1")):
        seen = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True,
                              check=True).stdout.split()
    assert seen == ["1", "3"]
    assert "OPENBLAS_NUM_THREADS" not in os.environ and os.environ["OMP_NUM_THREADS"] == "3"


def test_the_command_line_starts_with_one_blas_thread_unless_the_user_chose() -> None:
    """Every command (and every process it starts) has one BLAS thread, set before numpy reads
    it; a number the user set stays."""
    from attention_explainer import ONE_BLAS_THREAD

    probe = ("import os, sys; import attention_explainer.__main__; "
             "assert 'numpy' in sys.modules; print([os.environ[n] for n in sys.argv[1:]])")
    for chosen, expected in ((None, "1"), ("3", "3")):
        env = {k: v for k, v in os.environ.items() if k not in ONE_BLAS_THREAD}
        if chosen:
            env["OPENBLAS_NUM_THREADS"] = chosen
        shown = subprocess.run([sys.executable, "-c", probe, *ONE_BLAS_THREAD], cwd=ROOT, env=env,
                               capture_output=True, text=True, check=True).stdout
        assert shown.strip() == str([expected, "1", "1"])
