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
    def __init__(self, beats, settled=None):
        self.beats = beats
        if settled is not None:
            self.settled = settled


class _Writer:
    def __init__(self, subs):
        self.subcaptions = subs


def _fake(beats, subs, settled=None) -> BuiltScene:
    import datetime

    import srt

    scene = _Scene(beats, settled)
    scene.renderer = type("R", (), {"file_writer": _Writer([
        srt.Subtitle(i, datetime.timedelta(seconds=a), datetime.timedelta(seconds=b), t)
        for i, (a, b, t) in enumerate(subs)])})()
    return BuiltScene(scene, {}, None)  # type: ignore[arg-type]


def test_pacing_problems_are_found():
    line = "x" * 34  # two seconds of reading
    good = _fake([("title", "", 0.0, 3.0), ("one", line, 3.0, 5.0)], [(3.0, 5.0, line)])
    assert pacing_problems(good) == []
    fast = _fake([("title", "", 0.0, 3.0), ("one", line, 3.0, 4.0)], [(3.0, 4.0, line)])
    assert "34.0 characters a second" in pacing_problems(fast)[0]
    shifted = _fake([("title", "", 0.0, 3.0), ("one", line, 3.0, 5.0)], [(3.0, 6.0, line)])
    assert "subtitle 3.00-6.00" in pacing_problems(shifted)[0]
    silent = _fake([("title", "", 0.0, 3.0), ("one", line, 3.0, 5.0)], [])
    assert pacing_problems(silent) == ["beat 'one' has no subtitle"]
    long_title = _fake([("title", "", 0.0, 4.5)], [])
    assert pacing_problems(long_title) == ["title card lasts 4.50 s"]
    short_title = _fake([("title", "", 0.0, 1.5)], [])  # the old card: too short to read
    assert pacing_problems(short_title) == ["title card lasts 1.50 s"]
    assert style.READING_RATE == 17.0


def test_numbers_are_given_time_and_results_are_held():
    sum_line = "(1.50, 1.60) + (-0.48, 2.32) = (1.02, 3.92)"  # 43 characters, 6 numbers: 13 a second
    title = ("title", "", 0.0, 3.0)
    # read at 16.5 characters a second: fast enough for words, too fast for six numbers
    dense = _fake([title, ("sum", sum_line, 3.0, 5.6)], [(3.0, 5.6, sum_line)])
    assert "'sum' is read at 16.5 characters a second" in pacing_problems(dense)[0]
    # read in 3.31 s, settled at 4.0 s: held until 3.31 + 2 s after its start
    held = [(0.0, False), (4.0, True)]
    enough = _fake([title, ("sum", sum_line, 3.0, 8.31)], [(3.0, 8.31, sum_line)], held)
    assert pacing_problems(enough) == []
    short = _fake([title, ("sum", sum_line, 3.0, 7.6)], [(3.0, 7.6, sum_line)], held)
    assert pacing_problems(short) == ["beat 'sum' holds its result 1.29 s"]
    late = [(0.0, False), (7.0, True)]  # its last animation ended after the sentence
    animated = _fake([title, ("sum", sum_line, 3.0, 8.31)], [(3.0, 8.31, sum_line)], late)
    assert pacing_problems(animated) == ["beat 'sum' holds its result 1.31 s"]
