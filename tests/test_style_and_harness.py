"""The project's font really exists for Pango, and the key-frame check really can fail."""

from __future__ import annotations

import manimpango
import numpy as np
import pytest
from scene_harness import BuiltScene, check_keyframes, group_of

from scenes import style


def test_pango_has_the_style_font():
    # Pango silently falls back to another font when one is missing: check it is installed.
    assert style.FONT in manimpango.list_fonts(), "run scripts/setup.sh (installs fonts-inter)"


def test_grids_print_their_numbers_in_the_style_font_and_say_so_when_they_cannot(monkeypatch):
    import subprocess
    import warnings

    from PIL import ImageFont

    from scenes.components import matrices

    matrices._font_file.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", matrices.FontFallbackWarning)
        file = matrices._font_file()  # installed: no warning
    assert ImageFont.truetype(file, 20).getname()[0] == style.FONT

    def answers(text):
        def run(*args, **kwargs):
            if isinstance(text, Exception):
                raise text
            return subprocess.CompletedProcess(args, 0, stdout=text, stderr="")
        return run

    try:
        monkeypatch.setattr(subprocess, "run", answers("DejaVu Sans\n/usr/share/fonts/DejaVuSans.ttf"))
        matrices._font_file.cache_clear()
        with pytest.warns(matrices.FontFallbackWarning, match=r"printed in DejaVu Sans \(/usr/share.*"
                          r"fontconfig has no 'Inter'.*scripts/setup.sh"):
            assert matrices._font_file() == "/usr/share/fonts/DejaVuSans.ttf"
        monkeypatch.setattr(subprocess, "run", answers(FileNotFoundError("fc-match")))
        matrices._font_file.cache_clear()
        with pytest.warns(matrices.FontFallbackWarning, match="printed in PIL's default font"):
            assert matrices._font_file() is None
    finally:
        monkeypatch.undo()
        matrices._font_file.cache_clear()


class _Stub:
    """Stands in for a scene: check_keyframes only needs its example name and class name."""

    class example:  # noqa: N801
        name = "apple"


def test_keyframe_check_fails_on_a_changed_frame(tmp_path, monkeypatch):
    import scene_harness

    monkeypatch.setattr(scene_harness, "KEYFRAME_DIR", tmp_path)
    monkeypatch.setattr(scene_harness, "FAILURE_DIR", tmp_path / "_failures")
    frame = np.zeros((24, 40, 3), dtype=np.uint8)
    built = BuiltScene(_Stub(), {"00-end-of-beat": frame}, tmp_path / "x.srt")
    monkeypatch.setenv("UPDATE_KEYFRAMES", "1")
    assert check_keyframes(built) == []
    monkeypatch.delenv("UPDATE_KEYFRAMES")
    assert check_keyframes(built) == []  # the same frame matches

    changed = frame.copy()
    changed[5:15, 5:15] = 255  # a 10x10 square appears: 10% of the pixels
    problems = check_keyframes(BuiltScene(_Stub(), {"00-end-of-beat": changed}, tmp_path))
    assert len(problems) == 1 and "10.42% of pixels changed" in problems[0]
    assert (tmp_path / "_failures" / "apple" / "_Stub" / "00-end-of-beat.diff.png").exists()

    noisy = frame.copy()
    noisy[0, 0] = 30  # antialiasing-sized noise on one pixel is not a change
    assert check_keyframes(BuiltScene(_Stub(), {"00-end-of-beat": noisy}, tmp_path)) == []
    missing = check_keyframes(BuiltScene(_Stub(), {"01-end-of-new": frame}, tmp_path))
    assert any("no control frame" in p for p in missing)
    assert any("has no beat any more" in p for p in missing)


@pytest.mark.parametrize(("value", "writes"), [("1", True), ("true", True), ("yes", True),
                                               ("0", False), ("off", False), ("", False)])
def test_update_keyframes_is_a_switch_as_the_settings_read_it(tmp_path, monkeypatch, value, writes):
    import scene_harness

    monkeypatch.setattr(scene_harness, "KEYFRAME_DIR", tmp_path)
    monkeypatch.setattr(scene_harness, "FAILURE_DIR", tmp_path / "_failures")
    monkeypatch.setenv("UPDATE_KEYFRAMES", value)
    frame = np.zeros((24, 40, 3), dtype=np.uint8)
    problems = check_keyframes(BuiltScene(_Stub(), {"00-end-of-beat": frame}, tmp_path / "x.srt"))
    assert (tmp_path / "apple" / "_Stub" / "00-end-of-beat.png").exists() == writes
    assert (problems == []) == writes  # not writing, the missing control frame is a problem


# -- shared placement rules for crowded scenes

def test_labels_of_a_crowd_never_overlap_and_the_first_words_keep_theirs():
    from manim import config

    from scenes.components import WordDot, WordPlane, boxes_overlap, place_labels

    plane = WordPlane(np.array([[0.0, 0.0], [4.0, 4.0]]), "x", "y")
    crowd = [WordDot(plane, f"word{k}", (1.0, 1.0), style.TEXT) for k in range(12)]
    shown = place_labels(crowd)
    assert shown == crowd[:len(shown)] and 4 <= len(shown) <= 8  # the most important first
    labels = [w.label for w in shown]
    assert not any(boxes_overlap(a, b) for k, a in enumerate(labels) for b in labels[k + 1:])
    assert all(not w.label_shown and w.label not in w.submobjects for w in crowd[len(shown):])
    # a word at the right edge of the frame is named on its left, inside the frame
    edge = WordDot(plane, "edge", (0.0, 0.0), style.TEXT)
    edge.dot.move_to([config.frame_width / 2 - 0.1, 0, 0])
    assert place_labels([edge]) == [edge]
    assert edge.label.get_right()[0] <= config.frame_width / 2
    assert edge.label.get_center()[0] < edge.dot.get_x()


def test_crowded_matrix_labels_keep_a_steps_distance_and_the_focus():
    from scenes.components.matrices import labelled_indices

    assert labelled_indices(5, 1, {3}) == [0, 1, 2, 3, 4]
    chosen = labelled_indices(32, 3, {10})
    assert 10 in chosen and len(chosen) >= 10
    assert all(b - a >= 3 for a, b in zip(chosen, chosen[1:], strict=False))


def test_a_word_label_is_a_fresh_copy_of_the_text_pango_makes() -> None:
    """word_label hands out copies of one Text made per word, colour and size (without the
    SVG's element groups, which copying cost most of the time): each is the Text manim makes,
    point for point and colour for colour, and moving one moves no other."""
    from manim import RIGHT, Text

    from scenes.components.captions import word_label

    made = Text("its top guesses:", font=style.FONT, font_size=style.BODY_SIZE, color=style.FOCUS)
    first = word_label("its top guesses:", style.FOCUS, style.BODY_SIZE)
    second = word_label("its top guesses:", style.FOCUS, style.BODY_SIZE).shift(2 * RIGHT)
    assert first is not second and first.id_to_vgroup_dict == {}
    assert np.array_equal(first.get_all_points(), made.get_all_points())
    assert np.array_equal(second.get_all_points(), made.get_all_points() + 2 * RIGHT)
    assert [type(m) for m in first.get_family()] == [type(m) for m in made.get_family()]
    for ours, manims in zip(first.get_family(), made.get_family(), strict=True):
        assert np.array_equal(ours.get_fill_rgbas(), manims.get_fill_rgbas())
    other = word_label("its top guesses:", style.TEXT, style.BODY_SIZE)
    assert not np.array_equal(other[0].get_fill_rgbas(), first[0].get_fill_rgbas())


@pytest.mark.parametrize(("value", "places", "printed"), [
    (-0.004, 2, "0.00"), (-0.0049, 2, "0.00"), (-0.005001, 2, "-0.01"), (-1e-12, 2, "0.00"),
    (-0.0, 2, "0.00"),
    (np.float64(-0.0004), 3, "0.000"), (-0.0006, 3, "-0.001"), (0.806, 2, "0.81"), (-0.214, 2, "-0.21"),
    (np.float32(-0.001), 2, "0.00"), (12.5, 1, "12.5")])
def test_fmt_never_prints_minus_zero(value, places, printed):
    assert style.fmt(value, places) == printed


def test_scenes_print_numbers_only_through_fmt():
    """The one "-0.00" guard is style.fmt: no scene or component formats a float itself."""
    import re
    from pathlib import Path

    own = re.compile(r"f\"\{[^}]*:\.(\d|\{[^}]*\})f\}")  # f"{x:.2f}", f"{x:.{places}f}"
    root = Path(style.__file__).parent
    found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py")) if path.name != "style.py"
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if own.search(line) and "float(" not in line  # a float parsed back from text is no print
             and "get_value()" not in line]  # nor the text a DecimalNumber shows, read back
    assert found == []


@pytest.mark.parametrize(("nodeid", "group"), [
    ("tests/test_layout.py::test_no_text_morphs_into_other_text_in_place[apple-opening]", "opening"),
    ("tests/test_pacing.py::test_every_beat_is_paced_to_be_read[bank-real_model]", "real_model"),
    ("tests/test_scene_cosine.py::test_pair_is_focus[apple]", "cosine_similarity"),
    ("tests/test_scene_multi_head.py::test_heads", "multi_head"),
    ("tests/test_scene_keys_teachers.py::test_x[seal]", "tests/test_scene_keys_teachers.py"),
    ("tests/test_lifetime.py::test_a_stopped_storyboard_leaves_no_process_and_one_line[2-130]",
     "tests/test_lifetime.py"),
    ("scenes/style.py::scenes.style.fmt", "scenes/style.py"),
])
def test_make_test_groups_each_steps_tests_on_one_worker(nodeid, group):
    """make test's scheduler (conftest.pytest_xdist_make_scheduler) sends a group to one
    worker: every test that builds a step's scene shares that step's group, the rest their module's."""
    assert group_of(nodeid) == group
