"""Every beat of every scene can be followed: its subtitle spans exactly the beat, is read at
most at style.READING_RATE characters a second, and title cards are short."""

from __future__ import annotations

import importlib

import pytest
from scene_harness import BuiltScene, build_scene, pacing_problems

from scenes import style
from scenes.story import STORY


@pytest.mark.parametrize("step", STORY, ids=[s.module for s in STORY])
def test_every_beat_is_paced_to_be_read(step, example, tmp_path_factory):
    scene_class = getattr(importlib.import_module(f"scenes.{step.module}"), step.scene)
    built = build_scene(scene_class, example, tmp_path_factory.mktemp(step.module))
    assert pacing_problems(built) == []
    beats = built.scene.beats
    assert beats[0][0] == "title" and len(beats) >= 3
    # beats follow each other with no gap, and the scene ends with its last beat
    for (_, _, _, end), (_, _, start, _) in zip(beats, beats[1:], strict=False):
        assert start == pytest.approx(end)
    assert beats[-1][3] == pytest.approx(built.scene.renderer.time)


class _Scene:
    def __init__(self, beats):
        self.beats = beats


class _Writer:
    def __init__(self, subs):
        self.subcaptions = subs


def _fake(beats, subs) -> BuiltScene:
    import datetime

    import srt

    scene = _Scene(beats)
    scene.renderer = type("R", (), {"file_writer": _Writer([
        srt.Subtitle(i, datetime.timedelta(seconds=a), datetime.timedelta(seconds=b), t)
        for i, (a, b, t) in enumerate(subs)])})()
    return BuiltScene(scene, {}, None)  # type: ignore[arg-type]


def test_pacing_problems_are_found():
    line = "x" * 34  # two seconds of reading
    good = _fake([("title", "", 0.0, 1.5), ("one", line, 1.5, 3.5)], [(1.5, 3.5, line)])
    assert pacing_problems(good) == []
    fast = _fake([("title", "", 0.0, 1.5), ("one", line, 1.5, 2.5)], [(1.5, 2.5, line)])
    assert "34.0 characters a second" in pacing_problems(fast)[0]
    shifted = _fake([("title", "", 0.0, 1.5), ("one", line, 1.5, 3.5)], [(1.5, 4.5, line)])
    assert "subtitle 1.50-4.50" in pacing_problems(shifted)[0]
    silent = _fake([("title", "", 0.0, 1.5), ("one", line, 1.5, 3.5)], [])
    assert pacing_problems(silent) == ["beat 'one' has no subtitle"]
    long_title = _fake([("title", "", 0.0, 3.5)], [])
    assert pacing_problems(long_title) == ["title card lasts 3.50 s"]
    assert style.READING_RATE == 17.0
