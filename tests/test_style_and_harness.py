"""The project's font really exists for Pango, and the key-frame check really can fail."""

from __future__ import annotations

import manimpango
import numpy as np
from scene_harness import BuiltScene, check_keyframes

from scenes import style


def test_pango_has_the_style_font():
    # Pango silently falls back to another font when one is missing: check it is installed.
    assert style.FONT in manimpango.list_fonts(), "run scripts/setup.sh (installs fonts-inter)"


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
