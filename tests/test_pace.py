"""The slow pace (``render --pace slow``): 13 characters a second (10 for a sentence of three
numbers or more), a slower voice (Piper's length_scale), its own output folders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from attention_explainer.render import RenderError, RenderOptions, _check_options, _plan
from attention_manim import voice
from attention_manim.settings import SettingsError, from_environment, settings
from scenes.story import STORY, find_step

PROJECT_DIR = Path(__file__).parent.parent
SUM = "(1.50, 1.60) + (-0.48, 2.32) = (1.02, 3.92)"  # 43 characters, 6 numbers


def test_the_pace_is_a_setting_and_a_bad_one_is_named() -> None:
    assert from_environment({}).pace == "normal"
    assert from_environment({"ATTENTION_PACE": "slow"}).pace == "slow"
    with pytest.raises(SettingsError, match="ATTENTION_PACE='fast': must be one of normal, slow"):
        from_environment({"ATTENTION_PACE": "fast"})
    with pytest.raises(RenderError, match="--pace must be one of normal, slow, not 'fast'"):
        _check_options(RenderOptions(pace="fast"))


def test_a_slow_render_has_its_own_folders_stamp_and_environment(tmp_path: Path) -> None:
    example = PROJECT_DIR / "assets" / "examples" / "apple.toml"

    def plan(**options: object) -> object:
        chosen = RenderOptions(media_dir=tmp_path, voice=True, **options)
        return _plan(chosen, STORY, find_step("words_in_context"), example, "apple")

    normal, slow = plan(), plan(pace="slow")
    assert (normal.env["ATTENTION_PACE"], slow.env["ATTENTION_PACE"]) == ("normal", "slow")
    assert normal.fingerprint != slow.fingerprint
    assert slow.video.parent.parent.name == "words_in_context-voice-slow"
    assert RenderOptions(voice=True, pace="slow").variant == "1080p60-voice-slow"
    assert RenderOptions(pace="slow").variant == "1080p60-slow"


def test_a_slow_scene_reads_at_13_characters_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    from scenes import base

    assert base.reading_seconds("x" * 26) == pytest.approx(26 / 17)
    assert base.reading_seconds(SUM) == pytest.approx(43 / 13)
    monkeypatch.setattr(base, "settings", lambda: dataclasses.replace(settings(), pace="slow"))
    assert base.reading_seconds("x" * 26) == pytest.approx(2.0)
    assert base.reading_seconds(SUM) == pytest.approx(4.3)
    assert voice.voice_settings("slow").length_scale == voice.SLOW_LENGTH_SCALE == 1.25
    assert voice.voice_settings("normal") == voice.VoiceSettings()


def test_the_slow_voice_says_the_same_words_in_more_time(tmp_path: Path) -> None:
    """Piper draws each phoneme's length with some noise (its ONNX model's random ops), and a
    clip's fixed pauses do not stretch: the ratio of three sentences together was seen from 1.14
    to 1.3 between runs, around the length scale, 1.25."""
    pytest.importorskip("piper", reason="the voice extra is not installed")
    texts = ("Each word becomes a point: apple is at one point five, one point six.",
             "Softmax turns the scores into weights that add up to one.",
             "The query of apple asks for words whose keys reach far along it.")
    normal, slow = (voice.Speaker(tmp_path, voice.voice_settings(pace)) for pace in ("normal", "slow"))
    said = [(normal.speak(text), slow.speak(text)) for text in texts]
    assert all(n.path != s.path for n, s in said)  # cached apart
    ratio = sum(s.seconds for _, s in said) / sum(n.seconds for n, _ in said)
    assert ratio == pytest.approx(1.25, abs=0.15)
